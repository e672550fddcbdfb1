"""Return authorisations: approval, freight, receipt, inspection, liability, disposition, money."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain import workflows
from app.domain.codes import (
    Disposition,
    FreightPayer,
    InspectionResult,
    Liability,
    MoneyKind,
    Party,
    PayRoute,
    Reason,
)
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.domain.rules.freight import freight_payer
from app.domain.rules.liability import MoneyRoute, check_disposition, money_route
from app.domain.rules.returns import QcCounts, check_qc
from app.domain.validation import (
    Collector,
    validate_choice,
    validate_qty,
    validate_text,
)
from app.services.casework.records import case_value, find_case, rma_of, rma_total
from app.services.casework.transitions import apply_transition, is_return_kind
from app.services.remedies.approvals import check_and_record_approval
from app.services.remedies.ledger import add_money, book_entry, live_entries, reverse_entry
from app.services.remedies.money import open_claim_for
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.services.shop.suppliers import find_supplier, supplier_or_none
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


def approve(ctx: Context, number: str, note: str = "", override_reason: str = "") -> Case:
    """Approve a return or exchange (the manager on duty up to the threshold, the owner above;
    outside the three guarantees the owner with `override_reason`)."""
    v = Collector()
    text = v.check("note", validate_text, note, max_len=2000) or ""
    why = v.check("override_reason", validate_text, override_reason, max_len=500) or ""
    v.raise_if_errors()
    with write_transaction():
        case, rma = _rma_case(number)
        workflows.workflow_for(case.kind).check_move(case.status, "approved")
        check_and_record_approval(ctx, case, why)
        apply_transition(ctx, case, "approved", text, {"override": bool(why)} if why else None)
        if rma.goods_at_counter:
            _received_at_counter(ctx, case, rma)
    return case


def _received_at_counter(ctx: Context, case: Case, rma: ReturnAuth) -> None:
    """Goods handed over at the counter are in the desk's hands at approval: received as
    expected in the approval's transaction (no parcel is awaited, nothing is shipped first)."""
    for ln in rma.lines:
        ln.qty_received = ln.qty_expected
        ln.save()
    rma.received_at = ctx.now()
    rma.save()
    note = "received at the counter"
    lines = {str(ln.id): ln.qty_expected for ln in rma.lines}
    _log(ctx, rma, "received", {"lines": lines, "counter": True}, note)
    apply_transition(ctx, case, "awaiting_goods", note, {"counter": True})
    apply_transition(ctx, case, "received", note, {"counter": True})


def _void_if_value_rose(ctx: Context, case: Case, rma: ReturnAuth, why: str) -> None:
    """Approval follows the real amount: a value that now needs a higher level than the one
    given voids the approval and sends the case back to awaiting approval, with an event."""
    if not rma.approved_by_id:
        return
    value = case_value(case) or Decimal("0.00")
    level = approval_needed(value, ctx.settings.approval)
    given = rma.approval_level or ApprovalLevel.MANAGER.value
    if level.value == given or given == ApprovalLevel.OWNER.value:
        return
    data = {
        "approved_level": given,
        "approved_amount": str(rma.approved_amount) if rma.approved_amount is not None else None,
        "value": str(value),
        "needs": level.value,
        "why": why,
    }
    rma.approval_level = ""
    rma.approved_by = None
    rma.approved_at = None
    rma.approved_amount = None
    rma.expected_by = None
    rma.save()
    _log(ctx, rma, "approval_voided", data)
    if case.status == "approved":
        apply_transition(ctx, case, "requested", why, data)


@dataclass(frozen=True)
class FreightInput:
    carrier: str = ""
    tracking_no: str = ""
    payer: str = ""
    amount: str | Decimal | None = None
    agreed: bool = False  # the payer was agreed with the customer (e.g. half and half - 002)


def _freight_party(case: Case, payer: str) -> Party:
    """Who a non-shop freight leg is charged to: a dealer's account, else the customer."""
    return Party.DEALER if case.customer.kind == "dealer" else Party.CUSTOMER


