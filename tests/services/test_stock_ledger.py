"""Spare parts and stock as a shop lives them: parts added and edited, deliveries from a
supplier, parts fitted on repairs, a count that differs, a damaged part, parts sent back to the
supplier. Every movement is an append-only row; the count is their sum and never negative; the
valuation at any date is the sum of quantity × unit cost up to then."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies import repairs
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import stock, suppliers
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.db import database
from app.store.models import Event, SparePart, StockMovement, Supplier
from tests.conftest import Clock, make_user, q, refused, row_counts


@pytest.fixture
def manager(data_dir: Path, clock: Clock, ctx: Context) -> Context:
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(data_dir, "mgr", clock=clock)


def _sum(part_no: str) -> int:
    part = SparePart.get(SparePart.part_no == part_no)
    return sum(m.qty for m in StockMovement.select().where(StockMovement.part == part))


def _repair(ctx: Context) -> str:
    case = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name="王芳",
            phone="13600001234",
            product="小米 14",
            category="phone",
            fault="屏幕碎裂",
        ),
    )
    return case.number


def test_a_month_of_stock_the_count_and_the_value_follow_the_movements(
    manager: Context, tech_ctx: Context, clock: Clock
) -> None:
    # 2 March: the manager sets up the part and the supplier, then books a delivery.
    suppliers.add_supplier(
        manager, "华强北配件", contact="李经理", phone="0755-8888", terms="月结30天"
    )
    stock.create_part(
        manager, "MI-14-LCD", "小米 14 屏幕总成", fits="小米 14", reorder_level=3, location="A-1"
    )
    stock.stock_in(manager, "MI-14-LCD", 5, "600.00", "华强北配件", "首批")
    # 5 March: a repair uses two (valued at the cost of the day, 600).
    clock.advance(days=3)
    number = _repair(tech_ctx)
    repairs.add_part(tech_ctx, number, part_no="MI-14-LCD", qty=2)
    # 10 March: another delivery, dearer; the part's cost follows the last delivery.
    clock.advance(days=5)
    stock.stock_in(manager, "MI-14-LCD", 4, "650.00", "华强北配件")
    # 12 March: the count finds one missing; 13 March: one is cracked on the shelf.
    clock.advance(days=2)
    stock.adjust_stock(manager, "MI-14-LCD", "-1", "count", "盘点少一件")
    clock.advance(days=1)
    stock.adjust_stock(manager, "MI-14-LCD", -1, "damage", "搬运时压裂")
    # 16 March: two faulty ones go back to the supplier at the price they were bought.
    clock.advance(days=3)
    stock.return_to_supplier(manager, "MI-14-LCD", 2, "华强北配件", "批次不良", unit_cost="650")

    part = stock.part_view(manager, "MI-14-LCD")
    assert part.stock == 5 - 2 + 4 - 1 - 1 - 2 == 3 == _sum("MI-14-LCD")
    assert (part.cost, part.fits, part.location, part.reorder_level) == (
        Decimal("650.00"),
        "小米 14",
        "A-1",
        3,
    )
    moves = stock.movements(manager, "MI-14-LCD")
    assert [(m.reason, m.qty, m.unit_cost, m.supplier) for m in reversed(moves)] == [
        ("purchase", 5, Decimal("600.00"), "华强北配件"),
        ("repair_use", -2, Decimal("600.00"), ""),
        ("purchase", 4, Decimal("650.00"), "华强北配件"),
        ("count", -1, Decimal("650.00"), ""),
        ("damage", -1, Decimal("650.00"), ""),
        ("to_supplier", -2, Decimal("650.00"), "华强北配件"),
    ]
    assert moves[-2].ticket.startswith("WX-") and moves[-2].note == moves[-2].ticket
    # On hand and valued at several dates: the sum of the movements up to each day's end.
    expected = {
        date(2026, 3, 1): (0, Decimal("0.00")),
        date(2026, 3, 2): (5, Decimal("3000.00")),
        date(2026, 3, 5): (3, Decimal("1800.00")),
        date(2026, 3, 10): (7, Decimal("4400.00")),
        date(2026, 3, 13): (5, Decimal("3100.00")),
        date(2026, 3, 16): (3, Decimal("1800.00")),
    }
    for day, (qty, value) in expected.items():
        assert stock.stock_on_hand(manager, "MI-14-LCD", day) == qty, day
        valued = stock.valuation(manager, day)
        assert (valued.units, valued.total) == (qty, value), day
    assert stock.valuation(manager).total == Decimal("1800.00")
    # Below its reorder level (3)? Not yet; one more repair and it is.
    assert stock.reorder_list(manager) == []
    repairs.add_part(tech_ctx, number, part_no="MI-14-LCD", qty=1)
    assert [p.part_no for p in stock.reorder_list(manager)] == ["MI-14-LCD"]
    assert [p.part_no for p in stock.list_parts(manager, below_reorder=True)] == ["MI-14-LCD"]
    # Every step left its event on the part.
    actions = [
        e.action
        for e in Event.select().where(Event.entity == "part").order_by(Event.id)
        if e.action != "part_added"
    ]
    assert actions == [
        "created",
        "stock_in",
        "used_on_repair",
        "stock_in",
        "stock_adjusted",
        "stock_adjusted",
        "returned_to_supplier",
        "used_on_repair",
    ]
    # ... and each event seals the count with its movements: the log vouches for them all.
    assert changed_rows() == ()
    # What went back shows on the supplier's statement.
    st = suppliers.supplier_statement(manager, "华强北配件", "2026-03-01", "2026-03-31")
    assert [(lot.what, lot.reference, lot.qty, lot.value) for lot in st.lots] == [
        ("parts", "MI-14-LCD", 2, Decimal("1300.00"))
    ]
    assert st.returned_value == Decimal("1300.00") and st.recovered == Decimal("0.00")


def test_stock_never_goes_below_zero_and_a_refusal_writes_nothing(
    manager: Context, tech_ctx: Context
) -> None:
    stock.stock_in(manager, "GEN-SIM", 2, "4", "", name="SIM 卡托")
    number = _repair(tech_ctx)
    refused(lambda: repairs.add_part(tech_ctx, number, part_no="GEN-SIM", qty=3), "out_of_stock")
    refused(lambda: stock.adjust_stock(manager, "GEN-SIM", "-3", "loss", "丢失"), "out_of_stock")
    suppliers.add_supplier(manager, "配件商")
    refused(lambda: stock.return_to_supplier(manager, "GEN-SIM", 5, "配件商"), "out_of_stock")
    stock.adjust_stock(manager, "GEN-SIM", "-2", "loss", "丢失")
    assert stock.part_view(manager, "GEN-SIM").stock == 0 == _sum("GEN-SIM")
    # The database refuses a negative count even from plain SQL.
    with pytest.raises(Exception), database.atomic():  # noqa: B017,PT011 - either backend
        database.execute_sql(q("UPDATE spare_part SET stock = -1 WHERE part_no = ?"), ("GEN-SIM",))


def test_movements_are_append_only_rows(manager: Context) -> None:
    stock.stock_in(manager, "GEN-SIM", 2, "4", "", name="SIM 卡托")
    for sql in ("UPDATE stock_movement SET qty = 20", "DELETE FROM stock_movement"):
        with pytest.raises(Exception, match="append-only"), database.atomic():  # noqa: B017
            database.execute_sql(sql)
    assert _sum("GEN-SIM") == 2


def test_bad_adjustments_name_the_field_and_write_nothing(manager: Context) -> None:
    stock.stock_in(manager, "GEN-SIM", 2, "4", "", name="SIM 卡托")
    err = refused(
        lambda: stock.adjust_stock(manager, "GEN-SIM", "1.5", "theft", ""), "invalid_input"
    )
    assert isinstance(err, ValidationError)
    assert {e.field for e in err.errors} == {"qty", "reason", "note"}
    # "purchase" is a movement's reason, not an adjustment's.
    err = refused(
        lambda: stock.adjust_stock(manager, "GEN-SIM", "+1", "purchase", "x"), "invalid_input"
    )
    assert {e.field for e in err.errors} == {"reason"}
    refused(lambda: stock.adjust_stock(manager, "NOPE", "+1", "count", "x"), "not_found")
    refused(lambda: stock.return_to_supplier(manager, "GEN-SIM", 1, "没有的供应商"), "not_found")


@pytest.mark.parametrize("who", ["desk_ctx", "tech_ctx"])
def test_only_the_manager_or_owner_adjusts_stock_and_keeps_the_lists(
    who: str, request: pytest.FixtureRequest, ctx: Context
) -> None:
    staff = request.getfixturevalue(who)
    stock.stock_in(ctx, "GEN-SIM", 5, "4", "供应商", name="SIM 卡托")
    before = row_counts()
    for call in (
        lambda: stock.adjust_stock(staff, "GEN-SIM", "-1", "count", "盘点"),
        lambda: stock.return_to_supplier(staff, "GEN-SIM", 1, "供应商"),
        lambda: stock.create_part(staff, "NEW-1", "新配件"),
        lambda: stock.edit_part(staff, "GEN-SIM", reorder_level=5),
        lambda: suppliers.add_supplier(staff, "新供应商"),
        lambda: suppliers.edit_supplier(staff, "供应商", phone="123"),
    ):
        with pytest.raises(DomainError) as info:
            call()
        assert info.value.code == "permission_denied"
    assert row_counts() == before
    # Reading is for everyone.
    assert stock.part_view(staff, "GEN-SIM").stock == 5
    assert [s.name for s in suppliers.list_suppliers(staff)] == ["供应商"]


def test_parts_are_added_and_edited_with_their_events(manager: Context) -> None:
    stock.create_part(manager, "P-1", "电池", cost="80", price="150", reorder_level="2")
    err = refused(lambda: stock.create_part(manager, "P-1", "重复"), "invalid_input")
    assert [e.code for e in err.errors] == ["part_exists"]  # type: ignore[attr-defined]
    err = refused(lambda: stock.create_part(manager, "P-2", "", cost="abc"), "invalid_input")
    assert {e.field for e in err.errors} == {"part_name", "cost"}
    view = stock.edit_part(manager, "P-1", "换供应商", price="160", location="B-2", active=False)
    assert (view.price, view.location, view.active, view.stock) == (
        Decimal("160.00"),
        "B-2",
        False,
        0,
    )
    event = Event.select().where(Event.action == "updated").order_by(Event.id.desc()).get()
    assert event.data["changed"]["price"] == ["150.00", "160.00"]
    assert event.note == "换供应商"
    # An inactive part is not on the reorder list, and can be hidden from the list.
    assert stock.reorder_list(manager) == []
    assert stock.list_parts(manager, include_inactive=False) == []
    assert [p.part_no for p in stock.list_parts(manager, "电池")] == ["P-1"]


def test_suppliers_list_add_edit(manager: Context) -> None:
    a = suppliers.add_supplier(manager, "华强北配件", contact="李经理", terms="月结30天")
    err = refused(lambda: suppliers.add_supplier(manager, "华强北配件"), "invalid_input")
    assert [e.code for e in err.errors] == ["supplier_exists"]  # type: ignore[attr-defined]
    suppliers.add_supplier(manager, "深圳电池厂")
    refused(
        lambda: suppliers.edit_supplier(manager, "深圳电池厂", name="华强北配件"), "invalid_input"
    )
    err = refused(lambda: suppliers.add_supplier(manager, "", phone="x" * 30), "invalid_input")
    assert {e.field for e in err.errors} == {"supplier", "phone"}
    b = suppliers.edit_supplier(manager, f"#{a.id}", phone="0755-1234", active=False)
    assert (b.name, b.phone, b.active, b.terms) == ("华强北配件", "0755-1234", False, "月结30天")
    assert [s.name for s in suppliers.list_suppliers(manager, "电池")] == ["深圳电池厂"]
    assert Supplier.select().count() == 2
    actions = [
        e.action for e in Event.select().where(Event.entity == "supplier").order_by(Event.id)
    ]
    assert actions == ["created", "created", "updated"]


def test_the_demo_shop_counts_its_stock_by_movements(
    demo_template: Path, data_dir: Path, clock: Clock
) -> None:
    from tests.conftest import demo_copy

    ctx = demo_copy(demo_template, data_dir, clock)
    parts = SparePart.select()
    assert parts.count() > 10
    for part in parts:
        assert part.stock == _sum(part.part_no) >= 0, part.part_no
        assert (part.reorder_level, bool(part.location)) == (2, True)
    assert all(m.unit_cost > 0 for m in StockMovement.select())
    valued = stock.valuation(ctx, "2100-01-01")
    assert valued.units == sum(p.stock for p in parts) and valued.total > 0
    assert [s.name for s in suppliers.list_suppliers(ctx)] == ["华强北配件供应商"]
