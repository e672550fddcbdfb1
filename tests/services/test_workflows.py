"""Every workflow edge walked through the real services, every forbidden move refused.

For each workflow that a case kind follows (``workflows.BY_KIND``):

- every allowed ``(state, target)`` is performed once, by the service action a user would use
  (estimate, decide_estimate, sign, approve, receive, inspect, refund, resolve, ...), and must
  write exactly one "moved" event with the right from/to states, together with the case row;
- every state is reached through those same actions and then every target it does not allow is
  tried with ``cases.move``: the refusal carries the code and the database stays as it was;
- the guards (estimate approval, signature, scrap report, refund before inspection, shipping
  status, notes, resolution) refuse the move and leave the database unchanged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import pytest

from app.domain import workflows
from app.domain.errors import DomainError, ValidationError
from app.services.casework import cases, complaints
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, refunded_total, repair_of, rma_of
from app.services.remedies import money as money_svc
from app.services.remedies import repairs, returns
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.db import write_transaction
from app.store.models import CarrierClaim, Case, Event
from tests.conftest import make_user, refused, snapshot

Step = Callable[[Context, str], Any]

CASE_WORKFLOWS: dict[str, workflows.Workflow] = {wf.name: wf for wf in workflows.BY_KIND.values()}
NOTE = "已告知客户"
SIGNATURE = [[[0.1, 0.1], [0.5, 0.6], [0.9, 0.2]]]


def imei(body: str) -> str:
    """A 15-digit IMEI from 14 digits, with the right Luhn check digit."""
    assert len(body) == 14 and body.isdigit()
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


# --- starting a case of each kind -----------------------------------------------------------------

BASE = {"name": "张伟", "phone": "13800138000"}


def _intake(ctx: Context, **fields: Any) -> str:
    return take_intake(ctx, IntakeForm(**{**BASE, **fields})).number


def start_repair(ctx: Context) -> str:
    """An in-warranty handset repair in the shop (sold two months ago)."""
    return _intake(
        ctx,
        kind="repair",
        product="华为 Mate 60",
        category="phone",
        serial=imei("86012345678901"),
        sold="2026-01-10",
        fault="不开机",
    )


def start_repair_oow(ctx: Context) -> str:
    """An out-of-warranty repair: no sale date, so no free repair."""
    return _intake(ctx, kind="repair", product="OPPO A5", category="phone", fault="屏幕碎")


def start_onsite(ctx: Context) -> str:
    return _intake(
        ctx,
        kind="repair",
        product="小米 14",
        category="phone",
        sold="2026-01-10",
        on_site=True,
        site_address="上海市浦东新区世纪大道 100 号",
        fault="无法通话",
    )


def start_return(ctx: Context, kind: str = "return") -> str:
    """A handset sold three days ago, returned for a quality fault, 300.00 paid."""
    return _intake(
        ctx,
        kind=kind,
        product="红米 Note 13",
        category="phone",
        sold="2026-02-27",
        reason="quality",
        amount="300.00",
    )


def start_refund(ctx: Context) -> str:
    return _intake(ctx, kind="refund", product="手机壳", amount="199.00", channel="online_shop")


def start_complaint(ctx: Context) -> str:
    return _intake(ctx, kind="complaint", reason="service_attitude", description="店员态度差")


def start_parts(ctx: Context) -> str:
    return _intake(ctx, kind="parts", product="vivo X100", description="少了充电头")


def start_carrier_damage(ctx: Context) -> str:
    return _intake(ctx, kind="carrier_damage", product="荣耀 X50", amount="100.00")


STARTS: dict[str, dict[str, Step]] = {
    "repair": {"received": start_repair, "scheduled": start_onsite},
    "return": {"requested": start_return},
    "refund": {"requested": start_refund},
    "complaint": {"logged": start_complaint},
    "parts": {"requested": start_parts},
    "carrier_damage": {"reported": start_carrier_damage},
}


# --- the service action behind each edge ---------------------------------------------------------


def mv(target: str, note: str = NOTE) -> Step:
    return lambda ctx, n: cases.move(ctx, n, target, note)


def sign(ctx: Context, n: str) -> None:
    repairs.sign(ctx, n, SIGNATURE, "张伟")


def approve_scrap(ctx: Context, n: str) -> None:
    repairs.approve_scrap(ctx, n, "主板烧毁,无法维修,同意报废")


def receive_all(ctx: Context, n: str) -> Case:
    rma = rma_of(find_case(n))
    return returns.receive(ctx, n, {ln.id: ln.qty_expected for ln in rma.lines})


def shipping(status: str) -> Step:
    return lambda ctx, n: money_svc.set_shipping_status(ctx, n, status, "快递查询")


def open_claim(ctx: Context, n: str) -> None:
    with write_transaction():
        money_svc.open_claim_for(ctx, find_case(n), amount=find_case(n).amount)


# (workflow, from, to) -> (preparing steps, the action that makes the move). Default: cases.move.
EDGES: dict[tuple[str, str, str], tuple[tuple[Step, ...], Step]] = {
    ("repair", "diagnosing", "awaiting_approval"): (
        (),
        lambda ctx, n: repairs.set_estimate(ctx, n, "300.00", "换屏报价"),
    ),
    ("repair", "awaiting_approval", "repairing"): (
        (),
        lambda ctx, n: repairs.decide_estimate(ctx, n, True, "客户同意报价"),
    ),
    ("repair", "awaiting_approval", "ready_for_pickup"): (
        (),
        lambda ctx, n: repairs.decide_estimate(ctx, n, False, "客户不修"),
    ),
    ("repair", "ready_for_pickup", "collected"): ((sign,), mv("collected")),
    ("repair", "ready_for_pickup", "returned_unrepaired"): ((sign,), mv("returned_unrepaired")),
    ("repair", "ready_for_pickup", "scrapped"): ((approve_scrap,), mv("scrapped")),
    ("repair", "visited", "done"): ((sign,), mv("done")),
    ("repair", "scheduled", "visited"): (
        (),
        lambda ctx, n: repairs.record_visit(ctx, n, "已上门检测"),
    ),
    ("repair", "revisit_scheduled", "visited"): (
        (),
        lambda ctx, n: repairs.record_visit(ctx, n, "更换天线", reason="配件到货,约定再次上门"),
    ),
    ("return", "requested", "approved"): ((), lambda ctx, n: returns.approve(ctx, n, "同意退货")),
    ("return", "awaiting_goods", "received"): ((), receive_all),
    # Back to awaiting approval only when a line lifts the value above the approval given.
    ("return", "approved", "requested"): (
        (),
        lambda ctx, n: returns.add_line(ctx, n, "原装耳机", 1, "300.00"),
    ),
    ("return", "received", "inspected"): (
        (),
        lambda ctx, n: returns.inspect(ctx, n, "confirmed_defect", "屏幕闪烁,非人为"),
    ),
    ("return", "inspected", "liability_decided"): (
        (),
        lambda ctx, n: returns.decide_liability(ctx, n, "shop", "生产问题"),
    ),
    ("return", "liability_decided", "disposition_done"): (
        (),
        lambda ctx, n: returns.set_disposition(ctx, n, "repair_restock"),
    ),
    ("return", "disposition_done", "refunded"): (
        (),
        lambda ctx, n: returns.settle(ctx, n, "refunded", "300.00", "原路退回"),
    ),
    ("return", "disposition_done", "exchanged"): (
        (),
        lambda ctx, n: returns.settle(ctx, n, "exchanged", note="换新机"),
    ),
    ("return", "disposition_done", "credited"): (
        (),
        lambda ctx, n: returns.settle(ctx, n, "credited", "300.00", "转为店内余额"),
    ),
    ("refund", "requested", "verifying"): ((), shipping("not_shipped")),
    ("refund", "verifying", "intercepting"): ((shipping("in_transit"),), mv("intercepting")),
    ("refund", "verifying", "refunded"): (
        (),
        lambda ctx, n: money_svc.refund(ctx, n, "199.00", "未发货退款"),
    ),
    ("refund", "intercepting", "refunded"): (
        (shipping("intercepted"),),
        lambda ctx, n: money_svc.refund(ctx, n, "199.00", "拦截成功退款"),
    ),
    ("complaint", "acknowledged", "resolved"): (
        (),
        lambda ctx, n: complaints.resolve(ctx, n, "道歉并赠送贴膜"),
    ),
    ("complaint", "investigating", "resolved"): (
        (),
        lambda ctx, n: complaints.resolve(ctx, n, "调查属实,批评教育店员"),
    ),
    ("complaint", "follow_up", "closed"): (
        (),
        lambda ctx, n: complaints.follow_up(ctx, n, 5, "满意"),
    ),
    ("carrier_damage", "documented", "refunded"): (
        (),
        lambda ctx, n: money_svc.refund(ctx, n, "100.00", "破损退款"),
    ),
    ("carrier_damage", "replacement_shipped", "claim_filed"): ((open_claim,), mv("claim_filed")),
    ("carrier_damage", "refunded", "claim_filed"): ((open_claim,), mv("claim_filed")),
}


def edge(wf: str, frm: str, to: str) -> tuple[tuple[Step, ...], Step]:
    return EDGES.get((wf, frm, to), ((), mv(to)))


def _paths(wf: workflows.Workflow) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Shortest walk to each state: (initial state, [(from, to), ...]), breadth first."""
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {s: (s, []) for s in wf.initial}
    queue = deque(wf.initial)
    while queue:
        state = queue.popleft()
        start, path = found[state]
        for target in wf.allowed(state):
            if target not in found:
                found[target] = (start, [*path, (state, target)])
                queue.append(target)
    return found


