"""Picking one record of a list in a small dialog: the duplicate to merge into the one kept.

The dialog searches as the desk types (through the list's own search service, on a reader
thread: the newest text wins, an older answer is never shown), shows the rows in a table and
hands the chosen row to `on_pick`; it never writes anything itself.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.i18n import _
from app.services.shop.context import Context
from app.ui.desk import Desk
from app.ui.dialogs import place_over
from app.ui.worker import Latest

#: (column id, heading, width in pixels)
Columns = Sequence[tuple[str, str, int]]


class PickDialog(ttk.Toplevel):
    """Search box, table, a line saying what will happen, and the confirm button."""

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        title: str,
        intro: str,
        columns: Columns,
        search: Callable[[Context, str], list[Any]],
        cells: Callable[[Any], Sequence[object]],
        on_pick: Callable[[Any, str], bool],
        *,
        ok_text: str,
        exclude: int | None = None,
        reason: bool = False,
    ) -> None:
        super().__init__(title=title, transient=master.winfo_toplevel(), master=master)
        self._search, self._cells, self._on_pick = search, cells, on_pick
        self.desk = desk
        self.reader = Latest(self, "pick")
        self._exclude = exclude
        self.rows: dict[str, Any] = {}
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=intro, wraplength=560, justify="left").pack(anchor="w")
        self.query = tk.StringVar(self)
        entry = self.search_entry = ttk.Entry(body, textvariable=self.query, width=40)
        entry.pack(fill="x", pady=(8, 4))
        entry.bind("<KeyRelease>", self._typed, add="+")
        entry.bind("<Down>", lambda _e: self._to_table(), add="+")  # the keyboard reaches a row
        self.tree = ttk.Treeview(
            body, columns=[c[0] for c in columns], show="headings", height=8, selectmode="browse"
        )
        for col, heading, width in columns:
            self.tree.heading(col, text=heading, anchor="w")
            self.tree.column(col, width=width, minwidth=40, stretch=True)
        self.tree.pack(fill="both", expand=True)
        self.tree.bind("<Double-1>", lambda _e: self.ok())
        self.reason = tk.StringVar(self)
        if reason:
            row = ttk.Frame(body)
            row.pack(fill="x", pady=(8, 0))
            ttk.Label(row, text=_("Reason") + " *").pack(side="left", padx=(0, 6))
            reason_entry = self.reason_entry = ttk.Entry(row, textvariable=self.reason)
            reason_entry.pack(side="left", fill="x", expand=True)
            reason_entry.bind("<Return>", lambda _e: self.ok(), add="+")
        bar = ttk.Frame(body)
        bar.pack(fill="x", pady=(10, 0))
        self.ok_button = ttk.Button(bar, text=ok_text, bootstyle="warning", command=self.ok)
        self.ok_button.pack(side="right")
        ttk.Button(bar, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy).pack(
            side="right", padx=(0, 8)
        )
        self.bind("<Escape>", lambda _e: self.destroy())
        self.refresh()
        self.after_idle(lambda: place_over(self, entry))

    @property
    def busy(self) -> bool:
        """Whether the rows for the newest text have not arrived yet."""
        return self.reader.busy

    def _typed(self, event: Any) -> None:
        if getattr(event, "keysym", "") not in ("Down", "Up", "Return", "Tab"):
            self.refresh()

    def _to_table(self) -> str:
        """Down from the search box: into the table, on its first row (or the chosen one)."""
        kids = self.tree.get_children()
        if kids:
            if not self.tree.selection():
                self.tree.selection_set(kids[0])
            self.tree.focus(self.tree.selection()[0])
            self.tree.focus_set()
        return "break"

    def refresh(self) -> None:
        """Search for the text as it is now (the rows are shown when they arrive)."""
        self.desk.read_later(self.reader, self._search, self.query.get(), then=self._fill)

    def _fill(self, rows: list[Any]) -> None:
        if not self.winfo_exists():
            return
        self.tree.delete(*self.tree.get_children())
        self.rows.clear()
        for row in rows:
            if row.id == self._exclude:
                continue
            iid = str(row.id)
            self.rows[iid] = row
            self.tree.insert("", "end", iid=iid, values=[str(c) for c in self._cells(row)])

    def choose(self, row_id: int) -> None:
        """Select a row (tests and the keyboard)."""
        iid = str(row_id)
        if iid in self.rows:
            self.tree.selection_set(iid)
            self.tree.see(iid)

    def ok(self) -> bool:
        chosen = self.tree.selection()
        if not chosen:  # the button did nothing before: say what it waits for
            self.desk.notify(_("Choose a row in the list first."), "warning")
            return False
        if self._on_pick(self.rows[chosen[0]], self.reason.get()):
            self.destroy()
            return True
        return False
