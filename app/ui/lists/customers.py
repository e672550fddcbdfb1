"""The customer list in the Lists tab: search, the table, the selected customer's cases and the
money on them, their details to correct (Save needs a reason), Merge… to join a duplicate into
them, and Import… / Export… of the list.

Opening a customer here is written to the access log, as opening one of their cases is.
Customers are made at intake, by phone: this section finds, corrects and merges them.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.fields import FieldSpec
from app.domain.money import format_money
from app.domain.validation import validate_phone
from app.i18n import N_, _
from app.i18n.labels import KINDS, MONEY_KINDS, STATUSES, label
from app.services.casework.customers import (
    CustomerDetail,
    CustomerRow,
    add_customer,
    edit_customer,
    list_customers,
    merge_customers,
    show_customer,
)
from app.services.casework.intake_fields import CUSTOMER_KINDS, SERVICE_CLASSES
from app.ui.desk import Desk
from app.ui.lists.pick import PickDialog
from app.ui.lists.section import ListSection, Read, read
from app.ui.lists.transfer import ImportExportBar
from app.ui.widgets.fields import FormFrame


def _phone(value: str) -> object:
    return validate_phone(value)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", N_("Customer name"), required=True, width=14),
    FieldSpec("phone", N_("Phone"), required=True, check=_phone, width=14),
    FieldSpec("kind", N_("Kind"), kind="choice", choices=CUSTOMER_KINDS, width=12),
    FieldSpec("phone2", N_("Second phone"), check=_phone, width=14),
    FieldSpec(
        "service_class", N_("Service class"), kind="choice", choices=SERVICE_CLASSES, width=12
    ),
    FieldSpec("address", N_("Address"), width=30, span=True),
    FieldSpec("notes", N_("Notes"), kind="multiline", height=2, width=30, span=True),
)
REASON = FieldSpec(
    "reason",
    N_("Reason for the change"),
    required=True,
    width=30,
    hint=N_("Kept in the history"),
)
COLUMNS = (
    ("name", N_("Customer"), 135, "w"),
    ("phone", N_("Phone"), 120, "w"),
    ("kind", N_("Kind"), 80, "w"),
    ("class", N_("Class"), 45, "w"),
    ("cases", N_("Cases"), 52, "w"),  # "Cases" whole in English
    ("balance", N_("Balance"), 80, "w"),
)
CASE_COLUMNS = (
    ("number", N_("Number"), 120),
    ("kind", N_("Kind"), 70),
    ("status", N_("Status"), 90),
    ("date", N_("Date"), 85),
    ("product", N_("Product"), 150),
)
_KIND_LABELS = dict(CUSTOMER_KINDS)


def _cells(c: CustomerRow, currency: str = "CNY") -> list[object]:
    return [
        c.name,
        c.phone + (f" / {c.phone2}" if c.phone2 else ""),
        _(_KIND_LABELS.get(c.kind, c.kind)),
        c.service_class,
        c.cases,
        format_money(c.dealer_balance, currency) if c.kind == "dealer" else "",
    ]


class CustomersSection(ListSection):
    """The list and the chosen customer's cases on the left, their details on the right."""

    EMPTY_TEXT = N_(
        "No customers yet. Intake adds each new customer by the phone; or fill in the form "
        "on the right and Save, or Import… the list from Excel."
    )

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk)
        self.rows: dict[str, CustomerRow] = {}
        self.detail: CustomerDetail | None = None
        self.merge_dialog: PickDialog | None = None
        self._build()
        self.reload()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        top = self.bar
        self.query = self.search_var
        ttk.Label(top, text=_("Name, phone's first digits or #id"), bootstyle="secondary").pack(
            side="left"
        )
        self.transfer = ImportExportBar(top, self.desk, "customers", on_done=self.reload)
        self.transfer.pack(side="right")
        self.dealer_transfer = ImportExportBar(top, self.desk, "dealers", on_done=self.reload)
        self.dealer_transfer.import_button.configure(text=_("Import dealers…"))
        self.dealer_transfer.export_button.configure(text=_("Export dealers…"))
        self.dealer_transfer.pack(side="right", padx=(0, 12))

        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=1)
        body.rowconfigure(0, weight=3)
        body.rowconfigure(2, weight=2)
        table = ttk.Frame(body)
        table.grid(row=0, column=0, sticky="nsew", padx=(0, 10))
        self.make_table(table, COLUMNS, stretch=("name", "phone"), height=8)

        self.cases_title = ttk.Label(
            body, text=_("Cases and money"), font=("TkDefaultFont", 10, "bold")
        )
        self.cases_title.grid(row=1, column=0, sticky="w", pady=(8, 2))
        cases = ttk.Frame(body)
        cases.grid(row=2, column=0, sticky="nsew", padx=(0, 10))
        self.cases = ttk.Treeview(
            cases,
            columns=[c[0] for c in CASE_COLUMNS],
            show="headings",
            selectmode="browse",
            height=5,
        )
        for col, heading, width in CASE_COLUMNS:
            self.cases.heading(col, text=_(heading), anchor="w")
            self.cases.column(col, width=width, minwidth=40, stretch=col == "product")
        cbar = ttk.Scrollbar(cases, orient="vertical", command=self.cases.yview)
        self.cases.configure(yscrollcommand=cbar.set)
        self.cases.pack(side="left", fill="both", expand=True)
        cbar.pack(side="left", fill="y")
        self.cases.bind("<Double-1>", lambda _e: self.open_case(), add="+")
        self.cases.bind("<Return>", lambda _e: self.open_case(), add="+")
        self.money = ttk.Label(body, bootstyle="secondary", wraplength=560, justify="left")
        self.money.grid(row=3, column=0, sticky="w", pady=(4, 0))

        side = ttk.Labelframe(body, text=" " + _("Customer") + " ", padding=(8, 4))
        side.grid(row=0, column=1, rowspan=4, sticky="ns")
        self.form = FormFrame(side, FIELDS, columns=2)
        self.form.pack(fill="x")
        self.reason_form = FormFrame(side, [REASON])
        self.reason_form.pack(fill="x", pady=(4, 0))
        buttons = self.buttons = ttk.Frame(side)
        buttons.pack(fill="x", pady=(8, 4))
        buttons.columnconfigure((0, 1, 2), weight=1, uniform="b")
        self.new_button = ttk.Button(
            buttons, text=_("New"), bootstyle="secondary-outline", command=self.new
        )
        self.new_button.grid(row=0, column=0, sticky="ew", padx=(0, 3))
        self.save_button = ttk.Button(
            buttons, text=_("Save"), bootstyle="success", command=self.save
        )
        self.save_button.grid(row=0, column=1, sticky="ew", padx=3)
        self.merge_button = ttk.Button(
            buttons, text=_("Merge…"), bootstyle="warning-outline", command=self.ask_merge
        )
        self.merge_button.grid(row=0, column=2, sticky="ew", padx=(3, 0))
        self.info = ttk.Label(
            side,
            text="",
            bootstyle="secondary",
            wraplength=420,
            justify="left",
        )
        self.info.pack(fill="x", pady=(4, 0))
        self.new()

    def _enable(self, on: bool, *, merge: bool = True) -> None:
        self.save_button.configure(state="normal" if on else "disabled")
        self.merge_button.configure(state="normal" if on and merge else "disabled")

    def new(self) -> None:
        """An empty form: Save adds a customer (one who has no case yet: a business, a
        dealer). Customers at the counter come in with their intake."""
        self.forget_detail()
        self.detail = None
        self.tree.selection_remove(*self.tree.selection())
        self.form.clear()
        self.reason_form.clear()
        self.reason_form.pack_forget()  # a reason is asked for a change, not for a new customer
        self.cases.delete(*self.cases.get_children())
        self.cases_title.configure(text=_("Cases and money"))
        self.money.configure(text="")
        self._enable(True, merge=False)
        self.info.configure(
            text=_(
                "A new customer: fill in and Save (customers at the counter come in with "
                "their intake)."
            )
        )

    # --- reading ---------------------------------------------------------------------------

    def list_read(self) -> Read:
        return read(list_customers, self.query.get())

    def fill(self, rows: list[CustomerRow]) -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows = {str(c.id): c for c in rows}
        for c in rows:
            self.tree.insert(
                "",
                "end",
                iid=str(c.id),
                values=[str(x) for x in _cells(c, self.desk.ctx.settings.shop.currency)],
            )
        if self.detail is not None and str(self.detail.id) in self.rows:
            self.tree.selection_set(str(self.detail.id))

    def select(self, customer_id: int | str) -> None:  # type: ignore[override]
        super().select(str(customer_id))

    def on_select(self, iid: str) -> None:
        if self.detail is not None and iid == str(self.detail.id):
            self.detail_reader.cancel()  # back to the one shown: another on its way is dropped
            return
        self.read_detail(iid, show_customer, int(iid), then=self.show)  # in the access log

    def show(self, d: CustomerDetail) -> None:
        self.detail = d
        self.form.clear_errors()
        self.reason_form.clear()
        if not self.reason_form.winfo_manager():
            self.reason_form.pack(fill="x", pady=(4, 0), before=self.buttons)
        for name in ("name", "phone", "phone2", "address", "kind", "service_class", "notes"):
            self.form.set(name, getattr(d, name))
        self.cases.delete(*self.cases.get_children())
        for c in d.cases:
            self.cases.insert(
                "",
                "end",
                iid=c.number,
                values=[
                    c.number,
                    label(KINDS, c.kind),
                    label(STATUSES, c.status),
                    self.desk.ctx.local(c.created_at).date().isoformat(),
                    c.product,
                ],
            )
        self.cases_title.configure(
            text=_("Cases and money of {name} ({count})").format(name=d.name, count=len(d.cases))
        )
        currency = self.desk.ctx.settings.shop.currency
        parts = [f"{label(MONEY_KINDS, k)} {format_money(v, currency)}" for k, v in d.money.items()]
        if d.kind == "dealer":
            parts.insert(
                0,
                _("Dealer balance {balance}").format(
                    balance=format_money(d.dealer_balance, currency)
                ),
            )
        self.money.configure(text=" · ".join(parts) if parts else _("No money booked yet."))
        self._enable(not d.erased)
        self.info.configure(
            text=_("#{id} · double-click a case to open it.").format(id=d.id)
            if not d.erased
            else _("This customer was erased on request.")
        )

    def open_case(self) -> None:
        chosen = self.cases.selection()
        if chosen:
            self.desk.open(chosen[0])

    def screenshot_setup(self) -> None:
        """The customer with the most cases chosen (docs/screenshots)."""

        def best() -> None:
            most = max(self.rows.values(), key=lambda c: c.cases, default=None)
            if most is not None:
                self.select(most.id)

        self.when_loaded(best)

    # --- writing ---------------------------------------------------------------------------

    def save(self) -> CustomerDetail | None:
        values = self.form.values()
        if self.detail is None:
            got = self.desk.call(add_customer, values, form=self.form)
            if not got.ok:
                return None
            self.desk.notify(_("Added: {name}").format(name=got.value.name), "success")
            self.show(got.value)
            self.reload()
            self.select(got.value.id)
            return got.value
        reason = self.reason_form.get("reason")
        errors = _Both(self.form, self.reason_form)
        got = self.desk.call(edit_customer, self.detail.id, values, reason, form=errors)
        if not got.ok:
            return None
        self.desk.notify(_("Saved: {name}").format(name=got.value.name), "success")
        self.show(got.value)
        self.reload()
        return got.value

    def ask_merge(self) -> PickDialog | None:
        kept = self.detail
        if kept is None:
            return None

        def search(ctx: Any, text: str) -> list[Any]:
            return list_customers(ctx, text, limit=200)

        def pick(dup: CustomerRow, reason: str) -> bool:
            got = self.desk.call(merge_customers, kept.id, dup.id, reason)
            if not got.ok:
                return False
            self.desk.notify(
                _("{duplicate} merged into {name}: {cases} cases moved.").format(
                    duplicate=f"#{dup.id} {dup.name}", name=kept.name, cases=len(got.value.cases)
                ),
                "success",
            )
            self.show(got.value.kept)
            self.reload()
            return True

        self.merge_dialog = PickDialog(
            self,
            self.desk,
            _("Merge a duplicate"),
            _(
                "Pick the duplicate of {name}. Its cases, sales and the money on them move to "
                "{name}, a dealer's balance is added up; the duplicate is marked merged."
            ).format(name=kept.name),
            [(c, _(h), w) for c, h, w, _a in COLUMNS[:4]],
            search,
            lambda c: _cells(c)[:4],
            pick,
            ok_text=_("Merge into {name}").format(name=kept.name),
            exclude=kept.id,
            reason=True,
        )
        return self.merge_dialog


class _Both:
    """Errors of one call shown in the details form and the reason field."""

    def __init__(self, *forms: FormFrame) -> None:
        self.forms = forms

    def show_errors(self, exc: Any) -> bool:
        return [f.show_errors(exc) for f in self.forms].count(True) > 0

    def clear_errors(self) -> None:
        for f in self.forms:
            f.clear_errors()
