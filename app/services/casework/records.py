"""Finding records by any of their numbers and turning them into views."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from app.domain import online, workflows
from app.domain.codes import MoneyKind
from app.domain.errors import DomainError, ValidationError
from app.domain.numbering import Series, parse_number
from app.domain.validation import to_halfwidth, validate_phone
from app.services.casework.views import (
    CaseDetail,
    ClaimView,
    CustomerView,
    EventView,
    LabourView,
    MoneyView,
    PartLineView,
    ProductView,
    RepairView,
    ReturnLineView,
    RmaView,
    SaleView,
    VisitView,
)
from app.services.shop.context import Context, utc_now
from app.services.shop.errors import NotFound
from app.store.models import (
    CarrierClaim,
    Case,
    Customer,
    Event,
    MoneyEntry,
    Product,
    RepairTicket,
    ReturnAuth,
    SaleRef,
    User,
)
from app.store.references import resolve

_ID = re.compile(r"#?([0-9]{1,9})")  # a customer's #id as typed

ZERO = Decimal("0.00")


def _ordered(query):  # noqa: ANN001, ANN202 - any backref select, oldest first
    return query.order_by(query.model.id)


def find_case(number: str) -> Case:
    """The case behind a case, repair, RMA or claim number (as scanned from a label)."""
    parsed = parse_number(number)
    key = number.strip().upper()
    case: Case | None = None
    if parsed is None or parsed[0] is Series.CASE:
        case = Case.get_or_none(Case.number == key)
    elif parsed[0] is Series.REPAIR:
        t = RepairTicket.get_or_none(RepairTicket.number == key)
        case = t.case if t else None
    elif parsed[0] is Series.RMA:
        r = ReturnAuth.get_or_none(ReturnAuth.number == key)
        case = r.case if r else None
    elif parsed[0] is Series.CLAIM:
        c = CarrierClaim.get_or_none(CarrierClaim.number == key)
        case = c.case if c else None
    if case is None:
        raise NotFound("case", number)
    return case


def find_claim(number: str) -> CarrierClaim:
    claim = CarrierClaim.get_or_none(CarrierClaim.number == number.strip().upper())
    if claim is None:
        raise NotFound("claim", number)
    return claim


def repair_of(case: Case) -> RepairTicket | None:
    return RepairTicket.get_or_none(RepairTicket.case == case)


def rma_of(case: Case) -> ReturnAuth | None:
    return ReturnAuth.get_or_none(ReturnAuth.case == case)


def _user_name(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    u = User.get_or_none(User.id == user_id)
    return u.display_name if u else None


def customer_view(c: Customer) -> CustomerView:
    return CustomerView(
        id=c.id,
        name=c.name,
        phone=c.phone,
        phone2=c.phone2,
        address=c.address,
        kind=c.kind,
        service_class=c.service_class,
        dealer_balance=c.dealer_balance,
        notes=c.notes,
    )


def product_view(p: Product) -> ProductView:
    return ProductView(
        id=p.id,
        name=p.name,
        model_spec=p.model_spec,
        unit=p.unit,
        price=p.price,
        category=p.category,
        warranty_months=p.warranty_months,
    )


def repair_view(t: RepairTicket) -> RepairView:
    parts = [
        PartLineView(
            id=p.id,
            part_no=p.spare_part.part_no if p.spare_part_id else None,
            description=p.description,
            qty=p.qty,
            unit_price=p.unit_price,
            charged=p.charged,
        )
        for p in _ordered(t.parts)
    ]
    labour = [
        LabourView(
            id=lb.id,
            description=lb.description,
            minutes=lb.minutes,
            amount=lb.amount,
            charged=lb.charged,
            technician=_user_name(lb.technician_id),
        )
        for lb in _ordered(t.labour)
    ]
    visits = [
        VisitView(
            id=v.id,
            visited_at=v.visited_at,
            technician=_user_name(v.technician_id),
            reason=v.reason,
            outcome=v.outcome,
        )
        for v in _ordered(t.visits)
    ]
    charge = sum((p.unit_price * p.qty for p in parts if p.charged), ZERO) + sum(
        (lb.amount for lb in labour if lb.charged), ZERO
    )
    return RepairView(
        number=t.number,
        brand=t.brand,
        model=t.model,
        serial=t.serial,
        accessories=list(t.accessories or []),
        condition=t.condition,
        fault=t.fault,
        diagnosis=t.diagnosis,
        on_site=t.on_site,
        site_address=t.site_address,
        appointment_at=t.appointment_at,
        contact_due_at=t.contact_due_at,
        in_warranty=t.in_warranty,
        estimate=t.estimate,
        estimate_approved=t.estimate_approved,
        result=t.result,
        technician=_user_name(t.technician_id),
        received_at=t.received_at,
        finished_at=t.finished_at,
        signed=t.signed_at is not None,
        signed_at=t.signed_at,
        scrap_report=t.scrap_report,
        scrap_approved_by=_user_name(t.scrap_approved_by_id),
        factory_tag=t.factory_tag,
        customer_comment=t.customer_comment,
        precheck=t.precheck,
        dropoff_signed=t.dropoff_signature is not None,
        installation=t.installation,
        has_passcode=bool(t.passcode_sealed),
        parts=parts,
        labour=labour,
        visits=visits,
        charge_total=charge,
    )


def rma_view(r: ReturnAuth) -> RmaView:
    lines = []
    total = ZERO
    for ln in _ordered(r.lines):
        amount = ln.unit_price * ln.qty_expected
        total += amount
        lines.append(
            ReturnLineView(
                id=ln.id,
                description=ln.description,
                spec=ln.spec,
                unit=ln.unit,
                qty_expected=ln.qty_expected,
                qty_received=ln.qty_received,
                discrepancy=None if ln.qty_received is None else ln.qty_received - ln.qty_expected,
                unit_price=ln.unit_price,
                amount=amount,
                batch=ln.batch,
                reason=ln.reason,
            )
        )
    return RmaView(
        number=r.number,
        approval_level=r.approval_level,
        approved_by=_user_name(r.approved_by_id),
        approved_at=r.approved_at,
        rejection_reason=r.rejection_reason,
        freight_carrier=r.freight_carrier,
        tracking_no=r.tracking_no,
        freight_payer=r.freight_payer,
        freight_amount=r.freight_amount,
        expected_by=r.expected_by,
        received_at=r.received_at,
        package_damaged=r.package_damaged,
        inspection_result=r.inspection_result,
        inspection_report=r.inspection_report,
        sample_pct=r.sample_pct,
        qc_sampled=r.qc_sampled,
        qc_failed=r.qc_failed,
        qc_usable=r.qc_usable,
        qc_scrap=r.qc_scrap,
        qc_to_supplier=r.qc_to_supplier,
        qc_by=_user_name(r.qc_by_id),
        goods_at_counter=r.goods_at_counter,
        liability=r.liability,
        disposition=r.disposition,
        capa_corrective=r.capa_corrective,
        capa_preventive=r.capa_preventive,
        report_sent_at=r.report_sent_at,
        customer_reply=r.customer_reply,
        customer_reply_at=r.customer_reply_at,
        lines=lines,
        total=total,
        approved_amount=r.approved_amount,
        override_by=_user_name(r.override_by_id),
        override_reason=r.override_reason,
        freight_agreed=r.freight_agreed,
        goods_due=r.goods_due,
        goods_waived_by=_user_name(r.goods_waived_by_id),
        goods_waived_reason=r.goods_waived_reason,
        supplier=r.supplier.name if r.supplier_id else "",
    )


def claim_view(c: CarrierClaim, now: datetime | None = None) -> ClaimView:
    overdue = bool(
        c.deadline_at is not None and c.status == "draft" and (now or utc_now()) > c.deadline_at
    )
    return ClaimView(
        number=c.number,
        status=c.status,
        case_number=c.case.number if c.case_id else None,
        order_no=c.order_no,
        item_code=c.item_code,
        size=c.size,
        carrier=c.carrier,
        tracking_no=c.tracking_no,
        item_value=c.item_value,
        amount_claimed=c.amount_claimed,
        amount_recovered=c.amount_recovered,
        created_at=c.created_at,
        allowed=workflows.CARRIER_CLAIM.allowed(c.status),
        deadline_at=c.deadline_at,
        overdue=overdue,
        lines=list(c.lines or []),
    )


def refunded_total(case: Case) -> Decimal:
    """Refunds paid on a case, net of reversals."""
    total = ZERO
    for m in MoneyEntry.select().where(
        (MoneyEntry.case == case) & (MoneyEntry.kind == MoneyKind.REFUND.value)
    ):
        total += -m.amount if m.reverses_id else m.amount
    return total


def rma_total(rma: ReturnAuth) -> Decimal:
    """What the return authorisation's lines are worth: qty expected x unit price."""
    return sum((ln.unit_price * ln.qty_expected for ln in rma.lines), ZERO)


