"""Return authorisations: approval, eligibility, receipt, liability, disposition, ship-first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services.casework import cases
from app.services.casework.cases import show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.casework.rules import update_settings
from app.services.remedies import money as money_svc
from app.services.remedies import returns
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.models import (
    CarrierClaim,
    Customer,
    DealerMovement,
    Event,
    MoneyEntry,
    ReturnLine,
)
from tests.conftest import make_user, refused
from tests.conftest import row_counts as counts


def intake_return(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {
        "kind": "return",
        "name": "陈静",
        "phone": "13512345678",
        "product": "荣耀 Magic6",
        "category": "phone",
        "sold": "2026-02-27",
        "reason": "quality",
        "amount": "300.00",
    }
    return take_intake(ctx, IntakeForm(**{**base, **fields})).number


@pytest.fixture
def mgr_ctx(ctx: Context) -> Context:
    """A front-desk clerk flagged as manager on duty."""
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(ctx.data_dir, "mgr", clock=ctx.clock)


def rule_of(err: DomainError) -> str:
    """The eligibility code carried by a not_eligible refusal."""
    return err.params.get("rule") or err.params["reason"]


def to_awaiting_goods(ctx: Context, number: str) -> None:
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")


def receive_all(ctx: Context, number: str, **kw: Any) -> None:
    lines = rma_of(find_case(number)).lines
    returns.receive(ctx, number, {ln.id: ln.qty_expected for ln in lines}, **kw)


def to_inspected(ctx: Context, number: str, result: str = "confirmed_defect") -> None:
    to_awaiting_goods(ctx, number)
    receive_all(ctx, number)
    returns.inspect(ctx, number, result, "检测报告")


# --- approval ------------------------------------------------------------------------------------


def test_at_threshold_needs_a_manager(
    ctx: Context, desk_ctx: Context, tech_ctx: Context, mgr_ctx: Context
) -> None:
    number = intake_return(ctx, amount="500.00")
    err = refused(lambda: returns.approve(desk_ctx, number), "permission_denied")
    assert err.params == {"action": "approve.manager", "needs": "manager"}
    refused(lambda: returns.approve(tech_ctx, number), "permission_denied")
    returns.approve(mgr_ctx, number, "同意")
    case = find_case(number)
    rma = rma_of(case)
    assert case.status == "approved"
    assert (rma.approval_level, rma.approved_by_id) == ("manager", mgr_ctx.actor.id)
    assert rma.approved_at == mgr_ctx.now()
    assert rma.expected_by == date(2026, 3, 11)  # 7 working days after Monday 2 March


def test_above_threshold_needs_the_owner(ctx: Context, mgr_ctx: Context) -> None:
    number = intake_return(ctx, amount="500.01")
    err = refused(lambda: returns.approve(mgr_ctx, number), "permission_denied")
    assert err.params == {"action": "approve.owner", "needs": "owner"}
    returns.approve(ctx, number)
    rma = rma_of(find_case(number))
    assert (rma.approval_level, rma.approved_by_id) == ("owner", ctx.actor.id)


def test_threshold_is_a_setting(ctx: Context, mgr_ctx: Context) -> None:
    update_settings(ctx, {"approval.owner_threshold": "800.00"})
    mgr = context_for(ctx.data_dir, "mgr", clock=ctx.clock)
    number = intake_return(ctx, amount="799.00")
    returns.approve(mgr, number)
    assert rma_of(find_case(number)).approval_level == "manager"


def test_approval_amount_defaults_to_the_lines(ctx: Context, mgr_ctx: Context) -> None:
    number = intake_return(ctx, amount=None)
    returns.add_line(ctx, number, "原装充电器", 3, "200.00")  # 600.00 in all
    refused(lambda: returns.approve(mgr_ctx, number), "permission_denied")


def test_return_sold_long_ago_is_not_eligible(ctx: Context) -> None:
    number = intake_return(ctx, sold="2024-01-05")
    err = refused(lambda: returns.approve(ctx, number), "not_eligible")
    assert rule_of(err) == "not_in_warranty"
    assert find_case(number).status == "requested"


def test_return_without_sale_date_cannot_be_judged(ctx: Context) -> None:
    number = intake_return(ctx, sold=None)
    refused(lambda: returns.approve(ctx, number), "sale_date_required")


def test_no_reason_return_needs_unused_goods(ctx: Context) -> None:
    used = intake_return(ctx, reason="no_reason")
    err = refused(lambda: returns.approve(ctx, used), "not_eligible")
    assert rule_of(err) == "no_reason_not_resalable"
    unused = intake_return(ctx, reason="no_reason", unused=True)
    returns.approve(ctx, unused)
    assert find_case(unused).status == "approved"


def test_rejection_keeps_the_reason(ctx: Context) -> None:
    number = intake_return(ctx, sold="2024-01-05")
    cases.move(ctx, number, "rejected", "已过保修期,告知客户可付费维修")
    assert rma_of(find_case(number)).rejection_reason == "已过保修期,告知客户可付费维修"
    cases.move(ctx, number, "closed")
    assert find_case(number).closed_at is not None


# --- receipt -------------------------------------------------------------------------------------


def test_receive_per_line_with_discrepancy(ctx: Context) -> None:
    number = intake_return(ctx)
    extra = returns.add_line(ctx, number, "原装充电器", "5", "20.00", batch="B2402")
    to_awaiting_goods(ctx, number)
    first = rma_of(find_case(number)).lines.order_by(ReturnLine.id).first()
    returns.receive(ctx, number, {first.id: 1, extra: "3"}, note="少两个充电器")
    case = find_case(number)
    assert case.status == "received"
    view = show_case(ctx, number).rma
    assert [(ln.qty_expected, ln.qty_received, ln.discrepancy) for ln in view.lines] == [
        (1, 1, 0),
        (5, 3, -2),
    ]
    assert view.total == Decimal("400.00")
    assert view.received_at is not None
    ev = Event.get((Event.number == rma_of(case).number) & (Event.action == "received"))
    assert ev.data == {"lines": {str(first.id): 1, str(extra): 3}, "package_damaged": False}
    assert CarrierClaim.select().count() == 0


def test_receive_refuses_bad_quantities_and_unknown_lines(ctx: Context) -> None:
    number = intake_return(ctx)
    to_awaiting_goods(ctx, number)
    line = rma_of(find_case(number)).lines.first()
    before = counts()
    with pytest.raises(ValidationError) as info:
        returns.receive(ctx, number, {line.id: "-1"})
    assert [(e.field, e.code) for e in info.value.errors] == [
        (f"qty_received[{line.id}]", "qty_too_small")
    ]
    with pytest.raises(DomainError) as dinfo:
        returns.receive(ctx, number, {line.id + 999: 1})
    assert dinfo.value.code == "not_found"
    assert counts() == before
    assert find_case(number).status == "awaiting_goods"


def test_plain_move_to_received_means_all_arrived(ctx: Context) -> None:
    number = intake_return(ctx)
    to_awaiting_goods(ctx, number)
    cases.move(ctx, number, "received")
    view = show_case(ctx, number).rma
    assert [(ln.qty_received, ln.discrepancy) for ln in view.lines] == [(1, 0)]


def test_damaged_package_opens_a_carrier_claim(ctx: Context) -> None:
    number = intake_return(ctx)
    returns.set_freight(
        ctx,
        number,
        returns.FreightInput(carrier="顺丰", tracking_no="SF1234567890", payer="shop", amount="18"),
    )
    to_awaiting_goods(ctx, number)
    first = rma_of(find_case(number)).lines.order_by(ReturnLine.id).first()
    returns.receive(ctx, number, {first.id: 1}, package_damaged=True, damaged={first.id: 1})
    claim = CarrierClaim.get()
    assert claim.case_id == find_case(number).id
    assert claim.number == "SP-2026-000001"
    assert (claim.status, claim.carrier, claim.tracking_no) == ("draft", "顺丰", "SF1234567890")
    assert claim.amount_claimed == Decimal("300.00")
    assert rma_of(find_case(number)).package_damaged is True
    assert MoneyEntry.get(MoneyEntry.kind == "freight").amount == Decimal("18.00")


# --- liability -----------------------------------------------------------------------------------


def test_dealer_liability_is_deducted_from_the_dealer_account(ctx: Context) -> None:
    number = intake_return(ctx, customer_kind="dealer", name="诚信通讯", amount="300.00")
    to_inspected(ctx, number, "man_made_damage")
    returns.decide_liability(ctx, number, "dealer", "经销商摔坏")
    case = find_case(number)
    assert case.status == "liability_decided"
    customer = Customer.get_by_id(case.customer_id)
    assert customer.dealer_balance == Decimal("-300.00")
    mv = DealerMovement.get()
    assert (mv.customer_id, mv.amount, mv.case_id, mv.reason, mv.by_id) == (
        customer.id,
        Decimal("-300.00"),
        case.id,
        "liability",
        ctx.actor.id,
    )
    assert MoneyEntry.get(MoneyEntry.kind == "dealer_deduction").amount == Decimal("300.00")
    assert Event.select().where(Event.action == "dealer_charged").count() == 1


def test_dealer_liability_on_a_consumer_case_charges_no_account(ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "dealer")
    assert DealerMovement.select().count() == 0


def test_carrier_liability_opens_one_claim(ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number, "transit_damage")
    returns.decide_liability(ctx, number, "carrier")
    assert CarrierClaim.select().count() == 1
    assert CarrierClaim.get().amount_claimed == Decimal("300.00")


def test_bad_liability_code(ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    with pytest.raises(ValidationError) as info:
        returns.decide_liability(ctx, number, "god")
    assert info.value.errors[0].code == "not_a_choice"


# --- disposition ---------------------------------------------------------------------------------


def test_scrap_disposition_needs_the_owner_and_a_report(ctx: Context, mgr_ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "supplier")
    refused(lambda: returns.set_disposition(ctx, number, "scrap"), "scrap_report_required")
    err = refused(
        lambda: returns.set_disposition(mgr_ctx, number, "scrap", scrap_report="主板损坏"),
        "permission_denied",
    )
    assert err.params["action"] == "scrap.approve"
    returns.set_disposition(ctx, number, "scrap", scrap_report="主板损坏,无维修价值")
    rma = rma_of(find_case(number))
    assert (rma.disposition, rma.scrap_approved_by_id) == ("scrap", ctx.actor.id)
    assert "主板损坏,无维修价值" in rma.inspection_report
    assert find_case(number).status == "disposition_done"


def test_other_dispositions_need_no_owner(ctx: Context, desk_ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "shop")
    returns.set_disposition(desk_ctx, number, "discount", note="外观轻微划痕,折价销售")
    assert rma_of(find_case(number)).disposition == "discount"


def test_full_return_with_refund_and_capa(ctx: Context, desk_ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "shop")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(desk_ctx, number, "refunded", "300.00", "原路退回")
    returns.record_capa(ctx, number, "更换供应商批次", "来料抽检", report_sent=True)
    returns.record_reply(ctx, number, "客户接受")
    cases.move(ctx, number, "closed")
    case = find_case(number)
    assert (case.status, refunded_total(case)) == ("closed", Decimal("300.00"))
    rma = rma_of(case)
    assert rma.report_sent_at is not None and rma.customer_reply == "客户接受"


def test_lines_are_locked_once_goods_are_on_the_way(ctx: Context) -> None:
    number = intake_return(ctx)
    to_awaiting_goods(ctx, number)
    refused(lambda: returns.add_line(ctx, number, "耳机", 1, "10.00"), "lines_locked")


def test_settle_refuses_unknown_outcome(ctx: Context) -> None:
    number = intake_return(ctx)
    refused(lambda: returns.settle(ctx, number, "donated"), "not_a_choice")


# --- ship first, settle later --------------------------------------------------------------------


def test_ship_first_by_manager_allows_refund_once_goods_are_back(
    ctx: Context, desk_ctx: Context, mgr_ctx: Context
) -> None:
    number = intake_return(ctx)
    refused(lambda: cases.move(desk_ctx, number, "replacement_shipped"), "permission_denied")
    cases.move(mgr_ctx, number, "replacement_shipped", "先补发,再追究")
    case = find_case(number)
    assert case.status == "replacement_shipped"
    assert (case.ship_first_by_id, case.ship_first_at) == (mgr_ctx.actor.id, mgr_ctx.now())
    cases.move(mgr_ctx, number, "awaiting_goods")
    refused(lambda: money_svc.refund(mgr_ctx, number, "300.00", "先退款"), "refund_goods_owed")
    # The faulty goods come back; the refund no longer waits for inspection.
    receive_all(ctx, number)
    money_svc.refund(mgr_ctx, number, "300.00", "先退款")
    assert refunded_total(find_case(number)) == Decimal("300.00")
    returns.inspect(ctx, number, "man_made_damage")
    returns.decide_liability(ctx, number, "customer")
    assert find_case(number).status == "liability_decided"


def test_ship_first_also_possible_after_approval(ctx: Context, mgr_ctx: Context) -> None:
    number = intake_return(ctx)
    returns.approve(mgr_ctx, number)
    cases.move(mgr_ctx, number, "replacement_shipped")
    assert find_case(number).ship_first_by_id == mgr_ctx.actor.id


def test_ship_first_above_threshold_needs_the_owner(ctx: Context, mgr_ctx: Context) -> None:
    number = intake_return(ctx, amount="800.00")
    with pytest.raises(DomainError) as info:
        cases.move(mgr_ctx, number, "replacement_shipped", "先补发")
        cases.move(mgr_ctx, number, "awaiting_goods")
        money_svc.refund(mgr_ctx, number, "800.00")
    assert info.value.code == "permission_denied"


def test_credit_to_a_dealer_goes_onto_the_dealer_account(ctx: Context) -> None:
    number = intake_return(ctx, customer_kind="dealer", name="诚信通讯", amount="300.00")
    to_inspected(ctx, number, "confirmed_defect")
    returns.decide_liability(ctx, number, "shop", "产品质量问题")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(ctx, number, "credited", "300.00", "抵下次货款")
    case = find_case(number)
    assert case.status == "credited"
    assert Customer.get_by_id(case.customer_id).dealer_balance == Decimal("300.00")
    assert DealerMovement.get().amount == Decimal("300.00")
    assert Event.select().where(Event.action == "dealer_credited").count() == 1
