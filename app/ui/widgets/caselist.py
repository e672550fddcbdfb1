"""A filterable, paged list of cases. Pages come from SQL, so years of history stay fast."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app import paths
from app.domain import kinds as case_kinds
from app.domain import workflows
from app.domain.money import format_money
from app.i18n import N_, _
from app.i18n.labels import KINDS, STATUSES, label
from app.services.casework.cases import CaseFilter, count_cases, list_cases
from app.services.casework.views import CaseRow
from app.ui.desk import Desk
from app.ui.widgets.combo import Combobox
from app.ui.worker import Latest

PAGE = 200


def _page(ctx: Any, f: CaseFilter, offset: int) -> tuple[list[CaseRow], int]:
    """One page of the list and the count of all matches: one request of the reader thread."""
    return list_cases(ctx, f, limit=PAGE, offset=offset), count_cases(ctx, f)


class CaseBrowser(ttk.Frame):
    """Filters (kind, status, overdue, assignee, dates, text) over a list; selecting a row
    calls ``on_select(number)``.

    The list is read on its own reader thread (`ui.worker.Latest`): the window keeps answering
    while a 200,000-case filter runs, a newer filter interrupts the older query, and a page
    that is no longer the newest is never shown. `busy` says an answer is still awaited.
    """

    COLUMNS = (
        ("number", N_("Number"), 140),
        ("created", N_("Received on"), 118),
        ("kind", N_("Kind"), 90),
        ("status", N_("Status"), 150),
        ("customer", N_("Customer"), 90),
        ("product", N_("Product"), 160),
        ("assignee", N_("Staff"), 80),
        ("promise", N_("Promised"), 90),
        ("amount", N_("Amount"), 80),
    )
    #: Widest a column grows to fit its text (the product column takes what is left).
    MAX_WIDTH = {"status": 190, "customer": 110, "assignee": 90, "kind": 110}
    PRODUCT_MIN = 100
    SHRINKABLE_TO = 90  # no text column is squeezed below this to make room …
    NARROWEST = {"customer": 56, "assignee": 48, "kind": 64}  # … but these short ones
    #: The columns that give way first when the pane is narrow; the status only after them (a
    #: cut status such as "Replacement shi…" is the one thing a clerk reads the list for).
    SHRINKABLE = ("customer", "assignee", "kind")

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
        self.reader = Latest(self, "caselist")
        self._values: list[tuple[str, ...]] = []  # each row's cells, as inserted
        self._measured: dict[str, int] = {}  # text -> pixels in the list's font
        self._seeking: str | None = None  # a number to select once the list has it
        self._seek_filtered = False
        # A tab not yet shown sets this False: a change elsewhere then costs it nothing.
        self.follows_changes = True
        self._build_filters(assignees)
        self._build_table()
        foot = ttk.Frame(self)
        foot.pack(fill="x", padx=4, pady=(2, 0))
        self.csv_button = ttk.Button(
            foot, text=_("Export CSV…"), bootstyle="link", command=self.ask_csv
        )
        self.csv_button.pack(side="right")
        self.status_line = ttk.Label(foot, bootstyle="secondary")
        self.status_line.pack(side="left", fill="x", expand=True)
        self.last_csv: Path | None = None
        self.more_button = ttk.Button(
            self, text=_("Show more"), bootstyle="link", command=self.load_more
        )
        desk.on("changed", lambda *_a: self.follows_changes and self.refresh())

    # --- filters ---------------------------------------------------------------------------

    def _build_filters(self, assignees: Sequence[str]) -> None:
        top = ttk.Frame(self)
        top.pack(fill="x", pady=(0, 4))
        bottom = ttk.Frame(self)
        bottom.pack(fill="x", pady=(0, 6))
        self.kind_codes = ["", *self.kinds]
        self.kind = Combobox(
            top,
            state="readonly",
            width=12,
            values=[_("All kinds"), *(label(KINDS, k) for k in self.kinds)],
        )
        self.kind.current(0)
        self.status_codes = [""] + self._statuses()
        self.status = Combobox(
            top,
            state="readonly",
            width=20,
            values=[_("Any status"), *(label(STATUSES, s) for s in self.status_codes[1:])],
        )
        self.status.current(0)
        self.assignee_codes = ["", *assignees]
        self.assignee = Combobox(top, state="readonly", width=12, values=[_("Anyone"), *assignees])
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

    def set_assignees(self, assignees: Sequence[str]) -> None:
        """The staff the assignee filter offers (read by the tab on a reader thread, so they
        come after the filters were drawn); the one chosen stays chosen if still there."""
        if not self.winfo_exists():
            return
        chosen = self.assignee_codes[max(0, self.assignee.current())]
        self.assignee_codes = ["", *assignees]
        self.assignee.configure(values=[_("Anyone"), *assignees])
        self.assignee.current(self.assignee_codes.index(chosen) if chosen in assignees else 0)
        if chosen and chosen not in assignees:
            self.refresh()  # the list was filtered by someone no longer offered

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
            self.tree.column(col, width=width, minwidth=60, anchor="w", stretch=col == "product")
        hidden = set()
        if len(self.kinds) == 1:  # a one-kind tab (Repairs) says the kind in its name
            hidden.add("kind")
        # The amount matters where money goes back: approvals wait on it (the Returns tab).
        tabs = {spec.tab if (spec := case_kinds.find(k)) else "" for k in self.kinds}
        if tabs != {"returns"}:
            hidden.add("amount")
        else:  # returns are not assigned to a technician: the amount takes the staff column
            hidden.add("assignee")
        if hidden:
            self.tree.configure(displaycolumns=[c[0] for c in self.COLUMNS if c[0] not in hidden])
        self._colour_tags()
        self.desk.on("theme", lambda *_a: self._colour_tags())
        bar = ttk.Scrollbar(box, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=bar.set)
        # The bar first: when the pane is narrow the list gives way, not the scroll bar.
        bar.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.bind("<<TreeviewSelect>>", self._selected, add="+")
        self.tree.bind("<Configure>", lambda _e: self._fit_product(), add="+")

    def _colour_tags(self) -> None:
        """Overdue rows red and closed rows grey, in shades the current theme can read."""
        if not self.winfo_exists():
            return
        dark = ttk.Style.get_instance().theme_mode == "dark"
        self.tree.tag_configure("overdue", foreground="#ff7b72" if dark else "#c0392b")
        self.tree.tag_configure("closed", foreground="#9aa0a8" if dark else "#8a8f98")
        self._measured = {}

    def _selected(self, _event: object = None) -> None:
        sel = self.tree.selection()
        if sel and self.on_select:
            self.on_select(sel[0])

    @property
    def busy(self) -> bool:
        """Whether the newest filter's page has not arrived yet."""
        return self.reader.busy

    def refresh(self) -> None:
        """Read the first page for the filters as they are now (shown when it arrives)."""
        self._ask(0)

    def load_more(self) -> None:
        self._ask(len(self.rows))

    def _ask(self, offset: int) -> None:
        self.desk.read_later(
            self.reader,
            _page,
            self.current_filter(),
            offset,
            then=lambda got: self._loaded(offset, *got),
            failed=lambda _exc: self._seek(),
        )

    def _loaded(self, offset: int, rows: list[CaseRow], total: int) -> None:
        if not self.winfo_exists():
            return
        self.total = total
        if offset == 0:
            self.rows = []
            self._values = []
            self.tree.delete(*self.tree.get_children())
        self.rows.extend(rows)
        for r in rows:
            self._insert(r)
        self._fit_columns()
        shown = len(self.rows)
        self.status_line.configure(
            text=_("{shown} of {total} shown").format(shown=shown, total=self.total)
        )
        if shown < self.total:
            self.more_button.pack(anchor="e")
        else:
            self.more_button.pack_forget()
        self._seek()

    # --- export --------------------------------------------------------------------------

    def ask_csv(self) -> None:
        out = filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=".csv",
            initialfile=_("cases") + f"_{self.desk.ctx.today().isoformat()}.csv",
            filetypes=[(_("CSV files"), "*.csv")],
        )
        if out:
            self.export_csv(Path(out))

    def export_csv(self, out: Path) -> None:
        """Every case matching the filters (not only the rows shown), UTF-8 with BOM for Excel."""
        ctx, f = self.desk.ctx, self.current_filter()

        def work(progress: Any) -> int:
            from app.services.paper.exports import export_cases_csv  # openpyxl & co. on first use

            return export_cases_csv(ctx, f, out, progress)

        def done(n: int) -> None:
            self.last_csv = out
            self.desk.notify(_("{n} cases saved to {file}.").format(n=n, file=out), "success")

        self.desk.run_long("export_csv", work, done)

    def _fit_columns(self) -> None:
        """Size each column to its heading and the loaded rows, so nothing is cut off."""
        font = tkfont.nametofont("TkDefaultFont")
        measured = self._measured

        def width(text: str) -> int:  # the same status or name comes back on many rows
            w = measured.get(text)
            if w is None:
                w = measured[text] = font.measure(text)
            return w

        shown = self._values[:PAGE]
        self._wanted: dict[str, int] = {}
        for i, (col, text, _width) in enumerate(self.COLUMNS):
            if col == "product":
                continue
            wanted = max([width(_(text)), *(width(str(v[i])) for v in shown)]) + 18
            self._wanted[col] = min(wanted, self.MAX_WIDTH.get(col, 400))
        self._fit_product()

    def _fit_product(self) -> None:
        """The product column takes the width the others leave (Tk only stretches on resize).
        When the pane is too narrow for everything, the widest text columns give way first."""
        shown = self.tree.cget("displaycolumns")
        shown = [c[0] for c in self.COLUMNS] if tuple(shown) == ("#all",) else list(shown)
        wanted = getattr(self, "_wanted", {})
        widths = {
            c: wanted.get(c, int(self.tree.column(c, "width"))) for c in shown if c != "product"
        }
        room = self.tree.winfo_width() - 4  # the borders: Tk would squeeze the product
        if room > 200:
            over = sum(widths.values()) + self.PRODUCT_MIN - room
            # Take the excess from the text columns (never the number or the dates), widest
            # first, down to SHRINKABLE_TO; the status gives way only when those are narrowest.
            for group in (self.SHRINKABLE, ("status",)):
                over = self._shrink(widths, group, over)
        for col, width in widths.items():
            self.tree.column(col, width=width)
        self.tree.column("product", width=max(self.PRODUCT_MIN, room - sum(widths.values())))

    def _shrink(self, widths: dict[str, int], group: tuple[str, ...], over: int) -> int:
        """Take up to `over` pixels from the columns of `group`, widest first."""
        while over > 0 and any(c in widths for c in group):
            col = max(
                (c for c in widths if c in group),
                key=lambda c: widths[c] - self.NARROWEST.get(c, self.SHRINKABLE_TO),
            )
            spare = widths[col] - self.NARROWEST.get(col, self.SHRINKABLE_TO)
            if spare <= 0:
                break
            cut = min(spare, over, 10)
            widths[col] -= cut
            over -= cut
        return over

    def _insert(self, r: CaseRow) -> None:
        ctx = self.desk.ctx
        year = ctx.today().year
        created = ""
        if isinstance(r.created_at, datetime):
            at = ctx.local(r.created_at)
            # This year's dates without the year, like a phone's list: the columns stay narrow.
            created = at.strftime("%m-%d %H:%M" if at.year == year else "%Y-%m-%d")
        due = r.promise_date
        promise = due.strftime("%m-%d" if due.year == year else "%Y-%m-%d") if due else ""
        # The row is red; the sign says it without colour (the word would crowd the column).
        status = label(STATUSES, r.status) + ("  ⚠" if r.overdue else "")
        final = workflows.workflow_for(r.kind).is_final(r.status)
        tags = ("overdue",) if r.overdue else ("closed",) if final else ()
        values = (
            r.number,
            created,
            label(KINDS, r.kind),
            status,
            r.customer_name,
            " ".join(x for x in (r.product, r.serial) if x),
            r.assignee or "",
            promise,
            format_money(r.amount) if r.amount is not None else "",
        )
        self._values.append(values)
        self.tree.insert("", "end", iid=r.number, values=values, tags=tags)

    def select(self, number: str) -> None:
        """Select a case, loading it into the list when the filters hide it. While a page is
        awaited, the case is selected again when it arrives (and looked up if not on it)."""
        self._seeking = number
        self._seek_filtered = False
        if self.tree.exists(number):
            self._mark(number)
        if not self.busy:
            self._seek()

    def _seek(self) -> None:
        number = self._seeking
        if number is None or self.busy:
            return
        if self.tree.exists(number):
            self._seeking = None
            self._mark(number)
        elif not self._seek_filtered:  # not on this page: list just that number
            self._seek_filtered = True
            self.search.set(number)
            self.status.current(0)
            self.overdue.set(False)
            self.open_only.set(False)
            self.date_from.set("")
            self.date_to.set("")
            self.refresh()
        else:
            self._seeking = None  # not found even so: the list stays as it is

    def _mark(self, number: str) -> None:
        if number not in self.tree.selection():
            self.tree.selection_set(number)
        self.tree.see(number)
