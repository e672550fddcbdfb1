"""Spare parts (with their opening stock) and suppliers brought in from Excel: a preview naming
each bad row, all or nothing, re-importing the same file writes nothing (no second opening
movement), and each list exports back to a file that re-imports as the same."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import stock, suppliers, tables
from app.services.shop.context import Context
from app.store.models import Event, SparePart, StockMovement, Supplier
from tests.conftest import row_counts

DATA = Path(__file__).resolve().parents[1] / "data"


def _gbk(tmp_path: Path, name: str) -> Path:
    """The sample file as Excel on a Chinese PC saves a CSV: GBK."""
    target = tmp_path / Path(name).name
    target.write_bytes((DATA / name).read_text(encoding="utf-8").encode("gbk"))
    return target


def _opening(part_no: str) -> list[int]:
    part = SparePart.get(SparePart.part_no == part_no)
    moves = StockMovement.select().where(
        (StockMovement.part == part) & (StockMovement.reason == "opening")
    )
    return [m.qty for m in moves]


def test_parts_with_opening_stock_import_once(ctx: Context, tmp_path: Path) -> None:
    f = _gbk(tmp_path, "lists/parts.csv")
    seen = tables.preview(ctx, "parts", f)
    assert seen.ok, seen.errors
    assert seen.counts == {"add": 3, "update": 0, "same": 0}
    assert not SparePart.select().exists()
    tables.commit(ctx, "parts", f)
    lcd = stock.part_view(ctx, "MI-14-LCD")
    assert (lcd.name, lcd.fits, lcd.cost, lcd.price, lcd.reorder_level, lcd.location) == (
        "小米 14 屏幕总成",
        "小米 14",
        Decimal("600.00"),
        Decimal("999.00"),
        2,
        "A-1",
    )
    assert (lcd.stock, _opening("MI-14-LCD")) == (5, [5])
    assert (stock.part_view(ctx, "GEN-SIM").stock, _opening("GEN-SIM")) == (0, [])
    # Valued at the opening cost.
    assert stock.valuation(ctx).total == Decimal("3000.00") + Decimal("850.00")
    assert [p.part_no for p in stock.reorder_list(ctx)] == ["GEN-SIM"]
    assert Event.select().where(Event.action == "imported").count() == 1

    # The same file again: every row the same, nothing written, no second opening movement.
    before = row_counts()
    again = tables.commit(ctx, "parts", f)
    assert again.counts == {"add": 0, "update": 0, "same": 3}
    assert row_counts() == before
    # After parts were used, the stock column of the old file does not count them again.
    stock.adjust_stock(ctx, "MI-14-LCD", -2, "damage", "压裂")
    assert tables.preview(ctx, "parts", f).counts["same"] == 3
    assert _opening("MI-14-LCD") == [5] and stock.part_view(ctx, "MI-14-LCD").stock == 3

    # A changed price is an update; the export re-imports as the same.
    changed = tmp_path / "changed.csv"
    changed.write_text("配件编码,售价\nMI-14-LCD,1099\n", encoding="utf-8")
    assert tables.commit(ctx, "parts", changed).counts == {"add": 0, "update": 1, "same": 0}
    assert stock.part_view(ctx, "MI-14-LCD").price == Decimal("1099.00")
    out = tables.export(ctx, "parts", tmp_path / "parts.xlsx")
    before = row_counts()
    assert tables.commit(ctx, "parts", out).counts == {"add": 0, "update": 0, "same": 3}
    assert row_counts() == before
    assert changed_rows() == ()  # the opening stock is sealed in the log like any movement


def test_bad_part_rows_are_named_and_nothing_is_written(ctx: Context, tmp_path: Path) -> None:
    stock.stock_in(ctx, "OLD-1", 3, "10", "", name="旧配件")  # stock moved: not an opening
    f = tmp_path / "bad.csv"
    f.write_text(
        "配件编码,配件名称,进价,期初库存,安全库存\n"
        "P-1,电池,80,5,1\n"
        ",无编码,1,1,1\n"  # 3: no part number
        "P-2,,1,1,1\n"  # 4: a new part needs its name
        "P-3,屏幕,八十,-1,x\n"  # 5: cost, stock, reorder level
        "P-1,电池,80,5,1\n"  # 6: the same as line 2
        "OLD-1,旧配件,10,7,\n",  # 7: a count differing from the movements
        encoding="utf-8",
    )
    seen = tables.preview(ctx, "parts", f)
    got = {(e.line, e.field) for e in seen.errors}
    assert got == {
        (3, "part_no"),
        (4, "name"),
        (5, "cost"),
        (5, "stock"),
        (5, "reorder_level"),
        (6, "part_no"),
        (7, "stock"),
    }
    messages = {e.line: e.message for e in seen.errors}
    assert "line 2" in messages[6]
    before = row_counts()
    with pytest.raises(ValidationError):
        tables.commit(ctx, "parts", f)
    assert row_counts() == before


def test_suppliers_import_and_reimport(ctx: Context, tmp_path: Path) -> None:
    suppliers.add_supplier(ctx, "荣耀授权经销商", terms="月结")
    f = _gbk(tmp_path, "lists/suppliers.csv")
    seen = tables.preview(ctx, "suppliers", f)
    assert seen.counts == {"add": 1, "update": 1, "same": 0}
    tables.commit(ctx, "suppliers", f)
    s = suppliers.supplier_view(ctx, "荣耀授权经销商")
    assert (s.contact, s.terms) == ("王敏", "现结")
    assert Supplier.select().count() == 2
    before = row_counts()
    assert tables.commit(ctx, "suppliers", f).counts == {"add": 0, "update": 0, "same": 2}
    assert row_counts() == before
    out = tables.export(ctx, "suppliers", tmp_path / "s.xlsx")
    assert tables.preview(ctx, "suppliers", out).counts == {"add": 0, "update": 0, "same": 2}
    dup = tmp_path / "dup.csv"
    dup.write_text("供应商名称\n甲\n甲\n", encoding="utf-8")
    assert [(e.line, e.field) for e in tables.preview(ctx, "suppliers", dup).errors] == [
        (3, "name")
    ]


def test_a_desk_clerk_cannot_import_parts(desk_ctx: Context, tmp_path: Path) -> None:
    f = _gbk(tmp_path, "lists/parts.csv")
    with pytest.raises(DomainError) as info:
        tables.preview(desk_ctx, "parts", f)
    assert info.value.code == "permission_denied"
    # Anyone signed in exports.
    assert tables.export(desk_ctx, "parts", tmp_path / "p.xlsx").exists()
