"""The intake's fields, declared once: the window draws them, the command line makes its `intake`
options of them, the intake service enforces "required" with them, and the slips say where each
is printed.

Each field is a `FieldSpec` (app.domain.fields): name (the `IntakeForm` attribute), label, widget
kind and choices, required, check (a validator from app.domain.validation), hint, default, the
command-line option (``cli=""``: not offered there) and the printed forms that show it.

The sections are the window's boxes in the order the Tab key walks them; the window lays them
out, everything else reads `fields()`. A new field added to a section shows in the window and as
a command-line option with nothing else to change; storing it needs its column (docs/ARCHITECTURE
"Where to change what").
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain import kinds
from app.domain.errors import ValidationError
from app.domain.fields import FieldSpec
from app.domain.money import parse_money
from app.domain.validation import validate_date, validate_phone, validate_qty, validate_serial
from app.i18n import N_
from app.i18n.labels import (
    ACCESSORIES,
    CATEGORIES,
    CHANNELS,
    PAY_ROUTES,
    PLATFORM_REASONS,
    PLATFORMS,
    REASONS,
    REQUESTS,
    SEVERITIES,
)
from app.services.shop.products import validate_barcode

#: The condition on receipt, ticked in front of the customer (stored as words on the ticket).
CONDITIONS: dict[str, str] = {
    "screen_scratched": N_("Screen scratched"),
    "screen_cracked": N_("Screen cracked"),
    "back_cracked": N_("Back cracked"),
    "frame_dented": N_("Frame dented"),
    "bent": N_("Bent"),
    "water_marks": N_("Water marks"),
    "buttons_missing": N_("Buttons missing"),
    "screen_protector": N_("Screen protector"),
}

#: The functional pre-check at drop-off: what does not work when the customer hands it over.
PRECHECK: dict[str, str] = {
    "screen": N_("Screen"),
    "touch": N_("Touch"),
    "cameras": N_("Cameras"),
    "charging": N_("Charging"),
    "signal": N_("Signal"),
    "biometrics": N_("Face/Touch ID"),
    "sound": N_("Speaker/mic"),
}

SERVICE_CLASSES = (("A", "A"), ("B", "B"), ("C", "C"))  # letters: nothing to translate
CUSTOMER_KINDS = (
    ("consumer", N_("Consumer")),
    ("dealer", N_("Dealer")),
    ("business", N_("Business")),
)
# "tmall" (before v11) is still accepted and read: it is an online sale on Taobao/Tmall.
SALE_CHANNELS = (
    ("store", N_("In store")),
    ("online", N_("Online shop")),
    ("wechat", N_("WeChat")),
    ("phone", N_("Phone order")),
    ("other", N_("Other")),
)

# Where the intake's values are printed (forms/*.toml); tests/services/test_intake_fields.py
# checks these against the layouts' placeholders (SLIP_KEYS), both ways.
_EVERY_SLIP = (
    "intake",
    "repair-ticket",
    "repair-receipt",
    "label",
    "warranty-card",
    "rma",
    "return-receipt",
    "carrier-claim",
    "reply-report",
)
_REPAIR_SLIPS = ("repair-ticket", "repair-receipt")
_DEVICE_SLIPS = (*_REPAIR_SLIPS, "label")


def _choices(table: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(table.items())


def _phone(value: str) -> object:
    # A masked number is refused by the service unless the buyer's ID is given with it.
    return validate_phone(value, masked=True)


def _serial(value: str) -> object:
    return validate_serial(value)


def _months(value: str) -> object:
    return validate_qty(value, "warranty_months", minimum=1, maximum=120)


def _barcode(value: str) -> object:
    return validate_barcode(value)


def _date(value: str) -> object:
    return validate_date(value, "sold")


def _received(value: str) -> object:
    return validate_date(value, "received")


CUSTOMER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "phone",
        N_("Phone"),
        required=True,
        check=_phone,
        width=10,
        printed=tuple(f for f in _EVERY_SLIP if f != "label"),
    ),
    FieldSpec("name", N_("Customer name"), required=True, width=10, printed=_EVERY_SLIP),
    FieldSpec(
        "service_class",
        N_("Class"),
        kind="choice",
        choices=SERVICE_CLASSES,
        width=8,
        cli="--class",
    ),
    FieldSpec("customer_kind", N_("Kind"), kind="choice", choices=CUSTOMER_KINDS, width=10),
    FieldSpec("address", N_("Address"), width=10, span=True, printed=("rma",)),
)

REQUEST_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "reason",
        N_("Reason"),
        kind="choice",
        choices=_choices(REASONS),
        width=10,
        printed=("intake", "rma"),
    ),
    FieldSpec(
        "request",
        N_("Asks for"),
        kind="choice",
        choices=_choices(REQUESTS),
        width=10,
        printed=("intake", "rma"),
    ),
    FieldSpec(
        "channel",
        N_("Channel"),
        kind="choice",
        choices=_choices(CHANNELS),
        default="walk_in",
        width=10,
        printed=("intake",),
    ),
)

SEVERITY_FIELD = FieldSpec(
    "severity",
    N_("Severity"),
    kind="choice",
    choices=_choices(SEVERITIES),
    default="minor",
    width=10,
)

DESCRIPTION_FIELD = FieldSpec(
    "description",
    N_("What happened"),
    kind="multiline",
    height=3,
    width=20,
    # On a repair's slips it is the fault, when no fault was written down on its own.
    printed=(
        "intake",
        "rma",
        "return-receipt",
        "carrier-claim",
        "reply-report",
        *_REPAIR_SLIPS,
    ),
)

PRODUCT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "barcode",
        N_("Barcode/SKU"),
        check=_barcode,
        width=10,
        hint=N_("Scan: fills the product"),
    ),
    FieldSpec(
        "product",
        N_("Product"),
        kind="combo",
        width=10,
        printed=("intake", "warranty-card", "carrier-claim", *_DEVICE_SLIPS),
    ),
    FieldSpec(
        "model_spec",
        N_("Model"),
        width=10,
        cli="--model",
        printed=("intake", "warranty-card", *_DEVICE_SLIPS),
    ),
    FieldSpec("category", N_("Category"), kind="choice", choices=_choices(CATEGORIES), width=10),
    FieldSpec(
        "warranty_months",
        N_("Maker's warranty (months)"),
        check=_months,
        width=6,
        hint=N_("Only when longer than the law's; kept for the product"),
        printed=("warranty-card",),
    ),
    FieldSpec(
        "serial",
        N_("IMEI/SN"),
        check=_serial,
        width=10,
        printed=("intake", "warranty-card", *_REPAIR_SLIPS),
    ),
    FieldSpec(
        "sold",
        N_("Sold on"),
        check=_date,
        hint=N_("e.g. 2026-03-05"),
        width=10,
        printed=("intake", "rma", "warranty-card"),
    ),
    FieldSpec("amount", N_("Price paid"), width=10),
    FieldSpec(
        "order_no",
        N_("Order no."),
        width=10,
        cli="--order",
        printed=("intake", "rma", "warranty-card"),
    ),
    FieldSpec(
        "invoice_no",
        N_("Invoice no."),
        width=10,
        cli="--invoice",
        printed=("rma", "warranty-card"),
    ),
    FieldSpec(
        "sale_channel",
        N_("Sold via"),
        kind="choice",
        choices=SALE_CHANNELS,
        default="store",
        width=10,
    ),
    # A product typed here that the catalogue does not know yet goes into it (with the barcode,
    # price and warranty typed); otherwise it is kept for this case only.
    FieldSpec("add_to_catalogue", N_("Add to the catalogue"), kind="check", default=False),
)

#: An online-shop order (shown when the channel or the sale is online): the platform, the buyer's
#: ID there, the platform's refund number and reason, and the day the buyer received the goods,
#: from which the 7/15-day periods may run (setting `warranty.online_periods_from`).
ONLINE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "platform",
        N_("Platform"),
        kind="choice",
        choices=_choices(PLATFORMS),
        width=10,
        printed=("intake", "rma", "warranty-card"),
    ),
    FieldSpec(
        "buyer_id",
        N_("Buyer ID"),
        width=10,
        cli="--buyer",
        hint=N_("ID or nickname"),
        printed=("rma",),
    ),
    FieldSpec(
        "platform_refund_no",
        N_("Refund no."),  # in the online order's box: the platform's
        width=10,
        cli="--platform-refund",
        printed=("rma",),
    ),
    FieldSpec(
        "platform_reason",
        N_("Platform's reason"),
        kind="choice",
        choices=_choices(PLATFORM_REASONS),
        width=10,
        printed=("rma",),  # the receipt prints the case's reason it fills
    ),
    FieldSpec(
        "received",
        N_("Signed for"),
        check=_received,
        hint=N_("e.g. 2026-03-05"),
        width=10,
        printed=("rma", "warranty-card"),
    ),
)

#: Yes/no facts about the goods that change the rights (shown as one row of check boxes).
FLAG_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("man_made", N_("Man-made damage"), kind="check", default=False),
    FieldSpec("gift", N_("Gift"), kind="check", default=False),
    FieldSpec("unused", N_("Unused"), kind="check", default=False),
    # Returns and exchanges: the goods are handed over now (received when approved).
    FieldSpec("goods_at_counter", N_("Handed over here"), kind="check", default=False),
    # Ticked unless the desk says otherwise: a flag that is on by default has no option.
    FieldSpec("intact", N_("Intact"), kind="check", default=True, cli=""),
)

#: The repair's checklists: accessories handed over (codes) and the condition on receipt.
ACCESSORIES_FIELD = FieldSpec(
    "accessories",
    N_("Accessories received"),
    kind="lines",
    choices=_choices(ACCESSORIES),
    cli="",
    printed=("intake", *_REPAIR_SLIPS),
)
CONDITION_NOTE = FieldSpec(
    "condition",
    N_("Other notes"),
    kind="multiline",
    height=2,
    width=20,
    printed=("intake", *_REPAIR_SLIPS),
)


def _faults(value: object) -> list[str]:
    """The pre-check's failed functions: a list, or codes separated by commas."""
    items = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    codes = [str(i).strip() for i in items if str(i).strip()]
    unknown = [c for c in codes if c not in PRECHECK]
    if unknown:
        raise ValidationError.single("faults_found", "not_a_choice", choices=sorted(PRECHECK))
    return list(dict.fromkeys(codes))


