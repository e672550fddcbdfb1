"""The intake screen's fields as data: sections, choices and the two checklists for repairs.

Kept apart from the tab so the layout code reads as layout, and so the order of the fields here
is the order the Tab key walks them.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.validation import validate_date, validate_phone, validate_serial
from app.i18n import N_
from app.i18n.labels import (
    ACCESSORIES,
    CATEGORIES,
    CHANNELS,
    KINDS,
    REASONS,
    REQUESTS,
    SEVERITIES,
)
from app.ui.widgets.fields import Field

#: Case kinds in the order of the segmented buttons (the most frequent first).
KIND_ORDER: tuple[str, ...] = (
    "repair",
    "return",
    "exchange",
    "refund",
    "complaint",
    "parts",
    "carrier_damage",
)

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

SERVICE_CLASSES = (("A", "A"), ("B", "B"), ("C", "C"))  # letters: nothing to translate
CUSTOMER_KINDS = (
    ("consumer", N_("Consumer")),
    ("dealer", N_("Dealer")),
    ("business", N_("Business")),
)
SALE_CHANNELS = (
    ("store", N_("In store")),
    ("tmall", N_("Tmall/Taobao")),
    ("wechat", N_("WeChat")),
    ("phone", N_("Phone order")),
    ("other", N_("Other")),
)


def _choices(table: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(table.items())


def _phone(value: str) -> object:
    return validate_phone(value)


def _serial(value: str) -> object:
    return validate_serial(value)


def _date(value: str) -> object:
    return validate_date(value, "sold")


CUSTOMER_FIELDS = (
    Field("phone", N_("Phone"), required=True, check=_phone, width=10),
    Field("name", N_("Customer name"), required=True, width=10),
    Field("service_class", N_("Class"), kind="choice", choices=SERVICE_CLASSES, width=8),
    Field("customer_kind", N_("Kind"), kind="choice", choices=CUSTOMER_KINDS, width=10),
    Field("address", N_("Address"), width=10, span=True),
)

REQUEST_FIELDS = (
    Field("reason", N_("Reason"), kind="choice", choices=_choices(REASONS), width=10),
    Field("request", N_("Asks for"), kind="choice", choices=_choices(REQUESTS), width=10),
    Field(
        "channel",
        N_("Channel"),
        kind="choice",
        choices=_choices(CHANNELS),
        default="walk_in",
        width=10,
    ),
)

SEVERITY_FIELD = Field(
    "severity",
    N_("Severity"),
    kind="choice",
    choices=_choices(SEVERITIES),
    default="minor",
    width=10,
)

PRODUCT_FIELDS = (
    Field("product", N_("Product"), kind="combo", width=10),
    Field("model_spec", N_("Model"), width=10),
    Field("category", N_("Category"), kind="choice", choices=_choices(CATEGORIES), width=10),
    Field("serial", N_("IMEI/SN"), check=_serial, width=10),
    Field("sold", N_("Sold on"), check=_date, hint=N_("e.g. 2026-03-05"), width=10),
    Field("amount", N_("Price paid"), width=10),
    Field("order_no", N_("Order no."), width=10),
    Field("invoice_no", N_("Invoice no."), width=10),
    Field("platform_refund_no", N_("Platform refund no."), width=10),
    Field("sale_channel", N_("Sold via"), kind="choice", choices=SALE_CHANNELS, width=10),
)

#: Yes/no facts about the goods that change the rights (shown as one row of check boxes).
FLAGS: tuple[tuple[str, str, bool], ...] = (
    ("man_made", N_("Man-made damage"), False),
    ("gift", N_("Gift"), False),
    ("unused", N_("Unused"), False),
    ("intact", N_("Intact"), True),
)

CONDITION_NOTE = Field("condition", N_("Other notes"), kind="multiline", height=2, width=20)
SITE_FIELDS = (
    Field("site_address", N_("Site address"), width=10),
    Field(
        "appointment_at",
        N_("Appointment"),
        hint=N_("YYYY-MM-DD HH:MM"),
        width=10,
    ),
)
DESCRIPTION_FIELD = Field("description", N_("What happened"), kind="multiline", height=3, width=20)

__all__ = [
    "ACCESSORIES",
    "CONDITIONS",
    "CUSTOMER_FIELDS",
    "DESCRIPTION_FIELD",
    "FLAGS",
    "KINDS",
    "KIND_ORDER",
    "PRODUCT_FIELDS",
    "REQUEST_FIELDS",
    "SEVERITY_FIELD",
    "SITE_FIELDS",
]
