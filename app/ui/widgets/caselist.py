"""A filterable, paged list of cases. Pages come from SQL, so years of history stay fast."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from datetime import datetime

import ttkbootstrap as ttk

from app.domain import workflows
from app.i18n import _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.cases import CaseFilter, count_cases, list_cases
from app.services.views import CaseRow
from app.ui.desk import Desk

PAGE = 200


class CaseBrowser(ttk.Frame):
    """Filters (kind, status, overdue, assignee, dates, text) over a list; selecting a row
    calls ``on_select(number)``."""

    COLUMNS = (
        ("number", "Number", 140),
        ("created", "Received", 118),
        ("kind", "Kind", 90),
        ("status", "Status", 150),
        ("customer", "Customer", 90),
        ("product", "Product", 160),
        ("assignee", "Assignee", 80),
        ("promise", "Promised", 90),
    )

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        *,
        kinds: Sequence[str] = (),
        on_select: Callable[[str], None] | None = None,
        assignees: Sequence[str] = (),
    ) -> None:
        super().__init__(master)
        self.desk = desk
        self.kinds = tuple(kinds) or tuple(KINDS)
        self.on_select = on_select
        self.rows: list[CaseRow] = []
        self.total = 0
        self._build_filters(assignees)
        self._build_table()
        self.status_line = ttk.Label(self, bootstyle="secondary")
        self.status_line.pack(fill="x", padx=4, pady=(2, 0))
        self.more_button = ttk.Button(
            self, text=_("Show more"), bootstyle="link", command=self.load_more
        )
        desk.on("changed", self.refresh)

    # --- filters ---------------------------------------------------------------------------

    def _build_filters(self, assignees: Sequence[str]) -> None:
        top = ttk.Frame(self)
        top.pack(fill="x", pady=(0, 4))
        bottom = ttk.Frame(self)
        bottom.pack(fill="x", pady=(0, 6))
        self.kind_codes = ["", *self.kinds]
        self.kind = ttk.Combobox(
            top,
            state="readonly",
            width=12,
            values=[_("All kinds"), *(label(KINDS, k) for k in self.kinds)],
        )
        self.kind.current(0)
        self.status_codes = [""] + self._statuses()
        self.status = ttk.Combobox(
            top,
            state="readonly",
            width=20,
            values=[_("Any status"), *(label(STATUSES, s) for s in self.status_codes[1:])],
        )
        self.status.current(0)
        self.assignee_codes = ["", *assignees]
        self.assignee = ttk.Combobox(
            top, state="readonly", width=12, values=[_("Anyone"), *assignees]
        )
        self.assignee.current(0)
        self.date_from = tk.StringVar(self)
        self.date_to = tk.StringVar(self)
        self.search = tk.StringVar(self)
        self.overdue = tk.BooleanVar(self)
        self.open_only = tk.BooleanVar(self, value=False)
        widgets: list[tk.Widget] = []
        if len(self.kinds) > 1:
            widgets.append(self.kind)
        widgets += [self.status, self.assignee]
        for w in widgets:
            w.pack(side="left", padx=(0, 6))
            w.bind("<<ComboboxSelected>>", lambda _e: self.refresh(), add="+")
        ttk.Checkbutton(
            top,
            text=_("Overdue"),
            variable=self.overdue,
            command=self.refresh,
            bootstyle="danger-round-toggle",
        ).pack(side="left", padx=(10, 10))
        ttk.Checkbutton(
            top,
            text=_("Open only"),
            variable=self.open_only,
            command=self.refresh,
            bootstyle="round-toggle",
        ).pack(side="left")
        ttk.Label(bottom, text=_("Received from")).pack(side="left")
        e_from = ttk.Entry(bottom, textvariable=self.date_from, width=11)
        e_from.pack(side="left", padx=(4, 4))
        ttk.Label(bottom, text=_("to")).pack(side="left")
        e_to = ttk.Entry(bottom, textvariable=self.date_to, width=11)
        e_to.pack(side="left", padx=(4, 12))
        ttk.Label(bottom, text=_("Find")).pack(side="left")
        self.search_entry = ttk.Entry(bottom, textvariable=self.search)
        self.search_entry.pack(side="left", fill="x", expand=True, padx=(4, 0))
        for e in (e_from, e_to, self.search_entry):
            e.bind("<Return>", lambda _e: self.refresh(), add="+")
        self.search_entry.bind("<KeyRelease>", self._typed, add="+")
        self._typing: str | None = None

    def _statuses(self) -> list[str]:
        seen: dict[str, None] = {}
        for kind in self.kinds:
            for s in workflows.workflow_for(kind).states:
                seen.setdefault(s)
        return list(seen)

    def _typed(self, _event: object) -> None:
        if self._typing:
            self.after_cancel(self._typing)
        self._typing = self.after(300, self.refresh)

    def current_filter(self) -> CaseFilter:
        kind = self.kind_codes[self.kind.current()] if len(self.kinds) > 1 else self.kinds[0]
        return CaseFilter(
            kind=kind,
            kinds=self.kinds,
            status=self.status_codes[max(0, self.status.current())],
            search=self.search.get().strip(),
            overdue=self.overdue.get(),
            open_only=self.open_only.get(),
            assignee=self.assignee_codes[max(0, self.assignee.current())],
            date_from=self.date_from.get().strip() or None,
            date_to=self.date_to.get().strip() or None,
        )

    # --- table -----------------------------------------------------------------------------

    def _build_table(self) -> None:
        box = ttk.Frame(self)
        box.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(
            box, columns=[c[0] for c in self.COLUMNS], show="headings", selectmode="browse"
        )
        for col, text, width in self.COLUMNS:
            self.tree.heading(col, text=_(text), anchor="w")
            self.tree.column(col, width=width, anchor="w", stretch=col == "product")
        self.tree.tag_configure("overdue", foreground="#c0392b")
        self.tree.tag_configure("closed", foreground="#8a8f98")
        bar = ttk.Scrollbar(box, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=bar.set)
        self.tree.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        self.tree.bind("<<TreeviewSelect>>", self._selected, add="+")

    def _selected(self, _event: object = None) -> None:
        sel = self.tree.selection()
        if sel and self.on_select:
            self.on_select(sel[0])

    def refresh(self) -> None:
        self.rows = []
        self._load(0)

    def load_more(self) -> None:
        self._load(len(self.rows))

    def _load(self, offset: int) -> None:
        f = self.current_filter()
        got = self.desk.read(list_cases, f, limit=PAGE, offset=offset)
        if not got.ok:
            return
        total = self.desk.read(count_cases, f)
        self.total = total.value if total.ok else 0
        if offset == 0:
            self.tree.delete(*self.tree.get_children())
        self.rows.extend(got.value)
        for r in got.value:
            self._insert(r)
        shown = len(self.rows)
        self.status_line.configure(
            text=_("{shown} of {total} shown").format(shown=shown, total=self.total)
        )
        if shown < self.total:
            self.more_button.pack(anchor="e")
        else:
            self.more_button.pack_forget()

    def _insert(self, r: CaseRow) -> None:
        local = self.desk.ctx.local
        created = (
            local(r.created_at).strftime("%Y-%m-%d %H:%M")
            if isinstance(r.created_at, datetime)
            else ""
        )
        status = label(STATUSES, r.status) + ("  ⚠ " + _("overdue") if r.overdue else "")
        final = workflows.workflow_for(r.kind).is_final(r.status)
        tags = ("overdue",) if r.overdue else ("closed",) if final else ()
        self.tree.insert(
            "",
            "end",
            iid=r.number,
            values=(
                r.number,
                created,
                label(KINDS, r.kind),
                status,
                r.customer_name,
                " ".join(x for x in (r.product, r.serial) if x),
                r.assignee or "",
                r.promise_date.isoformat() if r.promise_date else "",
            ),
            tags=tags,
        )

    def select(self, number: str) -> bool:
        """Select a case, loading it into the list when the filters hide it."""
        if not self.tree.exists(number):
            self.search.set(number)
            self.status.current(0)
            self.overdue.set(False)
            self.open_only.set(False)
            self.date_from.set("")
            self.date_to.set("")
            self.refresh()
        if not self.tree.exists(number):
            return False
        self.tree.selection_set(number)
        self.tree.see(number)
        return True
