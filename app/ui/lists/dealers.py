"""Dealers' accounts: each dealer's balance, deposits paid in, and the statement for a period
(opening balance, each movement, closing balance), saved or printed as the signed PDF."""

from __future__ import annotations

import tkinter as tk
from datetime import timedelta
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app.domain.money import format_money
from app.i18n import N_, _
from app.i18n.labels import PAY_ROUTES
from app.services.paper import statements
from app.services.remedies import dealers
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import FormDialog
from app.ui.lists.section import Read, read
from app.ui.lists.table_form import TableFormSection
from app.ui.lists.transfer import ImportExportBar
from app.ui.widgets.fields import Field, FormFrame

COLUMNS = (
    ("id", N_("No."), 50, "e"),
    ("name", N_("Dealer"), 220, "w"),
    ("phone", N_("Phone"), 120, "w"),
    ("balance", N_("Balance"), 110, "e"),
)
ROUTES = tuple((r, PAY_ROUTES[r]) for r in dealers.DEPOSIT_ROUTES)


class DealersSection(TableFormSection):
    EMPTY_TEXT = N_(
        "No dealers yet. A dealer is a customer of the kind Dealer: add one under Customers "
        "(or set an existing customer's kind), or Import… the dealers with their balances."
    )

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk, COLUMNS, side_width=490)
        # The dealers list with opening balances (services.casework.customers: DEALERS).
        self.transfer = ImportExportBar(self.bar, desk, "dealers", on_done=self.reload)
        self.transfer.pack(side="left", padx=(0, 10))
        self.heading = ttk.Label(
            self.side, text=_("Choose a dealer"), font=("TkDefaultFont", 11, "bold")
        )
        self.heading.pack(anchor="w")
        self.balance = ttk.Label(self.side, text="", font=("TkDefaultFont", 14, "bold"))
        self.balance.pack(anchor="w", pady=(4, 0))
        row = ttk.Frame(self.side)
        row.pack(fill="x", pady=(8, 0))
        self.deposit_button = self.side_button(
            row, _("Deposit…"), self.ask_deposit, bootstyle="success"
        )
        period = ttk.Labelframe(self.side, text=_("Statement"), padding=6)
        period.pack(fill="both", expand=True, pady=(10, 0))
        dates = ttk.Frame(period)
        dates.pack(fill="x")
        today = desk.ctx.today()
        # Last month and this month so far: early in a month this month alone is empty, and
        # a dealer's statement is most often asked for last month.
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.date_from = tk.StringVar(self, value=start.isoformat())
        self.date_to = tk.StringVar(self, value=today.isoformat())
        ttk.Label(dates, text=_("From")).pack(side="left")
        ttk.Entry(dates, textvariable=self.date_from, width=11).pack(side="left", padx=4)
        ttk.Label(dates, text=_("to")).pack(side="left")
        ttk.Entry(dates, textvariable=self.date_to, width=11).pack(side="left", padx=4)
        self.show_button = ttk.Button(
            dates, text=_("Show"), bootstyle="info-outline", command=self.show_statement
        )
        self.show_button.pack(side="left", padx=(4, 0))
        buttons = ttk.Frame(period)
        buttons.pack(fill="x", pady=(6, 0))
        self.save_pdf_button = self.side_button(
            buttons, _("Save PDF…"), self.ask_save_pdf, bootstyle="primary"
        )
        self.print_button = self.side_button(
            buttons, _("Print"), self.print_statement, bootstyle="primary-outline"
        )
        self.summary = ttk.Label(period, text="", wraplength=460, justify="left")
        self.summary.pack(anchor="w", pady=(6, 0))
        cols = (
            ("at", N_("Date"), 78, "w"),
            ("what", N_("What"), 205, "w"),
            ("amount", N_("Amount"), 82, "e"),
            ("balance", N_("Balance"), 82, "e"),
        )
        self.lines = ttk.Treeview(period, columns=[c[0] for c in cols], show="headings", height=6)
        for cid, heading, width, anchor in cols:
            self.lines.heading(cid, text=_(heading), anchor=anchor)  # type: ignore[arg-type]
            self.lines.column(cid, width=width, anchor=anchor)  # type: ignore[arg-type]
        self.lines.pack(fill="both", expand=True, pady=(6, 0))
        self.dealer = ""
        self.dialog: Any = None
        self._dealer_buttons(False)  # nothing to deposit to or print before a dealer is chosen

    def _dealer_buttons(self, on: bool) -> None:
        for b in (self.deposit_button, self.show_button, self.save_pdf_button, self.print_button):
            b.configure(state="normal" if on else "disabled")

    def screenshot_setup(self) -> None:
        """The year so far, so the statement shows the demo's movements."""
        self.date_from.set(self.desk.ctx.today().replace(month=1, day=1).isoformat())
        super().screenshot_setup()

    def _money(self, value: Any) -> str:
        return format_money(value, self.desk.ctx.settings.shop.currency)

    def list_read(self) -> Read:
        return read(dealers.list_dealers, self.search_var.get())

    def row(self, d: Any) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
        return (
            f"#{d.customer_id}",
            (d.customer_id, d.name, d.phone, self._money(d.balance)),
            ("warn",) if d.balance < 0 else (),
        )

    def on_select(self, iid: str) -> None:
        self.read_detail(iid, dealers.dealer_account, iid, then=lambda a: self._show(iid, a))

    def _show(self, iid: str, account: Any) -> None:
        self.dealer = iid
        self._dealer_buttons(True)
        self.heading.configure(text=account.name)
        self.balance.configure(
            text=_("Balance {balance}").format(balance=self._money(account.balance)),
            bootstyle="danger" if account.balance < 0 else "success",
        )
        self.show_statement()

    def _need_dealer(self) -> str:
        if not self.dealer:
            self.desk.notify(_("Choose a dealer in the list first."), "warning")
        return self.dealer

    def ask_deposit(self) -> None:
        dealer = self._need_dealer()
        if not dealer:
            return
        fields = [
            Field("amount", N_("Amount"), required=True),
            Field("route", N_("Paid by"), kind="choice", choices=ROUTES, required=True),
            Field("note", N_("Note")),
        ]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            out = self.desk.call(
                dealers.dealer_deposit,
                dealer,
                v["amount"],
                v["route"],
                v["note"],
                form=form,
                done=_("Deposit booked."),
            )
            if out:
                self.reload()
                self.select(dealer)
            return out

        self.dialog = FormDialog(self, _("Dealer deposit"), fields, submit, ok_text=_("Book"))

    def show_statement(self) -> None:
        """The statement's lines for the period, read on a reader thread."""
        dealer = self._need_dealer()
        if not dealer:
            return
        self.desk.read_later(
            self.asks,
            dealers.dealer_statement,
            dealer,
            self.date_from.get(),
            self.date_to.get(),
            then=self._show_statement,
            failed=lambda _e: self._show_statement(None),
        )

    def _show_statement(self, s: Any) -> None:
        if not self.winfo_exists():
            return
        self.lines.delete(*self.lines.get_children())
        if s is None:
            self.summary.configure(text="")
            return
        self.summary.configure(
            text=_(
                "Opening {opening} · paid in {paid} · deducted {deducted} · closing {closing}"
            ).format(
                opening=self._money(s.opening),
                paid=self._money(s.paid_in),
                deducted=self._money(s.deducted),
                closing=self._money(s.closing),
            )
        )
        for ln in s.lines:
            self.lines.insert(
                "",
                "end",
                values=(
                    self.desk.ctx.local(ln.at).strftime("%Y-%m-%d"),
                    f"{statements.reason_label(ln.reason)} {ln.case_number}".strip(),
                    self._money(ln.amount),
                    self._money(ln.balance),
                ),
            )

    def ask_save_pdf(self) -> None:
        dealer = self._need_dealer()
        if not dealer:
            return
        path = filedialog.asksaveasfilename(
            parent=self,
            title=_("Save the statement as"),
            defaultextension=".pdf",
            initialfile=f"statement_{dealer.lstrip('#')}_{self.date_to.get()}.pdf",
            filetypes=[("PDF", "*.pdf")],
        )
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> None:
        """Render and sign on the worker thread (signing takes a moment)."""
        ctx, dealer = self.desk.ctx, self.dealer
        first, last = self.date_from.get(), self.date_to.get()

        def work(progress: Any) -> Any:
            progress(0.3, _("Signing…"))
            return statements.make_dealer_statement(ctx, dealer, first, last, out=path)

        self.desk.run_long(
            "statement",
            work,
            lambda made: self.desk.notify(
                _("Statement saved: {file}").format(file=made.out), "success"
            ),
        )

    def print_statement(self) -> None:
        dealer = self._need_dealer()
        if not dealer:
            return
        ctx = self.desk.ctx
        first, last = self.date_from.get(), self.date_to.get()

        def work(progress: Any) -> Any:
            progress(0.3, _("Signing…"))
            return statements.print_dealer_statement(ctx, dealer, first, last)

        self.desk.run_long(
            "statement",
            work,
            lambda done: self.desk.notify(_("Statement sent to the printer."), "success"),
        )
