"""Money as Decimal cents: parsing what the desk types, converting, and formatting for slips.

Floats never touch money (0.1 + 0.2 != 0.3 would end up on a refund); a float argument is a
programming error and raises TypeError. Bad user input raises ValidationError with a code from
``app.domain.validation.ERROR_CODES`` (money_invalid, money_negative, money_zero,
money_too_many_decimals, money_too_large, required).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from app.domain.errors import ValidationError
from app.domain.validation import to_halfwidth

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "format_money",
    "from_cents",
    "parse_money",
    "to_cents",
]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")  # what the database column and the printed forms hold

# Currency markers typed before or after the number: "¥12", "￥12", "12元", "RMB 12", "12 CNY".
_PREFIXES = ("人民币", "RMB", "CNY", "¥", "￥")
_SUFFIXES = ("人民币", "RMB", "CNY", "元", "¥", "￥")
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]+))?", re.ASCII
)
_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "HKD": "HK$", "EUR": "€"}


def parse_money(
    value: str | int | Decimal | None,
    field: str = "amount",
    *,
    allow_zero: bool = True,
    maximum: Decimal | None = MAX_AMOUNT,
) -> Decimal:
    """An amount >= 0 with at most two decimals, quantized to 0.01.

    Accepts "1,234.50", "¥12", "12元", "RMB 12", full-width digits. "1.005" is an error, never
    rounded: the desk must see that it typed something odd. "1.000" is fine (same value).
    """
    if isinstance(value, (float, bool)):
        raise TypeError(f"money must be str, int or Decimal, not {type(value).__name__}")
    if value is None:
        raise ValidationError.single(field, "required")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        amount = _parse_text(value, field)
    else:
        raise ValidationError.single(field, "money_invalid")

    if not amount.is_finite():
        raise ValidationError.single(field, "money_invalid")
    if amount < 0:
        raise ValidationError.single(field, "money_negative")
    if maximum is not None and amount > maximum:
        raise ValidationError.single(field, "money_too_large", max=str(maximum))
    with localcontext() as ctx:
        ctx.prec = max(60, len(amount.as_tuple().digits) + 10)
        try:
            cents = amount.quantize(CENT)
        except InvalidOperation:  # only an absurd exponent (1E+999999) with maximum=None
            raise ValidationError.single(field, "money_invalid") from None
    if cents != amount:
        raise ValidationError.single(field, "money_too_many_decimals", places=2)
    if cents == 0:
        if not allow_zero:
            raise ValidationError.single(field, "money_zero")
        return Decimal("0.00")  # never "-0.00"
    return cents


def _parse_text(value: str, field: str) -> Decimal:
    text = to_halfwidth(value).strip()
    if not text:
        raise ValidationError.single(field, "required")
    sign = ""
    if text[:1] in "+-":  # "-¥12" as well as "¥-12"
        sign, text = text[0], text[1:].lstrip()
    upper = text.upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix):
            text = text[len(prefix) :].lstrip()
            break
    upper = text.upper()
    for suffix in _SUFFIXES:
        if upper.endswith(suffix):
            text = text[: len(text) - len(suffix)].rstrip()
            break
    m = _NUMBER.fullmatch(sign + text) if not (sign and text[:1] in "+-") else None
    if m is None or not (m.group("int") or m.group("frac")):
        raise ValidationError.single(field, "money_invalid")
    whole = (m.group("int") or "0").replace(",", "")
    frac = m.group("frac") or "0"
    return Decimal(f"{m.group('sign')}{whole}.{frac}")


def to_cents(amount: Decimal | int) -> int:
    """Whole cents, for integer storage; the amount must already be whole cents."""
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"money must be Decimal or int, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"not whole cents: {amount}")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """The Decimal amount (two places) for a number of cents from storage."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"cents must be int, not {type(cents).__name__}")
    return Decimal(cents).scaleb(-2)


def format_money(amount: Decimal | int, currency: str = "CNY") -> str:
    """Display form for slips and screens: "¥1,234.50", "-¥12.00" (rounded half-up to cents)."""
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"money must be Decimal or int, not {type(amount).__name__}")
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)
    symbol = _SYMBOLS.get(currency.upper())
    number = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    if symbol is None:
        return f"{sign}{currency} {number}"
    return f"{sign}{symbol}{number}"
