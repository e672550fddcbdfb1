"""Return authorisations: approval, freight, receipt, inspection, liability, disposition, money."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.codes import (
    CaseKind,
    Disposition,
    FreightPayer,
    InspectionResult,
    Liability,
    MoneyKind,
    Reason,
)
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.domain.rules.eligibility import return_eligibility
from app.domain.rules.entitlement import Entitlement
from app.domain.rules.freight import freight_payer
from app.domain.rules.liability import MoneyRoute, check_disposition, money_route
from app.domain.rules.periods import add_working_days
from app.domain.validation import (
    Collector,
    validate_choice,
    validate_qty,
    validate_text,
)
from app.services import audit
from app.services.context import Context
from app.services.errors import NotFound
from app.services.money import add_money, open_claim_for
from app.services.permissions import Action, require
from app.services.records import find_case, rma_of
from app.services.transitions import apply_transition, is_return_kind
from app.store.db import write_transaction
from app.store.models import Case, Customer, DealerMovement, ReturnAuth, ReturnLine


def _rma_case(number: str) -> tuple[Case, ReturnAuth]:
    case = find_case(number)
    rma = rma_of(case)
    if rma is None or not is_return_kind(case):
        raise NotFound("rma", number)
    return case, rma


def _log(ctx: Context, rma: ReturnAuth, action: str, data: dict, note: str = "") -> None:
    audit.log(ctx, "rma", rma, action, data, note)


def rma_total(rma: ReturnAuth) -> Decimal:
    return sum((ln.unit_price * ln.qty_expected for ln in rma.lines), Decimal("0.00"))


def check_and_record_approval(ctx: Context, case: Case) -> None:
    """Guard of requested -> approved: eligibility, then the approver's level by amount."""
    rma = rma_of(case)
    if rma is None:
        return
    if case.kind == CaseKind.RETURN.value:
        ent = case.entitlement
        if ent is None:
            raise DomainError("sale_date_required", field="sold")
        verdict = return_eligibility(Entitlement.from_dict(ent), Reason(case.reason))
        if not verdict.eligible:
            raise DomainError("not_eligible", rule=verdict.code, rule_params=verdict.params)
    amount = case.amount if case.amount is not None else rma_total(rma)
    level = approval_needed(amount, ctx.settings.approval)
    require(ctx, Action.APPROVE_OWNER if level is ApprovalLevel.OWNER else Action.APPROVE_MANAGER)
    now = ctx.now()
    rma.approval_level = level.value
    rma.approved_by = ctx.actor.id
    rma.approved_at = now
    rma.expected_by = add_working_days(
        ctx.local(now).date(), ctx.settings.returns.goods_expected_working_days
    )
    rma.save()


def approve(ctx: Context, number: str, note: str = "") -> Case:
    with write_transaction():
        case, _ = _rma_case(number)
        apply_transition(ctx, case, "approved", note)
    return case


@dataclass(frozen=True)
class FreightInput:
    carrier: str = ""
    tracking_no: str = ""
    payer: str = ""
    amount: str | Decimal | None = None


def set_freight(ctx: Context, number: str, data: FreightInput) -> None:
    v = Collector()
    carrier = v.check("carrier", validate_text, data.carrier, max_len=40) or ""
    tracking = v.check("tracking_no", validate_text, data.tracking_no, max_len=40) or ""
    payer = v.check("payer", validate_choice, data.payer, FreightPayer, optional=True)
    amount = v.check("freight_amount", parse_money, data.amount, optional=True)
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, rma = _rma_case(number)
        rma.freight_carrier = carrier
        rma.tracking_no = tracking
        decision = freight_payer(case.reason, rma.inspection_result or None)
        rma.freight_payer = payer.value if payer else decision.return_leg.value
        rma.freight_amount = amount
        rma.save()
        _log(
            ctx,
            rma,
            "freight",
            {
                "carrier": carrier,
                "tracking_no": tracking,
                "payer": rma.freight_payer,
                "rule": decision.to_dict(),
            },
        )
        if amount and rma.freight_payer in ("shop", "split"):
            share = (
                amount if rma.freight_payer == "shop" else (amount / 2).quantize(Decimal("0.01"))
            )
            add_money(ctx, case, MoneyKind.FREIGHT, share, note=tracking)


