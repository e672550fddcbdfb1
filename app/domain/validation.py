"""Pure input validators: raw text from the window, the CLI or an import in, clean values out.

Every validator has the shape ``validate_xxx(value, field="xxx", ...) -> clean`` and raises
``ValidationError.single(field, code, **params)`` on bad input. The codes are stable snake_case
strings (listed in ``ERROR_CODES``); the UI and the CLI translate them, this module never produces
display text. For any ``str`` (or ``None``) input nothing but ``ValidationError`` is raised.

Money lives in ``app.domain.money`` (``parse_money``); its codes are listed here too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from app.domain.errors import FieldError, ValidationError

# Every code a validator here or in money.py can produce, with the params each one carries.
# Messages are written per code by the translators; params are plain str/int (or a list of str).
ERROR_CODES: tuple[str, ...] = (
    "required",  # {} - empty / blank / None where a value is needed
    "invalid",  # {} - a value of an unsupported type (e.g. a list where text is expected)
    "too_long",  # {"max": int, "length": int} - text longer than the field allows
    "control_chars",  # {"char": "U+0007"} - a control character (or bidi override) in text
    "name_invalid",  # {} - a person's name without any letter (digits/punctuation only)
    "phone_invalid",  # {} - not a Chinese mobile / landline number (as the validator expects)
    "phone_masked",  # {} - a masked number (138****1234) where the whole number is needed
    "imei_invalid",  # {} - an IMEI/IMEISV containing something other than digits
    "imei_length",  # {"expected": int, "length": int} - wrong number of digits (15 or 16)
    "imei_checksum",  # {} - 15 digits but the Luhn check digit is wrong (a typo)
    "meid_invalid",  # {} - not 14 hexadecimal digits
    "serial_invalid",  # {"min": int, "max": int} - not IMEI/MEID, nor 4-30 of [A-Za-z0-9-/]
    "date_invalid",  # {} - not a date in a known format, or no such day (2024-02-30)
    "date_in_future",  # {"max": "YYYY-MM-DD"} - later than the last allowed day (usually today)
    "date_too_early",  # {"min": "YYYY-MM-DD"} - earlier than the first allowed day
    "money_invalid",  # {} - not an amount (letters, bad thousands grouping, NaN, ...)
    "money_negative",  # {} - below zero
    "money_zero",  # {} - zero where a positive amount is needed (allow_zero=False)
    "money_too_many_decimals",  # {"places": 2} - finer than one cent (never rounded silently)
    "money_too_large",  # {"max": "99999999.99"} - above the allowed maximum
    "qty_invalid",  # {} - not a whole number (letters, decimals)
    "qty_too_small",  # {"min": int} - below the minimum (negative quantities land here)
    "qty_too_large",  # {"max": int} - above the maximum
    "not_a_choice",  # {"choices": [str, ...]} - not one of the enum's values
)

__all__ = [
    "ERROR_CODES",
    "Collector",
    "Validator",
    "luhn_ok",
    "is_masked_phone",
    "mask_phone",
    "to_halfwidth",
    "validate_choice",
    "validate_date",
    "validate_imei",
    "validate_imeisv",
    "validate_landline",
    "validate_meid",
    "validate_mobile",
    "validate_person_name",
    "validate_phone",
    "validate_qty",
    "validate_serial",
    "validate_text",
]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

# --- normalisation -------------------------------------------------------------------------------

# Chinese input methods often type full-width forms (０-９, ＋, －, （）, ，); map the whole
# full-width ASCII block and the ideographic space to plain ASCII. Dash look-alikes all become "-".
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20
for _cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63):
    _HALFWIDTH[_cp] = ord("-")
del _cp

_WS = re.compile(r"\s+")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def to_halfwidth(text: str) -> str:
    """Full-width digits/letters/punctuation and dash look-alikes to ASCII (IME input)."""
    return text.translate(_HALFWIDTH)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object, field: str, code: str) -> str:
    """The value as text: None/blank -> "required"; int/Decimal -> str; other types -> `code`."""
    if value is None:
        raise ValidationError.single(field, "required")
    if isinstance(value, str):
        text = value
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        text = str(value)
    else:
        raise ValidationError.single(field, code)
    if not text.strip():
        raise ValidationError.single(field, "required")
    return text


def _bad_char(text: str, allowed: str = "") -> str | None:
    """The first control/surrogate/bidi-override character not in `allowed`, else None."""
    for ch in text:
        if ch in allowed:
            continue
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def _check_chars(text: str, field: str, allowed: str = "") -> None:
    bad = _bad_char(text, allowed)
    if bad is not None:
        raise ValidationError.single(field, "control_chars", char=f"U+{ord(bad):04X}")


# --- collecting errors over a whole form ---------------------------------------------------------


class Collector:
    """Runs many validators and keeps every FieldError, so a form shows all problems at once.

    ``check(field, fn, value, *args, optional=False, **kwargs)`` calls
    ``fn(value, field, *args, **kwargs)`` and returns the clean value, or None after recording the
    errors. With ``optional=True`` a None/blank value is not an error and gives None.
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(
        self,
        field: str,
        fn: Callable[..., T],
        value: Any,
        *args: Any,
        optional: bool = False,
        **kwargs: Any,
    ) -> T | None:
        if optional and _is_blank(value):
            return None
        try:
            return fn(value, field, *args, **kwargs)
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, field: str, code: str, **params: Any) -> None:
        """Record a cross-field error (e.g. "promised date before received date")."""
        self.errors.append(FieldError(field, code, params))

    def has_errors(self, field: str | None = None) -> bool:
        if field is None:
            return bool(self.errors)
        return any(e.field == field for e in self.errors)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(list(self.errors))


