"""What the intake screen needs while the desk is still typing: the customer behind a phone
number, a live preview of the rights and promise date, known products, and photos.

Nothing here writes except `attach_photos` and `save_intake`, and both validate everything
first, so a bad photo or a bad field leaves the database (and the photos folder) untouched.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from app import paths
from app.domain import kinds, online
from app.domain.codes import Category, Reason, ServiceClass
from app.domain.errors import FieldError, ValidationError
from app.domain.rules.eligibility import Eligibility, return_eligibility
from app.domain.rules.entitlement import Entitlement, decide_entitlement
from app.domain.rules.promise import first_answer_due, promise_due
from app.domain.validation import (
    validate_choice,
    validate_date,
    validate_phone,
    validate_serial,
)
from app.services.casework.intake import (
    IntakeForm,
    find_customer_by_phone,
    from_catalogue,
    take_intake,
    validate_intake,
    validate_platform,
    warranty_history,
)
from app.services.casework.records import find_case
from app.services.remedies.repair_help import parse_appointment
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import Case, CasePhoto, Customer, Product, RepairTicket, SaleRef

#: Largest photo accepted (bytes): a phone camera's JPEG is 2–8 MB.
MAX_PHOTO_BYTES = 20 * 1024 * 1024
#: Pillow format name -> file extension kept in the photos folder.
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
#: How many past cases of a customer the intake screen lists.
PAST_CASES = 8


@dataclass(frozen=True)
class PastCase:
    number: str
    kind: str
    status: str
    product: str
    serial: str
    created: date


@dataclass(frozen=True)
class CustomerSummary:
    """A known customer, as the desk sees them the moment the phone number is typed."""

    id: int
    name: str
    phone: str
    kind: str
    service_class: str
    address: str
    cases: list[PastCase]
    total_cases: int
    warranty_repairs: int
    purchases: list[KnownSale] = field(default_factory=list)  # their sales the shop recorded


@dataclass(frozen=True)
class ProductChoice:
    name: str
    model_spec: str
    category: str
    price: Decimal | None = None  # the catalogue's (None: a product typed at the desk)
    warranty_months: int | None = None
    barcode: str = ""


@dataclass(frozen=True)
class IntakePreview:
    """The decision the desk reads out before saving; computed from a partly filled form.

    ``entitlement`` is None until a category (or a known product) and a valid sale date are
    there; ``missing`` names the fields still needed for it.
    """

    entitlement: Entitlement | None
    eligibility: Eligibility | None
    promise_date: date
    first_answer_due: datetime
    service_class: str
    warranty_repairs: int
    repeat_limit: int
    missing: tuple[str, ...]
    known_product: ProductChoice | None
    same_order: tuple[str, ...] = ()  # open or refunded cases already taken on this order


def same_order_warning(order_no: str) -> tuple[str, ...]:
    """Cases already taken on this order number that are open or were refunded (the desk is
    warned at intake: one order, one refund)."""
    from app.domain import workflows
    from app.services.casework.records import order_cases, refunded_total

    out = []
    for c in order_cases(order_no or ""):
        open_ = not workflows.workflow_for(c.kind).is_final(c.status)
        if open_ or refunded_total(c) > 0:
            out.append(c.number)
    return tuple(out)


def customer_lookup(ctx: Context, phone: str) -> CustomerSummary | None:
    """The customer with this phone number and their latest cases, or None (also for a number
    that is not a whole phone number yet)."""
    try:
        clean = validate_phone(phone)
    except ValidationError:
        return None
    customer = find_customer_by_phone(clean)
    if customer is None:
        return None
    return _summary(ctx, customer)


def _summary(ctx: Context, customer: Customer) -> CustomerSummary:
    query = Case.select().where(Case.customer == customer.id)
    rows = []
    for c in query.order_by(Case.created_at.desc(), Case.id.desc()).limit(PAST_CASES):
        rows.append(
            PastCase(
                number=c.number,
                kind=c.kind,
                status=c.status,
                product=c.product.name if c.product_id else "",
                serial=c.serial,
                created=ctx.local(c.created_at).date(),
            )
        )
    repairs = (
        RepairTicket.select()
        .join(Case)
        .where(
            (Case.customer == customer.id) & (RepairTicket.in_warranty == True)  # noqa: E712
        )
        .count()
    )
    return CustomerSummary(
        purchases=_purchases(customer),
        id=customer.id,
        name=customer.name,
        phone=customer.phone or "",
        kind=customer.kind,
        service_class=customer.service_class,
        address=customer.address,
        cases=rows,
        total_cases=query.count(),
        warranty_repairs=repairs,
    )


@dataclass(frozen=True)
class KnownSale:
    """A sale the shop recorded, found by the IMEI/serial the desk typed or scanned."""

    serial: str
    product: str
    model_spec: str
    category: str
    sale_date: date | None
    order_no: str
    invoice_no: str
    customer_name: str
    customer_phone: str


#: How many of a customer's past purchases the intake offers to pick from.
PAST_PURCHASES = 8


def _known(sale: SaleRef) -> KnownSale:
    product = sale.product if sale.product_id else None
    customer = sale.customer
    return KnownSale(
        serial=sale.serial,
        product=product.name if product else "",
        model_spec=product.model_spec if product else "",
        category=product.category if product else "",
        sale_date=sale.sale_date,
        order_no=sale.order_no,
        invoice_no=sale.invoice_no,
        customer_name=customer.name if customer else "",
        customer_phone=customer.phone or "" if customer else "",
    )


def _purchases(customer: Customer) -> list[KnownSale]:
    """The customer's recorded sales with a product, newest first, one per item (a sale that
    came back several times is offered once)."""
    seen: set[tuple[str, str, str]] = set()
    out: list[KnownSale] = []
    query = (
        SaleRef.select()
        .where((SaleRef.customer == customer.id) & SaleRef.product.is_null(False))
        .order_by(SaleRef.sale_date.desc(), SaleRef.id.desc())
        .limit(PAST_PURCHASES * 4)
    )
    for sale in query:
        known = _known(sale)
        key = (known.product, known.serial, known.order_no)
        if key in seen:
            continue
        seen.add(key)
        out.append(known)
        if len(out) == PAST_PURCHASES:
            break
    return out


def sale_lookup(ctx: Context, serial: str) -> KnownSale | None:
    """The shop's own record of the sale behind a serial, so the desk need not type it again
    (issue #18 item 5). Short fragments never match: a serial is 8 characters or more."""
    from app.services.casework.sales import find_sale

    text = str(serial or "").strip()
    if len(text.replace(" ", "")) < 8:
        return None
    sale = find_sale(text)
    if sale is None or not sale.serial:
        return None
    return _known(sale)


def product_choices(ctx: Context, text: str = "", *, limit: int = 15) -> list[ProductChoice]:
    """Known products whose name or model contains the text (or whose barcode starts with it),
    for the autocomplete list: the catalogue's first, then those typed at the desk before."""
    text = (text or "").strip()[:60]
    query = (
        Product.select()
        .where(Product.merged_into.is_null())
        .order_by(Product.active.desc(), Product.name, Product.model_spec)
        .limit(limit)
    )
    if text:
        query = query.where(
            Product.name.contains(text)
            | Product.model_spec.contains(text)
            | Product.barcode.startswith(text)
        )
    return [_choice(p) for p in query]


def _choice(p: Product) -> ProductChoice:
    return ProductChoice(
        p.name,
        p.model_spec,
        p.category,
        price=Decimal(p.price) if p.active else None,
        warranty_months=p.warranty_months,
        barcode=p.barcode,
    )


def barcode_lookup(ctx: Context, code: str) -> ProductChoice | None:
    """The catalogue's product for a scanned or typed barcode (None: not known)."""
    from app.services.shop.products import product_by_barcode

    found = product_by_barcode(ctx, code)
    if found is None:
        return None
    return ProductChoice(
        found.name,
        found.model_spec,
        found.category,
        price=found.price,
        warranty_months=found.warranty_months,
        barcode=found.barcode,
    )


def _known_product(name: str, model_spec: str) -> Product | None:
    name = (name or "").strip()
    if not name:
        return None
    exact = Product.get_or_none(
        (Product.name == name) & (Product.model_spec == (model_spec or "").strip())
    )
    found = exact or (
        Product.select()
        .where(Product.name == name)
        .order_by(Product.merged_into.is_null(False), Product.id)
        .first()
    )
    while found is not None and found.merged_into_id:
        found = Product.get_or_none(Product.id == found.merged_into_id)
    return found


def _quiet(fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - a validator or None
    try:
        return fn(*args, **kwargs)
    except ValidationError:
        return None


def _preview_received(
    ctx: Context, form: IntakeForm, sold: date | None, today: date
) -> date | None:
    """The received date the short periods would run from, as `take_intake` decides it."""
    if not form.received or sold is None:
        return None
    received = _quiet(validate_date, form.received, "received", not_after=today)
    if received is None or received < sold:
        return None
    platform = _quiet(validate_platform, form.platform) if form.platform else None
    is_online = online.is_online(
        form.channel, form.sale_channel, platform.value if platform else None
    )
    return online.periods_start(
        ctx.settings.warranty.online_periods_from, online=is_online, received=received
    )


def preview(ctx: Context, form: IntakeForm) -> IntakePreview:
    """Rights, eligibility and promise date for what has been typed so far; never writes and
    never refuses: a field that is not valid yet is simply left out."""
    now = ctx.now()
    today = ctx.local(now).date()
    form = from_catalogue(form)
    product = _known_product(form.product, form.model_spec)
    category = (
        _quiet(validate_choice, form.category, "category", Category) if form.category else None
    )
    if category is None and product is not None:
        category = Category(product.category)
    sold = _quiet(validate_date, form.sold, "sold", not_after=today) if form.sold else None
    serial = ""
    if form.serial and str(form.serial).strip():
        checked = _quiet(validate_serial, form.serial)
        serial = checked[1] if checked else ""
    repairs, days = warranty_history(serial)
    service_class = _quiet(validate_choice, form.service_class, "service_class", ServiceClass)
    if service_class is None:
        customer = _quiet(validate_phone, form.phone)
        known = find_customer_by_phone(customer) if customer else None
        service_class = ServiceClass(known.service_class) if known else ServiceClass.B
    missing = tuple(
        name for name, value in (("category", category), ("sold", sold)) if value is None
    )
    ent = None
    if not missing:
        ent = decide_entitlement(
            category,  # type: ignore[arg-type]
            sold,  # type: ignore[arg-type]
            today,
            ctx.settings.warranty,
            man_made=bool(form.man_made),
            gift=bool(form.gift),  # a gift is the sale's, never the product's
            intact=bool(form.intact),
            unused=bool(form.unused),
            warranty_months=product.warranty_months if product else None,
            repair_days=days,
            warranty_repairs=repairs,
            received=_preview_received(ctx, form, sold, today),
        )
    # "May the goods come back?" is worth showing for the kinds where goods or money go back.
    spec = kinds.find(form.kind)
    eligibility = None
    if ent is not None and spec is not None and spec.return_like:
        reason = _quiet(validate_choice, form.reason, "reason", Reason) if form.reason else None
        default = Reason(spec.default_reason or Reason.QUALITY.value)
        eligibility = return_eligibility(ent, reason or default)
    promise = promise_due(now, service_class, ctx.settings.promise, ctx.tz.key)
    return IntakePreview(
        entitlement=ent,
        eligibility=eligibility,
        promise_date=promise,
        first_answer_due=first_answer_due(
            now, ctx.settings.promise, promise=promise, tz=ctx.tz.key
        ),
        service_class=service_class.value,
        warranty_repairs=repairs,
        repeat_limit=ctx.settings.warranty.repeat_failure_repairs,
        missing=missing,
        same_order=same_order_warning(form.order_no),
        known_product=(
            ProductChoice(product.name, product.model_spec, product.category) if product else None
        ),
    )


# --- photos ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Photo:
    source: Path
    suffix: str


def check_photos(ctx: Context, paths_: Sequence[str | Path]) -> list[FieldError]:
    """Every problem with the chosen files (missing, too large, not a JPEG/PNG/WebP image)."""
    errors, _ok = _check_photos(paths_)
    return errors


def _check_photos(paths_: Sequence[str | Path]) -> tuple[list[FieldError], list[_Photo]]:
    from PIL import Image, UnidentifiedImageError

    errors: list[FieldError] = []
    good: list[_Photo] = []
    for i, raw in enumerate(paths_):
        field = f"photos[{i}]"
        path = Path(raw)
        name = path.name
        if not path.is_file():
            errors.append(FieldError(field, "photo_missing", {"file": name}))
            continue
        size = path.stat().st_size
        if size > MAX_PHOTO_BYTES:
            errors.append(
                FieldError(
                    field,
                    "photo_too_large",
                    {"file": name, "max_mb": MAX_PHOTO_BYTES // (1024 * 1024)},
                )
            )
            continue
        try:
            with Image.open(path) as img:
                fmt = img.format or ""
                img.verify()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,  # a small file that claims billions of pixels
            OSError,
            SyntaxError,
            ValueError,
        ):
            errors.append(FieldError(field, "photo_unreadable", {"file": name}))
            continue
        if fmt not in PHOTO_FORMATS:
            errors.append(FieldError(field, "photo_format", {"file": name, "format": fmt}))
            continue
        good.append(_Photo(path, PHOTO_FORMATS[fmt]))
    return errors, good


def _store_photos(ctx: Context, case: Case, photos: Sequence[_Photo]) -> list[Path]:
    """Copy into photos/<number>/ and record the rows; call inside the write transaction.
    Returns the copied files so the caller can remove them if the transaction fails."""
    folder = paths.photos_dir(ctx.data_dir) / case.number
    folder.mkdir(parents=True, exist_ok=True)
    start = CasePhoto.select().where(CasePhoto.case == case.id).count()
    copied: list[Path] = []
    now = ctx.now()
    try:
        for n, photo in enumerate(photos, start=start + 1):
            target = folder / f"{n:02d}{photo.suffix}"
            while target.exists():  # a file left over from an earlier failed attempt
                n += 1000
                target = folder / f"{n:02d}{photo.suffix}"
            shutil.copyfile(photo.source, target)
            copied.append(target)
            CasePhoto.create(
                case=case,
                path=target.relative_to(ctx.data_dir).as_posix(),
                caption=photo.source.name[:120],
                added_at=now,
            )
        audit.log(
            ctx,
            "case",
            case,
            "updated",
            {"photos": [p.relative_to(ctx.data_dir).as_posix() for p in copied]},
            at=now,
        )
    except BaseException:
        _remove(copied)
        raise
    return copied


def _remove(files: Sequence[Path]) -> None:
    for f in files:
        f.unlink(missing_ok=True)


def attach_photos(ctx: Context, number: str, photo_paths: Sequence[str | Path]) -> list[str]:
    """Copy images into the case's photo folder and record them; returns the stored paths
    (relative to the data folder). All files are checked before anything is copied."""
    require(ctx, Action.CASE_CREATE)
    errors, good = _check_photos(photo_paths)
    if errors:
        raise ValidationError(errors)
    if not good:
        return []
    copied: list[Path] = []
    try:
        with write_transaction():
            case = find_case(number)
            copied = _store_photos(ctx, case, good)
    except BaseException:
        _remove(copied)
        raise
    return [p.relative_to(ctx.data_dir).as_posix() for p in copied]


# --- saving ---------------------------------------------------------------------------------


def save_intake(
    ctx: Context,
    form: IntakeForm,
    *,
    appointment: str | datetime | None = None,
    photos: Sequence[str | Path] = (),
) -> Case:
    """Take the intake, fix the on-site appointment and attach the photos, all or nothing.

    Every field, the appointment and every photo are checked first, and all problems are
    reported together.
    """
    require(ctx, Action.CASE_CREATE)
    errors: list[FieldError] = []
    try:
        validate_intake(form, ctx.today())
    except ValidationError as exc:
        errors.extend(exc.errors)
    when = None
    spec = kinds.find(form.kind)
    if form.on_site and spec is not None and spec.ticket:
        try:
            when = parse_appointment(ctx, appointment)
        except ValidationError as exc:
            errors.extend(exc.errors)
    photo_errors, good = _check_photos(photos)
    errors.extend(photo_errors)
    if errors:
        raise ValidationError(errors)
    copied: list[Path] = []
    try:
        with write_transaction():
            case = take_intake(ctx, form)
            if when is not None:
                from app.services.remedies.repairs import schedule_visit

                schedule_visit(ctx, case.number, when)
            if good:
                copied = _store_photos(ctx, case, good)
    except BaseException:
        _remove(copied)
        raise
    return case


def photo_files(ctx: Context, number: str) -> list[Path]:
    """The stored photos of a case as absolute paths (for thumbnails)."""
    case = find_case(number)
    rows = CasePhoto.select().where(CasePhoto.case == case.id).order_by(CasePhoto.id)
    return [ctx.data_dir / r.path for r in rows]


__all__ = [
    "CustomerSummary",
    "IntakePreview",
    "PastCase",
    "ProductChoice",
    "attach_photos",
    "barcode_lookup",
    "check_photos",
    "customer_lookup",
    "parse_appointment",
    "photo_files",
    "preview",
    "product_choices",
    "save_intake",
]
