"""Taking a new request at the counter: customer, product, sale, case and its detail record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain import kinds, online, workflows
from app.domain.codes import (
    Category,
    Channel,
    CustomerKind,
    MoneyKind,
    Party,
    Platform,
    PlatformReason,
    Reason,
    Request,
    SaleChannel,
    ServiceClass,
    Severity,
)
from app.domain.errors import DomainError, FieldError, ValidationError
from app.domain.money import parse_money
from app.domain.numbering import Series
from app.domain.rules.entitlement import decide_entitlement
from app.domain.rules.promise import first_answer_due, onsite_contact_due, promise_due
from app.domain.validation import (
    Collector,
    is_masked_phone,
    validate_choice,
    validate_date,
    validate_person_name,
    validate_phone,
    validate_qty,
    validate_serial,
    validate_text,
)
from app.services.casework import device_secrets, intake_fields
from app.services.casework.records import order_cases
from app.services.remedies.ledger import book_entry
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.services.shop.products import intake_product, validate_barcode
from app.store.db import write_transaction
from app.store.history import next_number
from app.store.models import (
    Case,
    Customer,
    Product,
    RepairTicket,
    ReturnAuth,
    ReturnLine,
    SaleRef,
)


@dataclass
class IntakeForm:
    """What the desk typed; raw values, validated by `take_intake`."""

    kind: str = ""
    name: str = ""
    phone: str = ""
    product: str = ""
    model_spec: str = ""
    category: str = ""
    serial: str = ""
    sold: str | date | None = None
    reason: str = ""
    request: str = ""
    channel: str = "walk_in"
    service_class: str = ""
    customer_kind: str = ""
    address: str = ""
    amount: str | Decimal | None = None
    qty: str | int = 1
    description: str = ""
    severity: str = "minor"
    order_no: str = ""
    invoice_no: str = ""
    sale_channel: str = "store"
    platform_refund_no: str = ""  # the online shop's refund/after-sales number
    barcode: str = ""  # the product's barcode/SKU: picks it from the catalogue
    add_to_catalogue: bool = False  # a product typed here goes into the catalogue too
    # an online order: the platform, the buyer's ID there, the day the goods were received
    # (签收) and the refund reason the buyer chose on the platform
    platform: str = ""
    buyer_id: str = ""
    received: str | date | None = None
    platform_reason: str = ""
    man_made: bool = False
    gift: bool = False
    intact: bool = True
    unused: bool = False
    # repairs
    brand: str = ""
    device_model: str = ""
    accessories: list[str] = field(default_factory=list)
    condition: str = ""
    fault: str = ""
    on_site: bool = False
    site_address: str = ""
    assignee_id: int | None = None
    parent_number: str = ""
    # Values of fields declared in casework.intake_fields that have no attribute above (a
    # field just added): checked by their declaration, kept on CleanIntake.extra.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> IntakeForm:
        """The form from raw values keyed by field name, as the window and the command line
        collect them (None = not given: the form's default)."""
        given = {k: v for k, v in values.items() if v is not None}
        known = {k: v for k, v in given.items() if k in _ATTRIBUTES}
        extra = {k: v for k, v in given.items() if k not in _ATTRIBUTES}
        return cls(**known, extra=extra)


_ATTRIBUTES = frozenset(f.name for f in fields(IntakeForm)) - {"extra"}


@dataclass(frozen=True)
class CleanIntake:
    kind: str  # a code of app.domain.kinds
    name: str
    phone: str
    product: str
    model_spec: str
    category: Category | None
    serial: str
    sold: date | None
    reason: Reason
    request: Request
    channel: Channel
    service_class: ServiceClass | None
    customer_kind: CustomerKind | None
    address: str
    amount: Decimal | None
    qty: int
    description: str
    severity: Severity
    order_no: str
    invoice_no: str
    sale_channel: SaleChannel
    platform_refund_no: str
    platform: Platform | None
    buyer_id: str
    received: date | None
    platform_reason: PlatformReason | None
    flags: dict[str, bool]
    brand: str
    device_model: str
    accessories: tuple[str, ...]
    condition: str
    fault: str
    on_site: bool
    site_address: str
    extra: dict[str, Any] = field(default_factory=dict)
    barcode: str = ""
    add_to_catalogue: bool = False


def validate_intake(form: IntakeForm, today: date) -> CleanIntake:
    """Check every field at once; raises ValidationError listing each bad field."""
    v = Collector()
    kind = v.check("kind", kinds.validate_kind, form.kind)
    spec = kinds.find(kind)
    name = v.check("name", validate_person_name, form.name)
    buyer_id = v.check("buyer_id", validate_text, form.buyer_id, max_len=60) or ""
    # A platform's masked number names nobody by itself: only with the buyer's ID there.
    phone = v.check("phone", validate_phone, form.phone, masked=bool(buyer_id))
    product = v.check("product", validate_text, form.product, max_len=120) or ""
    model_spec = v.check("model_spec", validate_text, form.model_spec, max_len=80) or ""
    category = v.check("category", validate_choice, form.category, Category, optional=True)
    serial = ""
    if form.serial and str(form.serial).strip():
        checked = v.check("serial", validate_serial, form.serial)
        serial = checked[1] if checked else ""
    sold = v.check("sold", validate_date, form.sold, not_after=today, optional=True)
    reason = v.check("reason", validate_choice, form.reason, Reason, optional=True)
    request = v.check("request", validate_choice, form.request, Request, optional=True)
    channel = v.check("channel", validate_choice, form.channel or "walk_in", Channel)
    service_class = v.check(
        "service_class", validate_choice, form.service_class, ServiceClass, optional=True
    )
    customer_kind = v.check(
        "customer_kind", validate_choice, form.customer_kind, CustomerKind, optional=True
    )
    address = v.check("address", validate_text, form.address, max_len=200) or ""
    amount = v.check("amount", parse_money, form.amount, optional=True)
    qty = v.check("qty", validate_qty, form.qty)
    description = v.check("description", _slip_text, form.description) or ""
    severity = v.check("severity", validate_choice, form.severity or "minor", Severity)
    order_no = v.check("order_no", validate_text, form.order_no, max_len=40) or ""
    invoice_no = v.check("invoice_no", validate_text, form.invoice_no, max_len=40) or ""
    platform_refund_no = (
        v.check("platform_refund_no", validate_text, form.platform_refund_no, max_len=40) or ""
    )
    sale_channel = v.check(
        "sale_channel", validate_choice, form.sale_channel or "store", SaleChannel
    )
    barcode = v.check("barcode", validate_barcode, form.barcode) or ""
    platform = v.check("platform", validate_platform, form.platform, optional=True)
    platform_reason = v.check(
        "platform_reason", validate_platform_reason, form.platform_reason, optional=True
    )
    received = v.check("received", validate_date, form.received, not_after=today, optional=True)
    if received is not None and sold is not None and received < sold:
        v.add("received", "date_too_early", min=sold.isoformat())
    if sale_channel is SaleChannel.TMALL:  # the old choice: an online sale on Taobao/Tmall
        sale_channel = SaleChannel.ONLINE
        platform = platform or Platform.TAOBAO
    if platform is not None and sale_channel is SaleChannel.STORE:
        sale_channel = SaleChannel.ONLINE  # a platform named: the sale was online
    brand = v.check("brand", validate_text, form.brand, max_len=40) or ""
    device_model = v.check("device_model", validate_text, form.device_model, max_len=60) or ""
    accessories = tuple(
        a
        for a in (v.check("accessories", validate_text, x, max_len=40) for x in form.accessories)
        if a
    )
    condition = v.check("condition", _slip_text, form.condition) or ""
    fault = v.check("fault", _slip_text, form.fault) or ""
    site_address = v.check("site_address", validate_text, form.site_address, max_len=200) or ""
    if spec is not None and spec.ticket and form.on_site and not site_address:
        v.add("site_address", "required")
    if spec is not None and spec.needs_product and not (product or serial):
        v.add("product", "required")
    if amount is not None and qty and (amount * 100) % qty:
        v.add("amount", "amount_not_divisible", qty=qty)
    if category is not None and not product and not serial:
        v.add("product", "required")
    extra = _declared(form, v)
    v.raise_if_errors()
    if reason is None and platform_reason is not None:  # the platform's reason says it
        reason = online.REASON_MEANS[platform_reason][0]
    assert spec is not None and name is not None and phone is not None and channel is not None
    assert qty is not None and severity is not None and sale_channel is not None
    return CleanIntake(
        kind=spec.code,
        name=name,
        phone=phone,
        product=product,
        model_spec=model_spec,
        category=category,
        serial=serial,
        sold=sold,
        reason=reason or Reason(spec.default_reason or Reason.OTHER.value),
        request=request or Request(spec.default_request),
        channel=channel,
        service_class=service_class,
        customer_kind=customer_kind,
        address=address,
        amount=amount,
        qty=qty,
        description=description,
        severity=severity,
        order_no=order_no,
        invoice_no=invoice_no,
        sale_channel=sale_channel,
        platform_refund_no=platform_refund_no,
        platform=platform,
        buyer_id=buyer_id,
        received=received,
        platform_reason=platform_reason,
        flags={
            "man_made": bool(form.man_made),
            "gift": bool(form.gift),
            "intact": bool(form.intact),
            "unused": bool(form.unused),
        },
        brand=brand,
        device_model=device_model,
        accessories=accessories,
        condition=condition,
        fault=fault,
        on_site=bool(form.on_site) and spec.ticket,
        site_address=site_address,
        extra=extra,
        barcode=barcode,
        add_to_catalogue=bool(form.add_to_catalogue),
    )


def _declared(form: IntakeForm, v: Collector) -> dict[str, Any]:
    """What the declaration adds to the checks above: every field it marks required is refused
    blank (naming the field) wherever the intake comes from, and a declared field the form has
    no attribute for is checked by its own spec. Returns those fields' clean values."""
    seen = {e.field for e in v.errors}
    extra: dict[str, Any] = {}
    for f in intake_fields.fields():
        if f.name in _ATTRIBUTES:
            if f.required and f.name not in seen and f.is_blank(getattr(form, f.name)):
                v.add(f.name, "required")
            continue
        if f.name not in form.extra and not f.required:
            continue  # not collected here (the window hands the appointment over on its own)
        try:
            extra[f.name] = f.parse(form.extra.get(f.name))
        except ValidationError as exc:
            v.errors.extend(exc.errors)
    return extra


def validate_platform(value: object, field: str = "platform") -> Platform:
    """A platform by its code or its name as the shop says it ("天猫", "京东", "拼多多")."""
    found = online.platform_from_text(str(value)) if isinstance(value, str) else None
    return found or validate_choice(value, field, Platform)


def validate_platform_reason(value: object, field: str = "platform_reason") -> PlatformReason:
    """A platform's refund reason by its code or the platform's words ("拍错/多拍/不喜欢")."""
    found = online.platform_reason_from_text(str(value)) if isinstance(value, str) else None
    return found or validate_choice(value, field, PlatformReason)


def find_customer_by_phone(phone: str) -> Customer | None:
    """The customer with this phone; one merged into another gives the one kept. Never for a
    masked number, whose digits name nobody."""
    if is_masked_phone(phone):
        return None
    found = (
        Customer.select()
        .where(Customer.phone == phone)
        .order_by(Customer.merged_into.is_null(False), Customer.id)
        .first()
    )
    while found is not None and found.merged_into_id:
        found = Customer.get_or_none(Customer.id == found.merged_into_id)
    return found


def find_customer_by_buyer(platform: str, buyer_id: str) -> Customer | None:
    """The customer who bought before under this ID on this platform (the latest sale's)."""
    if not buyer_id:
        return None
    sale = (
        SaleRef.select(SaleRef.customer)
        .where((SaleRef.buyer_id == buyer_id) & (SaleRef.platform == platform))
        .order_by(SaleRef.id.desc())
        .first()
    )
    return Customer.get_by_id(sale.customer_id) if sale else None


def periods_received(ctx: Context, clean: CleanIntake) -> date | None:
    """The received date the 7/15-day periods run from, when the shop's setting counts an
    online order's periods from receipt; None: they run from the sale."""
    is_online = online.is_online(
        clean.channel.value,
        clean.sale_channel.value,
        clean.platform.value if clean.platform else None,
    )
    return online.periods_start(
        ctx.settings.warranty.online_periods_from, online=is_online, received=clean.received
    )


def warranty_history(serial: str) -> tuple[int, int]:
    """(warranty repairs finished on this serial, days the device spent in the shop for them)."""
    if not serial:
        return 0, 0
    repairs = 0
    days = 0
    q = RepairTicket.select().where(
        (RepairTicket.serial == serial)
        & (RepairTicket.in_warranty == True)  # noqa: E712 - peewee expression
        & (RepairTicket.finished_at.is_null(False))
    )
    for t in q:
        repairs += 1
        days += max(0, (t.finished_at.date() - t.received_at.date()).days)
    return repairs, days


def _entitlement(ctx: Context, clean: CleanIntake, product: Product | None, today: date) -> Any:
    if clean.sold is None or (clean.category is None and product is None):
        return None
    category = clean.category or Category(product.category)  # type: ignore[union-attr]
    repairs, days = warranty_history(clean.serial)
    return decide_entitlement(
        category,
        clean.sold,
        today,
        ctx.settings.warranty,
        man_made=clean.flags["man_made"],
        gift=clean.flags["gift"],  # a gift is this sale's, never the product's (001)
        intact=clean.flags["intact"],
        unused=clean.flags["unused"],
        warranty_months=product.warranty_months if product else None,
        repair_days=days,
        warranty_repairs=repairs,
        received=periods_received(ctx, clean),
    )


def take_intake(ctx: Context, form: IntakeForm) -> Case:
    """Validate, then write customer, product, sale, case and detail record in one transaction."""
    require(ctx, Action.CASE_CREATE)
    clean = validate_intake(from_catalogue(form), ctx.local(ctx.now()).date())
    _check_device_fields(clean)
    return record_intake(ctx, clean, parent_number=form.parent_number, assignee_id=form.assignee_id)


def record_intake(
    ctx: Context,
    clean: CleanIntake,
    *,
    parent_number: str = "",
    assignee_id: int | None = None,
    source: str = "",
) -> Case:
    """Write an intake already validated (the desk's form, or a row of a platform's export:
    `source` names where it came from, in the case's event) in one transaction."""
    require(ctx, Action.CASE_CREATE)
    now = ctx.now()
    today = ctx.local(now).date()
    with write_transaction():
        _check_refund_no(clean)
        customer = _customer(ctx, clean, now)
        product = _product(ctx, clean)
        sale = _sale(clean, customer, product)
        ent = _entitlement(ctx, clean, product, today)
        wf = workflows.workflow_for(clean.kind)
        status = wf.initial[1] if clean.on_site else wf.initial[0]
        year = ctx.local(now).year
        parent = None
        if parent_number:
            from app.services.casework.records import find_case

            parent = find_case(parent_number)
        promise = promise_due(
            now, ServiceClass(customer.service_class), ctx.settings.promise, ctx.tz.key
        )
        case = Case.create(
            number=next_number(Series.CASE, year),
            kind=clean.kind,
            status=status,
            channel=clean.channel.value,
            reason=clean.reason.value,
            request=clean.request.value,
            severity=clean.severity.value,
            description=clean.description,
            customer=customer,
            sale=sale,
            product=product,
            serial=clean.serial,
            amount=clean.amount,
            entitlement=ent.to_dict() if ent else None,
            promise_date=promise,
            first_answer_due=first_answer_due(
                now, ctx.settings.promise, promise=promise, tz=ctx.tz.key
            ),
            assignee=assignee_id,
            created_by=ctx.actor.id,
            created_at=now,
            updated_at=now,
            parent=parent,
            platform_refund_no=clean.platform_refund_no,
            platform_reason=clean.platform_reason.value if clean.platform_reason else "",
        )
        detail: dict[str, Any] = {"kind": clean.kind, "customer": customer.id}
        if source:
            detail["source"] = source
        if clean.platform is not None:  # codes only: the buyer's ID is personal data
            detail["platform"] = clean.platform.value
        if clean.platform_reason is not None:
            detail["platform_reason"] = clean.platform_reason.value
        if clean.extra.get("warranty_months"):  # the product's warranty as the desk gave it
            detail["warranty_months"] = clean.extra["warranty_months"]
        same_order = order_cases(clean.order_no, exclude=case.id)
        if same_order:
            # One order, one refund: the desk is warned and both cases point at each other.
            detail["same_order"] = [c.number for c in same_order]
            for other in same_order:
                audit.log(
                    ctx,
                    "case",
                    other,
                    "order_linked",
                    {"case": case.number, "order": clean.order_no},
                    at=now,
                )
        spec = kinds.kind(clean.kind)
        if spec.ticket:
            ticket = _repair_ticket(ctx, clean, case, ent, year)
            detail["repair"] = ticket.number
            detail["precheck"] = ticket.precheck
            if ticket.passcode_sealed:
                detail["passcode"] = True  # that one was given, never what it is
            _deposit(ctx, clean, case)
        elif spec.rma:
            rma = _rma(clean, case, product, year)
            detail["rma"] = rma.number
        if ent is not None:
            detail["entitlement"] = ent.to_dict()
        audit.log(ctx, "case", case, "created", detail, to_state=status, at=now)
    return case


def case_of_refund(platform: str, refund_no: str) -> Case | None:
    """The case already taken for this platform's refund number (its natural key), or None."""
    if not refund_no:
        return None
    query = Case.select().where(Case.platform_refund_no == refund_no)
    if platform:
        query = query.join(SaleRef, on=(Case.sale == SaleRef.id)).where(
            SaleRef.platform == platform
        )
    return query.order_by(Case.id).first()


def _check_refund_no(clean: CleanIntake) -> None:
    """One platform refund, one case: the same refund number twice is a mistake or a re-import."""
    platform = clean.platform.value if clean.platform else ""
    existing = case_of_refund(platform, clean.platform_refund_no) if platform else None
    if existing is not None:
        raise DomainError(
            "platform_refund_exists", number=clean.platform_refund_no, case=existing.number
        )


def _customer(ctx: Context, clean: CleanIntake, now: Any) -> Customer:
    platform = clean.platform.value if clean.platform else ""
    if is_masked_phone(clean.phone) or not clean.phone:
        # The buyer is known by their ID there, never by a masked number's digits.
        customer = find_customer_by_buyer(platform, clean.buyer_id)
    else:
        customer = find_customer_by_phone(clean.phone)
    if customer is None:
        customer = Customer.create(
            name=clean.name,
            phone=clean.phone or None,
            address=clean.address,
            kind=(clean.customer_kind or CustomerKind.CONSUMER).value,
            service_class=(clean.service_class or ServiceClass.B).value,
            created_at=now,
            updated_at=now,
        )
        # The event log is kept forever and erasure cannot reach it: never personal values in it.
        audit.log(ctx, "customer", customer, "created", {"fields": _filled(customer)}, at=now)
        return customer
    changes = {}
    if clean.service_class and clean.service_class.value != customer.service_class:
        changes["service_class"] = clean.service_class.value
    if clean.customer_kind and clean.customer_kind.value != customer.kind:
        changes["kind"] = clean.customer_kind.value
    if clean.address and clean.address != customer.address:
        changes["address"] = clean.address
    if changes:
        for k, val in changes.items():
            setattr(customer, k, val)
        customer.updated_at = now
        customer.save()
        audit.log(ctx, "customer", customer, "updated", {"fields": list(changes)}, at=now)
    return customer


def _filled(customer: Customer) -> list[str]:
    """Which personal fields a new customer record holds (names of fields, never values)."""
    return [f for f in ("name", "phone", "address") if getattr(customer, f)]


def _product(ctx: Context, clean: CleanIntake) -> Product | None:
    """The catalogue's product (by barcode, or by name and model), or a new row for a product
    typed here (in the catalogue only when the desk asked for it)."""
    return intake_product(
        ctx,
        clean.product,
        clean.model_spec,
        category=clean.category.value if clean.category else None,
        barcode=clean.barcode,
        price=_unit_price(clean),
        warranty_months=clean.extra.get("warranty_months"),  # the maker's, when longer
        add=clean.add_to_catalogue,
    )


def from_catalogue(form: IntakeForm) -> IntakeForm:
    """The form with the product line the catalogue knows for its barcode, where the desk left
    it blank (a scanned barcode is enough to name the product)."""
    code = str(form.barcode or "").strip()
    if not code or str(form.product or "").strip():
        return form
    try:
        known = (
            Product.select()
            .where(Product.barcode == validate_barcode(code))
            .order_by(Product.merged_into.is_null(False), Product.id)
            .first()
        )
    except ValidationError:
        return form  # validation names the field
    while known is not None and known.merged_into_id:
        known = Product.get_or_none(Product.id == known.merged_into_id)
    if known is None:
        return form
    return replace(
        form,
        product=known.name,
        model_spec=form.model_spec or known.model_spec,
        category=form.category or known.category,
    )


def _unit_price(clean: CleanIntake) -> Decimal | None:
    """The amount is what was paid for all items; validation made it divide evenly."""
    return None if clean.amount is None else clean.amount / clean.qty


def _sale(clean: CleanIntake, customer: Customer, product: Product | None) -> SaleRef | None:
    online_facts = clean.platform or clean.buyer_id or clean.received
    if not (
        clean.sold or clean.order_no or clean.invoice_no or clean.flags["gift"] or online_facts
    ):
        return None
    return SaleRef.create(
        customer=customer,
        product=product,
        order_no=clean.order_no,
        invoice_no=clean.invoice_no,
        sale_date=clean.sold,
        channel=clean.sale_channel.value,
        serial=clean.serial,
        quantity=clean.qty,
        unit_price=_unit_price(clean),
        is_gift=clean.flags["gift"],
        platform=clean.platform.value if clean.platform else "",
        buyer_id=clean.buyer_id,
        received_date=clean.received,
    )


def _repair_ticket(
    ctx: Context, clean: CleanIntake, case: Case, ent: Any, year: int
) -> RepairTicket:
    now = ctx.now()
    x = clean.extra
    return RepairTicket.create(
        number=next_number(Series.REPAIR, year),
        case=case,
        brand=clean.brand,
        model=clean.device_model or clean.model_spec or clean.product,
        serial=clean.serial,
        accessories=list(clean.accessories),
        condition=clean.condition,
        fault=clean.fault or clean.description,
        on_site=clean.on_site,
        installation=bool(x.get("installation")),
        site_address=clean.site_address,
        contact_due_at=onsite_contact_due(now, ctx.settings.promise) if clean.on_site else None,
        in_warranty=bool(ent and ent.free_repair),
        received_at=now,
        precheck={"powers_on": not x.get("no_power"), "faults": list(x.get("faults_found") or [])},
        passcode_sealed=device_secrets.seal(ctx.data_dir, str(x.get("passcode") or "")),
        estimate=x.get("estimate"),
    )


def _check_device_fields(clean: CleanIntake) -> None:
    """The device's fields belong to a repair; a deposit says how it was paid."""
    x = clean.extra
    given = [n for n in ("passcode", "estimate", "deposit") if x.get(n)]
    if x.get("faults_found") or x.get("no_power"):
        given.append("faults_found")
    if given and not kinds.kind(clean.kind).ticket:
        raise ValidationError([FieldError(n, "repair_only") for n in given])
    if x.get("installation") and not clean.on_site:
        raise ValidationError.single("installation", "on_site_only")
    if x.get("deposit") and not x.get("deposit_route"):
        raise ValidationError.single("deposit_route", "required")


def _deposit(ctx: Context, clean: CleanIntake, case: Case) -> None:
    """A deposit taken with the device: booked as the customer's money, with how it was paid."""
    amount = clean.extra.get("deposit")
    if not amount:
        return
    require(ctx, Action.MONEY)
    route = clean.extra.get("deposit_route") or ""
    book_entry(
        ctx,
        case,
        MoneyKind.DEPOSIT,
        amount,
        route=route,
        party=Party.CUSTOMER,
    )


def _rma(clean: CleanIntake, case: Case, product: Product | None, year: int) -> ReturnAuth:
    rma = ReturnAuth.create(
        number=next_number(Series.RMA, year),
        case=case,
        goods_at_counter=bool(clean.extra.get("goods_at_counter")),
    )
    unit_price = clean.amount if clean.amount is not None else (product.price if product else 0)
    ReturnLine.create(
        rma=rma,
        product=product,
        description=clean.product or clean.serial,
        spec=clean.model_spec,
        unit=product.unit if product else "件",
        qty_expected=clean.qty,
        unit_price=Decimal(unit_price) / clean.qty,
        reason=clean.reason.value,
    )
    return rma


__all__ = [
    "CleanIntake",
    "IntakeForm",
    "record_intake",
    "find_customer_by_buyer",
    "find_customer_by_phone",
    "take_intake",
    "validate_intake",
    "validate_platform",
    "validate_platform_reason",
]


# Free text printed on the intake receipt and the repair ticket: 3,000-4,000 characters (or a
# few hundred short lines) made those slips unprintable. This much always fits the page.
SLIP_TEXT_MAX = 1000
SLIP_TEXT_MAX_LINES = 20


def _slip_text(value: object, field: str) -> str:
    """validate_text with the limits a printed slip can hold, named to the desk by field."""
    text = validate_text(value, field, max_len=SLIP_TEXT_MAX)
    lines = text.count("\n") + 1 if text else 0
    if lines > SLIP_TEXT_MAX_LINES:
        raise ValidationError.single(field, "too_many_lines", max=SLIP_TEXT_MAX_LINES, lines=lines)
    return text
