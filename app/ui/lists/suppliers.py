"""Suppliers: who parts are bought from and who takes faulty goods back, with the statement of
what went back to a supplier and what it paid back for a period."""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.money import format_money
from app.i18n import N_, _
from app.services.shop import suppliers
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import place_over
from app.ui.lists.section import Read, read
from app.ui.lists.table_form import RenamedErrors, TableFormSection
from app.ui.lists.transfer import ImportExportBar
from app.ui.widgets.fields import Field, FormFrame

COLUMNS = (
    ("name", N_("Supplier"), 200, "w"),
    ("contact", N_("Contact person"), 100, "w"),
    ("phone", N_("Phone"), 120, "w"),
    ("terms", N_("Payment terms"), 120, "w"),
)

FIELDS = (
    # Two columns: the form, its buttons and the statement's dates fit at 1366×728 under the
    # banners a new shop shows.
    Field("name", N_("Supplier"), required=True, width=24, span=True),
    Field("contact", N_("Contact person"), width=10),
    Field("phone", N_("Phone"), width=10),
    Field("address", N_("Address"), width=24, span=True),
    Field("terms", N_("Payment terms"), width=10),
    Field("active", N_("In use"), kind="check", default=True),
    Field("notes", N_("Notes"), kind="multiline", height=2, width=24, span=True),
)
ERROR_FIELDS = {"supplier": "name"}


class SuppliersSection(TableFormSection):
    EMPTY_TEXT = N_(
        "No suppliers yet. Fill in the form on the right and Save, or Import… them; a "
        "supplier named when stock is booked in is added here too."
    )

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk, COLUMNS)
        self.transfer = ImportExportBar(self.bar, desk, "suppliers", on_done=self.reload)
        self.transfer.pack(side="left", padx=(0, 10))
        self.heading = ttk.Label(
            self.side, text=_("New supplier"), font=("TkDefaultFont", 11, "bold")
        )
        self.heading.pack(anchor="w")
        self.form = FormFrame(self.side, FIELDS, columns=2)
        self.form.pack(fill="x")
        row = ttk.Frame(self.side)
        row.pack(fill="x", pady=(8, 0))
        self.save_button = self.side_button(row, _("Save"), self.save, bootstyle="primary")
        self.new_button = self.side_button(
            row, _("New supplier"), self.new, bootstyle="secondary-outline"
        )
        period = ttk.Labelframe(self.side, text=_("Statement"), padding=6)
        period.pack(fill="x", pady=(10, 0))
        today = desk.ctx.today()
        self.date_from = tk.StringVar(self, value=today.replace(day=1).isoformat())
        self.date_to = tk.StringVar(self, value=today.isoformat())
        ttk.Label(period, text=_("From")).pack(side="left")
        ttk.Entry(period, textvariable=self.date_from, width=11).pack(side="left", padx=4)
        ttk.Label(period, text=_("to")).pack(side="left")
        ttk.Entry(period, textvariable=self.date_to, width=11).pack(side="left", padx=4)
        self.statement_button = ttk.Button(
            period, text=_("Show…"), bootstyle="info-outline", command=self.show_statement
        )
        self.statement_button.pack(side="left", padx=(4, 0))
        self.editing = ""
        self.dialog: Any = None

    def list_read(self) -> Read:
        return read(suppliers.list_suppliers, self.search_var.get())

    def row(self, s: Any) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
        return f"#{s.id}", (s.name, s.contact, s.phone, s.terms), () if s.active else ("off",)

    def on_select(self, iid: str) -> None:
        self.read_detail(iid, suppliers.supplier_view, iid, then=lambda s: self._show(iid, s))

    def _show(self, iid: str, s: Any) -> None:
        self.editing = iid
        self.heading.configure(text=s.name)
        self.form.clear_errors()
        for name in ("name", "contact", "phone", "address", "terms", "notes", "active"):
            self.form.set(name, getattr(s, name))

    def new(self) -> None:
        self.forget_detail()
        self.editing = ""
        self.tree.selection_remove(*self.tree.selection())
        self.heading.configure(text=_("New supplier"))
        self.form.clear()
        self.form.set("active", True)
        self.form.focus_first()

    def save(self) -> Outcome:
        v = self.form.values()
        rest = {k: v[k] for k in ("contact", "phone", "address", "terms", "notes")}
        form = RenamedErrors(self.form, ERROR_FIELDS)
        if self.editing:
            out = self.desk.call(
                suppliers.edit_supplier,
                self.editing,
                name=v["name"],
                active=v["active"],
                form=form,
                done=_("Supplier saved."),
                **rest,
            )
        else:
            out = self.desk.call(
                suppliers.add_supplier, v["name"], form=form, done=_("Supplier added."), **rest
            )
        if out:
            self.reload()
            self.select(f"#{out.value.id}")
        return out

    def show_statement(self) -> None:
        """The statement for the period in its own window, once read (on a reader thread)."""
        if not self.editing:
            self.desk.notify(_("Choose a supplier in the list first."), "warning")
            return

        def shown(st: Any) -> None:
            if self.winfo_exists():
                self.dialog = StatementWindow(self, self.desk, st)

        self.desk.read_later(
            self.asks,
            suppliers.supplier_statement,
            self.editing,
            self.date_from.get(),
            self.date_to.get(),
            then=shown,
        )


