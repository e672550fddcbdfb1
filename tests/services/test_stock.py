"""Parts bought in (services.stock): a supplier's delivery booked by the manager or the owner,
then fitted on a repair; bad input and the wrong person are refused and write nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies import repairs
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.services.shop.stock import stock_in
from app.store.history import verify_chain
from app.store.models import Event, SparePart, StockMovement
from tests.conftest import Clock, make_user, refused
from tests.conftest import row_counts as counts


@pytest.fixture
def manager(data_dir: Path, clock: Clock, ctx: Context) -> Context:
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(data_dir, "mgr", clock=clock)


def test_a_delivery_creates_the_part_then_tops_it_up(
    manager: Context, tech_ctx: Context, clock: Clock
) -> None:
    first = stock_in(
        manager, "MI-14-LCD", "2", "620.00", "华强北配件", "首批", name="小米 14 屏幕总成",
        price="999.00",
    )  # fmt: skip
    assert (first.created, first.stock, first.cost, first.price) == (
        True, 2, Decimal("620.00"), Decimal("999.00"),
    )  # fmt: skip
    clock.advance(days=3)
    second = stock_in(manager, "MI-14-LCD", 3, "600", "华强北配件")
    assert (second.created, second.quantity, second.stock) == (False, 3, 5)
    part = SparePart.get(SparePart.part_no == "MI-14-LCD")
    assert (part.name, part.stock, part.cost, part.price) == (
        "小米 14 屏幕总成", 5, Decimal("600.00"), Decimal("999.00"),
    )  # fmt: skip
    moves = list(
        StockMovement.select().where(StockMovement.part == part).order_by(StockMovement.id)
    )
    assert [(m.qty, m.reason, m.note, m.supplier.name, m.unit_cost) for m in moves] == [
        (2, "purchase", "首批", "华强北配件", Decimal("620.00")),
        (3, "purchase", "", "华强北配件", Decimal("600.00")),
    ]
    events = list(Event.select().where(Event.entity == "part").order_by(Event.id))
    assert [e.action for e in events] == ["created", "stock_in", "stock_in"]
    assert events[-1].data["supplier"] == "华强北配件" and events[-1].data["stock"] == 5
    assert verify_chain()[0]
    # The technician fits one on a repair: stock goes down by what was bought in.
    case = take_intake(
        tech_ctx,
        IntakeForm(kind="repair", name="王芳", phone="13600001234", product="小米 14",
                   category="phone", fault="屏幕碎裂"),
    )  # fmt: skip
    repairs.add_part(tech_ctx, case.number, part_no="MI-14-LCD", qty=1)
    assert SparePart.get_by_id(part.id).stock == 4


def test_bad_delivery_names_the_fields_and_writes_nothing(manager: Context) -> None:
    err = refused(lambda: stock_in(manager, "", "1.5", "-3", "x" * 81), "invalid_input")
    assert isinstance(err, ValidationError)
    assert {e.field for e in err.errors} == {"part_no", "qty", "cost", "supplier"}
    # A part number never stocked needs its name and cost.
    err = refused(lambda: stock_in(manager, "NEW-1", 2), "invalid_input")
    assert {e.field for e in err.errors} == {"part_name", "cost"}
    assert SparePart.select().count() == 0


@pytest.mark.parametrize("who", ["desk_ctx", "tech_ctx"])
def test_only_the_manager_or_owner_books_stock(
    who: str, request: pytest.FixtureRequest, ctx: Context
) -> None:
    staff = request.getfixturevalue(who)
    stock_in(ctx, "GEN-SIM", 5, "4", "供应商", name="SIM 卡托")
    before = counts()
    refused(lambda: stock_in(staff, "GEN-SIM", 5, "4", "供应商"), "permission_denied")
    assert counts() == before
    assert SparePart.get(SparePart.part_no == "GEN-SIM").stock == 5
