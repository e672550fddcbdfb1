"""The shop's settings: one typed tree of frozen dataclasses holding the rules' defaults.

The defaults are those of docs/DOMAIN.md, "Rules"; the database keeps only the values a shop
changed (`Settings.overrides`, docs/DOMAIN.md "Settings").

Every rule in `app.domain.rules` takes the section it needs as an argument, so a decision depends
only on the settings handed in at the time. Decisions are frozen values; editing settings later
builds a new `Settings` and never touches decisions already made.

Paths such as ``"approval.owner_threshold"`` name one value; `Settings.replace_path` edits one value
with type and range checks and raises `ValidationError.single(path, code, **params)` on a bad value.
The error codes are listed in `SETTING_ERROR_CODES`.

Defaults chosen where the shop's procedures are silent:
- ``warranty.accessory_default_months = 3``: a generic accessory (case, cable, screen film) whose
  product record gives no warranty gets the shortest statutory accessory period (wired headset,
  memory card), not more than the law gives the original accessories it resembles.
- ``warranty.other_default_months = 12``: other goods (tablet, watch, power bank) without their
  own warranty months get the general one-year period, as the handset does.
- ``warranty.extend_to_working_day = False``: PRC Civil Code Art. 203 moves a period ending on a
  statutory holiday to the next working day; the three-guarantee periods are usually printed as
  plain calendar periods, so this is off unless the shop turns it on.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.codes import Category, ServiceClass
from app.domain.errors import FieldError, ValidationError

#: Error codes raised for a bad settings value (field = the dotted path).
SETTING_ERROR_CODES: tuple[str, ...] = (
    "unknown_setting",  # no such path
    "not_a_section",  # a section in from_dict is not a mapping
    "not_an_integer",
    "not_a_boolean",
    "not_a_decimal",  # includes floats: money is never float
    "not_text",
    "out_of_range",  # params: min, max (either may be None)
    "too_many_decimals",  # params: places
    "unknown_timezone",
    "invalid_currency",  # three capital letters, e.g. CNY
    "not_a_choice",  # params: choices
)


def _rng(lo: int | None = 0, hi: int | None = None) -> dict[str, Any]:
    return {"min": lo, "max": hi}


@dataclass(frozen=True)
class ShopSettings:
    """Who the shop is: printed on receipts, warranty cards and return forms."""

    name: str = "示例手机店"
    address: str = ""
    hotline: str = ""
    return_address: str = ""
    # who receives parcels sent back (warranty card: 收货人 and 收货电话)
    consignee: str = ""
    consignee_phone: str = ""
    # authorised service points near the customer, one a line (warranty card: 售后网点)
    service_points: str = ""
    timezone: str = field(default="Asia/Shanghai", metadata={"check": "timezone"})
    currency: str = field(default="CNY", metadata={"check": "currency"})


@dataclass(frozen=True)
class WarrantySettings:
    """Three-guarantee (三包) periods and the 7-day no-reason return, counted from the sale date."""

    return_days: int = field(default=7, metadata=_rng())  # phone: return or exchange
    exchange_days: int = field(default=15, metadata=_rng())  # phone: exchange the handset
    repair_months: int = field(default=12, metadata=_rng())  # phone: free repair
    battery_months: int = field(default=6, metadata=_rng())
    headset_months: int = field(default=3, metadata=_rng())  # wired headset
    memory_card_months: int = field(default=3, metadata=_rng())
    charger_months: int = field(default=12, metadata=_rng())
    bluetooth_headset_months: int = field(default=12, metadata=_rng())
    accessory_default_months: int = field(default=3, metadata=_rng())  # see module docstring
    other_default_months: int = field(default=12, metadata=_rng())
    no_reason_days: int = field(default=7, metadata=_rng())
    repeat_failure_repairs: int = field(default=2, metadata=_rng(1))
    extend_to_working_day: bool = False  # Civil Code Art. 203 holiday roll-over
    # Online orders: the 7/15-day periods run from the sale date ("sale") or from the day the
    # buyer received the goods ("received", 签收); the months-long periods run from the sale.
    online_periods_from: str = field(default="sale", metadata={"choices": ("sale", "received")})

    def statutory_accessory_months(self, category: Category | str) -> int | None:
        """Exchange period of an accessory named by the three-guarantee rules, else None."""
        return {
            Category.BATTERY: self.battery_months,
            Category.HEADSET: self.headset_months,
            Category.MEMORY_CARD: self.memory_card_months,
            Category.CHARGER: self.charger_months,
            Category.BLUETOOTH_HEADSET: self.bluetooth_headset_months,
        }.get(Category(category))


@dataclass(frozen=True)
class PromiseSettings:
    """Promise dates by customer class (000) and answer times (001, 003)."""

    days_a: int = field(default=1, metadata=_rng(1))  # 1 day = the same day (000: 即当天)
    days_b: int = field(default=2, metadata=_rng(1))
    days_c: int = field(default=3, metadata=_rng(1))
    working_days: bool = False  # count working days (Chinese calendar) instead of calendar days
    first_answer_hours: int = field(default=24, metadata=_rng(1))
    onsite_contact_hours: int = field(default=24, metadata=_rng(1))

    def days_for(self, service_class: ServiceClass | str) -> int:
        """Promise length in days for a customer class."""
        sc = ServiceClass(service_class)
        return {ServiceClass.A: self.days_a, ServiceClass.B: self.days_b}.get(sc, self.days_c)


@dataclass(frozen=True)
class ApprovalSettings:
    """Refunds/returns above the threshold need the owner; at or below, the manager on duty."""

    # The ceiling keeps the value inside a money column (whole fen in 64 bits) with room to spare.
    owner_threshold: Decimal = field(
        default=Decimal("500.00"),
        metadata={"min": 0, "max": Decimal("99999999.99"), "places": 2},
    )


@dataclass(frozen=True)
class ReturnSettings:
    """Deadlines and sampling of the return (RMA) procedure (002)."""

    goods_expected_working_days: int = field(default=7, metadata=_rng())
    carrier_claim_hours: int = field(default=24, metadata=_rng(1))
    batch_sample_pct: int = field(default=10, metadata=_rng(0, 100))
    batch_sample_min_units: int = field(default=1, metadata=_rng(1))  # the sample's floor
    batch_from_units: int = field(default=10, metadata=_rng(2))  # this many or more: a batch
    no_reply_close_days: int = field(default=45, metadata=_rng(1))
    ship_first_return_days: int = field(default=7, metadata=_rng(1))  # 先补发: goods owed back
    # 货品缺少反馈: missing items reported later than this after delivery need the owner.
    short_delivery_days: int = field(default=2, metadata=_rng(0, 60))


FORM_PRINTERS = (
    "intake",
    "repair_ticket",
    "repair_receipt",
    "label",
    "warranty_card",
    "rma",
    "return_receipt",
    "carrier_claim",
    "reply_report",
    "report",
)


@dataclass(frozen=True)
class FollowUpSettings:
    """The follow-up call (回访, 003/004): which kinds must have one before they close (closing
    without it needs a reason), and how many days after the case is settled it is due."""

    due_days: int = field(default=3, metadata=_rng(0, 60))
    after_repair: bool = False
    after_return: bool = False
    after_exchange: bool = False
    after_refund: bool = False
    after_complaint: bool = True

    def required_for(self, kind: str) -> bool:
        return bool(getattr(self, f"after_{kind}", False))


@dataclass(frozen=True)
class PrintSettings:
    """Printed slips: the CJK font, the logo, and the printer remembered per form type.

    An empty printer means the system's default printer; an empty font path means the font
    shipped in assets/ (then the system's fonts).
    """

    font_path: str = ""
    logo_path: str = ""
    # The language slips are printed in: the shop's, not the language of the PC's window.
    slip_language: str = field(default="zh", metadata={"choices": ("zh", "en")})
    intake: str = ""
    repair_ticket: str = ""
    repair_receipt: str = ""
    label: str = ""
    warranty_card: str = ""
    rma: str = ""
    return_receipt: str = ""
    carrier_claim: str = ""
    reply_report: str = ""
    report: str = ""


@dataclass(frozen=True)
class UiSettings:
    """The window: language ("" = follow the system), theme, idle lock."""

    language: str = field(default="", metadata={"choices": ("", "zh", "en")})
    theme: str = field(default="light", metadata={"choices": ("light", "dark")})
    idle_lock_minutes: int = field(default=5, metadata=_rng(2, 15))


@dataclass(frozen=True)
class BackupSettings:
    """Automatic backups: how often, how many to keep, and an optional second folder (USB)."""

    interval_minutes: int = field(default=30, metadata=_rng(5, 24 * 60))
    keep_daily: int = field(default=12, metadata=_rng(1, 366))
    keep_weekly: int = field(default=10, metadata=_rng(0, 520))
    keep_monthly: int = field(default=9, metadata=_rng(0, 240))
    second_folder: str = ""


@dataclass(frozen=True)
class ReportSettings:
    """The monthly summary (003): when the owner is offered it, and the folder of each
    recipient the signed PDF is copied to (empty: that recipient gets no copy)."""

    offer_until_day: int = field(default=5, metadata=_rng(1, 28))  # "by the 5th" (003)
    folder_qc: str = ""
    folder_technical: str = ""
    folder_sales: str = ""
    folder_management: str = ""


@dataclass(frozen=True)
class Settings:
    """All shop settings; build a changed copy with `replace_path`, never mutate."""

    shop: ShopSettings = field(default_factory=ShopSettings)
    warranty: WarrantySettings = field(default_factory=WarrantySettings)
    promise: PromiseSettings = field(default_factory=PromiseSettings)
    approval: ApprovalSettings = field(default_factory=ApprovalSettings)
    returns: ReturnSettings = field(default_factory=ReturnSettings)
    followup: FollowUpSettings = field(default_factory=FollowUpSettings)
    printing: PrintSettings = field(default_factory=PrintSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    report: ReportSettings = field(default_factory=ReportSettings)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-safe nested dict: Decimal as a string, everything else plain."""
        out: dict[str, dict[str, Any]] = {}
        for sec in dataclasses.fields(self):
            section = getattr(self, sec.name)
            out[sec.name] = {
                f.name: _to_json(getattr(section, f.name)) for f in dataclasses.fields(section)
            }
        return out

    @classmethod
    def from_dict(cls, data: typing.Mapping[str, Any] | None) -> Settings:
        """Build settings from a stored dict: missing keys keep defaults, unknown keys are ignored.

        Raises ValidationError listing every bad value, so a hand-edited file shows all its errors.
        """
        data = data or {}
        if not isinstance(data, typing.Mapping):
            raise ValidationError.single("settings", "not_a_section")
        errors: list[FieldError] = []
        sections: dict[str, Any] = {}
        for sec in dataclasses.fields(cls):
            raw = data.get(sec.name)
            sec_cls = _section_classes()[sec.name]
            if raw is None:
                sections[sec.name] = sec_cls()
                continue
            if not isinstance(raw, typing.Mapping):
                errors.append(FieldError(sec.name, "not_a_section"))
                sections[sec.name] = sec_cls()
                continue
            values: dict[str, Any] = {}
            for f in dataclasses.fields(sec_cls):
                if f.name in raw:
                    path = f"{sec.name}.{f.name}"
                    try:
                        values[f.name] = _coerce(path, sec_cls, f, raw[f.name])
                    except ValidationError as exc:
                        errors.extend(exc.errors)
            sections[sec.name] = sec_cls(**values)
        if errors:
            raise ValidationError(errors)
        return cls(**sections)

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Only the values that differ from the shipped defaults, in `to_dict` form.

        This is what is stored: a default changed in a new version then reaches every shop that
        did not change that value itself.
        """
        return overrides_of(self.to_dict())

    def get_path(self, path: str) -> Any:
        """The value at a dotted path such as ``"promise.days_a"``."""
        section, f = _resolve(path)
        return getattr(getattr(self, section), f.name)

    def replace_path(self, path: str, value: Any) -> Settings:
        """A copy with one value changed; text from a command line is parsed to the field's type."""
        section, f = _resolve(path)
        new_value = _coerce(path, _section_classes()[section], f, value)
        sec_obj = dataclasses.replace(getattr(self, section), **{f.name: new_value})
        return dataclasses.replace(self, **{section: sec_obj})

    @staticmethod
    def paths() -> tuple[str, ...]:
        """Every editable dotted path, in declaration order (for a settings screen or the CLI)."""
        return tuple(
            f"{sec}.{f.name}"
            for sec, sec_cls in _section_classes().items()
            for f in dataclasses.fields(sec_cls)
        )


def overrides_of(tree: typing.Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A stored settings tree without the values equal to the defaults (per dotted path).

    Values that do not parse and keys this version does not know are kept as they are: the shop
    loses nothing, and `Settings.from_dict` reports or ignores them as before.
    """
    defaults = Settings()
    out: dict[str, dict[str, Any]] = {}
    for sec_name, raw in (tree or {}).items():
        if not isinstance(raw, typing.Mapping):
            out[sec_name] = raw
            continue
        kept: dict[str, Any] = {}
        for key, value in raw.items():
            path = f"{sec_name}.{key}"
            try:
                section, f = _resolve(path)
                parsed = _coerce(path, _section_classes()[section], f, value)
            except ValidationError:
                kept[key] = value
                continue
            if parsed != defaults.get_path(path):
                kept[key] = _to_json(parsed)
        if kept:
            out[sec_name] = kept
    return out


@functools.cache
def _section_classes() -> dict[str, type]:
    """Section name -> its class; worked out once (`get_type_hints` is slow, and every
    `get_path` asks: the Settings tab builds ~70 fields)."""
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings)}


def _resolve(path: str) -> tuple[str, dataclasses.Field[Any]]:
    parts = path.split(".") if isinstance(path, str) else []
    sections = _section_classes()
    if len(parts) == 2 and parts[0] in sections:
        for f in dataclasses.fields(sections[parts[0]]):
            if f.name == parts[1]:
                return parts[0], f
    raise ValidationError.single(str(path), "unknown_setting")


_TRUE = {"true", "1", "yes", "on", "y", "是"}
_FALSE = {"false", "0", "no", "off", "n", "否"}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _coerce(path: str, section_cls: type, f: dataclasses.Field[Any], value: Any) -> Any:
    """Check and convert one value to its field's type; strings from a CLI are parsed."""
    typ = typing.get_type_hints(section_cls)[f.name]
    meta = f.metadata
    if typ is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValidationError.single(path, "not_a_boolean")
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError.single(path, "not_an_integer")
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise ValidationError.single(path, "not_an_integer") from None
        _check_range(path, meta, number)
        return number
    if typ is Decimal:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise ValidationError.single(path, "not_a_decimal")
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValidationError.single(path, "not_a_decimal") from None
        if not number.is_finite():
            raise ValidationError.single(path, "not_a_decimal")
        _check_range(path, meta, number)
        places = meta.get("places")
        if places is not None:
            exp = number.as_tuple().exponent
            if isinstance(exp, int) and -exp > places:
                raise ValidationError.single(path, "too_many_decimals", places=places)
            try:
                number = number.quantize(Decimal(1).scaleb(-places))
            except InvalidOperation:  # more digits than the decimal context holds
                raise ValidationError.single(
                    path, "out_of_range", min=meta.get("min"), max=meta.get("max")
                ) from None
        return number
    if typ is str:
        if not isinstance(value, str):
            raise ValidationError.single(path, "not_text")
        check = meta.get("check")
        if check == "timezone":
            value = value.strip()
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
                raise ValidationError.single(path, "unknown_timezone") from None
        elif check == "currency":
            value = value.strip().upper()
            if not _CURRENCY.match(value):
                raise ValidationError.single(path, "invalid_currency")
        choices = meta.get("choices")
        if choices is not None:
            value = value.strip()
            if value not in choices:
                raise ValidationError.single(path, "not_a_choice", choices=choices)
        return value
    raise TypeError(f"unsupported settings type {typ!r} for {path}")  # programming error


def _check_range(path: str, meta: typing.Mapping[str, Any], number: int | Decimal) -> None:
    lo, hi = meta.get("min"), meta.get("max")
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ValidationError.single(path, "out_of_range", min=lo, max=hi)


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value