Validator = Collector  # the same helper under the other name used in the design notes


# --- text ----------------------------------------------------------------------------------------


def validate_text(
    value: object,
    field: str = "text",
    *,
    required: bool = False,
    max_len: int = 200,
    multiline: bool = True,
) -> str:
    """Free text, stripped; rejects control characters (they break printing and the database).

    Line endings become "\\n"; "\\n" and "\\t" are allowed only when `multiline`. None or blank
    gives "" unless `required`.
    """
    if _is_blank(value):
        if required:
            raise ValidationError.single(field, "required")
        return ""
    text = _as_text(value, field, "invalid")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    _check_chars(text, field, "\n\t" if multiline else "")
    if len(text) > max_len:
        raise ValidationError.single(field, "too_long", max=max_len, length=len(text))
    return text


def validate_person_name(value: object, field: str = "name", *, max_len: int = 40) -> str:
    """A person's name: required, one line, 1-40 characters, at least one letter (Chinese counts).

    Internal whitespace runs collapse to one space, so "王  小明" and "王 小明" are the same.
    """
    text = _as_text(value, field, "invalid")
    _check_chars(text, field, "\t\n\r")  # typed/pasted line breaks just become spaces
    text = _WS.sub(" ", text).strip()
    if len(text) > max_len:
        raise ValidationError.single(field, "too_long", max=max_len, length=len(text))
    if not any(ch.isalpha() for ch in text):
        raise ValidationError.single(field, "name_invalid")
    return text


def validate_choice(value: object, field: str, enum_cls: type[E]) -> E:
    """One member of `enum_cls`, from the member itself or its value/name typed loosely.

    Case does not matter and "-" and "_" are interchangeable ("Memory_Card" -> memory-card).
    """
    if isinstance(value, enum_cls):
        return value
    if _is_blank(value):
        raise ValidationError.single(field, "required")
    if isinstance(value, str):
        key = _choice_key(to_halfwidth(value).strip())
        for member in enum_cls:
            if key in (_choice_key(str(member.value)), _choice_key(member.name)):
                return member
    raise ValidationError.single(field, "not_a_choice", choices=[str(m.value) for m in enum_cls])


def _choice_key(text: str) -> str:
    return text.replace("-", "_").casefold()


# --- phones --------------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-.()]+")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})", re.ASCII)
# Area code: 010 and 02x are three digits (8-digit local numbers); the rest 0 + three digits.
_LANDLINE = re.compile(
    r"(?:(?:\+|00)86-?0?|0)(10|2[0-9]|[3-9][0-9]{2})-?([0-9]{7,8})"
    r"(?:(?:-|转|分机|ext\.?|x|#)([0-9]{1,6}))?",
    re.ASCII | re.IGNORECASE,
)


def validate_mobile(value: object, field: str = "phone") -> str:
    """A Chinese mobile number as its 11 digits; accepts +86/0086/86, spaces, dashes, full-width."""
    text = _as_text(value, field, "phone_invalid")
    compact = _PHONE_SEPARATORS.sub("", to_halfwidth(text))
    m = _MOBILE.fullmatch(compact)
    if m is None:
        raise ValidationError.single(field, "phone_invalid")
    return m.group(1)


def validate_landline(value: object, field: str = "phone") -> str:
    """A Chinese landline as "010-12345678" (extension: "010-12345678-123").

    Accepts "(010)12345678", "010 1234 5678", "0755-8888666转123", "+86 10 12345678".
    """
    text = _as_text(value, field, "phone_invalid")
    compact = re.sub(r"[\s()]+", "", to_halfwidth(text))
    m = _LANDLINE.fullmatch(compact)
    if m is None:
        raise ValidationError.single(field, "phone_invalid")
    area, local, ext = m.groups()
    clean = f"0{area}-{local}"
    return f"{clean}-{ext}" if ext else clean


