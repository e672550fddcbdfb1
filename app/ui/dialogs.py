"""Small dialogs over the main window. They do not block: the caller hands in what to do on OK,
so the counter never freezes behind a modal box (and tests drive them like any widget)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import Any

import ttkbootstrap as ttk

from app.i18n import _
from app.ui.desk import Outcome
from app.ui.widgets.fields import Field, FormFrame

TASKBAR_PX = 48  # Windows' taskbar at 100 % (40 px) and the dialog's title bar margin


def place_over(dialog: tk.Toplevel, focus: tk.Widget | None = None) -> None:
    """Put a dialog over the middle of its window (a third down), then focus a widget."""
    if not dialog.winfo_exists():
        return
    owner = dialog.master.winfo_toplevel()
    dialog.update_idletasks()
    x = owner.winfo_rootx() + max(0, (owner.winfo_width() - dialog.winfo_reqwidth()) // 2)
    y = owner.winfo_rooty() + max(0, (owner.winfo_height() - dialog.winfo_reqheight()) // 3)
    # On a 1366×768 screen the whole dialog, its buttons at the bottom included, stays above
    # the Windows taskbar: moved up (never above the screen's top) when it would run below it.
    room = dialog.winfo_screenheight() - TASKBAR_PX
    y = max(0, min(y, room - dialog.winfo_reqheight()))
    x = max(0, min(x, dialog.winfo_screenwidth() - dialog.winfo_reqwidth()))
    dialog.geometry(f"+{x}+{y}")
    if focus is not None:
        focus.focus_set()


class FormDialog(ttk.Toplevel):
    """Fields, an explanation line, OK and Cancel. ``submit(values)`` returns an Outcome;
    the dialog closes only when it succeeded (errors stay next to the fields)."""

    def __init__(
        self,
        master: tk.Misc,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[dict[str, Any], FormFrame], Outcome],
        *,
        intro: str = "",
        ok_text: str = "",
        ok_style: str = "primary",
        columns: int = 1,
    ) -> None:
        super().__init__(title=title, transient=master.winfo_toplevel(), master=master)
        self._submit = submit
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        if intro:
            ttk.Label(body, text=intro, wraplength=460, justify="left").pack(
                anchor="w", pady=(0, 8)
            )
        self.form = FormFrame(body, fields, columns=columns)
        self.form.pack(fill="both", expand=True)
        bar = ttk.Frame(body)
        bar.pack(fill="x", pady=(12, 0))
        self.ok_button = ttk.Button(
            bar, text=ok_text or _("OK"), bootstyle=ok_style, command=self.ok
        )
        self.ok_button.pack(side="right")
        self.cancel_button = ttk.Button(
            bar, text=_("Cancel"), bootstyle="secondary-outline", command=self.destroy
        )
        self.cancel_button.pack(side="right", padx=(0, 8))
        self.bind("<Return>", self._on_return)
        self.bind("<Escape>", lambda _e: self.destroy())
        self.result: Outcome | None = None
        self.after_idle(self._place)

    def _on_return(self, _event: object) -> str | None:
        if isinstance(self.focus_get(), tk.Text):
            return None  # a new line in a multi-line field
        self.ok()
        return "break"

    def _place(self) -> None:
        if not self.winfo_exists():
            return
        self.form.focus_first()
        place_over(self)

    def ok(self) -> Outcome:
        outcome = self._submit(self.form.values(), self.form)
        self.result = outcome
        if outcome.ok:
            self.destroy()
        return outcome


class ConfirmDialog(FormDialog):
    """A question with an optional note field."""

    def __init__(
        self,
        master: tk.Misc,
        title: str,
        question: str,
        submit: Callable[[dict[str, Any], FormFrame], Outcome],
        *,
        note: Field | None = None,
        ok_text: str = "",
        ok_style: str = "primary",
    ) -> None:
        super().__init__(
            master,
            title,
            [note] if note else [],
            submit,
            intro=question,
            ok_text=ok_text,
            ok_style=ok_style,
        )