def _money(value: str) -> object:
    return parse_money(value, "deposit")


def _estimate(value: str) -> object:
    return parse_money(value, "estimate")


#: What the counter takes with a device (the repair desks clerks know): whether it powers on and
#: what fails at the pre-check, its passcode (kept encrypted, never printed, erased when it
#: leaves), a first estimate and a deposit (a money entry, printed on the receipt).
DEVICE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "no_power",
        N_("Does not power on"),
        kind="check",
        default=False,
        printed=("intake", *_REPAIR_SLIPS),
    ),
    FieldSpec(
        "faults_found",
        N_("Not working at the pre-check"),
        kind="lines",
        choices=_choices(PRECHECK),
        check=_faults,
        printed=("intake", *_REPAIR_SLIPS),
    ),
    FieldSpec(
        "passcode",
        N_("Passcode / pattern"),
        kind="password",
        width=10,
        hint=N_("Encrypted, not printed"),
        printed=("intake", "repair-ticket"),
    ),
    FieldSpec("estimate", N_("Estimate (¥)"), check=_estimate, width=8, printed=("intake",)),
    FieldSpec("deposit", N_("Deposit taken (¥)"), check=_money, width=8, printed=("intake",)),
    FieldSpec(
        "deposit_route",
        N_("Paid by"),
        kind="choice",
        choices=_choices(PAY_ROUTES),
        width=8,
        printed=("intake",),
    ),
)
SITE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("site_address", N_("Site address"), width=10, cli="", printed=("repair-ticket",)),
    FieldSpec(
        "installation",
        N_("Installation, not a repair"),
        kind="check",
        default=False,
        printed=("repair-ticket",),
    ),
    FieldSpec(
        "appointment_at",
        N_("Appointment"),
        hint=N_("YYYY-MM-DD HH:MM"),
        width=10,
        cli="",  # an appointment is checked against the calendar by the window's save
        printed=("repair-ticket",),
    ),
)