# A platform's virtual number: a mobile number and an extension the buyer's call is put through
# with ("17012345678-1234", "17012345678转1234", "17012345678,1234", "17012345678#1234").
_VIRTUAL = re.compile(
    r"(?:\+86|0086|86)?(1[3-9][0-9]{9})(?:-|转|分机|,|#|ext\.?|x)([0-9]{1,6})", re.ASCII
)
# A number the platform shows masked ("138****1234"): the digits alone name nobody.
_MASKED = re.compile(r"(1[3-9][0-9])\*{4}([0-9]{4})", re.ASCII)


def validate_phone(value: object, field: str = "phone", *, masked: bool = False) -> str:
    """A mobile (11 digits), a landline ("010-12345678") or a platform's virtual number with its
    extension ("17012345678-1234"), whichever the input is.

    A masked number ("138****1234") is returned as it is when `masked` is true (the caller has
    another way to know the buyer), else refused with "phone_masked".
    """
    text = _as_text(value, field, "phone_invalid")
    for fn in (validate_mobile, validate_landline):
        try:
            return fn(text, field)
        except ValidationError:
            pass
    compact = re.sub(r"[\s()]+", "", to_halfwidth(text)).replace("，", ",")
    virtual = _VIRTUAL.fullmatch(compact)
    if virtual is None and compact.count("-") > 1:  # "170-1234-5678-1234"
        head, _sep, ext = compact.rpartition("-")
        virtual = _VIRTUAL.fullmatch(head.replace("-", "") + "-" + ext)
    if virtual is not None:
        return f"{virtual.group(1)}-{virtual.group(2)}"
    hidden = _MASKED.fullmatch(_PHONE_SEPARATORS.sub("", to_halfwidth(text)).replace("＊", "*"))
    if hidden is not None:
        if not masked:
            raise ValidationError.single(field, "phone_masked")
        return f"{hidden.group(1)}****{hidden.group(2)}"
    raise ValidationError.single(field, "phone_invalid")


def is_masked_phone(value: str | None) -> bool:
    """True for a number stored masked ("138****1234"): it must never match a customer."""
    return bool(value) and "*" in str(value)


def mask_phone(value: str | None) -> str:
    """The phone with its middle hidden, for customer-facing slips (personal data, 003 §4.3).

    "13812348000" -> "138****8000"; "010-12345678" -> "010-12****78". Never raises: text that
    is not a phone keeps only a quarter of its characters at each end.
    """
    if not isinstance(value, str) or not value.strip():
        return ""
    if is_masked_phone(value):
        return value.strip()  # masked by the platform already
    try:
        clean = validate_phone(value)
    except ValidationError:
        text = value.strip()
        keep = min(len(text) // 4, 4)
        return text[:keep] + "*" * (len(text) - 2 * keep) + text[len(text) - keep :]
    if "-" not in clean:
        return clean[:3] + "****" + clean[7:]
    if clean.startswith("1"):  # a virtual number: the extension alone reaches nobody
        number, ext = clean.split("-")
        return f"{number[:3]}****{number[7:]}-{ext}"
    area, local, *ext = clean.split("-")
    masked = local[:2] + "*" * (len(local) - 4) + local[-2:]
    return "-".join([area, masked, *ext])


# --- IMEI / MEID / serial numbers ----------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_HEX14 = re.compile(r"[0-9A-Fa-f]{14}", re.ASCII)
_SERIAL = re.compile(r"[A-Za-z0-9/\-]{4,30}", re.ASCII)
_SERIAL_MIN, _SERIAL_MAX = 4, 30


def luhn_ok(digits: str) -> bool:
    """True when the ASCII digit string passes the Luhn check (the IMEI's 15th digit)."""
    if not isinstance(digits, str) or _DIGITS.fullmatch(digits) is None:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _compact_id(value: object, field: str, code: str) -> str:
    text = _as_text(value, field, code)
    return re.sub(r"[\s\-]+", "", to_halfwidth(text))


def _digits_of(value: object, field: str, expected: int) -> str:
    compact = _compact_id(value, field, "imei_invalid")
    if _DIGITS.fullmatch(compact) is None:
        raise ValidationError.single(field, "imei_invalid")
    if len(compact) != expected:
        raise ValidationError.single(field, "imei_length", expected=expected, length=len(compact))
    return compact


def validate_imei(value: object, field: str = "imei") -> str:
    """A 15-digit IMEI whose Luhn check digit is right (catches most typos)."""
    digits = _digits_of(value, field, 15)
    if not luhn_ok(digits):
        raise ValidationError.single(field, "imei_checksum")
    return digits


def validate_imeisv(value: object, field: str = "imeisv") -> str:
    """A 16-digit IMEISV (IMEI plus software version; no check digit)."""
    return _digits_of(value, field, 16)


def validate_meid(value: object, field: str = "meid") -> str:
    """A 14-hex-digit MEID (CDMA handsets), upper-case."""
    compact = _compact_id(value, field, "meid_invalid")
    if _HEX14.fullmatch(compact) is None:
        raise ValidationError.single(field, "meid_invalid")
    return compact.upper()


def validate_serial(value: object, field: str = "serial") -> tuple[str, str]:
    """Classify and clean a device identifier: ("imei"|"imeisv"|"meid"|"serial", clean).

    15 digits is an IMEI and must pass Luhn; 16 digits an IMEISV; 14 hex digits a MEID; anything
    else must be a manufacturer serial of 4-30 characters of [A-Za-z0-9-/] (spaces dropped).
    """
    text = to_halfwidth(_as_text(value, field, "serial_invalid"))
    compact = re.sub(r"[\s\-]+", "", text)
    if _DIGITS.fullmatch(compact):
        if len(compact) == 15:
            return "imei", validate_imei(compact, field)
        if len(compact) == 16:
            return "imeisv", compact
    if _HEX14.fullmatch(compact):
        return "meid", compact.upper()
    serial = _WS.sub("", text)
    if _SERIAL.fullmatch(serial) is None:
        raise ValidationError.single(field, "serial_invalid", min=_SERIAL_MIN, max=_SERIAL_MAX)
    return "serial", serial


# --- dates ---------------------------------------------------------------------------------------

_DATE_SEP = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})", re.ASCII)
_DATE_CN = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?", re.ASCII)
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})", re.ASCII)
_MIN_YEAR, _MAX_YEAR = 1900, 2999  # typed years outside this are typos ("0224", "20244")


