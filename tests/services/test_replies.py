"""002 §4.9: the report goes to the customer; 45 days of silence is acceptance and the case
closes by itself the next time anyone works — scenarios with an injected clock, both databases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from app.documents.signing import verify_pdf
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.paper.documents import make_slip, slip_data
from app.services.remedies import returns
from app.services.remedies.replies import apply_reply_rule, awaiting_reply
from app.services.shop.context import Context
from app.store.models import Event
from tests.conftest import Clock
from tests.documents.slipdata import pdf_text
from tests.services.test_returns import intake_return, to_inspected


def settled_with_report(ctx: Context, desk_ctx: Context, phone: str) -> str:
    """A quality return refunded in full, its report sent to the customer today."""
    number = intake_return(ctx, phone=phone)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "shop")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(desk_ctx, number, "refunded", "300.00", "原路退回")
    returns.record_capa(ctx, number, "更换供应商批次", "来料抽检", report_sent=True)
    return number


def test_silence_for_45_days_closes_the_case_as_accepted(
    ctx: Context, desk_ctx: Context, clock: Clock, tmp_path: Path
) -> None:
    silent = settled_with_report(ctx, desk_ctx, "13512345678")
    answered = settled_with_report(ctx, desk_ctx, "13612345678")
    returns.record_reply(ctx, answered, "顾客认可")

    # Day 44: still waiting, one day left; nothing closes.
    clock.advance(days=44)
    waiting = awaiting_reply(ctx)
    assert [w.number for w in waiting] == [silent]
    assert waiting[0].days_left == 2 and waiting[0].closes_on == ctx.today() + timedelta(days=2)
    assert apply_reply_rule(ctx) == []
    assert find_case(silent).status == "refunded"

    # Day 45 is the last day to reply; from day 46 the silence is acceptance.
    clock.advance(days=1)
    assert apply_reply_rule(ctx) == []
    clock.advance(days=1)
    assert apply_reply_rule(ctx) == [silent]
    case = find_case(silent)
    assert case.status == "closed" and case.closed_at is not None
    assert refunded_total(case) == Decimal("300.00")  # the money is untouched
    assert find_case(answered).status == "refunded"  # a reply means staff close it themselves
    assert awaiting_reply(ctx) == []
    rma = rma_of(case)
    deemed = Event.get((Event.number == rma.number) & (Event.action == "reply_deemed"))
    assert deemed.data["rule"] == "no_reply_close_days" and deemed.data["days"] == 45
    moved = Event.get((Event.number == silent) & (Event.to_state == "closed"))
    assert moved.data["rule"] == "no_reply_close_days"
    assert apply_reply_rule(ctx) == []  # runs again: nothing more to do, nothing written twice

    # The report says what the customer got and that silence was taken as acceptance.
    data = slip_data(ctx, silent, "reply-report")
    assert "¥300.00" in data["outcome"] and "45" in data["reply_text"]
    slip = make_slip(ctx, silent, "reply-report", lang="zh")
    assert verify_pdf(slip.pdf, ctx.data_dir).ok
    text = pdf_text(slip.pdf, tmp_path)
    for words in ("顾客退换货答复报告", "更换供应商批次", "来料抽检", "视为接受", rma.number):
        assert words in text


def test_a_case_not_yet_settled_closes_once_staff_finish_it(
    ctx: Context, desk_ctx: Context, clock: Clock
) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "shop")
    returns.record_capa(ctx, number, "更换批次", "来料抽检", report_sent=True)
    clock.advance(days=46)
    assert apply_reply_rule(ctx) == []  # accepted, but the refund is still to be paid
    assert rma_of(find_case(number)).customer_reply_at is not None
    assert find_case(number).status == "liability_decided"
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(desk_ctx, number, "refunded", "300.00", "原路退回")
    assert apply_reply_rule(ctx) == [number]
    assert find_case(number).status == "closed"


def test_the_window_setting_is_read(ctx: Context, desk_ctx: Context, clock: Clock) -> None:
    import dataclasses

    from app.services.casework.rules import update_settings

    ctx = dataclasses.replace(
        ctx, settings=update_settings(ctx, {"returns.no_reply_close_days": "10"})
    )
    number = settled_with_report(ctx, desk_ctx, "13512345678")
    clock.advance(days=10)
    assert apply_reply_rule(ctx) == []
    clock.advance(days=1)
    assert apply_reply_rule(ctx) == [number]


def test_an_account_that_may_not_move_cases_leaves_it_for_the_next(
    ctx: Context, desk_ctx: Context, clock: Clock
) -> None:
    from app.services.shop.setup import context_for
    from tests.conftest import make_user

    number = settled_with_report(ctx, desk_ctx, "13512345678")
    clock.advance(days=46)
    make_user("viewer", "technician")
    tech = context_for(ctx.data_dir, "viewer", clock=clock)
    from app.services.shop.permissions import Action, allowed

    if not allowed(tech, Action.CASE_MOVE):
        assert apply_reply_rule(tech) == []
        assert find_case(number).status == "refunded"
    assert apply_reply_rule(ctx) == [number]