#: Fields the command line offers that the window does not show.
QTY_FIELD = FieldSpec("qty", N_("Quantity"), default="1")


def kind_field() -> FieldSpec:
    """The kind, with the kinds registered now as its choices (app.domain.kinds)."""
    return FieldSpec(
        "kind",
        N_("Kind"),
        kind="choice",
        choices=tuple((k.code, k.label) for k in kinds.all_kinds()),
        required=True,
        printed=("intake", "rma", "reply-report"),
    )


def fields() -> tuple[FieldSpec, ...]:
    """Every intake field, in the window's order (the kind first)."""
    return (
        kind_field(),
        *CUSTOMER_FIELDS,
        *REQUEST_FIELDS,
        SEVERITY_FIELD,
        DESCRIPTION_FIELD,
        *PRODUCT_FIELDS,
        *ONLINE_FIELDS,
        *FLAG_FIELDS,
        ACCESSORIES_FIELD,
        CONDITION_NOTE,
        *DEVICE_FIELDS,
        *SITE_FIELDS,
        QTY_FIELD,
    )


def field(name: str) -> FieldSpec:
    return next(f for f in fields() if f.name == name)


def cli_fields() -> tuple[FieldSpec, ...]:
    """The fields the command line's `intake` verb offers as options."""
    return tuple(f for f in fields() if f.option)