def validate_date(
    value: object,
    field: str = "date",
    *,
    not_after: date | None = None,
    not_before: date | None = None,
) -> date:
    """A calendar date from a date object or "2024-03-05", "2024/3/5", "2024.03.05",
    "2024年3月5日", "20240305" (full-width digits too).

    `not_after` is usually today (a sale or receipt cannot be in the future) -> "date_in_future";
    `not_before` -> "date_too_early".
    """
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        day = _parse_date(_as_text(value, field, "date_invalid"), field)
    if not_after is not None and day > not_after:
        raise ValidationError.single(field, "date_in_future", max=not_after.isoformat())
    if not_before is not None and day < not_before:
        raise ValidationError.single(field, "date_too_early", min=not_before.isoformat())
    return day


def _parse_date(text: str, field: str) -> date:
    compact = _WS.sub("", to_halfwidth(text))
    m = _DATE_SEP.fullmatch(compact)
    if m is not None:
        parts = (m.group(1), m.group(3), m.group(4))
    else:
        m = _DATE_CN.fullmatch(compact) or _DATE_COMPACT.fullmatch(compact)
        if m is None:
            raise ValidationError.single(field, "date_invalid")
        parts = (m.group(1), m.group(2), m.group(3))
    year, month, day = (int(p) for p in parts)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValidationError.single(field, "date_invalid")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError.single(field, "date_invalid") from None


# --- quantities ----------------------------------------------------------------------------------

_QTY = re.compile(r"([+-]?)0*([0-9]+)", re.ASCII)


def validate_qty(
    value: object, field: str = "qty", *, minimum: int = 1, maximum: int = 100000
) -> int:
    """A whole quantity between `minimum` and `maximum`; "1.5", "2.0" and "-1" are refused."""
    if isinstance(value, (bool, float)):
        raise ValidationError.single(field, "qty_invalid")
    if isinstance(value, int):
        qty = value
    elif isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValidationError.single(field, "qty_invalid")
        qty = int(value)
    else:
        text = _as_text(value, field, "qty_invalid")
        m = _QTY.fullmatch(_WS.sub("", to_halfwidth(text)))
        if m is None:
            raise ValidationError.single(field, "qty_invalid")
        sign, digits = m.groups()
        if len(digits) > 18:  # far beyond any limit; avoids int() of a 10 kB string
            if sign == "-":
                raise ValidationError.single(field, "qty_too_small", min=minimum)
            raise ValidationError.single(field, "qty_too_large", max=maximum)
        qty = -int(digits) if sign == "-" else int(digits)
    if qty < minimum:
        raise ValidationError.single(field, "qty_too_small", min=minimum)
    if qty > maximum:
        raise ValidationError.single(field, "qty_too_large", max=maximum)
    return qty
