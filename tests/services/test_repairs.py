"""Repair tickets: parts from stock, labour, on-site visits, repeat warranty failures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework import cases
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, repair_of
from app.services.remedies import repairs
from app.services.shop.context import Context
from app.store.models import (
    Case,
    Event,
    MoneyEntry,
    RepairLabour,
    RepairPart,
    RepairVisit,
    SparePart,
    StockMovement,
)
from tests.conftest import row_counts as counts

IMEI = "490154203237518"
SIGNATURE = [[[0.1, 0.2], [0.4, 0.5], [0.8, 0.3]]]


def intake_repair(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {
        "kind": "repair",
        "name": "王芳",
        "phone": "13600001234",
        "product": "华为 P60",
        "category": "phone",
        "fault": "屏幕不亮",
    }
    return take_intake(ctx, IntakeForm(**{**base, **fields})).number


@pytest.fixture
def screen(ctx: Context) -> SparePart:
    return SparePart.create(
        part_no="SCR-P60",
        name="P60 屏幕总成",
        stock=5,
        cost=Decimal("120.00"),
        price=Decimal("260.00"),
    )


# --- parts ---------------------------------------------------------------------------------------


def test_part_from_stock_reduces_stock_and_records_movement(
    tech_ctx: Context, screen: SparePart
) -> None:
    number = intake_repair(tech_ctx)  # no sale date: paid repair
    line_id = repairs.add_part(tech_ctx, number, part_no="SCR-P60", qty="2")
    assert SparePart.get_by_id(screen.id).stock == 3
    t = repair_of(find_case(number))
    moves = list(StockMovement.select())
    assert len(moves) == 1
    m = moves[0]
    assert (m.part_id, m.qty, m.reason, m.ticket_id, m.by_id) == (
        screen.id,
        -2,
        "repair_use",
        t.id,
        tech_ctx.actor.id,
    )
    line = RepairPart.get_by_id(line_id)
    assert (line.spare_part_id, line.qty, line.unit_price, line.charged) == (
        screen.id,
        2,
        Decimal("260.00"),
        True,
    )
    cost = MoneyEntry.get(MoneyEntry.kind == "parts")
    assert cost.amount == Decimal("240.00")  # the shop's cost: 2 x 120.00
    ev = Event.get((Event.number == t.number) & (Event.action == "part_added"))
    assert ev.data == {"line": line_id, "part_no": "SCR-P60", "qty": 2, "charged": True}
    view = show_case(tech_ctx, number).repair
    assert view.charge_total == Decimal("520.00")


def test_out_of_stock_changes_nothing(tech_ctx: Context, screen: SparePart) -> None:
    number = intake_repair(tech_ctx)
    before = counts()
    with pytest.raises(DomainError) as info:
        repairs.add_part(tech_ctx, number, part_no="SCR-P60", qty=6)
    assert info.value.code == "out_of_stock"
    assert info.value.params == {"field": "qty", "part_no": "SCR-P60", "stock": 5}
    assert counts() == before
    assert SparePart.get_by_id(screen.id).stock == 5


def test_using_the_last_parts_is_allowed(tech_ctx: Context, screen: SparePart) -> None:
    number = intake_repair(tech_ctx)
    repairs.add_part(tech_ctx, number, part_no="SCR-P60", qty=5)
    assert SparePart.get_by_id(screen.id).stock == 0
    with pytest.raises(DomainError) as info:
        repairs.add_part(tech_ctx, number, part_no="SCR-P60", qty=1)
    assert info.value.code == "out_of_stock"


def test_unknown_part_and_bad_quantity(tech_ctx: Context, screen: SparePart) -> None:
    number = intake_repair(tech_ctx)
    before = counts()
    with pytest.raises(DomainError) as info:
        repairs.add_part(tech_ctx, number, part_no="NOPE-1")
    assert info.value.code == "not_found"
    with pytest.raises(ValidationError) as vinfo:
        repairs.add_part(tech_ctx, number, part_no="SCR-P60", qty="1.5")
    assert [(e.field, e.code) for e in vinfo.value.errors] == [("qty", "qty_invalid")]
    with pytest.raises(ValidationError) as vinfo:
        repairs.add_part(tech_ctx, number, qty=1)
    assert [(e.field, e.code) for e in vinfo.value.errors] == [("part_no", "required")]
    assert counts() == before


def test_unstocked_part_is_free_text_without_stock_movement(tech_ctx: Context) -> None:
    number = intake_repair(tech_ctx)
    repairs.add_part(tech_ctx, number, description="导热硅脂", qty=1, unit_price="15.00")
    assert StockMovement.select().count() == 0
    line = RepairPart.get()
    assert (line.spare_part_id, line.description, line.unit_price) == (
        None,
        "导热硅脂",
        Decimal("15.00"),
    )
    assert MoneyEntry.get(MoneyEntry.kind == "parts").amount == Decimal("15.00")


def test_in_warranty_parts_and_labour_are_free_for_the_customer(
    tech_ctx: Context, screen: SparePart
) -> None:
    number = intake_repair(tech_ctx, serial=IMEI, sold="2026-01-10")
    assert repair_of(find_case(number)).in_warranty is True
    repairs.add_part(tech_ctx, number, part_no="SCR-P60")
    repairs.add_labour(tech_ctx, number, "更换屏幕", "50.00", minutes=40)
    view = show_case(tech_ctx, number).repair
    assert [p.charged for p in view.parts] == [False]
    assert [lb.charged for lb in view.labour] == [False]
    assert view.charge_total == Decimal("0.00")
    # The shop still bears the cost.
    kinds = sorted((m.kind, m.amount) for m in MoneyEntry.select())
    assert kinds == [("labour", Decimal("50.00")), ("parts", Decimal("120.00"))]


def test_labour(tech_ctx: Context) -> None:
    number = intake_repair(tech_ctx)
    line_id = repairs.add_labour(tech_ctx, number, "主板维修", "80.00", minutes="45")
    lb = RepairLabour.get_by_id(line_id)
    assert (lb.description, lb.minutes, lb.amount, lb.charged, lb.technician_id) == (
        "主板维修",
        45,
        Decimal("80.00"),
        True,
        tech_ctx.actor.id,
    )
    assert MoneyEntry.get(MoneyEntry.kind == "labour").amount == Decimal("80.00")
    # A free labour line (amount 0) writes no money entry.
    repairs.add_labour(tech_ctx, number, "清洁", "0", charged=False)
    assert MoneyEntry.select().where(MoneyEntry.kind == "labour").count() == 1
    with pytest.raises(ValidationError) as info:
        repairs.add_labour(tech_ctx, number, "", "-5")
    assert {(e.field, e.code) for e in info.value.errors} == {
        ("description", "required"),
        ("amount", "money_negative"),
    }
    assert show_case(tech_ctx, number).repair.charge_total == Decimal("80.00")


def test_update_ticket_and_assign(ctx: Context, tech_ctx: Context) -> None:
    number = intake_repair(ctx)
    repairs.update_ticket(tech_ctx, number, diagnosis="排线松动", factory_tag="RMA-F-01")
    repairs.assign_technician(ctx, number, "tech")
    t = repair_of(find_case(number))
    assert (t.diagnosis, t.factory_tag, t.technician_id) == (
        "排线松动",
        "RMA-F-01",
        tech_ctx.actor.id,
    )
    assert find_case(number).assignee_id == tech_ctx.actor.id
    with pytest.raises(ValidationError) as info:
        repairs.update_ticket(tech_ctx, number, price="1")
    assert info.value.errors[0].code == "unknown_field"


# --- on site -------------------------------------------------------------------------------------


def test_onsite_visit_revisit_and_signed_done(ctx: Context, tech_ctx: Context) -> None:
    number = intake_repair(ctx, on_site=True, site_address="闵行区莘庄 8 号")
    assert find_case(number).status == "scheduled"
    repairs.record_visit(tech_ctx, number, "检测为天线故障,需订配件")
    assert find_case(number).status == "visited"

    with pytest.raises(DomainError) as info:
        cases.move(tech_ctx, number, "revisit_scheduled")
    assert info.value.code == "reason_required"
    cases.move(tech_ctx, number, "revisit_scheduled", "配件需订货,已告知客户")

    with pytest.raises(DomainError) as info:
        repairs.record_visit(tech_ctx, number, "更换天线")
    assert info.value.code == "reason_required"
    assert RepairVisit.select().count() == 1
    repairs.record_visit(tech_ctx, number, "更换天线,通话正常", reason="配件到货")

    with pytest.raises(DomainError) as info:
        cases.move(tech_ctx, number, "done")
    assert info.value.code == "signature_required"
    repairs.sign(tech_ctx, number, SIGNATURE, "王芳")
    cases.move(tech_ctx, number, "done")

    case = find_case(number)
    assert case.status == "done" and case.closed_at is not None
    visits = show_case(ctx, number).repair.visits
    assert [(v.reason, v.outcome) for v in visits] == [
        ("", "检测为天线故障,需订配件"),
        ("配件到货", "更换天线,通话正常"),
    ]
    moves = [
        (e.from_state, e.to_state)
        for e in Event.select().where((Event.number == number) & (Event.action == "moved"))
    ]
    assert moves == [
        ("scheduled", "visited"),
        ("visited", "revisit_scheduled"),
        ("revisit_scheduled", "visited"),
        ("visited", "done"),
    ]


def test_visit_needs_an_outcome(tech_ctx: Context) -> None:
    number = intake_repair(tech_ctx, on_site=True, site_address="静安区 1 号")
    with pytest.raises(ValidationError) as info:
        repairs.record_visit(tech_ctx, number, " ")
    assert [(e.field, e.code) for e in info.value.errors] == [("outcome", "required")]
    assert find_case(number).status == "scheduled"


# --- repeat failures -----------------------------------------------------------------------------


def finish_warranty_repair(ctx: Context, clock: Any, days: int) -> str:
    number = intake_repair(ctx, serial=IMEI, sold="2026-01-10")
    assert repair_of(find_case(number)).in_warranty is True
    cases.move(ctx, number, "diagnosing")
    cases.move(ctx, number, "repairing")
    clock.advance(days=days)
    cases.move(ctx, number, "quality_check")
    cases.move(ctx, number, "ready_for_pickup", "更换尾插")
    repairs.sign(ctx, number, SIGNATURE)
    cases.move(ctx, number, "collected")
    clock.advance(days=10)
    return number


def test_third_intake_after_two_warranty_repairs_offers_exchange(ctx: Context, clock: Any) -> None:
    finish_warranty_repair(ctx, clock, days=2)
    second = intake_repair(ctx, serial=IMEI, sold="2026-01-10")
    ent = Case.get(Case.number == second).entitlement
    assert ent["repeat_failure_exchange"] is False
    cases.move(ctx, second, "cancelled", "同一故障,合并处理")  # not finished: does not count

    finish_warranty_repair(ctx, clock, days=3)
    third = intake_repair(ctx, serial=IMEI, sold="2026-01-10")
    ent = Case.get(Case.number == third).entitlement
    assert ent["repeat_failure_exchange"] is True
    assert ent["exchange"] is True
    codes = {b["code"]: b["params"] for b in ent["basis"]}
    assert codes["repeat_failure_exchange"]["repairs"] == 2
    # Warranty extended by the days the device spent in the shop (2 + 3).
    assert codes["repair_days_extend"] == {"days": 5}
    assert ent["until"]["free_repair"] == "2027-01-15"

    # Another device of the same customer is not affected.
    other = intake_repair(ctx, serial="356938035643809", sold="2026-01-10")
    assert Case.get(Case.number == other).entitlement["repeat_failure_exchange"] is False


def test_paid_repairs_do_not_count_as_warranty_repairs(ctx: Context, clock: Any) -> None:
    for _ in range(2):
        number = intake_repair(ctx, serial=IMEI, sold="2026-01-10", man_made=True)
        assert repair_of(find_case(number)).in_warranty is False
        cases.move(ctx, number, "diagnosing")
        cases.move(ctx, number, "ready_for_pickup", "人为进水,客户不修")
    third = intake_repair(ctx, serial=IMEI, sold="2026-01-10")
    assert Case.get(Case.number == third).entitlement["repeat_failure_exchange"] is False


def test_on_site_appointment_is_recorded(ctx: Context) -> None:
    from datetime import UTC, datetime

    case = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name="上门客户",
            phone="13700001111",
            product="小米 14",
            on_site=True,
            site_address="杭州市西湖区文三路 1 号",
        ),
    )
    when = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    repairs.schedule_visit(ctx, case.number, when, "已电话约定")
    assert repair_of(find_case(case.number)).appointment_at == when


def test_an_appointment_agreed_in_time_stops_the_first_answer_clock(
    ctx: Context, clock: Any
) -> None:
    """Issue #16 item 4: a job booked 2 hours after the call is not overdue at 25 hours."""
    from datetime import UTC, datetime

    from app.services.casework.cases import CaseFilter, list_cases

    case = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name="上门客户",
            phone="13700002222",
            product="小米 14",
            on_site=True,
            site_address="杭州市西湖区文三路 1 号",
        ),
    )
    clock.advance(hours=2)
    repairs.schedule_visit(ctx, case.number, datetime(2026, 3, 4, 6, 0, tzinfo=UTC), "已约定")
    clock.advance(hours=23)  # 25 hours after the call, still "scheduled"
    assert find_case(case.number).first_answered_at is not None
    assert not show_case(ctx, case.number).overdue
    overdue = list_cases(ctx, CaseFilter(overdue=True))
    assert case.number not in {r.number for r in overdue}