def _rebook_freight(ctx: Context, case: Case, rma: ReturnAuth, payer: str, why: str) -> None:
    """Make the freight entries follow the payer: what stands is reversed (never edited), then
    the freight is booked again to whoever pays now (the shop's share as a cost, the rest
    charged to the customer or the dealer's account)."""
    amount = rma.freight_amount
    live = live_entries(case, MoneyKind.FREIGHT, MoneyKind.FREIGHT_CHARGE)
    # Only the return freight follows the payer (booked with a payer); freight booked by hand
    # for something else (shipping a replacement) stays as it is.
    live = [m for m in live if m.party]
    if amount is None or amount <= 0:
        return
    half = (amount / 2).quantize(Decimal("0.01"))
    shares = {
        FreightPayer.SHOP.value: (amount, Decimal("0.00")),
        FreightPayer.SPLIT.value: (half, amount - half),
        FreightPayer.CUSTOMER.value: (Decimal("0.00"), amount),
    }[payer]
    booked = (
        sum((m.amount for m in live if m.kind == MoneyKind.FREIGHT.value), Decimal("0.00")),
        sum((m.amount for m in live if m.kind == MoneyKind.FREIGHT_CHARGE.value), Decimal("0.00")),
    )
    if booked == shares:
        return
    for entry in live:
        reverse_entry(ctx, entry, why)
        if entry.kind == MoneyKind.FREIGHT_CHARGE.value and entry.party == Party.DEALER.value:
            credit_dealer(ctx, case.customer, entry.amount, case, "freight_reversed")
    shop_share, other_share = shares
    if shop_share > 0:
        book_entry(ctx, case, MoneyKind.FREIGHT, shop_share, note=why, party=Party.SHOP)
    if other_share > 0:
        party = _freight_party(case, payer)
        book_entry(ctx, case, MoneyKind.FREIGHT_CHARGE, other_share, note=why, party=party)
        if party is Party.DEALER:
            charge_dealer(ctx, case.customer, other_share, case, "freight")


def set_freight(ctx: Context, number: str, data: FreightInput) -> None:
    """Record the return freight: carrier, tracking, amount and who pays it.

    Without a payer the rule decides; a payer marked `agreed` (a half-and-half split agreed
    with the customer) is kept by inspection and liability until someone changes it on purpose
    (`change_freight_payer`).
    """
    v = Collector()
    carrier = v.check("carrier", validate_text, data.carrier, max_len=40) or ""
    tracking = v.check("tracking_no", validate_text, data.tracking_no, max_len=40) or ""
    payer = v.check("payer", validate_choice, data.payer, FreightPayer, optional=True)
    amount = v.check("freight_amount", parse_money, data.amount, optional=True)
    if data.agreed and payer is None:
        v.add("payer", "required")
    v.raise_if_errors()
    require(ctx, Action.CASE_MOVE)
    with write_transaction():
        case, rma = _rma_case(number)
        rma.freight_carrier = carrier
        rma.tracking_no = tracking
        split = data.agreed and payer is FreightPayer.SPLIT
        decision = freight_payer(case.reason, rma.inspection_result or None, split_agreed=split)
        if payer is None and rma.freight_agreed:
            payer = FreightPayer(rma.freight_agreed)
        rma.freight_payer = payer.value if payer else decision.return_leg.value
        if data.agreed:
            rma.freight_agreed = rma.freight_payer
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
                "agreed": bool(rma.freight_agreed),
                "rule": decision.to_dict(),
            },
        )
        _rebook_freight(ctx, case, rma, rma.freight_payer, tracking or rma.number)


def change_freight_payer(ctx: Context, number: str, payer: str, reason: str) -> Case:
    """Change who pays the freight on purpose (also an agreed split), with a reason.

    The freight already booked is reversed and booked again to the new payer.
    """
    v = Collector()
    p = v.check("payer", validate_choice, payer, FreightPayer)
    why = v.check("reason", validate_text, reason, required=True, max_len=500) or ""
    v.raise_if_errors()
    require(ctx, Action.APPROVE_MANAGER)
    with write_transaction():
        case, rma = _rma_case(number)
        old = rma.freight_payer
        rma.freight_payer = p.value  # type: ignore[union-attr]
        rma.freight_agreed = p.value  # type: ignore[union-attr]
        rma.save()
        _log(ctx, rma, "freight_payer_changed", {"from": old, "to": rma.freight_payer}, why)
        _rebook_freight(ctx, case, rma, rma.freight_payer, why)
    return case


def _freight_follows(ctx: Context, case: Case, rma: ReturnAuth, payer: str, why: str) -> None:
    """Inspection or liability moved the freight: an agreed payer stays; otherwise the new payer
    takes it over (reversal entries, then the booking to the payer)."""
    if rma.freight_agreed or payer == rma.freight_payer:
        return
    rma.freight_payer = payer
    rma.save()
    _rebook_freight(ctx, case, rma, payer, why)


