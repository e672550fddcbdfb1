"""What the counter takes with a device (issue 18 item 6): the pre-check, the passcode (kept
encrypted, never printed, shown to the technician with an event, erased at pickup), a first
estimate and a deposit (a money entry on the receipt), the accessories and condition printed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework import cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, repair_of
from app.services.paper.documents import make_slip, slip_data
from app.services.remedies import repairs
from app.services.shop.context import Context
from app.store.models import Event, MoneyEntry
from tests.conftest import refused, row_counts
from tests.documents.slipdata import pdf_text
from tests.services.test_repairs import SIGNATURE

DEVICE = {
    "kind": "repair",
    "name": "王芳",
    "phone": "13600001234",
    "product": "华为 P60",
    "category": "phone",
    "fault": "屏幕闪烁",
    "accessories": ["charger", "case"],
    "condition": "后壳划痕",
}


def _intake(ctx: Context, **extra: object) -> str:
    form = IntakeForm.from_values({**DEVICE, **extra})
    return take_intake(ctx, form).number


def test_the_counter_takes_the_device_in_full(
    ctx: Context, tech_ctx: Context, desk_ctx: Context, tmp_path: Path
) -> None:
    number = _intake(
        desk_ctx,
        faults_found="cameras,signal",
        passcode="246810",
        estimate="199",
        deposit="50",
        deposit_route="wechat",
    )
    t = repair_of(find_case(number))
    assert t.precheck == {"powers_on": True, "faults": ["cameras", "signal"]}
    assert t.passcode_sealed and "246810" not in t.passcode_sealed  # encrypted at rest
    assert t.estimate == Decimal("199.00")
    (deposit,) = MoneyEntry.select().where(MoneyEntry.kind == "deposit")
    assert (deposit.amount, deposit.route) == (Decimal("50.00"), "wechat")
    created = Event.get((Event.number == number) & (Event.action == "created"))
    assert "246810" not in str(created.data) and created.data["passcode"] is True

    # The receipt: accessories, condition, the pre-check, "passcode given", estimate, deposit.
    data = slip_data(ctx, number, "intake", lang="zh")
    assert data["precheck"] == "开机正常；异常：摄像头、信号"
    assert data["passcode_note"] == "已登记（不打印）"
    assert (data["intake_estimate"], data["deposit"]) == ("¥199.00", "¥50.00")
    for form in ("intake", "repair-ticket"):
        text = "".join(pdf_text(make_slip(ctx, number, form, lang="zh").pdf, tmp_path).split())
        assert "246810" not in text
        # (a wrapped cell's lines interleave with the next column's in the text: words apart)
        for words in ("充电器", "后壳划痕", "异常", "摄像头", "已登记（不打印）"):
            assert words in text, (form, words)

    # Only a technician sees it, and who looked is kept.
    refused(lambda: repairs.reveal_passcode(desk_ctx, number), "permission_denied", number=number)
    assert repairs.reveal_passcode(tech_ctx, number) == "246810"
    assert Event.get(Event.action == "passcode_viewed").actor_id == tech_ctx.actor.id

    # Collected: the passcode is erased.
    cases.move(tech_ctx, number, "diagnosing")
    cases.move(tech_ctx, number, "ready_for_pickup", "无法修复")
    repairs.sign(tech_ctx, number, SIGNATURE, "王芳")
    cases.move(tech_ctx, number, "returned_unrepaired")
    assert repair_of(find_case(number)).passcode_sealed == ""
    assert Event.select().where(Event.action == "passcode_erased").count() == 1
    refused(lambda: repairs.reveal_passcode(tech_ctx, number), "no_passcode", number=number)


def test_bad_device_fields_are_refused_by_name_and_nothing_is_written(ctx: Context) -> None:
    before = row_counts()
    for extra, field in (
        ({"faults_found": "screen,wings"}, "faults_found"),
        ({"deposit": "50"}, "deposit_route"),
        ({"deposit": "-5", "deposit_route": "cash"}, "deposit"),
        ({"estimate": "abc"}, "estimate"),
    ):
        with pytest.raises(ValidationError) as info:
            _intake(ctx, **extra)
        assert field in [e.field for e in info.value.errors], extra
    with pytest.raises(ValidationError) as info:
        take_intake(
            ctx,
            IntakeForm.from_values({**DEVICE, "kind": "return", "passcode": "1234"}),
        )
    assert [(e.field, e.code) for e in info.value.errors] == [("passcode", "repair_only")]
    assert row_counts() == before


def test_a_dead_device_says_so(ctx: Context) -> None:
    number = _intake(ctx, no_power=True)
    assert slip_data(ctx, number, "repair-ticket", lang="zh")["precheck"] == "无法开机"


def test_the_customer_signs_the_intake_and_the_receipt_shows_it(
    ctx: Context, tmp_path: Path
) -> None:
    number = _intake(ctx)
    assert slip_data(ctx, number, "intake")["dropoff_signature"] is None
    repairs.sign_dropoff(ctx, number, SIGNATURE, "王芳")
    assert slip_data(ctx, number, "intake")["dropoff_signature"] == SIGNATURE
    assert Event.get(Event.action == "signed_dropoff").data["named"] is True
    with pytest.raises(DomainError):
        repairs.sign_dropoff(ctx, number, [], "王芳")