def case_value(case: Case) -> Decimal | None:
    """The value a case's approval and refund cap are judged on.

    A return or exchange: its lines x unit price, or the refund asked at intake, whichever is
    larger (lines added after intake count). Other cases: the amount taken at intake (None when
    no amount is known, so nothing caps it).
    """
    rma = rma_of(case)
    if rma is None:
        return case.amount
    lines = rma_total(rma)
    return max(lines, case.amount) if case.amount is not None else lines


def _platform(sale: SaleRef) -> str:
    """The sale's platform code ("" when it was not online; an old "tmall" sale: Taobao)."""
    found = online.sale_platform(sale.channel, sale.platform)
    return found.value if found else ""


def order_cases(order_no: str, *, exclude: int | None = None) -> list[Case]:
    """Every case taken on a sale with this order number (oldest first)."""
    key = (order_no or "").strip()
    if not key:
        return []
    query = (
        Case.select()
        .join(SaleRef, on=(Case.sale == SaleRef.id))
        .where(SaleRef.order_no == key)
        .order_by(Case.created_at, Case.id)
    )
    return [c for c in query if c.id != exclude]


def order_paid_total(order_no: str) -> Decimal | None:
    """What the customer paid on one order, as far as its cases tell.

    Cases of the same item (product and serial) on the order describe the same payment and count
    once (the largest value); different items add up. None when no case of the order has a value.
    """
    items: dict[tuple[object, str], Decimal] = {}
    for c in order_cases(order_no):
        value = case_value(c)
        if value is None and c.sale_id and c.sale.unit_price is not None:
            value = c.sale.unit_price * c.sale.quantity
        if value is None:
            continue
        key = (c.product_id or c.description, c.serial)
        items[key] = max(items.get(key, ZERO), value)
    return sum(items.values(), ZERO) if items else None


