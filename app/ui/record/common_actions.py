"""Actions every record has: a copy-ready message for the customer."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from app.i18n import N_, _
from app.services.casework.customer_messages import customer_message
from app.services.casework.views import CaseDetail
from app.ui.record.actions import RecordAction, register
from app.ui.record.panel import RecordPanel


class MessageDialog(ttk.Toplevel):
    """The message in an editable box with a Copy button (paste into WeChat or SMS)."""

    def __init__(self, master: tk.Misc, text: str) -> None:
        super().__init__(
            title=_("Message for the customer"), transient=master.winfo_toplevel(), master=master
        )
        body = ttk.Frame(self, padding=14)
        body.pack(fill="both", expand=True)
        ttk.Label(
            body,
            text=_("Check the text, then copy it into WeChat or an SMS."),
            bootstyle="secondary",
        ).pack(anchor="w")
        self.text = ttk.Text(body, width=56, height=7, wrap="word")
        self.text.insert("1.0", text)
        self.text.pack(fill="both", expand=True, pady=8)
        bar = ttk.Frame(body)
        bar.pack(fill="x")
        self.copy_button = ttk.Button(bar, text=_("Copy"), bootstyle="success", command=self.copy)
        self.copy_button.pack(side="right")
        ttk.Button(bar, text=_("Close"), bootstyle="secondary-outline", command=self.destroy).pack(
            side="right", padx=(0, 8)
        )
        self.bind("<Escape>", lambda _e: self.destroy())
        self.copy_button.focus_set()

    def copy(self) -> str:
        value = self.text.get("1.0", "end-1c")
        self.clipboard_clear()
        self.clipboard_append(value)
        self.copy_button.configure(text=_("Copied ✓"))
        return value


def _message(panel: RecordPanel, d: CaseDetail) -> MessageDialog:
    ctx = panel.desk.ctx
    panel.dialog = MessageDialog(panel, customer_message(d, ctx.settings.shop, ctx.local))
    return panel.dialog


register(
    RecordAction(
        id="message",
        label=N_("Message for customer…"),
        run=_message,
        style="info-outline",
        order=90,
    )
)


def default_form(d: CaseDetail) -> str:
    """The slip a record most often needs: its repair ticket, its return form, else the receipt."""
    if d.repair is not None:
        return "repair-ticket"
    if d.rma is not None:
        return "rma"
    if d.claims:
        return "carrier-claim"
    return "intake"


def _print(panel: RecordPanel, d: CaseDetail) -> None:
    """Open the Print tab with this record and its usual slip, and preview it."""
    panel.desk.emit("print", d.number, default_form(d))


register(
    RecordAction(
        id="print",
        label=N_("Print…"),
        run=_print,
        style="secondary-outline",
        order=95,
    )
)
