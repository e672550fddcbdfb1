"""Input checks shared by the rule modules: each raises ValidationError.single(name, code)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


def require_date(name: str, value: object) -> date:
    """A plain date, not a datetime (a date subclass that compares wrongly): "not_a_date"."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError.single(name, "not_a_date")
    return value


def require_aware(name: str, value: object) -> datetime:
    """A timezone-aware datetime: "not_a_datetime" or "timezone_required" otherwise."""
    if not isinstance(value, datetime):
        raise ValidationError.single(name, "not_a_datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.single(name, "timezone_required")
    return value


def require_money(name: str, value: object) -> Decimal:
    """A finite Decimal (ints accepted); floats are refused: "not_a_decimal"."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError.single(name, "not_a_decimal")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError.single(name, "not_a_decimal")
    return amount


def coerce_code(enum: type[E], name: str, value: object) -> E:
    """The enum member for a code string: "unknown_code" (params value) otherwise."""
    try:
        return enum(value)
    except ValueError:
        raise ValidationError.single(name, "unknown_code", value=str(value)) from None


def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for a setting such as "Asia/Shanghai": ("tz", "unknown_timezone") otherwise."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError.single("tz", "unknown_timezone", value=str(tz)) from None


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of an aware moment in the shop's time zone."""
    return require_aware("moment", moment).astimezone(zone(tz)).date()