def receive(
    ctx: Context,
    number: str,
    received: dict[int, int | str],
    *,
    package_damaged: bool = False,
    note: str = "",
) -> Case:
    """Record what arrived per line (discrepancy = received - expected) and move to received."""
    v = Collector()
    clean: dict[int, int] = {}
    for line_id, qty in received.items():
        q = v.check(f"qty_received[{line_id}]", validate_qty, qty, minimum=0)
        if q is not None:
            clean[int(line_id)] = q
    v.raise_if_errors()
    with write_transaction():
        case, rma = _rma_case(number)
        lines = {ln.id: ln for ln in rma.lines}
        for line_id, qty in clean.items():
            if line_id not in lines:
                raise NotFound("return_line", str(line_id))
            lines[line_id].qty_received = qty
            lines[line_id].save()
        rma.package_damaged = package_damaged
        rma.received_at = ctx.now()
        rma.save()
        _log(
            ctx,
            rma,
            "received",
            {"lines": {str(k): q for k, q in clean.items()}, "package_damaged": package_damaged},
            note,
        )
        apply_transition(ctx, case, "received", note)
        if package_damaged and not case.claims.exists():
            # 002: a damaged package means a carrier claim within 24 h of receipt.
            open_claim_for(ctx, case, amount=rma_total(rma))
    return case


def inspect(
    ctx: Context,
    number: str,
    result: str,
    report: str = "",
    sample_pct: int | str | None = None,
) -> Case:
    v = Collector()
    res = v.check("inspection_result", validate_choice, result, InspectionResult)
    rep = v.check("inspection_report", validate_text, report, max_len=4000) or ""
    pct = v.check("sample_pct", validate_qty, sample_pct, minimum=1, maximum=100, optional=True)
    v.raise_if_errors()
    with write_transaction():
        case, rma = _rma_case(number)
        qty = sum(ln.qty_received or 0 for ln in rma.lines)
        if qty >= 10 and (pct or 0) < ctx.settings.returns.batch_sample_pct:
            raise DomainError(
                "sample_too_small",
                field="sample_pct",
                minimum=ctx.settings.returns.batch_sample_pct,
            )
        rma.inspection_result = res.value  # type: ignore[union-attr]
        rma.inspection_report = rep
        rma.sample_pct = pct
        # The inspection settles who pays the freight (quality confirmed: shop; else customer).
        freight = freight_payer(case.reason, rma.inspection_result)
        rma.freight_payer = freight.return_leg.value
        rma.save()
        apply_transition(
            ctx,
            case,
            "inspected",
            rep,
            {"result": rma.inspection_result, "freight": freight.to_dict()},
        )
    return case


def decide_liability(ctx: Context, number: str, liability: str, note: str = "") -> Case:
    """Record who is liable and route the money: dealer account, customer, carrier, supplier."""
    who = validate_choice(liability, "liability", Liability)
    note = validate_text(note, "note", max_len=2000)
    # Liability moves money (dealer account, claims): the manager on duty or the owner decides.
    require(ctx, Action.APPROVE_MANAGER)
    with write_transaction():
        case, rma = _rma_case(number)
        rma.liability = who.value
        rma.save()
        route = money_route(who, customer_kind=case.customer.kind)
        apply_transition(
            ctx, case, "liability_decided", note, {"liability": who.value, "route": route.value}
        )
        total = rma_total(rma)
        if route is MoneyRoute.DEALER_ACCOUNT and case.customer.kind == "dealer" and total > 0:
            charge_dealer(ctx, case.customer, total, case, "liability")
            add_money(ctx, case, MoneyKind.DEALER_DEDUCTION, total, note=rma.number)
        elif route is MoneyRoute.CARRIER_CLAIM and not case.claims.exists():
            open_claim_for(ctx, case, amount=total)
    return case


def charge_dealer(
    ctx: Context, customer: Customer, amount: Decimal, case: Case | None, reason: str
) -> None:
    """Deduct from a dealer's account (000: dealer-liable damage is charged to the account)."""
    _dealer_movement(ctx, customer, -amount, case, reason, "dealer_charged")


def credit_dealer(
    ctx: Context, customer: Customer, amount: Decimal, case: Case | None, reason: str
) -> None:
    """Credit a dealer's account (a return settled as credit instead of a refund)."""
    _dealer_movement(ctx, customer, amount, case, reason, "dealer_credited")


