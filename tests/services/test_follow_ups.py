"""Follow-up calls (回访) for every kind and a complaint's classification (issue 16 item 5).

The shop's stories: a complaint is resolved and must have its call before it closes (a reason
otherwise); the shop also wants a call after every repair, three days after pickup, and the
list of calls due shows it on that day and not before; a refunded return gets a call once; the
complaint is classified (what it was about, the cause, who was responsible).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.casework import cases, complaints
from app.services.casework.follow_ups import (
    classify_complaint,
    follow_ups_due,
    record_follow_up,
)
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case
from app.services.casework.rules import update_settings
from app.services.remedies import money as money_svc
from app.services.remedies import repairs, returns
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.models import Event
from tests.conftest import Clock, refused, snapshot, unsealed
from tests.services.test_repairs import SIGNATURE, intake_repair
from tests.services.test_returns import intake_return, receive_all, to_awaiting_goods

PERSON = {"name": "周敏", "phone": "13300001111"}


def _complaint(ctx: Context) -> str:
    number = take_intake(
        ctx, IntakeForm(kind="complaint", description="店员态度差", **PERSON)
    ).number
    cases.move(ctx, number, "acknowledged")
    complaints.resolve(ctx, number, "店长致歉并赠送贴膜")
    return number


def test_a_complaint_closes_after_its_call_or_with_a_reason(ctx: Context) -> None:
    number = _complaint(ctx)
    assert find_case(number).follow_up_due == date(2026, 3, 5)  # settled on 03-02, + 3 days
    before = snapshot(number)
    err = refused(lambda: cases.move(ctx, number, "closed"), "follow_up_required", number=number)
    assert err.params["field"] == "note"
    assert snapshot(number) == before
    cases.move(ctx, number, "closed", "顾客三次未接电话，按规定结案")
    closed = Event.get((Event.number == number) & (Event.to_state == "closed"))
    assert closed.note == "顾客三次未接电话，按规定结案"

    called = _complaint(ctx)
    complaints.follow_up(ctx, called, 4, "顾客表示满意")
    case = find_case(called)
    assert (case.status, case.satisfaction, case.follow_up_by_id) == ("closed", 4, ctx.actor.id)
    call = Event.get((Event.number == called) & (Event.action == "followed_up"))
    assert unsealed(call.data) == {"satisfaction": 4}


def test_a_shop_that_calls_after_every_repair(ctx: Context, clock: Clock) -> None:
    update_settings(ctx, {"followup.after_repair": True, "followup.due_days": 3})
    ctx = context_for(ctx.data_dir, "boss", clock=clock)
    number = intake_repair(ctx)
    cases.move(ctx, number, "diagnosing")
    cases.move(ctx, number, "ready_for_pickup", "无法修复，原样退回")
    repairs.sign(ctx, number, SIGNATURE)
    cases.move(ctx, number, "returned_unrepaired")
    due = find_case(number).follow_up_due
    assert due == date(2026, 3, 5)
    assert follow_ups_due(ctx, on=date(2026, 3, 4)) == []
    (call,) = follow_ups_due(ctx, on=date(2026, 3, 6))
    assert (call.number, call.days_late, call.phone) == (number, 1, "13600001234")

    before = snapshot(number)
    with pytest.raises(ValidationError) as info:
        record_follow_up(ctx, number, "6")
    assert [e.field for e in info.value.errors] == ["satisfaction"]
    assert snapshot(number) == before
    record_follow_up(ctx, number, "2", "顾客不满意维修时长")
    assert follow_ups_due(ctx, on=date(2026, 3, 6)) == []
    refused(lambda: record_follow_up(ctx, number, "5"), "follow_up_done", number=number)


def test_a_return_gets_one_call_when_settled_without_being_required(ctx: Context) -> None:
    number = intake_return(ctx)
    to_awaiting_goods(ctx, number)
    receive_all(ctx, number)
    returns.inspect(ctx, number, "confirmed_defect", "屏幕闪烁")
    returns.decide_liability(ctx, number, "supplier")
    returns.set_disposition(ctx, number, "repair_restock")
    money_svc.refund(ctx, number, "300.00", "原路退回", "alipay")
    assert find_case(number).follow_up_due is None  # returns need no call by default
    record_follow_up(ctx, number, 5, "顾客已收到退款")
    cases.move(ctx, number, "closed")  # not required: no reason needed
    assert find_case(number).satisfaction == 5


def test_kinds_without_calls_refuse_one(ctx: Context) -> None:
    number = take_intake(
        ctx,
        IntakeForm(kind="parts", product="耳机", description="缺充电线", **PERSON),
    ).number
    refused(lambda: record_follow_up(ctx, number, 5), "follow_up_not_for_kind", number=number)


def test_a_complaint_is_classified(ctx: Context, tmp_path: Path) -> None:
    number = _complaint(ctx)
    before = snapshot(number)
    with pytest.raises(ValidationError) as info:
        classify_complaint(ctx, number, "weather")
    assert [e.field for e in info.value.errors] == ["complaint_class"]
    assert snapshot(number) == before
    classify_complaint(ctx, number, "attitude", "新店员未培训", "王芳")
    case = find_case(number)
    assert (case.complaint_class, case.complaint_cause, case.responsible) == (
        "attitude",
        "新店员未培训",
        "王芳",
    )
    complaints.follow_up(ctx, number, 3)
    refused(lambda: classify_complaint(ctx, number, "service"), "case_closed", number=number)
    repair = intake_repair(ctx)
    refused(lambda: classify_complaint(ctx, repair, "service"), "not_a_complaint", number=repair)
