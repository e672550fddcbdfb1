"""Spare parts and stock: the shelf's parts with their counts, a part's details, deliveries,
adjustments (count, damage, loss) and parts sent back to a supplier; the parts below their
reorder level and the stock's value at any date.

Every change goes through `services.shop.stock` (the manager on duty or the owner); the count
moves only by movements, so the form edits the details, never the count.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.codes import ADJUST_REASONS
from app.domain.errors import DomainError
from app.domain.money import format_money
from app.i18n import N_, _
from app.i18n.labels import STOCK_REASONS, label
from app.services.shop import stock, suppliers
from app.services.shop.permissions import Action, require
from app.ui.desk import Desk, Outcome
from app.ui.dialogs import FormDialog, place_over
from app.ui.errors import user_text
from app.ui.lists.section import Read, read
from app.ui.lists.table_form import RenamedErrors, TableFormSection
from app.ui.lists.transfer import ImportExportBar
from app.ui.widgets.fields import Field, FormFrame

COLUMNS = (
    ("part_no", N_("Part number"), 110, "w"),
    ("name", N_("Part name"), 180, "w"),
    ("stock", N_("Stock"), 60, "e"),
    ("reorder", N_("Reorder level"), 95, "e"),
    ("cost", N_("Unit cost"), 90, "e"),
    ("location", N_("Location"), 70, "w"),
)

PART_FIELDS = (
    # Two columns: the whole form and both rows of buttons fit under the two banners a new
    # shop shows at 1366×728 (one column pushed Stock in… off the bottom).
    Field("part_no", N_("Part number"), required=True, width=12),
    Field("location", N_("Location"), width=8),
    Field("name", N_("Part name"), required=True, width=24, span=True),
    Field("fits", N_("Fits products"), width=24, span=True),
    Field("cost", N_("Unit cost"), width=8),
    Field("price", N_("Selling price"), width=8),
    Field("reorder_level", N_("Reorder level"), width=8),
    Field("active", N_("In use"), kind="check", default=True),
)
#: The form's field names as the services name them in errors.
ERROR_FIELDS = {"part_name": "name"}


def _money(desk: Desk, value: Any) -> str:
    return format_money(value, desk.ctx.settings.shop.currency)


class PartsSection(TableFormSection):
    EMPTY_TEXT = N_(
        "No spare parts yet. Stock in… books the first delivery and adds its part number; "
        "or fill in the form on the right and Save, or Import… the list from Excel."
    )

    def empty_text(self) -> str:
        if self.below_var.get() and not self.search_var.get().strip():
            return _("No part is below its reorder level.")
        return super().empty_text()

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk, COLUMNS)
        self.below_var = tk.BooleanVar(self, value=False)
        ttk.Checkbutton(
            self.bar,
            text=_("Below reorder level"),
            variable=self.below_var,
            command=self.reload,
            bootstyle="round-toggle",
        ).pack(side="left", padx=(0, 10))
        self.transfer = ImportExportBar(self.bar, desk, "parts", on_done=self.reload)
        self.transfer.pack(side="left", padx=(0, 10))
        ttk.Label(self.bar, text=_("Value on")).pack(side="left")
        self.value_on = tk.StringVar(self, value=desk.ctx.today().isoformat())
        ttk.Entry(self.bar, textvariable=self.value_on, width=11).pack(side="left", padx=4)
        self.value_button = ttk.Button(
            self.bar, text=_("Value"), bootstyle="info-outline", command=self.show_value
        )
        self.value_button.pack(side="left")
        self.value_text = ttk.Label(self.bar, text="", bootstyle="info")
        self.value_text.pack(side="left", padx=(8, 0))

        self.heading = ttk.Label(self.side, text=_("New part"), font=("TkDefaultFont", 11, "bold"))
        self.heading.pack(anchor="w")
        self.form = FormFrame(self.side, PART_FIELDS, columns=2)
        self.form.pack(fill="x")
        row = ttk.Frame(self.side)
        row.pack(fill="x", pady=(8, 0))
        self.save_button = self.side_button(row, _("Save"), self.save, bootstyle="primary")
        self.new_button = self.side_button(
            row, _("New part"), self.new, bootstyle="secondary-outline"
        )
        self.moves_button = self.side_button(
            row, _("Movements…"), self.show_movements, bootstyle="secondary-outline"
        )
        row = ttk.Frame(self.side)
        row.pack(fill="x", pady=(8, 0))
        self.stock_in_button = self.side_button(
            row, _("Stock in…"), self.ask_stock_in, bootstyle="success"
        )
        self.adjust_button = self.side_button(
            row, _("Adjust…"), self.ask_adjust, bootstyle="warning-outline"
        )
        self.return_button = self.side_button(
            row, _("Return to supplier…"), self.ask_return, bootstyle="secondary-outline"
        )
        self.editing = ""
        self.dialog: Any = None
        self.valued_on = ""  # the date of the value shown, read again when the list is

    # --- the table ------------------------------------------------------------------------------

    def list_read(self) -> Read:
        return read(stock.list_parts, self.search_var.get(), below_reorder=self.below_var.get())

    def row(self, p: Any) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
        tags = ("warn",) if p.below_reorder else ("off",) if not p.active else ()
        values = (
            p.part_no,
            p.name,
            p.stock,
            p.reorder_level,
            _money(self.desk, p.cost),
            p.location,
        )
        return p.part_no, values, tags

    def on_select(self, iid: str) -> None:
        self.read_detail(iid, stock.part_view, iid, then=self._show)

    def _show(self, p: Any) -> None:
        self.editing = p.part_no
        self.heading.configure(text=f"{p.part_no}  {p.name}")
        self.form.clear_errors()
        for name, value in (
            ("part_no", p.part_no),
            ("name", p.name),
            ("fits", p.fits),
            ("cost", str(p.cost)),
            ("price", str(p.price)),
            ("reorder_level", str(p.reorder_level)),
            ("location", p.location),
            ("active", p.active),
        ):
            self.form.set(name, value)

    # --- the form -------------------------------------------------------------------------------

    def new(self) -> None:
        self.forget_detail()
        self.editing = ""
        self.tree.selection_remove(*self.tree.selection())
        self.heading.configure(text=_("New part"))
        self.form.clear()
        self.form.set("active", True)
        self.form.focus_first()

    def save(self) -> Outcome:
        v = self.form.values()
        details = {k: v[k] for k in ("fits", "cost", "price", "reorder_level", "location")}
        if self.editing:
            outcome = self.desk.call(
                stock.edit_part,
                self.editing,
                "",
                name=v["name"],
                active=v["active"],
                form=RenamedErrors(self.form, ERROR_FIELDS),
                done=_("Part saved."),
                **details,
            )
        else:
            outcome = self.desk.call(
                stock.create_part,
                v["part_no"],
                v["name"],
                form=RenamedErrors(self.form, ERROR_FIELDS),
                done=_("Part added."),
                **details,
            )
        if outcome:
            self.reload()
            self.select(outcome.value.part_no)
        return outcome

    # --- movements ------------------------------------------------------------------------------

    def _may_move_stock(self) -> bool:
        """Booking, adjusting and returning stock are the manager's or the owner's: a desk
        clerk is told on the button, not after filling in the whole dialog (the service
        refuses it anyway)."""
        try:
            require(self.desk.ctx, Action.STOCK)
        except DomainError as exc:
            self.desk.notify(user_text(exc), "warning")
            return False
        return True

    def _need_part(self) -> str:
        if not self.editing:
            self.desk.notify(_("Choose a part in the list first."), "warning")
        return self.editing

    def ask_stock_in(self) -> None:
        if not self._may_move_stock():
            return
        fields = [
            Field("part_no", N_("Part number"), required=True, default=self.editing),
            Field("qty", N_("Quantity"), required=True),
            Field("cost", N_("Unit cost"), hint=N_("Needed for a new part number")),
            # The suppliers on file to pick from (a name typed slightly differently would be
            # added as another supplier); a new name can still be typed.
            Field(
                "supplier",
                N_("Supplier"),
                kind="combo",
                hint=N_("A new name is added to the suppliers"),
            ),
            Field("part_name", N_("Part name"), hint=N_("Needed for a new part number")),
            Field("note", N_("Note")),
        ]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            out = self.desk.call(
                stock.stock_in,
                v["part_no"],
                v["qty"],
                v["cost"] or None,
                v["supplier"],
                v["note"],
                name=v["part_name"],
                form=form,
                done=_("Stock booked."),
            )
            if out:
                self.reload()
                self.select(out.value.part_no)
            return out

        self.dialog = dialog = FormDialog(self, _("Stock in"), fields, submit, ok_text=_("Book"))
        if self.editing:  # the chosen part is filled in: the clerk types the quantity first
            qty = dialog.form.widgets["qty"]
            dialog.after_idle(lambda: qty.winfo_exists() and qty.focus_set())
        box = dialog.form.widgets["supplier"]

        def offer(rows: list[Any]) -> None:
            if box.winfo_exists():
                box.configure(values=[s.name for s in rows])

        self.desk.read_later(
            self.asks, suppliers.list_suppliers, include_inactive=False, then=offer
        )

    def ask_adjust(self) -> None:
        if not self._may_move_stock():
            return
        part_no = self._need_part()
        if not part_no:
            return
        reasons = tuple((r.value, STOCK_REASONS[r.value]) for r in ADJUST_REASONS)
        fields = [
            # Named as its errors name it ("Quantity: …"); the hint says it takes a sign.
            Field("qty", N_("Quantity"), required=True, hint=N_("e.g. -1 or +2")),
            Field("reason", N_("Reason"), kind="choice", choices=reasons, required=True),
            Field("note", N_("Note"), required=True),
        ]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            out = self.desk.call(
                stock.adjust_stock,
                part_no,
                v["qty"],
                v["reason"],
                v["note"],
                form=form,
                done=_("Stock adjusted."),
            )
            if out:
                self.reload()
                self.select(part_no)
            return out

        self.dialog = FormDialog(
            self, _("Adjust stock: {part}").format(part=part_no), fields, submit
        )

    def ask_return(self) -> None:
        if not self._may_move_stock():
            return
        part_no = self._need_part()
        if not part_no:
            return
        self.desk.read_later(
            self.asks,
            suppliers.list_suppliers,
            include_inactive=False,
            then=lambda rows: self._return_dialog(part_no, rows),
        )

    def _return_dialog(self, part_no: str, rows: list[Any]) -> None:
        """The return's form, once the suppliers to choose from were read."""
        if not self.winfo_exists():
            return
        if not rows:  # an empty choice would be a dead end: say where a supplier comes from
            self.desk.notify(
                _(
                    "No supplier to return to yet: add it under Suppliers first (a supplier "
                    "named when stock is booked in is added too)."
                ),
                "warning",
            )
            return
        names = tuple((s.name, s.name) for s in rows)
        fields = [
            Field("qty", N_("Quantity"), required=True),
            Field("supplier", N_("Supplier"), kind="choice", choices=names, required=True),
            Field("cost", N_("Unit cost"), hint=N_("Default: the part's cost")),
            Field("note", N_("Note")),
        ]

        def submit(v: dict[str, Any], form: FormFrame) -> Outcome:
            out = self.desk.call(
                stock.return_to_supplier,
                part_no,
                v["qty"],
                v["supplier"],
                v["note"],
                unit_cost=v["cost"] or None,
                form=form,
                done=_("Parts sent back to the supplier."),
            )
            if out:
                self.reload()
                self.select(part_no)
            return out

        self.dialog = FormDialog(
            self, _("Return to supplier: {part}").format(part=part_no), fields, submit
        )

    def show_movements(self) -> None:
        """The part's movements in their own window, once read (on a reader thread)."""
        part_no = self._need_part()
        if not part_no:
            return

        def shown(moves: list[Any]) -> None:
            if self.winfo_exists():
                self.dialog = MovementsWindow(self, self.desk, part_no, moves)

        self.desk.read_later(self.asks, stock.movements, part_no, then=shown)

    def screenshot_setup(self) -> None:
        super().screenshot_setup()
        self.show_value()

    def fill(self, rows: list[Any]) -> None:
        super().fill(rows)
        if self.valued_on:  # the stock may have moved: the value shown is read again
            self.show_value(self.valued_on)

    # --- value ----------------------------------------------------------------------------------

    def show_value(self, on: str = "") -> None:
        """The stock's value at the date typed (or ``on``), read on a reader thread (a long
        history)."""
        on = on or self.value_on.get()

        def shown(v: Any) -> None:
            if self.winfo_exists():
                self.valued_on = on
                self.value_text.configure(
                    text=_("{units} units, {total}").format(
                        units=v.units, total=_money(self.desk, v.total)
                    )
                )

        self.desk.read_later(self.asks, stock.valuation, on, then=shown)


