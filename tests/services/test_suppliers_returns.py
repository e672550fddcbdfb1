"""A faulty batch goes back to its supplier: the supplier-liable return names the supplier, the
quality check counts the units going back, the supplier pays back, and the supplier's statement
shows what went back (parts from stock and returned goods) and what was recovered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.actions import run as run_action
from app.services.casework.cases import show_case
from app.services.remedies import returns
from app.services.shop import stock, suppliers
from app.services.shop.context import Context
from app.store.models import Event, MoneyEntry, ReturnAuth
from tests.conftest import Clock, refused
from tests.services.test_returns import intake_return, receive_all, to_awaiting_goods


def _inspected_with_units(ctx: Context, number: str, to_supplier: int) -> None:
    to_awaiting_goods(ctx, number)
    receive_all(ctx, number)
    returns.inspect(
        ctx,
        number,
        "confirmed_defect",
        "批次不良",
        usable=1 - to_supplier,
        scrap=0,
        to_supplier=to_supplier,
    )


def test_a_supplier_liable_return_and_parts_show_on_the_supplier_statement(
    ctx: Context, clock: Clock
) -> None:
    suppliers.add_supplier(ctx, "荣耀授权经销商", terms="月结")
    suppliers.add_supplier(ctx, "别家")
    number = intake_return(ctx, amount="300.00")
    _inspected_with_units(ctx, number, 1)
    # The supplier is named when liability is decided.
    returns.decide_liability(ctx, number, "supplier", "来料不良", supplier="荣耀授权经销商")
    rma = ReturnAuth.get()
    assert rma.supplier.name == "荣耀授权经销商"
    assert show_case(ctx, number).rma.supplier == "荣耀授权经销商"  # the record view names it
    # It pays back part now and the rest later, by bank.
    clock.advance(days=2)
    suppliers.book_recovery(ctx, "荣耀授权经销商", number, "200.00", "bank", "首笔")
    clock.advance(days=1)
    suppliers.book_recovery(ctx, "荣耀授权经销商", number, "100", "bank")
    refused(lambda: suppliers.book_recovery(ctx, "别家", number, "1", "bank"), "supplier_differs")
    entries = list(MoneyEntry.select().where(MoneyEntry.kind == "supplier_recovery"))
    assert [(e.amount, e.party, e.route) for e in entries] == [
        (Decimal("200.00"), "supplier", "bank"),
        (Decimal("100.00"), "supplier", "bank"),
    ]
    # Parts from stock go back to the same supplier.
    stock.stock_in(ctx, "HN-BAT", 3, "45", "荣耀授权经销商", name="荣耀电池")
    stock.return_to_supplier(ctx, "HN-BAT", 2, "荣耀授权经销商", "鼓包")

    st = suppliers.supplier_statement(ctx, "荣耀授权经销商", "2026-03-01", "2026-03-31")
    assert [(lot.what, lot.reference, lot.qty, lot.value) for lot in st.lots] == [
        ("goods", rma.number, 1, Decimal("300.00")),
        ("parts", "HN-BAT", 2, Decimal("90.00")),
    ]
    assert [r.amount for r in st.recoveries] == [Decimal("200.00"), Decimal("100.00")]
    assert (st.returned_value, st.recovered, st.outstanding) == (
        Decimal("390.00"),
        Decimal("300.00"),
        Decimal("90.00"),
    )
    # Another period shows nothing; the other supplier has nothing.
    assert (
        suppliers.supplier_statement(ctx, "荣耀授权经销商", "2026-04-01", "2026-04-30").lots == []
    )
    other = suppliers.supplier_statement(ctx, "别家", "2026-03-01", "2026-03-31")
    assert other.lots == [] and other.recoveries == []


def test_the_supplier_is_named_later_through_the_step(ctx: Context) -> None:
    suppliers.add_supplier(ctx, "荣耀授权经销商")
    number = intake_return(ctx)
    _inspected_with_units(ctx, number, 1)
    # Only a supplier-liable return names a supplier.
    refused(
        lambda: returns.decide_liability(ctx, number, "shop", supplier="荣耀授权经销商"),
        "supplier_not_liable",
    )
    refused(lambda: returns.decide_liability(ctx, number, "supplier", supplier="谁"), "not_found")
    returns.decide_liability(ctx, number, "supplier")
    assert ReturnAuth.get().supplier_id is None
    run_action(ctx, number, "name-supplier", {"supplier": "荣耀授权经销商", "note": "确认"})
    assert ReturnAuth.get().supplier.name == "荣耀授权经销商"
    assert Event.select().where(Event.action == "supplier_named").count() == 1
    # Recovery on a return that names it: fine.
    suppliers.book_recovery(ctx, "荣耀授权经销商", number, "50", "cash")


def test_a_recovery_needs_a_supplier_liable_return_and_good_input(ctx: Context) -> None:
    suppliers.add_supplier(ctx, "荣耀授权经销商")
    number = intake_return(ctx)
    _inspected_with_units(ctx, number, 0)
    returns.decide_liability(ctx, number, "shop")
    refused(
        lambda: suppliers.book_recovery(ctx, "荣耀授权经销商", number, "50", "cash"),
        "supplier_not_liable",
    )
    err = refused(lambda: suppliers.book_recovery(ctx, "", number, "-5", "pigeon"), "invalid_input")
    assert {e.field for e in err.errors} == {"supplier", "amount", "route"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["tech_ctx"])
def test_a_technician_books_no_recovery(who: str, request: pytest.FixtureRequest) -> None:
    staff = request.getfixturevalue(who)
    refused(lambda: suppliers.book_recovery(staff, "x", "SH-1", "5", "cash"), "permission_denied")