PATHS = {name: _paths(wf) for name, wf in CASE_WORKFLOWS.items()}


def reach(ctx: Context, wf: str, state: str) -> str:
    """A fresh case of workflow `wf` driven to `state` by the proper service actions."""
    start, path = PATHS[wf][state]
    number = STARTS[wf][start](ctx)
    for frm, to in path:
        prep, act = edge(wf, frm, to)
        for step in prep:
            step(ctx, number)
        act(ctx, number)
        assert find_case(number).status == to, (wf, frm, to)
    return number


# --- the tables cover everything -----------------------------------------------------------------

ALLOWED_EDGES = [
    (name, frm, to)
    for name, wf in CASE_WORKFLOWS.items()
    for frm, targets in wf.transitions.items()
    for to in targets
]
REACHABLE = [(name, state) for name, wf in CASE_WORKFLOWS.items() for state in wf.states]


def test_every_case_kind_workflow_is_covered() -> None:
    assert set(CASE_WORKFLOWS) == set(STARTS)
    for name, wf in CASE_WORKFLOWS.items():
        assert set(STARTS[name]) == set(wf.initial), name
        assert set(PATHS[name]) == set(wf.states), name  # every state reachable
    for key in EDGES:
        assert key in ALLOWED_EDGES, f"EDGES names a move the workflow does not have: {key}"


