"""What the Returns tab and the return actions need to read, and two small writes they lack.

Reads: the counts strip (awaiting approval / goods / inspection / settlement), what may still be
refunded on a case and who must approve it, the approval a return needs, the dispositions that
fit its inspection. Writes: a carrier claim opened by hand on a case (a carrier-damage case moves
to "claim filed" in the same transaction) and a dealer-account deduction booked on a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain import kinds, workflows
from app.domain.codes import CustomerKind, MoneyKind
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.rules.approval import approval_needed
from app.domain.rules.liability import disposition_options
from app.domain.validation import Collector, validate_text
from app.services.casework.records import (
    case_value,
    claim_view,
    find_case,
    order_cases,
    order_paid_total,
    order_refunded_total,
    refunded_total,
    rma_of,
)
from app.services.casework.transitions import apply_transition
from app.services.casework.views import ClaimView
from app.services.remedies.money import add_money, open_claim_for, refund_blocker
from app.services.remedies.returns import charge_dealer
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import CarrierClaim, Case, Customer, ReturnAuth

ZERO = Decimal("0.00")

#: The status each chip of the counts strip filters the list by.
STRIP_STATUSES: dict[str, str] = {
    "awaiting_approval": "requested",
    "awaiting_goods": "awaiting_goods",
    "to_inspect": "received",
    "to_settle": "disposition_done",
}


@dataclass(frozen=True)
class ReturnCounts:
    """Open returns, exchanges and refund-only cases by the step that waits on the desk."""

    awaiting_approval: int
    awaiting_goods: int
    goods_late: int  # awaiting goods past the expected-by date (7 working days, 002)
    to_inspect: int
    to_settle: int


def return_counts(ctx: Context) -> ReturnCounts:
    """The counts strip above the Returns list; each count is what its chip's filter shows."""
    by_status: dict[str, int] = {}
    query = (
        Case.select(Case.status)
        .where(
            Case.kind.in_(kinds.return_like_kinds())
            & Case.status.in_(list(STRIP_STATUSES.values()))
        )
        .tuples()
    )
    for (status,) in query:
        by_status[status] = by_status.get(status, 0) + 1
    today = ctx.today()
    late = (
        Case.select()
        .join(ReturnAuth, on=(ReturnAuth.case == Case.id))
        .where(
            Case.kind.in_(kinds.return_like_kinds())
            & (Case.status == "awaiting_goods")
            & ReturnAuth.expected_by.is_null(False)
            & (ReturnAuth.expected_by < today)
        )
        .count()
    )
    return ReturnCounts(
        awaiting_approval=by_status.get("requested", 0),
        awaiting_goods=by_status.get("awaiting_goods", 0),
        goods_late=late,
        to_inspect=by_status.get("received", 0),
        to_settle=by_status.get("disposition_done", 0),
    )


def _paid(case: Case) -> Decimal | None:
    return case_value(case)


@dataclass(frozen=True)
class RefundCap:
    """What a refund dialog shows: paid, refunded so far, what is left, and who may approve it."""

    paid: Decimal | None
    refunded: Decimal
    remaining: Decimal | None  # None: no paid amount known, so no cap
    blocker: str | None  # the refusal code a refund would meet now (money.refund_blocker)
    level: str  # approval level the remaining amount needs: "manager" or "owner"
    approved_level: str  # the level the return was approved at ("" when not approved)


def refund_cap(ctx: Context, number: str) -> RefundCap:
    case = find_case(number)
    paid = _paid(case)
    refunded = refunded_total(case)
    remaining = None if paid is None else max(ZERO, paid - refunded)
    rma = rma_of(case)
    level = approval_needed(refunded + (remaining or ZERO), ctx.settings.approval)
    return RefundCap(
        paid=paid,
        refunded=refunded,
        remaining=remaining,
        blocker=refund_blocker(case),
        level=level.value,
        approved_level=rma.approval_level if rma is not None and rma.approved_by_id else "",
    )


@dataclass(frozen=True)
class ApprovalNeed:
    amount: Decimal
    level: str  # "manager" (at or below the threshold) or "owner"
    threshold: Decimal
    rule: str = ""  # the three-guarantee verdict's code the desk reads before approving
    rule_params: dict[str, object] | None = None
    needs_override: bool = False  # outside the three guarantees: owner with a typed reason


