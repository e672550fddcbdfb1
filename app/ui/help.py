"""F1: the keyboard shortcuts, read from the command table."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence

import ttkbootstrap as ttk

from app.i18n import _
from app.ui.dialogs import place_over


class ShortcutsDialog(ttk.Toplevel):
    def __init__(self, master: tk.Misc, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__(
            title=_("Keyboard shortcuts"), transient=master.winfo_toplevel(), master=master
        )
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        self.rows = [(k, text) for k, text in rows if k]
        for i, (key, text) in enumerate(self.rows):
            ttk.Label(body, text=key, font=("TkFixedFont", 10, "bold"), bootstyle="primary").grid(
                row=i, column=0, sticky="w", padx=(0, 16), pady=2
            )
            ttk.Label(body, text=text).grid(row=i, column=1, sticky="w", pady=2)
        tips = [
            _("Tab / Shift+Tab move between fields; Enter saves a dialog, Esc closes it."),
            _("Scan a label's barcode anywhere in the search box to open its record."),
        ]
        for j, tip in enumerate(tips, start=len(self.rows)):
            ttk.Label(body, text=tip, bootstyle="secondary").grid(
                row=j, column=0, columnspan=2, sticky="w", pady=(8 if j == len(self.rows) else 0, 0)
            )
        close = ttk.Button(body, text=_("Close"), bootstyle="primary", command=self.destroy)
        close.grid(row=len(self.rows) + len(tips), column=1, sticky="e", pady=(12, 0))
        self.bind("<Escape>", lambda _e: self.destroy())
        self.bind("<F1>", lambda _e: self.destroy())
        self.bind("<Return>", lambda _e: self.destroy())
        self.after_idle(lambda: self._place(close))

    def _place(self, focus: tk.Widget) -> None:
        """Over the middle of the window, like every other dialog (not in the screen's corner)."""
        place_over(self, focus)