# --- allowed moves -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wf", "frm", "to"), ALLOWED_EDGES, ids=[f"{w}:{f}->{t}" for w, f, t in ALLOWED_EDGES]
)
def test_allowed_move(ctx: Context, wf: str, frm: str, to: str) -> None:
    number = reach(ctx, wf, frm)
    prep, act = edge(wf, frm, to)
    for step in prep:
        step(ctx, number)
    case = find_case(number)
    last_id = Event.select().order_by(Event.id.desc()).first().id

    act(ctx, number)

    moved = list(
        Event.select().where((Event.id > last_id) & (Event.action == "moved")).order_by(Event.id)
    )
    assert len(moved) == 1, [(e.from_state, e.to_state) for e in moved]
    ev = moved[0]
    assert (ev.entity, ev.entity_id, ev.number) == ("case", case.id, number)
    assert (ev.from_state, ev.to_state) == (frm, to)
    assert ev.actor_id == ctx.actor.id
    after = find_case(number)
    assert after.status == to
    # The row and its event were written by the same move, at the same moment.
    assert after.updated_at == ev.at
    if CASE_WORKFLOWS[wf].is_final(to):
        assert after.closed_at == ev.at
    else:
        assert after.closed_at is None


# --- forbidden moves -----------------------------------------------------------------------------

