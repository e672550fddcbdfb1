"""Money on cases (refund cap, reversals, claims) and the append-only, hash-chained event log."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import peewee as pw
import pytest

from app.domain.errors import ValidationError
from app.services.casework import cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case, refunded_total, rma_of
from app.services.remedies import money as money_svc
from app.services.remedies import returns
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.db import database
from app.store.history import verify_chain
from app.store.models import CarrierClaim, Event, MoneyEntry
from tests.conftest import make_user, q, refused
from tests.conftest import row_counts as counts

APPEND_ONLY_ERRORS = (pw.IntegrityError, pw.OperationalError)


def intake(ctx: Context, **fields: Any) -> str:
    base: dict[str, Any] = {"name": "赵磊", "phone": "13711112222"}
    return take_intake(ctx, IntakeForm(**{**base, **fields})).number


def refund_case(ctx: Context, amount: str | None = "199.00", status: str = "not_shipped") -> str:
    number = intake(ctx, kind="refund", product="手机膜", amount=amount)
    money_svc.set_shipping_status(ctx, number, status)
    return number


def inspected_return(ctx: Context, **fields: Any) -> str:
    number = intake(
        ctx,
        kind="return",
        product="OPPO Reno 11",
        category="phone",
        sold="2026-02-28",
        reason="quality",
        **fields,
    )
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    returns.inspect(ctx, number, "confirmed_defect")
    return number


# --- refunds -------------------------------------------------------------------------------------


def test_refund_cannot_exceed_what_was_paid(ctx: Context) -> None:
    number = refund_case(ctx)
    err = refused(lambda: money_svc.refund(ctx, number, "199.01"), "refund_exceeds_paid")
    assert err.params == {"field": "amount", "paid": "199.00", "refunded": "0.00"}
    money_svc.refund(ctx, number, "100.00", "部分退款")
    assert find_case(number).status == "refunded"
    err = refused(lambda: money_svc.refund(ctx, number, "99.01"), "refund_exceeds_paid")
    assert err.params["refunded"] == "100.00"
    money_svc.refund(ctx, number, "99.00")
    case = find_case(number)
    assert refunded_total(case) == Decimal("199.00")
    assert case.status == "refunded"
    moved = Event.select().where((Event.number == number) & (Event.action == "moved"))
    assert [(e.from_state, e.to_state) for e in moved] == [
        ("requested", "verifying"),
        ("verifying", "refunded"),
    ]


def test_refund_amount_is_validated(ctx: Context) -> None:
    number = refund_case(ctx)
    for raw, code in (("0", "money_zero"), ("abc", "money_invalid"), ("1.005", None)):
        with pytest.raises(ValidationError) as info:
            money_svc.refund(ctx, number, raw)
        assert info.value.errors[0].field == "amount"
        if code:
            assert info.value.errors[0].code == code
    assert MoneyEntry.select().count() == 0


@pytest.mark.parametrize("kind", ["complaint", "parts"])
def test_refund_not_for_kind(ctx: Context, kind: str) -> None:
    number = intake(ctx, kind=kind, product="充电宝")
    refused(lambda: money_svc.refund(ctx, number, "10.00"), "refund_not_for_kind")


def test_repair_refund_not_for_kind(ctx: Context) -> None:
    number = intake(ctx, kind="repair", product="华为 P60")
    refused(lambda: money_svc.refund(ctx, number, "10.00"), "refund_not_for_kind")


def test_return_refund_is_capped_by_the_rma_lines_when_no_amount(ctx: Context) -> None:
    number = intake(
        ctx,
        kind="return",
        product="OPPO Reno 11",
        category="phone",
        sold="2026-02-28",
        reason="quality",
    )
    returns.add_line(ctx, number, "原装耳机", 2, "200.00")
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    returns.inspect(ctx, number, "confirmed_defect")
    refused(lambda: money_svc.refund(ctx, number, "5000.00"), "refund_exceeds_paid")


def test_refund_above_threshold_needs_the_owner(ctx: Context) -> None:
    make_user("mgr", "front_desk", is_manager=True)
    mgr = context_for(ctx.data_dir, "mgr", clock=ctx.clock)
    number = refund_case(ctx, amount="800.00")
    err = refused(lambda: money_svc.refund(mgr, number, "800.00"), "permission_denied")
    assert err.params["needs"] == "owner"


# --- reversals -----------------------------------------------------------------------------------


def test_reversal_creates_a_reversing_entry(ctx: Context) -> None:
    number = refund_case(ctx)
    money_svc.refund(ctx, number, "150.00")
    original = MoneyEntry.get(MoneyEntry.kind == "refund")
    rev = money_svc.reverse_money(ctx, original.id, "金额录错")
    assert (rev.kind, rev.amount, rev.reverses_id, rev.note) == (
        "refund",
        Decimal("150.00"),
        original.id,
        "金额录错",
    )
    # The original is never edited.
    again = MoneyEntry.get_by_id(original.id)
    assert (again.amount, again.reverses_id, again.note) == (original.amount, None, original.note)
    assert refunded_total(find_case(number)) == Decimal("0.00")
    ev = Event.get(Event.action == "money_reversed")
    assert {k: ev.data[k] for k in ("entry", "kind", "amount")} == {
        "entry": original.id,
        "kind": "refund",
        "amount": "150.00",
    }
    # The money is free to be refunded again, correctly this time.
    money_svc.refund(ctx, number, "199.00")
    assert refunded_total(find_case(number)) == Decimal("199.00")


def test_double_reversal_is_refused(ctx: Context) -> None:
    number = refund_case(ctx)
    money_svc.refund(ctx, number, "50.00")
    original = MoneyEntry.get(MoneyEntry.kind == "refund")
    rev = money_svc.reverse_money(ctx, original.id, "撤销")
    refused(lambda: money_svc.reverse_money(ctx, original.id, "再撤销"), "already_reversed")
    refused(lambda: money_svc.reverse_money(ctx, rev.id, "撤销撤销"), "already_reversed")
    refused(lambda: money_svc.reverse_money(ctx, 9999, "没有"), "not_found")
    with pytest.raises(ValidationError):
        money_svc.reverse_money(ctx, original.id, "")
    assert refunded_total(find_case(number)) == Decimal("0.00")


def test_record_money_kinds(ctx: Context) -> None:
    number = refund_case(ctx)
    entry = money_svc.record_money(ctx, number, "freight", "12.50", "退货运费")
    assert (entry.kind, entry.amount) == ("freight", Decimal("12.50"))
    refused(lambda: money_svc.record_money(ctx, number, "refund", "1"), "use_refund")
    with pytest.raises(ValidationError) as info:
        money_svc.record_money(ctx, number, "bribe", "0")
    assert {e.field for e in info.value.errors} == {"kind", "amount"}


# --- carrier claims ------------------------------------------------------------------------------


def test_lost_parcel_claim_is_paid_back(ctx: Context) -> None:
    number = refund_case(ctx, status="lost")
    claim = CarrierClaim.get()
    assert (claim.status, claim.amount_claimed) == ("draft", Decimal("199.00"))
    for target in ("filed", "rejected", "filed", "accepted"):
        money_svc.move_claim(ctx, claim.number, target)
    refused(lambda: money_svc.move_claim(ctx, claim.number, "paid"), "required")
    refused(
        lambda: money_svc.move_claim(ctx, claim.number, "paid", recovered="199.01"),
        "recovered_exceeds_claimed",
    )
    money_svc.move_claim(ctx, claim.number, "paid", recovered="150.00")
    money_svc.move_claim(ctx, claim.number, "closed")
    claim = CarrierClaim.get_by_id(claim.id)
    assert (claim.status, claim.amount_recovered) == ("closed", Decimal("150.00"))
    rec = MoneyEntry.get(MoneyEntry.kind == "claim_recovery")
    assert (rec.case_id, rec.amount) == (find_case(number).id, Decimal("150.00"))
    moves = Event.select().where((Event.number == claim.number) & (Event.action == "moved"))
    assert [(e.from_state, e.to_state) for e in moves][-2:] == [
        ("accepted", "paid"),
        ("paid", "closed"),
    ]


def test_claim_forbidden_moves(ctx: Context) -> None:
    refund_case(ctx, status="lost")
    claim = CarrierClaim.get()
    for target in ("draft", "accepted", "paid", "closed", "rejected"):
        err = refused(
            lambda t=target: money_svc.move_claim(ctx, claim.number, t), "transition_not_allowed"
        )
        assert err.params["from_status"] == "draft"
    refused(lambda: money_svc.move_claim(ctx, claim.number, "lost"), "unknown_status")
    money_svc.move_claim(ctx, claim.number, "withdrawn")
    refused(lambda: money_svc.move_claim(ctx, claim.number, "filed"), "transition_not_allowed")


# --- the event log -------------------------------------------------------------------------------


def _walk_a_return(ctx: Context) -> str:
    number = inspected_return(ctx, amount="300.00")
    returns.decide_liability(ctx, number, "shop")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(ctx, number, "refunded", "300.00")
    cases.move(ctx, number, "closed")
    return number


def test_event_rows_cannot_be_updated_or_deleted(ctx: Context) -> None:
    _walk_a_return(ctx)
    before = list(Event.select().order_by(Event.id).tuples())
    ev = Event.select().order_by(Event.id).first()
    with pytest.raises(APPEND_ONLY_ERRORS):
        Event.update(note="篡改").where(Event.id == ev.id).execute()
    with pytest.raises(APPEND_ONLY_ERRORS):
        ev.note = "篡改"
        ev.save()
    with pytest.raises(APPEND_ONLY_ERRORS):
        ev.delete_instance()
    with pytest.raises(APPEND_ONLY_ERRORS):
        Event.delete().execute()
    with pytest.raises(APPEND_ONLY_ERRORS):
        database.execute_sql("UPDATE event SET to_state = 'closed'")
    assert list(Event.select().order_by(Event.id).tuples()) == before


def test_chain_is_valid_after_a_workflow(ctx: Context, clock: Any) -> None:
    clock.now = datetime(2026, 3, 2, 2, 0, 0, 123456, tzinfo=UTC)  # microseconds survive
    _walk_a_return(ctx)
    ok, broken, checked = verify_chain()
    assert (ok, broken) == (True, None)
    assert checked == Event.select().count() > 10


def _drop_triggers() -> None:
    from app.store.schema import _drop_triggers as lift_append_only_guards

    lift_append_only_guards()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE event SET note = 'tampered' WHERE id = ?",
        'UPDATE event SET data = \'{"amount": "3.00", "entry": 1, "kind": "refund"}\' WHERE id = ?',
        "UPDATE event SET actor_id = 1 WHERE id = ?",
        "UPDATE event SET at = '2026-03-01 00:00:00' WHERE id = ?",
    ],
)
def test_chain_detects_an_edited_row(ctx: Context, sql: str) -> None:
    _walk_a_return(ctx)
    victim = Event.get(Event.action == "money")
    _drop_triggers()
    database.execute_sql(q(sql), (victim.id,))
    ok, broken, checked = verify_chain()
    assert (ok, broken) == (False, victim.id)
    assert checked == Event.select().where(Event.id < victim.id).count()


def test_chain_detects_a_deleted_row(ctx: Context) -> None:
    _walk_a_return(ctx)
    ids = [e.id for e in Event.select(Event.id).order_by(Event.id)]
    victim = ids[len(ids) // 2]
    _drop_triggers()
    database.execute_sql(q("DELETE FROM event WHERE id = ?"), (victim,))
    ok, broken, _ = verify_chain()
    assert (ok, broken) == (False, ids[ids.index(victim) + 1])


def test_failed_action_leaves_no_event_and_chain_intact(ctx: Context) -> None:
    number = inspected_return(ctx, amount="300.00")
    last = Event.select().order_by(Event.id.desc()).first()
    refused(lambda: money_svc.refund(ctx, number, "300.01"), "refund_exceeds_paid")
    refused(
        lambda: returns.set_disposition(ctx, number, "repair_restock"), "transition_not_allowed"
    )
    assert Event.select().order_by(Event.id.desc()).first().id == last.id
    money_svc.refund(ctx, number, "300.00")  # refunded after inspection, status stays
    assert find_case(number).status == "inspected"
    assert rma_of(find_case(number)).inspection_result == "confirmed_defect"
    assert verify_chain()[0] is True


def test_lost_parcel_claim_carries_the_carrier_and_tracking_number(ctx: Context) -> None:
    number = intake(ctx, kind="refund", product="手机膜", amount="59.00")
    money_svc.set_shipping_status(
        ctx, number, "lost", "快递显示丢件", carrier="顺丰速运", tracking_no="SF1234567890"
    )
    claim = CarrierClaim.get()
    assert (claim.carrier, claim.tracking_no, claim.case_id) == (
        "顺丰速运",
        "SF1234567890",
        find_case(number).id,
    )
    before = counts()
    refused(
        lambda: money_svc.set_shipping_status(ctx, number, "lost", tracking_no="x" * 41),
        "invalid_input",
    )
    assert counts() == before
