"""Putting a case right (issue 16 item 7): a promise date extended with the reason the customer
was told (printed on the next slip), and a sale date typed wrong at intake corrected by the
manager, the rights decided again and the old values kept in the event log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.domain.rules.entitlement import Entitlement
from app.services.casework.corrections import correct_case, extend_promise
from app.services.casework.records import find_case
from app.services.paper.documents import make_slip, slip_data
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.models import Event
from tests.conftest import make_user, refused, snapshot, unsealed
from tests.documents.slipdata import pdf_text
from tests.services.test_repairs import intake_repair
from tests.services.test_returns import intake_return


def test_a_promise_is_extended_with_its_reason(ctx: Context, tmp_path: Path) -> None:
    number = intake_repair(ctx)
    promised = find_case(number).promise_date
    before = snapshot(number)
    with pytest.raises(ValidationError) as info:
        extend_promise(ctx, number, promised.isoformat(), "等配件")
    assert [(e.field, e.code) for e in info.value.errors] == [("promise_date", "not_later")]
    with pytest.raises(ValidationError) as info:
        extend_promise(ctx, number, "2026-03-20", " ")
    assert [e.field for e in info.value.errors] == ["reason"]
    assert snapshot(number) == before

    extend_promise(ctx, number, "2026-03-20", "屏幕总成缺货，厂家 3 月 18 日到货")
    assert find_case(number).promise_date == date(2026, 3, 20)
    event = Event.get((Event.number == number) & (Event.action == "promise_extended"))
    assert unsealed(event.data) == {"from": promised.isoformat(), "to": "2026-03-20"}
    data = slip_data(ctx, number, "intake", lang="zh")
    assert data["promise_date"] == "2026-03-20（已延期：屏幕总成缺货，厂家 3 月 18 日到货）"
    slip = make_slip(ctx, number, "intake", lang="zh")
    text = "".join(pdf_text(slip.pdf, tmp_path).split())
    assert "已延期" in text and "2026-03-20" in text


def test_a_sale_date_typed_wrong_is_corrected_and_the_rights_follow(ctx: Context) -> None:
    # Typed 2025 for 2026: the phone looked a year old, out of its 7-day return window.
    number = intake_return(ctx, sold="2025-02-27")
    old = Entitlement.from_dict(find_case(number).entitlement)
    assert not old.return_

    make_user("desk", "front_desk")
    desk = context_for(ctx.data_dir, "desk", clock=ctx.clock)
    refused(
        lambda: correct_case(desk, number, {"sold": "2026-02-27"}, "年份录错"),
        "permission_denied",
        number=number,
    )
    before = snapshot(number)
    with pytest.raises(ValidationError) as info:
        correct_case(ctx, number, {"sold": "2026-02-27"}, "")
    assert [e.field for e in info.value.errors] == ["reason"]
    with pytest.raises(ValidationError) as info:
        correct_case(ctx, number, {"sold": "2026-13-01"}, "年份录错")
    assert [e.field for e in info.value.errors] == ["sold"]
    with pytest.raises(ValidationError) as info:
        correct_case(ctx, number, {"customer": "x"}, "年份录错")
    assert [(e.field, e.code) for e in info.value.errors] == [("customer", "not_correctable")]
    assert snapshot(number) == before

    make_user("mgr", "front_desk", is_manager=True)
    mgr = context_for(ctx.data_dir, "mgr", clock=ctx.clock)
    correct_case(mgr, number, {"sold": "2026-02-27", "amount": "280.00"}, "年份和金额录错")
    case = find_case(number)
    new = Entitlement.from_dict(case.entitlement)
    assert new.return_ and new.sold == date(2026, 2, 27)
    assert str(case.amount) == "280.00"
    event = Event.get((Event.number == number) & (Event.action == "corrected"))
    data = unsealed(event.data)
    assert data["before"] == {"sold": "2025-02-27", "amount": "300.00"}
    assert data["after"] == {"sold": "2026-02-27", "amount": "280.00"}
    assert data["rights_before"]["return"] is False
    assert event.note == "年份和金额录错"


def test_a_product_with_a_longer_makers_warranty(ctx: Context) -> None:
    """A phone whose maker gives 24 months: the free repair lasts 24 months, not the law's 12,
    for this case and the product's next ones; the warranty card prints it."""
    from app.services.casework.intake import IntakeForm, take_intake

    form = {"kind": "repair", "name": "王芳", "phone": "13600001234", "product": "华为 Mate 60"}
    form |= {"category": "phone", "sold": "2024-12-01", "fault": "不开机"}
    with pytest.raises(ValidationError) as info:
        take_intake(ctx, IntakeForm.from_values({**form, "warranty_months": "0"}))
    assert [e.field for e in info.value.errors] == ["warranty_months"]
    case = take_intake(ctx, IntakeForm.from_values({**form, "warranty_months": "24"}))
    ent = Entitlement.from_dict(case.entitlement)
    assert ent.free_repair and ent.warranty_until == date(2026, 12, 1)
    created = Event.get((Event.number == case.number) & (Event.action == "created"))
    assert unsealed(created.data)["warranty_months"] == 24
    again = take_intake(ctx, IntakeForm.from_values(form))  # the product remembers it
    assert Entitlement.from_dict(again.entitlement).free_repair
    assert "24" in slip_data(ctx, again.number, "warranty-card", lang="zh")["warranty_months"]