ALL_STATUSES = workflows.all_statuses()


@pytest.mark.parametrize(("wf", "state"), REACHABLE, ids=[f"{w}:{s}" for w, s in REACHABLE])
def test_forbidden_moves_change_nothing(ctx: Context, wf: str, state: str) -> None:
    flow = CASE_WORKFLOWS[wf]
    number = reach(ctx, wf, state)
    forbidden = [t for t in flow.states if not flow.can_move(state, t)]
    # Statuses of other workflows and made-up ones are unknown to this workflow.
    foreign = [s for s in ALL_STATUSES if s not in flow.states][:3] + ["no_such_status"]
    assert state in forbidden  # staying put is not a move
    if flow.is_final(state):
        assert set(forbidden) == set(flow.states)
    for target in forbidden + foreign:
        err = refused(
            lambda t=target: cases.move(ctx, number, t, NOTE),
            "transition_not_allowed" if target in flow.states else "unknown_status",
            number=number,
        )
        assert err.params["status"] == target
        assert err.params["workflow"] == wf
        assert tuple(err.params["allowed"]) == flow.allowed(state)
        assert err.params["number"] == number
        if target in flow.states:
            assert err.params["from_status"] == state


def test_move_normalises_the_typed_status(ctx: Context) -> None:
    number = reach(ctx, "return", "approved")
    cases.move(ctx, number, " Awaiting-Goods ")
    assert find_case(number).status == "awaiting_goods"


def test_exchange_kind_follows_the_return_workflow(ctx: Context) -> None:
    number = start_return(ctx, kind="exchange")
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    receive_all(ctx, number)
    returns.inspect(ctx, number, "confirmed_defect")
    returns.decide_liability(ctx, number, "supplier")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(ctx, number, "exchanged")
    cases.move(ctx, number, "closed")
    moves = [
        (e.from_state, e.to_state)
        for e in Event.select().where((Event.number == number) & (Event.action == "moved"))
    ]
    assert moves == [
        ("requested", "approved"),
        ("approved", "awaiting_goods"),
        ("awaiting_goods", "received"),
        ("received", "inspected"),
        ("inspected", "liability_decided"),
        ("liability_decided", "disposition_done"),
        ("disposition_done", "exchanged"),
        ("exchanged", "closed"),
    ]


# --- guards: repairs -----------------------------------------------------------------------------


def test_out_of_warranty_repair_needs_the_approved_estimate(ctx: Context) -> None:
    number = start_repair_oow(ctx)
    assert repair_of(find_case(number)).in_warranty is False
    cases.move(ctx, number, "diagnosing")
    for target in ("repairing", "awaiting_parts"):
        refused(
            lambda t=target: cases.move(ctx, number, t, NOTE),
            "estimate_not_approved",
            number=number,
        )
    repairs.set_estimate(ctx, number, "450.00")
    assert find_case(number).status == "awaiting_approval"
    for target in ("repairing", "awaiting_parts"):
        refused(
            lambda t=target: cases.move(ctx, number, t, NOTE),
            "estimate_not_approved",
            number=number,
        )
    # Returning it unrepaired needs the customer's "no", not just silence.
    refused(
        lambda: cases.move(ctx, number, "ready_for_pickup", "客户没回复"),
        "estimate_not_declined",
        number=number,
    )
    repairs.decide_estimate(ctx, number, True, "客户同意")
    assert find_case(number).status == "repairing"


