"""Money on cases: refunds with their guards, other entries, reversals, carrier claims."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.domain import kinds, workflows
from app.domain.codes import (
    MANUAL_MONEY_KINDS,
    CaseKind,
    MoneyKind,
    Party,
    PayRoute,
    ShippingStatus,
)
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.numbering import Series
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.domain.rules.returns import carrier_claim_due
from app.domain.validation import Collector, validate_choice, validate_text
from app.services.casework.records import (
    case_value,
    find_case,
    find_claim,
    order_paid_total,
    order_refunded_total,
    refunded_total,
    rma_of,
)
from app.services.casework.transitions import apply_transition
from app.services.remedies.ledger import add_money, book_entry, reverse_entry
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.history import next_number
from app.store.models import CarrierClaim, Case, MoneyEntry

# Refund-only cases may pay out only when the goods never left, came back, or are lost (001).
REFUNDABLE_SHIPPING = frozenset(
    {ShippingStatus.NOT_SHIPPED.value, ShippingStatus.INTERCEPTED.value, ShippingStatus.LOST.value}
)


_CUSTOMER_ROUTED = frozenset(
    {
        MoneyKind.CHARGE,
        MoneyKind.PRICE_DIFFERENCE,
        MoneyKind.FREIGHT_REFUND,
        MoneyKind.SUPPLIER_RECOVERY,
    }
)
_DEFAULT_PARTY = {
    MoneyKind.CHARGE: Party.CUSTOMER,
    MoneyKind.PRICE_DIFFERENCE: Party.CUSTOMER,
    MoneyKind.FREIGHT_REFUND: Party.SHOP,
    MoneyKind.SUPPLIER_RECOVERY: Party.SUPPLIER,
    # freight booked by hand (e.g. shipping a replacement) keeps no payer: only the return
    # freight booked by `returns.set_freight` (payer "shop") follows the freight payer
    MoneyKind.PARTS: Party.SHOP,
    MoneyKind.LABOUR: Party.SHOP,
}


def record_entry(
    ctx: Context,
    number: str,
    kind: str,
    amount: str | Decimal,
    route: str = "",
    note: str = "",
    party: str = "",
) -> MoneyEntry:
    """Book money that is not a refund: a charge to the customer (repair fee, price difference
    on an exchange), a supplier recovery, freight paid back to the customer, or a cost.

    Money that changes hands (charges, recoveries, freight refunds) names its route (original
    payment, Alipay, WeChat, cash, bank). Refunds go through `refund`; corrections through
    `reverse_money`.
    """
    v = Collector()
    k = v.check("kind", validate_choice, kind, MoneyKind)
    value = v.check("amount", parse_money, amount, allow_zero=False)
    r = v.check("route", validate_choice, route, PayRoute, optional=True)
    who = v.check("party", validate_choice, party, Party, optional=True)
    text = v.check("note", validate_text, note, max_len=200) or ""
    if k is not None and k not in MANUAL_MONEY_KINDS:
        v.add("kind", "use_refund" if k is MoneyKind.REFUND else "not_a_manual_entry")
    if k in _CUSTOMER_ROUTED and r is None and route in ("", None):
        v.add("route", "required")
    v.raise_if_errors()
    require(ctx, Action.MONEY)
    if k is MoneyKind.FREIGHT_REFUND:
        require(ctx, Action.APPROVE_MANAGER)  # money paid out: the manager on duty or the owner
    with write_transaction():
        case = find_case(number)
        return book_entry(
            ctx,
            case,
            k,  # type: ignore[arg-type]
            value,  # type: ignore[arg-type]
            note=text,
            route=r or "",
            party=who or _DEFAULT_PARTY.get(k, ""),  # type: ignore[arg-type]
        )


def record_money(
    ctx: Context, number: str, kind: str, amount: str | Decimal, note: str = ""
) -> MoneyEntry:
    """Record a cost or charge (freight, parts, labour, charge, supplier recovery...)."""
    v = Collector()
    k = v.check("kind", validate_choice, kind, MoneyKind)
    value = v.check("amount", parse_money, amount, allow_zero=False)
    text = v.check("note", validate_text, note, max_len=200) or ""
    v.raise_if_errors()
    if k is MoneyKind.REFUND:
        raise DomainError("use_refund", field="kind")
    if k not in MANUAL_MONEY_KINDS:
        raise DomainError("not_a_manual_entry", field="kind")
    require(ctx, Action.MONEY)
    with write_transaction():
        return add_money(
            ctx,
            find_case(number),
            k,  # type: ignore[arg-type]
            value,  # type: ignore[arg-type]
            text,
            party=_DEFAULT_PARTY.get(k, ""),  # type: ignore[arg-type]
        )


def reverse_money(ctx: Context, entry_id: int | str, note: str) -> MoneyEntry:
    """Correct a money entry with a reversing entry; the original is never edited (a wrong
    refund taken back is the reversal of that refund, with its route)."""
    text = validate_text(note, "note", required=True, max_len=200)
    try:
        key = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound("money_entry", str(entry_id)) from None
    require(ctx, Action.MONEY)
    with write_transaction():
        original = MoneyEntry.get_or_none(MoneyEntry.id == key)
        if original is None:
            raise NotFound("money_entry", str(entry_id))
        return reverse_entry(ctx, original, text)


def refund_blocker(case: Case) -> str | None:
    """Why money may not be refunded yet, or None (the guard of every refund)."""
    kind = case.kind
    if kind in kinds.rma_kinds():
        rma = rma_of(case)
        if case.ship_first_by_id is not None:
            # 先补发: the replacement is out; no refund until the old goods are back or waived.
            if rma is not None and (rma.received_at or rma.goods_waived_at):
                return None
            return "refund_goods_owed"
        if rma and rma.received_at and rma.inspection_result:
            return None
        return "refund_before_inspection"
    if kind == CaseKind.REFUND:
        if case.shipping_status not in REFUNDABLE_SHIPPING:
            return "refund_goods_not_back"
        return None
    if kind == CaseKind.CARRIER_DAMAGE:
        if case.ship_first_by_id is not None:
            return "refund_after_replacement"  # a replacement went out: not both
        return None
    return "refund_not_for_kind"


def _require_refund_level(ctx: Context, case: Case, total: Decimal) -> None:
    """Refunds above the threshold need the owner, unless an owner-level approval covers them."""
    level = approval_needed(total, ctx.settings.approval)
    rma = rma_of(case)
    approved = rma.approval_level if rma is not None and rma.approved_by_id else ""
    if approved == ApprovalLevel.OWNER.value or approved == level.value:
        return
    require(ctx, Action.APPROVE_OWNER if level is ApprovalLevel.OWNER else Action.APPROVE_MANAGER)


def refund(
    ctx: Context, number: str, amount: str | Decimal, note: str = "", route: str = ""
) -> Case:
    """Pay a refund, then move the case to refunded where its workflow allows it.

    Capped by the case's value and, across every case of the same order, by what was paid on
    the order (one order, one refund). `route` says how the money went back (default: the
    original payment).
    """
    v = Collector()
    value = v.check("amount", parse_money, amount, allow_zero=False)
    text = v.check("note", validate_text, note, max_len=200) or ""
    r = v.check("route", validate_choice, route, PayRoute, optional=True)
    v.raise_if_errors()
    require(ctx, Action.MONEY)
    with write_transaction():
        case = find_case(number)
        blocker = refund_blocker(case)
        if blocker:
            raise DomainError(blocker, status=case.status)
        paid = case_value(case)
        already = refunded_total(case)
        _require_refund_level(ctx, case, already + value)  # type: ignore[operator]
        if paid is not None and already + value > paid:  # type: ignore[operator]
            raise DomainError(
                "refund_exceeds_paid",
                field="amount",
                paid=str(paid),
                refunded=str(already),
            )
        order_no = case.sale.order_no if case.sale_id else ""
        if order_no:
            order_paid = order_paid_total(order_no)
            order_refunded = order_refunded_total(order_no)
            if order_paid is not None and order_refunded + value > order_paid:  # type: ignore[operator]
                raise DomainError(
                    "order_refund_exceeds_paid",
                    field="amount",
                    order=order_no,
                    paid=str(order_paid),
                    refunded=str(order_refunded),
                )
        book_entry(
            ctx,
            case,
            MoneyKind.REFUND,
            value,  # type: ignore[arg-type]
            note=text,
            route=r or PayRoute.ORIGINAL,
            party=Party.SHOP,
        )
        wf = workflows.workflow_for(case.kind)
        if wf.can_move(case.status, "refunded"):
            apply_transition(ctx, case, "refunded", text, {"amount": str(value)})
    return case


def set_shipping_status(
    ctx: Context,
    number: str,
    status: str,
    note: str = "",
    *,
    carrier: str = "",
    tracking_no: str = "",
) -> Case:
    """Refund-only: record where the parcel is; a lost parcel opens a carrier claim (001)."""
    v = Collector()
    s = v.check("shipping_status", validate_choice, status, ShippingStatus)
    text = v.check("note", validate_text, note, max_len=2000) or ""
    carrier = v.check("carrier", validate_text, carrier, max_len=40) or ""
    tracking_no = v.check("tracking_no", validate_text, tracking_no, max_len=40) or ""
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case = find_case(number)
        if case.kind != CaseKind.REFUND.value:
            raise DomainError("not_refund_case", field="number")
        old = case.shipping_status
        case.shipping_status = s.value
        case.save()
        audit.log(ctx, "case", case, "shipping_status", {"from": old, "to": s.value}, text)
        if case.status == "requested":
            apply_transition(ctx, case, "verifying", text)
        if s is ShippingStatus.LOST and not case.claims.exists():
            open_claim_for(
                ctx,
                case,
                amount=case.amount or Decimal("0.00"),
                carrier=carrier,
                tracking_no=tracking_no,
            )
    return case


def open_claim_for(
    ctx: Context,
    case: Case | None,
    *,
    amount: Decimal,
    carrier: str = "",
    tracking_no: str = "",
    order_no: str = "",
    item_code: str = "",
    size: str = "",
    lines: list[dict[str, object]] | None = None,
    received_at: datetime | None = None,
) -> CarrierClaim:
    """Open a carrier claim (索赔单); call inside a write transaction.

    It carries the carrier's deadline: `returns.carrier_claim_hours` from the receipt of the
    goods (or from now when nothing was received), and the lines it claims, if any.
    """
    require(ctx, Action.CLAIM)
    now = ctx.now()
    rma = rma_of(case) if case else None
    start = received_at or (rma.received_at if rma is not None and rma.received_at else now)
    claim = CarrierClaim.create(
        number=next_number(Series.CLAIM, ctx.local(now).year),
        case=case,
        order_no=order_no or (case.sale.order_no if case and case.sale_id else ""),
        item_code=item_code or (case.product.model_spec if case and case.product_id else ""),
        size=size,
        carrier=carrier or (rma.freight_carrier if rma else ""),
        tracking_no=tracking_no or (rma.tracking_no if rma else ""),
        item_value=amount,
        amount_claimed=amount,
        created_by=ctx.actor.id,
        created_at=now,
        updated_at=now,
        deadline_at=carrier_claim_due(start, ctx.settings.returns),
        lines=lines,
    )
    audit.log(
        ctx,
        "claim",
        claim,
        "created",
        {
            "case": case.number if case else None,
            "amount": str(amount),
            "lines": [ln["line"] for ln in lines] if lines else None,
        },
        to_state=claim.status,
        at=now,
    )
    return claim


def move_claim(
    ctx: Context,
    number: str,
    target: str,
    *,
    recovered: str | Decimal | None = None,
    note: str = "",
) -> CarrierClaim:
    """Move a carrier claim; `paid` records what the carrier paid back."""
    v = Collector()
    text = v.check("note", validate_text, note, max_len=2000) or ""
    amount = v.check("amount_recovered", parse_money, recovered, optional=True)
    v.raise_if_errors()
    require(ctx, Action.CLAIM)
    with write_transaction():
        claim = find_claim(number)
        workflows.CARRIER_CLAIM.check_move(claim.status, target)
        if target == "paid":
            if amount is None:
                raise DomainError("required", field="amount_recovered")
            if amount > claim.amount_claimed:
                raise DomainError("recovered_exceeds_claimed", field="amount_recovered")
            claim.amount_recovered = amount
            if claim.case_id:
                add_money(ctx, claim.case, MoneyKind.CLAIM_RECOVERY, amount, claim.number)
        frm = claim.status
        claim.status = target
        claim.updated_at = ctx.now()
        claim.save()
        audit.log(
            ctx,
            "claim",
            claim,
            "moved",
            {"recovered": str(amount)} if amount is not None else None,
            text,
            from_state=frm,
            to_state=target,
        )
    return claim