def receive(
    ctx: Context,
    number: str,
    received: dict[int, int | str],
    *,
    package_damaged: bool = False,
    damaged: dict[int, int | str] | None = None,
    note: str = "",
) -> Case:
    """Record what arrived per line (discrepancy = received - expected) and move to received.

    A damaged package or short delivery opens a carrier claim for the damaged and missing lines
    only, due within the carrier's deadline (settings: returns.carrier_claim_hours from receipt).
    """
    v = Collector()
    clean: dict[int, int] = {}
    for line_id, qty in received.items():
        q = v.check(f"qty_received[{line_id}]", validate_qty, qty, minimum=0)
        if q is not None:
            clean[int(line_id)] = q
    broken: dict[int, int] = {}
    for line_id, qty in (damaged or {}).items():
        q = v.check(f"qty_damaged[{line_id}]", validate_qty, qty, minimum=0)
        if q:
            broken[int(line_id)] = q
    v.raise_if_errors()
    with write_transaction():
        case, rma = _rma_case(number)
        lines = {ln.id: ln for ln in rma.lines}
        for line_id in (*clean, *broken):
            if line_id not in lines:
                raise NotFound("return_line", str(line_id))
        for line_id, qty in broken.items():
            got = clean.get(line_id, lines[line_id].qty_expected)
            if qty > got:
                raise DomainError("damaged_exceeds_received", field=f"qty_damaged[{line_id}]")
        for line_id, qty in clean.items():
            lines[line_id].qty_received = qty
            lines[line_id].save()
        for line_id, qty in broken.items():
            lines[line_id].qty_damaged = qty
            lines[line_id].save()
        rma.package_damaged = package_damaged or bool(broken)
        rma.received_at = ctx.now()
        rma.save()
        data: dict[str, object] = {
            "lines": {str(k): q for k, q in clean.items()},
            "package_damaged": rma.package_damaged,
        }
        if broken:
            data["damaged"] = {str(k): q for k, q in broken.items()}
        _log(ctx, rma, "received", data, note)
        apply_transition(ctx, case, "received", note)
        claimed = claim_lines(rma)
        if rma.package_damaged and claimed and not case.claims.exists():
            # 002: damaged or missing goods are claimed from the carrier within 24 h of receipt.
            open_claim_for(
                ctx,
                case,
                amount=sum((Decimal(c["amount"]) for c in claimed), Decimal("0.00")),
                lines=claimed,
                received_at=rma.received_at,
            )
    return case


def claim_lines(rma: ReturnAuth) -> list[dict[str, object]]:
    """The lines a carrier claim covers: damaged units plus units missing, at the line price."""
    out: list[dict[str, object]] = []
    for ln in rma.lines.order_by(ReturnLine.id):
        received = ln.qty_expected if ln.qty_received is None else ln.qty_received
        missing = max(0, ln.qty_expected - received)
        qty = missing + (ln.qty_damaged or 0)
        if qty:
            out.append(
                {
                    "line": ln.id,
                    "description": ln.description,
                    "qty": qty,
                    "missing": missing,
                    "damaged": ln.qty_damaged or 0,
                    "amount": str(ln.unit_price * qty),
                }
            )
    return out


