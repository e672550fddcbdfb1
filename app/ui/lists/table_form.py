"""The shape the stock, suppliers and dealers lists share: a bar (search, filters, import and
export), a table on the left, the chosen row's form and its buttons on the right.

Sized for the counter's 1366×728: the table takes what the form leaves; the form's column is
fixed, so no button is pushed off the right edge in either language.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from app.ui.desk import Desk
from app.ui.lists.section import Columns, ListSection


class TableFormSection(ListSection):
    """A bar on top, a table (with a scroll bar) on the left, a side panel on the right."""

    DEBOUNCE_MS = 300

    def __init__(self, master: tk.Misc, desk: Desk, columns: Columns, *, side_width: int = 430):
        super().__init__(master, desk, search_width=18, search_padx=(4, 8))
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.side = ttk.Frame(body, width=side_width)
        self.side.pack(side="right", fill="y", padx=(10, 0))
        self.side.pack_propagate(False)
        holder = ttk.Frame(body)
        holder.pack(side="left", fill="both", expand=True)
        self.make_table(holder, columns, stretch=(columns[1][0],))
        desk.on("changed", self._changed)

    # --- to fill in ----------------------------------------------------------------------------

    def row(self, item: Any) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
        """(iid, values, tags) of one row that `list_read` gave."""
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------------

    def bar_button(self, text: str, command: Callable[[], object], **kw: Any) -> ttk.Button:
        b = ttk.Button(self.bar, text=text, command=command, **kw)
        b.pack(side="left", padx=(0, 6))
        return b

    def side_button(self, parent: tk.Misc, text: str, command: Callable[[], object], **kw: Any):  # noqa: ANN201
        b = ttk.Button(parent, text=text, command=command, **kw)
        b.pack(side="left", padx=(0, 6))
        return b

    def selected(self) -> str:
        return self._chosen()

    def fill(self, rows: list[Any]) -> None:
        keep = self.tree.selection()
        self.tree.delete(*self.tree.get_children())
        for item in rows:
            iid, values, tags = self.row(item)
            self.tree.insert("", "end", iid=iid, values=values, tags=tags)
        self.tree.tag_configure("warn", foreground="#B03A2E")
        self.tree.tag_configure("off", foreground="#8C8C8C")
        still = [i for i in keep if self.tree.exists(i)]
        if still:
            self.tree.selection_set(still)

    def screenshot_setup(self) -> None:
        """The first row chosen, as the desk would have it (docs/screenshots/make_tabs.py)."""

        def first() -> None:
            kids = self.tree.get_children()
            if kids:
                self.select(str(kids[0]))

        self.when_loaded(first)


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
