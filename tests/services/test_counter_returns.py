"""A return brought to the counter (issue 18 item 6): the goods are received in the approval's
step, no parcel is awaited and nothing can be shipped first; a parcel return still waits."""

from __future__ import annotations

from app.services.casework.cases import show_case
from app.services.casework.records import find_case, rma_of
from app.services.remedies import returns
from app.services.shop.context import Context
from app.store.models import Event
from tests.conftest import refused
from tests.services.test_returns import intake_return


def test_goods_handed_over_at_the_counter_are_received_at_approval(ctx: Context) -> None:
    number = intake_return(ctx, extra={"goods_at_counter": True})
    assert rma_of(find_case(number)).goods_at_counter
    assert "ship-first" not in {a.name for a in _steps(ctx, number)}
    refused(lambda: returns.ship_first(ctx, number, "补发"), "goods_at_counter", number=number)
    returns.approve(ctx, number, "质量问题，同意退货")
    d = show_case(ctx, number)
    assert d.status == "received"
    assert [(ln.qty_expected, ln.qty_received) for ln in d.rma.lines] == [(1, 1)]
    moves = [
        e.to_state
        for e in Event.select().where((Event.number == number) & (Event.action == "moved"))
    ]
    assert moves[-3:] == ["approved", "awaiting_goods", "received"]
    # The next step is the inspection, as for any return received.
    returns.inspect(ctx, number, "confirmed_defect", "屏幕闪烁")
    assert find_case(number).status == "inspected"


def test_a_parcel_return_still_waits_for_its_goods(ctx: Context) -> None:
    number = intake_return(ctx, channel="online_shop")
    assert not rma_of(find_case(number)).goods_at_counter
    returns.approve(ctx, number)
    assert find_case(number).status == "approved"
    assert "ship-first" in {a.name for a in _steps(ctx, number)}


def _steps(ctx: Context, number: str) -> list:  # type: ignore[type-arg]
    from app.services import actions

    return actions.allowed(ctx, show_case(ctx, number))
