"""Spare parts and suppliers brought in from Excel, and written back out (the tables core).

A parts row is keyed by its part number, a supplier row by its name. A blank cell leaves what
is on file; a row equal to what is on file is "same" and writes nothing, so importing the same
file again changes nothing. A part's stock column is its opening count: it becomes one
"opening" movement for a part that has none yet; a part with an opening movement keeps it (a
second import writes no second one), and a part whose stock already moved otherwise is counted
by movements only (a different count there is refused: that is a stock adjustment).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_qty, validate_text
from app.i18n import N_
from app.services.shop import stock, suppliers
from app.services.shop.context import Context
from app.services.shop.permissions import Action
from app.services.shop.tables import Column, PlannedRow, SourceRow, Table
from app.store.models import SparePart, StockMovement, Supplier


def _duplicate(key: str, value: str, earlier: list[PlannedRow]) -> None:
    for other in earlier:
        if other.data["key"] == value:
            raise ValidationError.single(key, "duplicate_row", line=other.line)


class PartsTable(Table):
    kind = "parts"
    title = N_("Spare parts")
    columns = (
        Column(
            "part_no", N_("Part number"), ("配件编码", "配件编号", "编码", "料号"), required=True
        ),
        Column("name", N_("Part name"), ("配件名称", "名称", "品名")),
        Column("fits", N_("Fits products"), ("适用机型", "适用型号")),
        Column("cost", N_("Unit cost"), ("进价", "成本价", "成本")),
        Column("price", N_("Selling price"), ("售价", "零售价")),
        Column(
            "reorder_level", N_("Reorder level"), ("安全库存", "最低库存", "补货点"), whole=True
        ),
        Column("location", N_("Location"), ("库位", "货位", "货架")),
        Column("stock", N_("Opening stock"), ("库存", "期初库存", "数量", "库存数量"), whole=True),
    )
    action = Action.STOCK
    export_action = None

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        v = Collector()
        pn = v.check(
            "part_no", validate_text, row.get("part_no"), required=True, max_len=40, multiline=False
        )
        values: dict[str, Any] = {}
        for key, limit in (("name", 120), ("fits", 200), ("location", 40)):
            if row.get(key):
                values[key] = v.check(key, validate_text, row.get(key), max_len=limit)
        for key in ("cost", "price"):
            if row.get(key):
                values[key] = v.check(key, parse_money, row.get(key))
        if row.get("reorder_level"):
            values["reorder_level"] = v.check(
                "reorder_level", validate_qty, row.get("reorder_level"), minimum=0, maximum=10000
            )
        opening = None
        if row.get("stock"):
            opening = v.check("stock", validate_qty, row.get("stock"), minimum=0, maximum=10000)
        v.raise_if_errors()
        _duplicate("part_no", pn, earlier)  # type: ignore[arg-type]
        part = SparePart.get_or_none(SparePart.part_no == pn)
        label = f"{pn} {values.get('name') or (part.name if part else '')}".strip()
        data: dict[str, Any] = {"key": pn, "values": values, "opening": 0}
        if part is None:
            if not values.get("name"):
                raise ValidationError.single("name", "required")
            data["opening"] = opening or 0
            return PlannedRow(row.line, "add", label, data)
        changed = {k: x for k, x in values.items() if getattr(part, k) != x}
        data["values"] = changed
        if opening is not None and opening != part.stock and not stock.has_opening(part):
            moved = StockMovement.select().where(StockMovement.part == part.id).exists()
            if moved:
                raise DomainError("stock_has_movements", field="stock", stock=part.stock)
            data["opening"] = opening
        action = "update" if changed or data["opening"] else "same"
        return PlannedRow(row.line, action, label, data)

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        pn, values, opening = row.data["key"], dict(row.data["values"]), row.data["opening"]
        if row.action == "add":
            name = values.pop("name")
            stock.create_part(ctx, pn, name, **values)
        elif values:
            stock.edit_part(ctx, pn, **values)
        if opening:
            stock.opening_stock(ctx, stock.find_part(pn), opening)

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        for p in SparePart.select().order_by(SparePart.part_no):
            yield {
                "part_no": p.part_no,
                "name": p.name,
                "fits": p.fits,
                "cost": p.cost,
                "price": p.price,
                "reorder_level": p.reorder_level,
                "location": p.location,
                "stock": p.stock,
            }


class SuppliersTable(Table):
    kind = "suppliers"
    title = N_("Suppliers")
    columns = (
        Column("name", N_("Supplier"), ("供应商名称", "名称", "单位名称"), required=True),
        Column("contact", N_("Contact person"), ("联系人",)),
        Column("phone", N_("Phone"), ("电话", "联系电话", "手机")),
        Column("address", N_("Address"), ("地址",)),
        Column("terms", N_("Payment terms"), ("结算方式", "账期", "付款方式")),
        Column("notes", N_("Notes"), ("备注",)),
    )
    action = Action.STOCK
    export_action = None

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        v = Collector()
        name = v.check("name", validate_text, row.get("name"), required=True, max_len=80)
        values: dict[str, Any] = {}
        for key, limit in suppliers.FIELDS.items():
            if key != "name" and row.get(key):
                values[key] = v.check(key, validate_text, row.get(key), max_len=limit)
        v.raise_if_errors()
        _duplicate("name", name, earlier)  # type: ignore[arg-type]
        found = Supplier.get_or_none(Supplier.name == name)
        data: dict[str, Any] = {"key": name, "values": values}
        if found is None:
            return PlannedRow(row.line, "add", name, data)  # type: ignore[arg-type]
        changed = {k: x for k, x in values.items() if getattr(found, k) != x}
        data["values"] = changed
        return PlannedRow(row.line, "update" if changed else "same", name, data)  # type: ignore[arg-type]

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        name, values = row.data["key"], row.data["values"]
        if row.action == "add":
            suppliers.add_supplier(ctx, name, **values)
        else:
            suppliers.edit_supplier(ctx, name, **values)

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        for s in Supplier.select().order_by(Supplier.name):
            yield {k: getattr(s, k) for k in suppliers.FIELDS}


PARTS = PartsTable()
SUPPLIERS = SuppliersTable()