def test_the_first_technician_to_work_a_repair_becomes_its_assignee(
    ctx: Context, tech_ctx: Context
) -> None:
    """Issue #18 item 5: the ticket no longer prints an empty 维修人员."""
    from app.services.paper.documents import slip_data

    case = take_intake(
        ctx, IntakeForm(kind="repair", name="林晓", phone="13700003333", product="OPPO Reno11")
    )
    repairs.update_ticket(ctx, case.number, diagnosis="owner looks first")  # the owner: nobody
    assert find_case(case.number).assignee is None
    repairs.update_ticket(tech_ctx, case.number, diagnosis="屏幕排线松动")
    stored = find_case(case.number)
    assert stored.assignee.name == tech_ctx.actor.name
    assert repair_of(stored).technician.name == tech_ctx.actor.name
    assert slip_data(ctx, case.number, "repair-ticket")["technician"]
    # an explicit assignment is never overridden by whoever works next
    from tests.conftest import make_user

    make_user("tech2", "technician")
    repairs.assign_technician(ctx, case.number, "tech2")
    repairs.update_ticket(tech_ctx, case.number, diagnosis="更换排线")
    assert find_case(case.number).assignee.name == "tech2"


def test_the_onsite_ticket_prints_every_visit(ctx: Context, tech_ctx: Context, tmp_path) -> None:
    """001 上门维修单: the appointment, each visit with its outcome and revisit reason, who went,
    when the work started and finished, the returned-part tag, the customer's comment and
    signature; and a blank ticket to take along."""
    from app.services.paper.documents import blank_form, make_slip
    from tests.documents.slipdata import pdf_text

    number = intake_repair(ctx, on_site=True, site_address="闵行区莘庄 8 号")
    repairs.record_visit(tech_ctx, number, "检测为天线故障，需订配件")
    cases.move(tech_ctx, number, "revisit_scheduled", "配件需订货，已告知客户")
    repairs.record_visit(tech_ctx, number, "更换天线，通话正常", reason="配件到货")
    repairs.update_ticket(tech_ctx, number, factory_tag="RMA-ANT-0042")
    repairs.sign(tech_ctx, number, SIGNATURE, "王芳", "师傅很准时，满意")
    cases.move(tech_ctx, number, "done")

    slip = make_slip(ctx, number, "repair-ticket", lang="zh")
    text = "".join(pdf_text(slip.pdf, tmp_path).split())
    for words in (
        "上门服务",
        "检测为天线故障",
        "更换天线，通话正常",
        "配件到货",
        "开始服务",
        "RMA-ANT-0042",
        "师傅很准时，满意",
        "Tech",
    ):
        assert words in text, words
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(blank_form(ctx, "repair-ticket", lang="zh"))
    blank_text = "".join(pdf_text(blank, tmp_path).split())
    assert "上门服务" in blank_text and "客户意见" in blank_text