def _dealer_movement(
    ctx: Context,
    customer: Customer,
    amount: Decimal,
    case: Case | None,
    reason: str,
    action: str,
) -> None:
    DealerMovement.create(
        customer=customer,
        amount=amount,
        reason=reason,
        case=case,
        at=ctx.now(),
        by=ctx.actor.id,
    )
    fresh = Customer.get_by_id(customer.id)
    fresh.dealer_balance = fresh.dealer_balance + amount
    fresh.save()
    audit.log(
        ctx,
        "customer",
        customer,
        action,
        {"amount": str(amount), "reason": reason},
        number=case.number if case else "",
    )


def set_disposition(
    ctx: Context, number: str, disposition: str, *, scrap_report: str = "", note: str = ""
) -> Case:
    """Decide what happens to the goods; scrapping needs the owner's approved report."""
    d = validate_choice(disposition, "disposition", Disposition)
    report = validate_text(scrap_report, "scrap_report", max_len=4000)
    if d is Disposition.SCRAP:
        if not report:
            raise DomainError("scrap_report_required", field="scrap_report")
        require(ctx, Action.SCRAP_APPROVE)
    with write_transaction():
        case, rma = _rma_case(number)
        check_disposition(
            d,
            scrap_report_approved=bool(report),
            inspection_result=rma.inspection_result or None,
        )
        rma.disposition = d.value
        if d is Disposition.SCRAP:
            rma.scrap_approved_by = ctx.actor.id
            rma.inspection_report = (rma.inspection_report + "\n" + report).strip()
        rma.save()
        apply_transition(ctx, case, "disposition_done", note, {"disposition": d.value})
    return case


def settle(
    ctx: Context, number: str, outcome: str, amount: str | Decimal | None = None, note: str = ""
) -> Case:
    """Close the money side: refunded, exchanged or credited."""
    from app.services.money import refund

    if outcome == "refunded":
        return refund(ctx, number, amount if amount is not None else "", note)
    if outcome not in ("exchanged", "credited"):
        raise DomainError(
            "not_a_choice", field="outcome", choices=["refunded", "exchanged", "credited"]
        )
    with write_transaction():
        case, _ = _rma_case(number)
        if outcome == "credited":
            require(ctx, Action.MONEY)
            value = parse_money(amount, "amount", allow_zero=False)
            add_money(ctx, case, MoneyKind.CREDIT, value, note=note)
            if case.customer.kind == "dealer":
                credit_dealer(ctx, case.customer, value, case, "credit")
        apply_transition(ctx, case, outcome, note)
    return case


def record_capa(
    ctx: Context, number: str, corrective: str, preventive: str, *, report_sent: bool = False
) -> None:
    v = Collector()
    corr = v.check("capa_corrective", validate_text, corrective, max_len=4000) or ""
    prev = v.check("capa_preventive", validate_text, preventive, max_len=4000) or ""
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        _, rma = _rma_case(number)
        rma.capa_corrective = corr
        rma.capa_preventive = prev
        if report_sent and rma.report_sent_at is None:
            rma.report_sent_at = ctx.now()
        rma.save()
        _log(ctx, rma, "capa", {"report_sent": report_sent})


def record_reply(ctx: Context, number: str, reply: str) -> None:
    text = validate_text(reply, "customer_reply", required=True, max_len=4000)
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        _, rma = _rma_case(number)
        rma.customer_reply = text
        rma.customer_reply_at = ctx.now()
        rma.save()
        _log(ctx, rma, "customer_reply", {}, text)


def add_line(
    ctx: Context,
    number: str,
    description: str,
    qty: int | str,
    unit_price: str | Decimal,
    *,
    spec: str = "",
    unit: str = "件",
    batch: str = "",
    reason: str = "",
) -> int:
    v = Collector()
    desc = v.check("description", validate_text, description, required=True, max_len=120)
    q = v.check("qty", validate_qty, qty)
    price = v.check("unit_price", parse_money, unit_price)
    sp = v.check("spec", validate_text, spec, max_len=80) or ""
    un = v.check("unit", validate_text, unit, max_len=8) or "件"
    bt = v.check("batch", validate_text, batch, max_len=40) or ""
    rs = v.check("reason", validate_choice, reason, Reason, optional=True)
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, rma = _rma_case(number)
        if case.status not in ("requested", "approved"):
            raise DomainError("lines_locked", status=case.status)
        line = ReturnLine.create(
            rma=rma,
            description=desc,
            spec=sp,
            unit=un,
            qty_expected=q,
            unit_price=price,
            batch=bt,
            reason=rs.value if rs else case.reason,
        )
        _log(ctx, rma, "line_added", {"line": line.id, "qty": q, "unit_price": str(price)})
        return line.id