class StatementWindow(ttk.Toplevel):
    """What went back to the supplier and what it paid back, for the period."""

    def __init__(self, master: tk.Misc, desk: Desk, st: Any) -> None:
        super().__init__(
            title=_("Statement: {name}").format(name=st.supplier.name),
            transient=master.winfo_toplevel(),
            master=master,
        )
        money = desk.ctx.settings.shop.currency
        body = ttk.Frame(self, padding=10)
        body.pack(fill="both", expand=True)
        ttk.Label(
            body,
            text=f"{st.supplier.name}   {st.date_from.isoformat()} – {st.date_to.isoformat()}",
            font=("TkDefaultFont", 11, "bold"),
        ).pack(anchor="w")
        cols = (
            ("at", N_("Date"), 100, "w"),
            ("what", N_("What"), 200, "w"),
            ("qty", N_("Quantity"), 60, "e"),
            ("returned", N_("Returned"), 100, "e"),
            ("recovered", N_("Recovered"), 100, "e"),
        )
        self.tree = ttk.Treeview(body, columns=[c[0] for c in cols], show="headings", height=12)
        for cid, heading, width, anchor in cols:
            self.tree.heading(cid, text=_(heading), anchor=anchor)  # type: ignore[arg-type]
            self.tree.column(cid, width=width, anchor=anchor)  # type: ignore[arg-type]
        for lot in st.lots:
            self.tree.insert(
                "",
                "end",
                values=(
                    desk.ctx.local(lot.at).strftime("%Y-%m-%d"),
                    f"{lot.reference} {lot.description}",
                    lot.qty,
                    format_money(lot.value, money),
                    "",
                ),
            )
        for r in st.recoveries:
            self.tree.insert(
                "",
                "end",
                values=(
                    desk.ctx.local(r.at).strftime("%Y-%m-%d"),
                    f"{r.case_number} {r.note}",
                    "",
                    "",
                    format_money(r.amount, money),
                ),
            )
        self.tree.pack(fill="both", expand=True, pady=(6, 0))
        self.total = ttk.Label(
            body,
            text=_("Returned {returned}, recovered {recovered}, outstanding {outstanding}").format(
                returned=format_money(st.returned_value, money),
                recovered=format_money(st.recovered, money),
                outstanding=format_money(st.outstanding, money),
            ),
        )
        self.total.pack(anchor="w", pady=(6, 0))
        ttk.Button(body, text=_("Close"), command=self.destroy).pack(anchor="e", pady=(8, 0))
        self.bind("<Escape>", lambda _e: self.destroy())
        self.after_idle(lambda: place_over(self))