def order_refunded_total(order_no: str) -> Decimal:
    """Refunds paid across every case of an order, net of reversals."""
    return sum((refunded_total(c) for c in order_cases(order_no)), ZERO)


def events_of(case: Case) -> list[EventView]:
    """The case's own events and those of its repair ticket, RMA and claims, in order."""
    numbers = [case.number]
    t = repair_of(case)
    r = rma_of(case)
    if t:
        numbers.append(t.number)
    if r:
        numbers.append(r.number)
    numbers += [c.number for c in case.claims]
    users = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
    return [
        EventView(
            at=e.at,
            actor=users.get(e.actor_id, "?"),
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            note=resolve(e.note),
            data=e.data,
        )
        for e in Event.select().where(Event.number.in_(numbers)).order_by(Event.id)
    ]


def is_overdue(case: Case, ctx: Context, now: datetime | None = None) -> bool:
    """Open past its promise date, or still unanswered past the first-answer deadline."""
    from app.domain.rules.promise import is_overdue as rule_overdue

    wf = workflows.workflow_for(case.kind)
    if wf.is_final(case.status):
        return False
    now = now or ctx.now()
    tz = ctx.settings.shop.timezone
    if case.promise_date and rule_overdue(case.promise_date, now, tz, closed=False):
        return True
    return bool(
        case.first_answered_at is None
        and case.first_answer_due
        and rule_overdue(case.first_answer_due, now, tz, closed=False)
    )