def test_estimate_declined_returns_device_unrepaired(ctx: Context) -> None:
    number = start_repair_oow(ctx)
    cases.move(ctx, number, "diagnosing")
    repairs.set_estimate(ctx, number, "450.00")
    repairs.decide_estimate(ctx, number, False, "太贵了")
    assert find_case(number).status == "ready_for_pickup"
    ticket = repair_of(find_case(number))
    assert ticket.estimate_approved is False
    assert ticket.result == "太贵了"
    refused(
        lambda: cases.move(ctx, number, "returned_unrepaired"), "signature_required", number=number
    )
    sign(ctx, number)
    cases.move(ctx, number, "returned_unrepaired")
    assert find_case(number).status == "returned_unrepaired"


def test_estimate_approved_at_the_counter_allows_awaiting_parts(ctx: Context) -> None:
    number = start_repair_oow(ctx)
    repairs.set_estimate(ctx, number, "200.00")
    repairs.decide_estimate(ctx, number, True)
    assert find_case(number).status == "received"
    cases.move(ctx, number, "diagnosing")
    cases.move(ctx, number, "awaiting_approval")
    cases.move(ctx, number, "awaiting_parts")
    assert find_case(number).status == "awaiting_parts"


def test_decide_estimate_without_estimate_is_refused(ctx: Context) -> None:
    number = start_repair_oow(ctx)
    cases.move(ctx, number, "diagnosing")
    refused(lambda: repairs.decide_estimate(ctx, number, True), "estimate_required", number=number)
    refused(
        lambda: cases.move(ctx, number, "awaiting_approval"), "estimate_required", number=number
    )


def test_ready_for_pickup_needs_a_result(ctx: Context) -> None:
    number = reach(ctx, "repair", "repairing")
    cases.move(ctx, number, "quality_check")
    refused(
        lambda: cases.move(ctx, number, "ready_for_pickup", ""), "result_required", number=number
    )
    cases.move(ctx, number, "ready_for_pickup", "更换主板,测试正常")
    ticket = repair_of(find_case(number))
    assert ticket.result == "更换主板,测试正常"
    assert ticket.finished_at is not None


@pytest.mark.parametrize("target", ["collected", "returned_unrepaired"])
def test_pickup_needs_a_signature(ctx: Context, target: str) -> None:
    number = reach(ctx, "repair", "ready_for_pickup")
    refused(lambda: cases.move(ctx, number, target), "signature_required", number=number)
    sign(ctx, number)
    cases.move(ctx, number, target)
    assert find_case(number).status == target


def test_signature_must_have_strokes(ctx: Context) -> None:
    number = reach(ctx, "repair", "ready_for_pickup")
    for bad in ([], [[[0.1, 0.1]]], [[[2, 0.1], [0.3, 0.3]]], "not strokes"):
        with pytest.raises(DomainError) as info:
            repairs.sign(ctx, number, bad)
        assert info.value.code in ("signature_empty", "signature_invalid")
    assert repair_of(find_case(number)).signed_at is None


def test_scrapped_needs_an_approved_scrap_report(ctx: Context) -> None:
    number = reach(ctx, "repair", "ready_for_pickup")
    refused(lambda: cases.move(ctx, number, "scrapped"), "scrap_report_required", number=number)
    approve_scrap(ctx, number)
    cases.move(ctx, number, "scrapped")
    assert find_case(number).status == "scrapped"


def test_onsite_done_needs_a_signed_report_and_revisit_a_reason(ctx: Context) -> None:
    number = reach(ctx, "repair", "visited")
    refused(lambda: cases.move(ctx, number, "done"), "signature_required", number=number)
    refused(
        lambda: cases.move(ctx, number, "revisit_scheduled", " "), "reason_required", number=number
    )
    cases.move(ctx, number, "revisit_scheduled", "缺少配件,改日再来")
    refused(
        lambda: repairs.record_visit(ctx, number, "第二次上门"), "reason_required", number=number
    )
    repairs.record_visit(ctx, number, "第二次上门", reason="配件到货")
    sign(ctx, number)
    cases.move(ctx, number, "done")
    assert find_case(number).status == "done"


