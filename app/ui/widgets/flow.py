"""A row of small widgets that wraps onto a next line when the room is too narrow.

Intake's five product check boxes sat in one packed row: at 1366×768, and in English at any
width, the last ones were cut off at the section's edge. Here they are placed left to right and
start a new line where the next one would not fit; the frame asks for no width of its own (so it
never widens its section) and for the height of its lines.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk


class FlowFrame(ttk.Frame):
    """Children added with `add` flow in lines as wide as the frame."""

    def __init__(
        self, master: tk.Misc, *, indent: int = 8, gap: int = 14, line_gap: int = 2, **kw: Any
    ) -> None:
        super().__init__(master, height=1, width=1, **kw)
        self._indent = indent
        self._gap = gap
        self._line_gap = line_gap
        self._items: list[tk.Widget] = []
        self._width = 0
        self.bind("<Configure>", self._resized, add="+")

    def add(self, widget: tk.Widget) -> None:
        """Place `widget` (a child of this frame) after the others."""
        self._items.append(widget)
        self.flow()

    def lines(self) -> int:
        """How many lines the widgets take now."""
        return len({int(w.place_info()["y"]) for w in self._items})

    def _resized(self, event: tk.Event) -> None:
        if event.width != self._width:
            self._width = event.width
            self.flow()

    def flow(self) -> None:
        """Lay the widgets out again for the frame's present width."""
        room = self._width if self._width > 1 else 1 << 20  # not laid out yet: one line
        end = y = line_height = 0  # end: right edge of the line's last widget (0: none yet)
        for widget in self._items:
            width, height = widget.winfo_reqwidth(), widget.winfo_reqheight()
            x = end + self._gap if end else self._indent
            if end and x + width > room:
                x, y, line_height = self._indent, y + line_height + self._line_gap, 0
            widget.place(x=x, y=y)
            end = x + width
            line_height = max(line_height, height)
        self.configure(height=max(1, y + line_height))