def case_detail(case: Case, ctx: Context) -> CaseDetail:
    wf = workflows.workflow_for(case.kind)
    t = repair_of(case)
    r = rma_of(case)
    return CaseDetail(
        number=case.number,
        kind=case.kind,
        status=case.status,
        allowed=wf.allowed(case.status),
        final=wf.is_final(case.status),
        overdue=is_overdue(case, ctx),
        channel=case.channel,
        reason=case.reason,
        request=case.request,
        severity=case.severity,
        description=case.description,
        customer=customer_view(case.customer),
        product=product_view(case.product) if case.product_id else None,
        serial=case.serial,
        sale=(
            SaleView(
                order_no=case.sale.order_no,
                invoice_no=case.sale.invoice_no,
                sale_date=case.sale.sale_date,
                channel=case.sale.channel,
                serial=case.sale.serial,
                quantity=case.sale.quantity,
                unit_price=case.sale.unit_price,
                is_gift=case.sale.is_gift,
                platform=_platform(case.sale),
                buyer_id=case.sale.buyer_id,
                received_date=case.sale.received_date,
            )
            if case.sale_id
            else None
        ),
        amount=case.amount,
        entitlement=case.entitlement,
        promise_date=case.promise_date,
        first_answer_due=case.first_answer_due,
        first_answered_at=case.first_answered_at,
        assignee=_user_name(case.assignee_id),
        created_by=_user_name(case.created_by_id) or "?",
        created_at=case.created_at,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
        parent=case.parent.number if case.parent_id else None,
        children=[c.number for c in _ordered(case.children)],
        shipping_status=case.shipping_status,
        ship_first_by=_user_name(case.ship_first_by_id),
        satisfaction=case.satisfaction,
        follow_up=case.follow_up,
        follow_up_due=case.follow_up_due,
        follow_up_at=case.follow_up_at,
        follow_up_by=_user_name(case.follow_up_by_id) or "",
        complaint_class=case.complaint_class,
        complaint_cause=case.complaint_cause,
        responsible=case.responsible,
        resolution=case.resolution,
        photos=[p.path for p in _ordered(case.photos)],
        repair=repair_view(t) if t else None,
        rma=rma_view(r) if r else None,
        claims=[claim_view(c, ctx.now()) for c in _ordered(case.claims)],
        money=[
            MoneyView(
                id=m.id,
                kind=m.kind,
                amount=m.amount,
                at=m.at,
                by=_user_name(m.by_id) or "?",
                note=m.note,
                reverses=m.reverses_id,
                route=m.route,
                party=m.party,
            )
            for m in _ordered(case.money)
        ],
        refunded_total=refunded_total(case),
        events=events_of(case),
        platform_refund_no=case.platform_refund_no,
        platform_reason=case.platform_reason,
        same_order=[
            c.number
            for c in order_cases(case.sale.order_no if case.sale_id else "", exclude=case.id)
        ],
    )


def find_customer(key: str) -> Customer:
    """A customer by phone (any of theirs), by record number (SH-/WX-/RMA-/SP-), or by #id."""
    text = to_halfwidth(key or "").strip()
    if not text:
        raise ValidationError.single("customer", "required")
    m = _ID.fullmatch(text)
    if m and len(m.group(1)) < 7:  # short numbers are ids; phones have 7+ digits
        found = Customer.get_or_none(Customer.id == int(m.group(1)))
        if found is None:
            raise NotFound("customer", key)
        return found
    if parse_number(text) is not None:
        return find_case(text).customer
    try:
        phone = validate_phone(text, "customer")
    except ValidationError:
        raise NotFound("customer", key) from None
    matches = list(
        Customer.select()
        .where((Customer.phone == phone) | (Customer.phone2 == phone))
        .order_by(Customer.id)
    )
    # A duplicate merged into another customer is that customer now.
    kept = {c.id: c for c in matches if not c.merged_into_id}
    for c in matches:
        if c.merged_into_id and c.merged_into_id not in kept:
            target = Customer.get_or_none(Customer.id == c.merged_into_id)
            while target is not None and target.merged_into_id:
                target = Customer.get_or_none(Customer.id == target.merged_into_id)
            if target is not None:
                kept[target.id] = target
    matches = sorted(kept.values(), key=lambda c: c.id)
    if not matches:
        raise NotFound("customer", key)
    if len(matches) > 1:
        raise DomainError("customer_ambiguous", ids=", ".join(f"#{c.id}" for c in matches))
    return matches[0]