@pytest.mark.parametrize(
    ("wf", "state"),
    [("repair", "received"), ("repair", "scheduled"), ("return", "requested")],
)
def test_cancel_needs_a_reason(ctx: Context, wf: str, state: str) -> None:
    number = reach(ctx, wf, state)
    refused(lambda: cases.move(ctx, number, "cancelled", ""), "reason_required", number=number)
    cases.move(ctx, number, "cancelled", "客户撤回")
    assert find_case(number).closed_at is not None


# --- guards: returns -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["requested", "approved", "awaiting_goods", "received"])
def test_return_refund_before_inspection_is_refused(ctx: Context, state: str) -> None:
    number = reach(ctx, "return", state)
    refused(
        lambda: money_svc.refund(ctx, number, "300.00"), "refund_before_inspection", number=number
    )


def test_return_refund_after_ship_first_waits_for_the_goods(ctx: Context) -> None:
    number = reach(ctx, "return", "replacement_shipped")
    assert find_case(number).ship_first_by_id == ctx.actor.id
    cases.move(ctx, number, "awaiting_goods")
    refused(
        lambda: money_svc.refund(ctx, number, "300.00", "先退款"),
        "refund_goods_owed",
        number=number,
    )
    receive_all(ctx, number)  # the goods are back: no inspection needed to refund
    money_svc.refund(ctx, number, "300.00", "先退款")
    case = find_case(number)
    assert refunded_total(case) == 300
    assert case.status == "received"


def test_return_rejected_needs_a_reason(ctx: Context) -> None:
    number = start_return(ctx)
    refused(lambda: cases.move(ctx, number, "rejected", ""), "reason_required", number=number)
    cases.move(ctx, number, "rejected", "超过退货期限")
    assert rma_of(find_case(number)).rejection_reason == "超过退货期限"


@pytest.mark.parametrize(
    ("state", "target", "code"),
    [
        ("received", "inspected", "inspection_required"),
        ("inspected", "liability_decided", "liability_required"),
        ("liability_decided", "disposition_done", "disposition_required"),
        ("disposition_done", "refunded", "refund_not_recorded"),
        ("disposition_done", "credited", "credit_not_recorded"),
    ],
)
def test_return_plain_move_needs_the_record(
    ctx: Context, state: str, target: str, code: str
) -> None:
    number = reach(ctx, "return", state)
    refused(lambda: cases.move(ctx, number, target, NOTE), code, number=number)


def test_service_action_in_the_wrong_state_writes_nothing(ctx: Context) -> None:
    number = start_return(ctx)
    refused(lambda: receive_all(ctx, number), "transition_not_allowed", number=number)
    refused(
        lambda: returns.inspect(ctx, number, "confirmed_defect", "ok"),
        "transition_not_allowed",
        number=number,
    )
    refused(
        lambda: returns.decide_liability(ctx, number, "dealer"),
        "transition_not_allowed",
        number=number,
    )
    refused(
        lambda: returns.set_disposition(ctx, number, "repair_restock"),
        "transition_not_allowed",
        number=number,
    )
    refused(
        lambda: returns.settle(ctx, number, "exchanged"), "transition_not_allowed", number=number
    )
    rma = rma_of(find_case(number))
    assert (rma.received_at, rma.inspection_result, rma.liability, rma.disposition) == (
        None,
        "",
        "",
        "",
    )


# --- guards: refund only -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["unknown", "in_transit", "delivered"])
def test_refund_only_needs_goods_not_shipped_intercepted_or_lost(ctx: Context, status: str) -> None:
    number = start_refund(ctx)
    if status != "unknown":
        shipping(status)(ctx, number)
    refused(lambda: money_svc.refund(ctx, number, "199.00"), "refund_goods_not_back", number=number)