def approval_for(ctx: Context, number: str) -> ApprovalNeed:
    """What approving a return needs, judged as check_and_record_approval judges it: the value
    as it stands (lines x price or the refund asked) and the three-guarantee verdict."""
    from app.services.remedies.approvals import entitlement_check

    case = find_case(number)
    amount = _paid(case) or ZERO
    try:
        verdict = entitlement_check(case)
    except DomainError:
        verdict = None
    return ApprovalNeed(
        amount=amount,
        level=approval_needed(amount, ctx.settings.approval).value,
        threshold=ctx.settings.approval.owner_threshold,
        rule=verdict.code if verdict else "",
        rule_params=dict(verdict.params) if verdict else None,
        needs_override=bool(verdict is not None and not verdict.eligible),
    )


def disposition_choices(ctx: Context, number: str) -> tuple[str, ...]:
    """Dispositions that fit the inspection result, usual first (a rejected return ships back)."""
    case = find_case(number)
    rma = rma_of(case)
    if rma is None:
        return ()
    rejected = case.status == "rejected" or bool(rma.rejection_reason)
    if not rejected and not rma.inspection_result:
        return ()
    return tuple(
        d.value for d in disposition_options(rma.inspection_result or None, rejected=rejected)
    )


@dataclass(frozen=True)
class ClaimInput:
    amount: str | Decimal | None = None
    carrier: str = ""
    tracking_no: str = ""
    order_no: str = ""
    item_code: str = ""
    size: str = ""


def open_claim(ctx: Context, number: str, data: ClaimInput) -> str:
    """Open a carrier claim (索赔单) on a case; returns its number.

    A carrier-damage case waiting for its claim moves to "claim filed" in the same transaction.
    """
    v = Collector()
    amount = v.check("amount", parse_money, data.amount, allow_zero=False)
    carrier = v.check("carrier", validate_text, data.carrier, max_len=40) or ""
    tracking = v.check("tracking_no", validate_text, data.tracking_no, max_len=40) or ""
    order_no = v.check("order_no", validate_text, data.order_no, max_len=40) or ""
    item_code = v.check("item_code", validate_text, data.item_code, max_len=40) or ""
    size = v.check("size", validate_text, data.size, max_len=20) or ""
    v.raise_if_errors()
    require(ctx, Action.CLAIM)
    with write_transaction():
        case = find_case(number)
        claim = open_claim_for(
            ctx,
            case,
            amount=amount,  # type: ignore[arg-type]
            carrier=carrier,
            tracking_no=tracking,
            order_no=order_no,
            item_code=item_code,
            size=size,
        )
        wf = workflows.workflow_for(case.kind)
        if wf.name == "carrier_damage" and wf.can_move(case.status, "claim_filed"):
            apply_transition(ctx, case, "claim_filed", claim.number, {"claim": claim.number})
        return claim.number


def deduct_dealer(ctx: Context, number: str, amount: str | Decimal, note: str = "") -> Decimal:
    """Charge a dealer's account for a case (000: dealer-liable damage); returns the balance."""
    v = Collector()
    value = v.check("amount", parse_money, amount, allow_zero=False)
    text = v.check("note", validate_text, note, max_len=200) or ""
    v.raise_if_errors()
    require(ctx, Action.MONEY)
    require(ctx, Action.APPROVE_MANAGER)
    with write_transaction():
        case = find_case(number)
        if case.customer.kind != CustomerKind.DEALER.value:
            raise DomainError("not_a_dealer", field="amount")
        charge_dealer(ctx, case.customer, value, case, "deduction")  # type: ignore[arg-type]
        add_money(ctx, case, MoneyKind.DEALER_DEDUCTION, value, text)  # type: ignore[arg-type]
        return Customer.get_by_id(case.customer_id).dealer_balance


@dataclass(frozen=True)
class OrderSummary:
    """One order across its cases: what was paid, what was refunded (one order, one refund)."""

    order_no: str
    paid: Decimal | None
    refunded: Decimal
    cases: list[tuple[str, str]]  # (number, status), oldest first


def order_summary(ctx: Context, order_no: str) -> OrderSummary:
    """The cases of an order number and its paid and refunded totals."""
    key = validate_text(order_no, "order_no", required=True, max_len=40)
    cases = order_cases(key)
    return OrderSummary(
        order_no=key,
        paid=order_paid_total(key),
        refunded=order_refunded_total(key),
        cases=[(c.number, c.status) for c in cases],
    )


def list_claims(ctx: Context, limit: int = 500) -> list[ClaimView]:
    """Carrier claims, newest first, each with its deadline and overdue flag."""
    now = ctx.now()
    query = CarrierClaim.select().order_by(CarrierClaim.id.desc()).limit(limit)
    return [claim_view(c, now) for c in query]