class MovementsWindow(ttk.Toplevel):
    """A part's movements, newest first."""

    def __init__(self, master: tk.Misc, desk: Desk, part_no: str, moves: list[Any]) -> None:
        super().__init__(
            title=_("Movements: {part}").format(part=part_no),
            transient=master.winfo_toplevel(),
            master=master,
        )
        body = ttk.Frame(self, padding=10)
        body.pack(fill="both", expand=True)
        cols = (
            ("at", N_("Date"), 130, "w"),
            ("qty", N_("Quantity"), 60, "e"),
            ("reason", N_("Reason"), 120, "w"),
            ("cost", N_("Unit cost"), 80, "e"),
            ("who", N_("Supplier or ticket"), 160, "w"),
            ("note", N_("Note"), 180, "w"),
        )
        self.tree = ttk.Treeview(
            body, columns=[c[0] for c in cols], show="headings", height=min(16, len(moves) + 1)
        )
        for cid, heading, width, anchor in cols:
            self.tree.heading(cid, text=_(heading), anchor=anchor)  # type: ignore[arg-type]
            self.tree.column(cid, width=width, anchor=anchor)  # type: ignore[arg-type]
        for m in moves:
            self.tree.insert(
                "",
                "end",
                values=(
                    desk.ctx.local(m.at).strftime("%Y-%m-%d %H:%M"),
                    f"{m.qty:+d}",
                    label(STOCK_REASONS, m.reason),
                    _money(desk, m.unit_cost),
                    m.supplier or m.ticket,
                    m.note,
                ),
            )
        self.tree.pack(fill="both", expand=True)
        ttk.Button(body, text=_("Close"), command=self.destroy).pack(anchor="e", pady=(8, 0))
        self.bind("<Escape>", lambda _e: self.destroy())
        self.after_idle(lambda: place_over(self))