@pytest.mark.parametrize("status", ["not_shipped", "intercepted", "lost"])
def test_refund_only_pays_when_goods_did_not_leave_or_are_back_or_lost(
    ctx: Context, status: str
) -> None:
    number = start_refund(ctx)
    shipping(status)(ctx, number)
    money_svc.refund(ctx, number, "199.00")
    case = find_case(number)
    assert case.status == "refunded"
    assert refunded_total(case) == 199
    claims = CarrierClaim.select().where(CarrierClaim.case == case).count()
    assert claims == (1 if status == "lost" else 0)


def test_intercepting_needs_the_parcel_in_transit(ctx: Context) -> None:
    number = reach(ctx, "refund", "verifying")
    refused(lambda: cases.move(ctx, number, "intercepting"), "not_in_transit", number=number)


@pytest.mark.parametrize("state", ["requested", "verifying", "intercepting"])
def test_refund_only_rejected_needs_a_note(ctx: Context, state: str) -> None:
    number = reach(ctx, "refund", state)
    refused(lambda: cases.move(ctx, number, "rejected", ""), "reason_required", number=number)


def test_refund_only_plain_move_to_refunded_needs_the_money(ctx: Context) -> None:
    number = reach(ctx, "refund", "verifying")
    refused(lambda: cases.move(ctx, number, "refunded"), "refund_not_recorded", number=number)


# --- guards: complaints, parts, carrier damage ---------------------------------------------------


@pytest.mark.parametrize("state", ["acknowledged", "investigating"])
def test_complaint_resolved_needs_a_resolution(ctx: Context, state: str) -> None:
    number = reach(ctx, "complaint", state)
    refused(lambda: cases.move(ctx, number, "resolved", ""), "resolution_required", number=number)
    before = snapshot(number)
    with pytest.raises(ValidationError) as info:
        complaints.resolve(ctx, number, "   ")
    assert [e.field for e in info.value.errors] == ["resolution"]
    assert snapshot(number) == before
    cases.move(ctx, number, "resolved", "退回差价")
    assert find_case(number).resolution == "退回差价"


def test_complaint_follow_up_records_satisfaction_and_closes(ctx: Context) -> None:
    number = reach(ctx, "complaint", "resolved")
    complaints.follow_up(ctx, number, "4", "基本满意")
    case = find_case(number)
    assert (case.status, case.satisfaction, case.follow_up) == ("closed", 4, "基本满意")
    moves = [
        (e.from_state, e.to_state)
        for e in Event.select().where((Event.number == number) & (Event.action == "moved"))
    ]
    assert moves[-2:] == [("resolved", "follow_up"), ("follow_up", "closed")]


def test_complaint_follow_up_too_early_writes_nothing(ctx: Context) -> None:
    number = reach(ctx, "complaint", "acknowledged")
    refused(lambda: complaints.follow_up(ctx, number, 5), "transition_not_allowed", number=number)


@pytest.mark.parametrize(("wf", "state"), [("parts", "requested"), ("carrier_damage", "reported")])
def test_rejected_needs_a_note(ctx: Context, wf: str, state: str) -> None:
    number = reach(ctx, wf, state)
    refused(lambda: cases.move(ctx, number, "rejected", ""), "reason_required", number=number)


@pytest.mark.parametrize("state", ["replacement_shipped", "refunded"])
def test_claim_filed_needs_a_claim(ctx: Context, state: str) -> None:
    number = reach(ctx, "carrier_damage", state)
    refused(lambda: cases.move(ctx, number, "claim_filed"), "claim_required", number=number)


def test_replacement_without_ship_first_right_is_refused(ctx: Context) -> None:
    make_user("desk", "front_desk")
    desk = context_for(ctx.data_dir, "desk", clock=ctx.clock)
    number = start_return(ctx)
    err = refused(
        lambda: cases.move(desk, number, "replacement_shipped"), "permission_denied", number=number
    )
    assert err.params["needs"] == "manager"