def inspect(
    ctx: Context,
    number: str,
    result: str,
    report: str = "",
    *,
    sampled: int | str | None = None,
    failed: int | str | None = None,
    usable: int | str | None = None,
    scrap: int | str | None = None,
    to_supplier: int | str | None = None,
) -> Case:
    """The quality check of the goods received (品管): result, report and, for a batch, the
    units sampled and failed and how the received units split (usable / scrap / to the
    supplier). Only a technician or the manager on duty records it."""
    v = Collector()
    res = v.check("inspection_result", validate_choice, result, InspectionResult)
    rep = v.check("inspection_report", validate_text, report, max_len=4000) or ""
    counts = {
        name: v.check(f"qc_{name}", validate_qty, value, minimum=0, maximum=999999, optional=True)
        for name, value in (
            ("sampled", sampled),
            ("failed", failed),
            ("usable", usable),
            ("scrap", scrap),
            ("to_supplier", to_supplier),
        )
    }
    v.raise_if_errors()
    require(ctx, Action.QC)
    with write_transaction():
        case, rma = _rma_case(number)
        received = sum(ln.qty_received or 0 for ln in rma.lines)
        qc = check_qc(received, QcCounts(**counts), ctx.settings.returns)
        rma.inspection_result = res.value  # type: ignore[union-attr]
        rma.inspection_report = rep
        rma.qc_sampled, rma.qc_failed = qc.sampled, qc.failed
        rma.qc_usable, rma.qc_scrap, rma.qc_to_supplier = qc.usable, qc.scrap, qc.to_supplier
        rma.qc_by = ctx.actor.id
        # The share sampled, for the forms that print a percentage.
        rma.sample_pct = -(-qc.sampled * 100 // received) if qc.sampled and received else None
        # The inspection settles who pays the freight (quality confirmed: shop; else customer),
        # unless a payer was agreed: that stays until someone changes it on purpose.
        freight = freight_payer(
            case.reason,
            rma.inspection_result,
            split_agreed=rma.freight_agreed == FreightPayer.SPLIT.value,
        )
        rma.save()
        apply_transition(
            ctx,
            case,
            "inspected",
            rep,
            {
                "result": rma.inspection_result,
                "freight": freight.to_dict(),
                "freight_agreed": rma.freight_agreed,
                "qc": {k: n for k, n in vars(qc).items() if n is not None},
            },
        )
        _freight_follows(ctx, case, rma, freight.return_leg.value, rma.number)
    return case


def decide_liability(
    ctx: Context, number: str, liability: str, note: str = "", *, supplier: str = ""
) -> Case:
    """Record who is liable and route the money: dealer account, customer, carrier, supplier.

    A supplier-liable return may name its supplier here (or later, `name_supplier`): the
    goods going back and the recoveries then show on that supplier's statement.
    """
    who = validate_choice(liability, "liability", Liability)
    note = validate_text(note, "note", max_len=2000)
    if str(supplier or "").strip() and who is not Liability.SUPPLIER:
        raise DomainError("supplier_not_liable", field="supplier")
    # Liability moves money (dealer account, claims): the manager on duty or the owner decides.
    require(ctx, Action.APPROVE_MANAGER)
    with write_transaction():
        case, rma = _rma_case(number)
        named = supplier_or_none(supplier)
        rma.liability = who.value
        if named is not None:
            rma.supplier = named
        rma.save()
        route = money_route(who, customer_kind=case.customer.kind)
        data = {"liability": who.value, "route": route.value}
        if named is not None:
            data["supplier"] = named.name
        apply_transition(ctx, case, "liability_decided", note, data)
        total = rma_total(rma)
        if route is MoneyRoute.DEALER_ACCOUNT and case.customer.kind == "dealer" and total > 0:
            charge_dealer(ctx, case.customer, total, case, "liability")
            add_money(ctx, case, MoneyKind.DEALER_DEDUCTION, total, note=rma.number)
        elif route is MoneyRoute.CARRIER_CLAIM and not case.claims.exists():
            claimed = claim_lines(rma)
            if claimed:
                total = sum((Decimal(str(c["amount"])) for c in claimed), Decimal("0.00"))
            open_claim_for(ctx, case, amount=total, lines=claimed or None)
        if who in (Liability.CUSTOMER, Liability.DEALER):
            # The liable party pays the freight too: the shop's booking is reversed to them.
            _freight_follows(ctx, case, rma, FreightPayer.CUSTOMER.value, rma.number)
    return case


def name_supplier(ctx: Context, number: str, supplier: str, note: str = "") -> Case:
    """Name (or change) the supplier a supplier-liable return goes back to."""
    text = validate_text(note, "note", max_len=2000)
    require(ctx, Action.APPROVE_MANAGER)
    with write_transaction():
        case, rma = _rma_case(number)
        if rma.liability != Liability.SUPPLIER.value:
            raise DomainError("supplier_not_liable", field="supplier")
        named = find_supplier(supplier)
        before = rma.supplier.name if rma.supplier_id else ""
        if before != named.name:
            rma.supplier = named
            rma.save()
            _log(ctx, rma, "supplier_named", {"supplier": [before, named.name]}, text)
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
    """Decide what happens to the goods; scrapping needs the owner's approved report.

    After a counted quality check the split decides too: units counted as scrap need the
    scrap report and the owner's approval whatever the main disposition, and the event keeps
    the units going back to stock, to scrap and to the supplier.
    """
    d = validate_choice(disposition, "disposition", Disposition)
    report = validate_text(scrap_report, "scrap_report", max_len=4000)
    with write_transaction():
        case, rma = _rma_case(number)
        scrapping = d is Disposition.SCRAP or (rma.qc_scrap or 0) > 0
        if scrapping:
            if not report:
                raise DomainError("scrap_report_required", field="scrap_report")
            require(ctx, Action.SCRAP_APPROVE)
        check_disposition(
            d,
            scrap_report_approved=bool(report),
            inspection_result=rma.inspection_result or None,
        )
        rma.disposition = d.value
        if scrapping:
            rma.scrap_approved_by = ctx.actor.id
            rma.inspection_report = (rma.inspection_report + "\n" + report).strip()
        rma.save()
        data: dict[str, object] = {"disposition": d.value}
        if rma.qc_usable is not None:
            data["units"] = {
                "usable": rma.qc_usable,
                "scrap": rma.qc_scrap,
                "to_supplier": rma.qc_to_supplier,
            }
        apply_transition(ctx, case, "disposition_done", note, data)
    return case


def settle(
    ctx: Context, number: str, outcome: str, amount: str | Decimal | None = None, note: str = ""
) -> Case:
    """Close the money side: refunded, exchanged or credited."""
    from app.services.remedies.money import refund

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
        _void_if_value_rose(ctx, case, rma, "line_added")
        return line.id


def ship_first(
    ctx: Context,
    number: str,
    note: str = "",
    *,
    deposit: str | Decimal | None = None,
    route: str = "",
    override_reason: str = "",
) -> Case:
    """先补发: ship the replacement now; the old goods are owed back by the due date.

    An optional deposit (押金) is booked with its route and paid back when the goods arrive.
    An unapproved request is approved here at its level (outside the three guarantees: the owner
    with `override_reason`).
    """
    v = Collector()
    text = v.check("note", validate_text, note, max_len=2000) or ""
    amount = v.check("deposit", parse_money, deposit, optional=True, allow_zero=False)
    r = v.check("route", validate_choice, route, PayRoute, optional=True)
    why = v.check("override_reason", validate_text, override_reason, max_len=500) or ""
    if amount is not None and r is None:
        v.add("route", "required")
    v.raise_if_errors()
    if amount is not None:
        require(ctx, Action.MONEY)
    with write_transaction():
        case, rma = _rma_case(number)
        if rma.goods_at_counter:  # the goods are already here: nothing is owed back
            raise DomainError("goods_at_counter", field="note")
        workflows.workflow_for(case.kind).check_move(case.status, "replacement_shipped")
        if rma.approved_by_id is None:
            check_and_record_approval(ctx, case, why)
        apply_transition(ctx, case, "replacement_shipped", text)
        if amount is not None:
            book_entry(
                ctx, case, MoneyKind.DEPOSIT, amount, note=text, route=r or "", party=Party.CUSTOMER
            )
    return case


def waive_goods(ctx: Context, number: str, reason: str, *, lost: bool = False) -> Case:
    """The owner converts a ship-first obligation: the old goods are lost or waived.

    Only then may a refund be paid on a case whose goods never came back.
    """
    why = validate_text(reason, "reason", required=True, max_len=500)
    require(ctx, Action.APPROVE_OWNER)
    with write_transaction():
        case, rma = _rma_case(number)
        if case.ship_first_by_id is None:
            raise DomainError("not_shipped_first", field="number")
        if rma.received_at is not None or rma.goods_waived_at is not None:
            raise DomainError("goods_not_owed", field="number")
        rma.goods_waived_by = ctx.actor.id
        rma.goods_waived_at = ctx.now()
        rma.goods_waived_reason = why
        rma.save()
        _log(ctx, rma, "goods_waived", {"lost": lost, "due": str(rma.goods_due)}, why)
    return case


@dataclass(frozen=True)
class GoodsOwed:
    """A replacement shipped first whose old goods are not back (nor waived)."""

    number: str
    rma_number: str
    customer_name: str
    shipped_at: object
    due: object
    days_overdue: int  # 0 while not yet due
    deposit: Decimal


def goods_owed(ctx: Context, *, at: object = None) -> list[GoodsOwed]:
    """Shipped first, goods not back: every open obligation, most overdue first.

    `at` (UTC datetime, default now) gives the list as it stood then (the monthly summary).
    """
    from datetime import datetime

    now = at if isinstance(at, datetime) else ctx.now()
    today = ctx.local(now).date()
    query = (
        Case.select(Case, ReturnAuth)
        .join(ReturnAuth, on=(ReturnAuth.case == Case.id), attr="rma_row")
        .where(
            Case.ship_first_at.is_null(False)
            & (Case.ship_first_at <= now)
            & (ReturnAuth.received_at.is_null() | (ReturnAuth.received_at > now))
            & (ReturnAuth.goods_waived_at.is_null() | (ReturnAuth.goods_waived_at > now))
            & (Case.status != "cancelled")
        )
    )
    out = []
    for case in query:
        rma = case.rma_row
        held = sum(
            (m.amount for m in live_entries(case, MoneyKind.DEPOSIT) if m.at <= now),
            Decimal("0.00"),
        )
        due = rma.goods_due
        out.append(
            GoodsOwed(
                number=case.number,
                rma_number=rma.number,
                customer_name=case.customer.name,
                shipped_at=case.ship_first_at,
                due=due,
                days_overdue=max(0, (today - due).days) if due else 0,
                deposit=held,
            )
        )
    return sorted(out, key=lambda g: (-g.days_overdue, g.number))
