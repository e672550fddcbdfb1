"""The shape the stock, suppliers and dealers lists share: a bar (search, filters, import and
export), a table on the left, the chosen row's form and its buttons on the right.

Sized for the counter's 1366×728: the table takes what the form leaves; the form's column is
fixed, so no button is pushed off the right edge in either language.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.i18n import _
from app.ui.desk import Desk

#: (column id, N_ heading, width in pixels, anchor)
Columns = Sequence[tuple[str, str, int, str]]


class TableFormSection(ttk.Frame):
    """A bar on top, a table (with a scroll bar) on the left, a side panel on the right."""

    def __init__(self, master: tk.Misc, desk: Desk, columns: Columns, *, side_width: int = 430):
        super().__init__(master)
        self.desk = desk
        self.bar = ttk.Frame(self)
        self.bar.pack(fill="x", pady=(0, 6))
        ttk.Label(self.bar, text=_("Search")).pack(side="left")
        self.search_var = tk.StringVar(self)
        self.search_entry = ttk.Entry(self.bar, textvariable=self.search_var, width=18)
        self.search_entry.pack(side="left", padx=(4, 8))
        self.search_entry.bind("<Return>", lambda _e: self.reload())
        self.search_entry.bind("<KeyRelease>", self._typed, add="+")
        self._typing: str | None = None
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.side = ttk.Frame(body, width=side_width)
        self.side.pack(side="right", fill="y", padx=(10, 0))
        self.side.pack_propagate(False)
        holder = ttk.Frame(body)
        holder.pack(side="left", fill="both", expand=True)
        self.tree = ttk.Treeview(
            holder, columns=[c[0] for c in columns], show="headings", selectmode="browse"
        )
        for cid, heading, width, anchor in columns:
            self.tree.heading(cid, text=_(heading), anchor=anchor)  # type: ignore[arg-type]
            self.tree.column(
                cid, width=width, minwidth=40, anchor=anchor, stretch=cid == columns[1][0]
            )  # type: ignore[arg-type]
        scroll = ttk.Scrollbar(holder, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.tree.pack(side="left", fill="both", expand=True)
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.loaded = False
        desk.on("changed", self._changed)

    # --- to fill in ----------------------------------------------------------------------------

    def rows(self) -> list[tuple[str, tuple[Any, ...], tuple[str, ...]]]:
        """(iid, values, tags) of every row to show."""
        raise NotImplementedError

    def on_select(self, iid: str) -> None:
        """The user picked a row."""

    # --- shared --------------------------------------------------------------------------------

    def bar_button(self, text: str, command: Callable[[], object], **kw: Any) -> ttk.Button:
        b = ttk.Button(self.bar, text=text, command=command, **kw)
        b.pack(side="left", padx=(0, 6))
        return b

    def side_button(self, parent: tk.Misc, text: str, command: Callable[[], object], **kw: Any):  # noqa: ANN201
        b = ttk.Button(parent, text=text, command=command, **kw)
        b.pack(side="left", padx=(0, 6))
        return b

    def reload(self) -> None:
        keep = self.tree.selection()
        self.tree.delete(*self.tree.get_children())
        for iid, values, tags in self.rows():
            self.tree.insert("", "end", iid=iid, values=values, tags=tags)
        self.tree.tag_configure("warn", foreground="#B03A2E")
        self.tree.tag_configure("off", foreground="#8C8C8C")
        still = [i for i in keep if self.tree.exists(i)]
        if still:
            self.tree.selection_set(still)
        self.loaded = True

    def select(self, iid: str) -> None:
        if self.tree.exists(iid):
            self.tree.selection_set(iid)
            self.tree.see(iid)
            self.on_select(iid)

    def selected(self) -> str:
        chosen = self.tree.selection()
        return str(chosen[0]) if chosen else ""

    def _selected(self) -> None:
        iid = self.selected()
        if iid:
            self.on_select(iid)

    def _typed(self, _event: object) -> None:
        if self._typing is not None:
            self.after_cancel(self._typing)
        self._typing = self.after(300, self._search_now)

    def _search_now(self) -> None:
        self._typing = None
        if self.winfo_exists():
            self.reload()

    def _changed(self) -> None:
        if self.loaded and self.winfo_exists():
            self.reload()

    def on_shown(self) -> None:
        self.reload()

    def screenshot_setup(self) -> None:
        """The first row chosen, as the desk would have it (docs/screenshots/make_tabs.py)."""
        kids = self.tree.get_children()
        if kids:
            self.select(str(kids[0]))


class RenamedErrors:
    """A form that shows a service's errors under its own field names (the service says
    "part_name", the form's field is "name")."""

    def __init__(self, form: Any, names: dict[str, str]) -> None:
        self.form, self.names = form, names

    def show_errors(self, exc: Any) -> bool:
        from app.domain.errors import FieldError, ValidationError

        renamed = [
            FieldError(self.names.get(e.field, e.field), e.code, e.params) for e in exc.errors
        ]
        return bool(self.form.show_errors(ValidationError(renamed)))

    def clear_errors(self) -> None:
        self.form.clear_errors()
