"""The products catalogue in the Lists tab: search, the table, the selected product's form
(Add / Save), Merge… to join a duplicate into it, and Import… / Export… of the list.

Products typed at the intake without being added to the catalogue are kept off it; "Also off
the catalogue" shows them, so they can be put in (tick "In the catalogue") or merged into the
catalogue's own record of the same product.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as ttk

from app.domain.codes import Category
from app.domain.fields import FieldSpec
from app.domain.money import format_money
from app.domain.validation import validate_qty
from app.i18n import N_, _
from app.i18n.labels import CATEGORIES, label
from app.services.shop.products import (
    ProductRow,
    add_product,
    edit_product,
    list_products,
    merge_products,
    validate_barcode,
)
from app.ui.desk import Desk
from app.ui.lists.pick import PickDialog
from app.ui.lists.section import ListSection, Read, read
from app.ui.lists.transfer import ImportExportBar
from app.ui.widgets.fields import FormFrame


def _months(value: str) -> object:
    return validate_qty(value, "warranty_months", minimum=1, maximum=120)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", N_("Product name"), required=True, width=20, span=True),
    FieldSpec("model_spec", N_("Model/spec"), width=20, span=True),
    FieldSpec("brand", N_("Brand"), width=9),
    FieldSpec(
        "category", N_("Category"), kind="choice", choices=tuple(CATEGORIES.items()), width=8
    ),
    FieldSpec("barcode", N_("Barcode/SKU"), check=validate_barcode, width=20, span=True),
    FieldSpec("price", N_("Selling price"), width=9),
    # Only when longer than the law's (the law's minimum applies anyway).
    FieldSpec("warranty_months", N_("Warranty (months)"), check=_months, width=6),
    FieldSpec("unit", N_("Unit"), width=9),
    FieldSpec("active", N_("In the catalogue"), kind="check", default=True),
)
COLUMNS = (
    ("barcode", N_("Barcode/SKU"), 100, "w"),
    ("name", N_("Product"), 150, "w"),
    ("model", N_("Model"), 95, "w"),
    ("brand", N_("Brand"), 55, "w"),
    ("category", N_("Category"), 75, "w"),
    ("price", N_("Price"), 65, "w"),
    ("warranty", N_("Months"), 60, "w"),  # "Months" whole in English
)


def _cells(p: ProductRow, currency: str = "CNY") -> list[object]:
    return [
        p.barcode,
        p.name if p.active else _("{name} (off the catalogue)").format(name=p.name),
        p.model_spec,
        p.brand,
        label(CATEGORIES, p.category),
        format_money(p.price, currency),
        p.warranty_months or "",
    ]


class ProductsSection(ListSection):
    """Table on the left, the selected product's form on the right."""

    EMPTY_TEXT = N_(
        "No products yet. Fill in the form on the right and Save, or bring the list from "
        "Excel with Import…; the desk can also add one at intake (Add to the catalogue)."
    )

    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, desk)
        self.rows: dict[str, ProductRow] = {}
        self.selected: ProductRow | None = None
        self.merge_dialog: PickDialog | None = None
        self._build()
        self.reload()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        top = self.bar
        self.query = self.search_var
        self.inactive = tk.BooleanVar(self, value=False)
        ttk.Checkbutton(
            top, text=_("Also off the catalogue"), variable=self.inactive, command=self.reload
        ).pack(side="left")
        self.transfer = ImportExportBar(top, self.desk, "products", on_done=self.reload)
        self.transfer.pack(side="right")

        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=1)
        body.rowconfigure(0, weight=1)
        table = ttk.Frame(body)
        table.grid(row=0, column=0, sticky="nsew", padx=(0, 10))
        self.make_table(table, COLUMNS, stretch=("name", "model"))
        self.count = ttk.Label(body, bootstyle="secondary")
        self.count.grid(row=1, column=0, sticky="w", pady=(4, 0))

        side = ttk.Labelframe(body, text=" " + _("Product") + " ", padding=(8, 4))
        side.grid(row=0, column=1, rowspan=2, sticky="ns")
        self.form = FormFrame(side, FIELDS, columns=2)
        self.form.pack(fill="x")
        buttons = ttk.Frame(side)
        buttons.pack(fill="x", pady=(10, 4))
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
        self.info = ttk.Label(side, bootstyle="secondary", wraplength=380, justify="left")
        self.info.pack(fill="x", pady=(4, 0))
        self.new()

    # --- reading ---------------------------------------------------------------------------

    def list_read(self) -> Read:
        return read(list_products, self.query.get(), inactive=self.inactive.get())

    def fill(self, rows: list[ProductRow]) -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows = {str(p.id): p for p in rows}
        for p in rows:
            self.tree.insert(
                "",
                "end",
                iid=str(p.id),
                values=[str(c) for c in _cells(p, self.desk.ctx.settings.shop.currency)],
            )
        self.count.configure(text=_("{count} products").format(count=len(rows)))
        if self.selected is not None and str(self.selected.id) in self.rows:
            self.tree.selection_set(str(self.selected.id))

    def select(self, product_id: int | str) -> None:  # type: ignore[override]
        super().select(str(product_id))

    def on_select(self, iid: str) -> None:
        p = self.rows[iid]  # the row has it all: nothing to read
        self.selected = p
        self.form.clear_errors()
        for name in ("name", "model_spec", "brand", "category", "barcode", "unit", "active"):
            self.form.set(name, getattr(p, name))
        self.form.set("price", f"{p.price:.2f}")
        self.form.set("warranty_months", p.warranty_months or "")
        self.merge_button.configure(state="normal")
        self.info.configure(
            text=_("#{id} · Save changes it, Merge… joins a duplicate into it.").format(id=p.id)
        )

    def screenshot_setup(self) -> None:
        """The first product chosen (docs/screenshots)."""

        def first() -> None:
            product = next(iter(self.rows.values()), None)
            if product is not None:
                self.select(product.id)

        self.when_loaded(first)

    # --- writing ---------------------------------------------------------------------------

    def new(self) -> None:
        """An empty form: Save adds a product."""
        self.forget_detail()
        self.selected = None
        self.tree.selection_remove(*self.tree.selection())
        self.form.clear()
        self.merge_button.configure(state="disabled")
        self.info.configure(text=_("A new product: fill in and Save."))

    def save(self) -> ProductRow | None:
        values = self.form.values()
        if self.selected is None:
            values.pop("name")
            got = self.desk.call(add_product, self.form.get("name"), form=self.form, **values)
            done = _("Added to the catalogue: {product}")
        else:
            got = self.desk.call(edit_product, f"#{self.selected.id}", values, form=self.form)
            done = _("Saved: {product}")
        if not got.ok:
            return None
        row: ProductRow = got.value
        if row.category == Category.OTHER.value and not values.get("category"):
            # Stored as "other", which has no three-guarantee rights: a phone saved without
            # its category would quietly lose them at intake.
            self.desk.notify(
                _(
                    "Saved without a category, as “Other”: it has no three-guarantee rights "
                    "at intake. Choose its category if it is a phone, a charger, a headset…"
                ),
                "warning",
            )
        else:
            self.desk.notify(done.format(product=row.label), "success")
        self.selected = row
        if not row.active:
            self.inactive.set(True)
        self.reload()
        self.select(row.id)
        return row

    def ask_merge(self) -> PickDialog | None:
        kept = self.selected
        if kept is None:
            self.desk.notify(_("Pick the product to keep first, then Merge…"), "info")
            return None

        def search(ctx: Any, text: str) -> list[Any]:
            return list_products(ctx, text, inactive=True, limit=200)

        def pick(dup: ProductRow, _reason: str) -> bool:
            got = self.desk.call(merge_products, f"#{kept.id}", f"#{dup.id}")
            if not got.ok:
                return False
            self.desk.notify(
                _("{duplicate} merged into {product}: {cases} cases moved.").format(
                    duplicate=dup.label, product=kept.label, cases=len(got.value.cases)
                ),
                "success",
            )
            self.reload()
            self.select(kept.id)
            return True

        self.merge_dialog = PickDialog(
            self,
            self.desk,
            _("Merge a duplicate"),
            _(
                "Pick the duplicate of {product}. Its cases, sales and return lines move to "
                "{product}; the duplicate is kept off the catalogue, marked merged."
            ).format(product=kept.label),
            [(c, _(h), w) for c, h, w, _a in COLUMNS[:3]],
            search,
            lambda p: _cells(p)[:3],
            pick,
            ok_text=_("Merge into {product}").format(product=kept.name),
            exclude=kept.id,
        )
        return self.merge_dialog