def printed_on(form: str) -> tuple[FieldSpec, ...]:
    """The intake fields a printed form shows."""
    return tuple(f for f in fields() if form in f.printed)


#: Which values of a slip (the {placeholders} of forms/*.toml) print an intake field.
SLIP_KEYS: dict[str, tuple[str, ...]] = {
    "kind": ("kind",),
    "name": ("customer_name",),
    "phone": ("customer_phone",),
    "address": ("customer_address",),
    "service_class": (),
    "customer_kind": (),
    "reason": ("reason",),
    "request": ("request",),
    "channel": ("channel",),
    "severity": ("severity",),
    "description": ("description", "fault"),
    "barcode": (),
    "add_to_catalogue": (),
    "product": ("product_name", "device"),
    "model_spec": ("product_spec", "device"),
    "warranty_months": ("warranty_months",),
    "category": ("product_category",),
    "serial": ("serial", "repair_serial"),
    "sold": ("sale_date",),
    "amount": ("amount",),
    "order_no": ("order_no",),
    "invoice_no": ("invoice_no",),
    "platform_refund_no": ("platform_refund_no",),
    "sale_channel": ("sale_channel",),
    "platform": ("platform",),
    "buyer_id": ("buyer_id",),
    "platform_reason": ("platform_reason",),
    "received": ("order_received",),
    "man_made": (),
    "gift": (),
    "unused": (),
    "intact": (),
    "accessories": ("accessories",),
    "goods_at_counter": (),
    "installation": ("service_type",),
    "no_power": ("precheck",),
    "faults_found": ("precheck",),
    "passcode": ("passcode_note",),
    "estimate": ("intake_estimate",),
    "deposit": ("deposit",),
    "deposit_route": ("deposit",),
    "condition": ("condition",),
    "site_address": ("site_address",),
    "appointment_at": ("appointment",),
    "qty": ("quantity",),
}
