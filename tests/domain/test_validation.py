"""Tests for the pure input validators (app.domain.validation)."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import validation as V
from app.domain.codes import CaseKind, Category, Reason, ServiceClass
from app.domain.errors import FieldError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import (
    ERROR_CODES,
    Collector,
    Validator,
    luhn_ok,
    mask_phone,
    to_halfwidth,
    validate_choice,
    validate_date,
    validate_imei,
    validate_imeisv,
    validate_landline,
    validate_meid,
    validate_mobile,
    validate_person_name,
    validate_phone,
    validate_qty,
    validate_serial,
    validate_text,
)

DOMAIN_DIR = Path(V.__file__).parent


def error_of(fn, *args, **kwargs) -> FieldError:
    """The single FieldError raised by fn(*args, **kwargs)."""
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert len(info.value.errors) == 1
    err = info.value.errors[0]
    assert err.code in ERROR_CODES
    return err


# --- the module's contract ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["validation.py", "money.py"])
def test_domain_modules_import_no_ui_db_or_i18n(name: str) -> None:
    tree = ast.parse((DOMAIN_DIR / name).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    for mod in imported:
        assert not mod.startswith(("tkinter", "peewee", "app.i18n")), mod


def test_error_codes_are_unique_snake_case() -> None:
    assert len(ERROR_CODES) == len(set(ERROR_CODES))
    for code in ERROR_CODES:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code


def test_every_code_raised_in_the_source_is_listed() -> None:
    """Each string literal passed as a code to ValidationError.single/Collector.add is listed."""
    for name in ("validation.py", "money.py"):
        source = (DOMAIN_DIR / name).read_text(encoding="utf-8")
        for code in re.findall(r"\.single\(\s*\w+,\s*\"([a-z_]+)\"", source):
            assert code in ERROR_CODES, (name, code)
        for code in re.findall(r"_as_text\(\w+, \w+, \"([a-z_]+)\"\)", source):
            assert code in ERROR_CODES, (name, code)


def test_to_halfwidth() -> None:
    assert to_halfwidth("１３８（０１０）＋８６－ａＢ\u3000，") == "138(010)+86-aB ,"
    assert to_halfwidth("1\u20132\u20143\u22124") == "1-2-3-4"
    assert to_halfwidth("王小明") == "王小明"


# --- Collector ----------------------------------------------------------------------------------


def test_collector_collects_every_error_and_returns_clean_values() -> None:
    v = Collector()
    phone = v.check("phone", validate_mobile, "138 1234 8000")
    bad_phone = v.check("phone2", validate_mobile, "12345")
    kind = v.check("kind", validate_choice, "Return", CaseKind)
    qty = v.check("qty", validate_qty, "0", maximum=5)
    amount = v.check("amount", parse_money, "1.005")
    assert phone == "13812348000"
    assert bad_phone is None and qty is None and amount is None
    assert kind is CaseKind.RETURN
    assert v.has_errors() and v.has_errors("qty") and not v.has_errors("phone")
    with pytest.raises(ValidationError) as info:
        v.raise_if_errors()
    codes = {(e.field, e.code) for e in info.value.errors}
    assert codes == {
        ("phone2", "phone_invalid"),
        ("qty", "qty_too_small"),
        ("amount", "money_too_many_decimals"),
    }
    assert info.value.params["fields"] == ["phone2", "qty", "amount"]


def test_collector_optional_and_add() -> None:
    v = Validator()
    assert v.check("phone", validate_phone, None, optional=True) is None
    assert v.check("phone", validate_phone, "   ", optional=True) is None
    assert v.check("sold", validate_date, "", optional=True) is None
    v.raise_if_errors()  # nothing recorded: no raise
    assert v.check("phone", validate_phone, None) is None
    v.add("promised", "date_too_early", min="2024-03-01")
    assert [(e.field, e.code) for e in v.errors] == [
        ("phone", "required"),
        ("promised", "date_too_early"),
    ]
    assert v.errors[1].params == {"min": "2024-03-01"}
    with pytest.raises(ValidationError):
        v.raise_if_errors()


def test_collector_does_not_swallow_programming_errors() -> None:
    v = Collector()
    with pytest.raises(TypeError):
        v.check("amount", parse_money, 1.5)


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  屏幕碎了  ", "屏幕碎了"),
        ("line 1\r\nline 2\rline 3", "line 1\nline 2\nline 3"),
        ("a\tb", "a\tb"),
        ("😀 emoji 👨‍👩‍👧", "😀 emoji 👨‍👩‍👧"),
        ("'; DROP TABLE cases; --", "'; DROP TABLE cases; --"),
        ("", ""),
        ("   ", ""),
        (None, ""),
        (123, "123"),
    ],
)
def test_validate_text_good(raw: object, clean: str) -> None:
    assert validate_text(raw, "note") == clean


@pytest.mark.parametrize(
    ("raw", "char"),
    [
        ("a\x00b", "U+0000"),
        ("bell\x07", "U+0007"),
        ("esc\x1b[31m", "U+001B"),
        ("abc\u202eevil", "U+202E"),
        ("x\ud800y", "U+D800"),
        ("del\x7f", "U+007F"),
    ],
)
def test_validate_text_control_chars(raw: str, char: str) -> None:
    err = error_of(validate_text, raw, "note")
    assert (err.field, err.code, err.params) == ("note", "control_chars", {"char": char})


def test_validate_text_single_line_rejects_newline() -> None:
    assert error_of(validate_text, "a\nb", "model", multiline=False).code == "control_chars"
    assert validate_text("  a b ", "model", multiline=False) == "a b"


def test_validate_text_required_and_length() -> None:
    for raw in (None, "", " \n\t "):
        err = error_of(validate_text, raw, "fault", required=True)
        assert (err.field, err.code) == ("fault", "required")
    assert validate_text("x" * 200, "note") == "x" * 200
    err = error_of(validate_text, "x" * 201, "note")
    assert (err.code, err.params) == ("too_long", {"max": 200, "length": 201})
    err = error_of(validate_text, "好" * 10_000, "note", max_len=500)
    assert (err.code, err.params) == ("too_long", {"max": 500, "length": 10_000})
    assert validate_text("  " + "x" * 10 + "  ", "note", max_len=10) == "x" * 10


def test_validate_text_rejects_unsupported_types() -> None:
    assert error_of(validate_text, ["a"], "note").code == "invalid"
    assert error_of(validate_text, b"bytes", "note").code == "invalid"


# --- person names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("王小明", "王小明"),
        ("  李  四 ", "李 四"),
        ("欧阳\u3000娜娜", "欧阳 娜娜"),
        ("Zhang Wei", "Zhang Wei"),
        ("王先生2", "王先生2"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("张\n三", "张 三"),
        ("王", "王"),
        ("A" * 40, "A" * 40),
    ],
)
def test_validate_person_name_good(raw: str, clean: str) -> None:
    assert validate_person_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "required"),
        ("", "required"),
        ("   ", "required"),
        ("13812348000", "name_invalid"),
        ("１２３", "name_invalid"),
        ("123 456", "name_invalid"),
        ("???", "name_invalid"),
        ("😀", "name_invalid"),
        ("王\x00明", "control_chars"),
        ("王\u202e明", "control_chars"),
        ("A" * 41, "too_long"),
        (["王"], "invalid"),
    ],
)
def test_validate_person_name_bad(raw: object, code: str) -> None:
    err = error_of(validate_person_name, raw)
    assert (err.field, err.code) == ("name", code)


def test_validate_person_name_field_and_limit() -> None:
    err = error_of(validate_person_name, "x" * 41, "contact")
    assert (err.field, err.code, err.params) == ("contact", "too_long", {"max": 40, "length": 41})


# --- choices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "enum_cls", "member"),
    [
        ("repair", CaseKind, CaseKind.REPAIR),
        ("REPAIR", CaseKind, CaseKind.REPAIR),
        (" Carrier-Damage ", CaseKind, CaseKind.CARRIER_DAMAGE),
        ("carrier_damage", CaseKind, CaseKind.CARRIER_DAMAGE),
        ("memory_card", Category, Category.MEMORY_CARD),
        ("Memory-Card", Category, Category.MEMORY_CARD),
        ("bluetooth_headset", Category, Category.BLUETOOTH_HEADSET),
        ("a", ServiceClass, ServiceClass.A),
        ("Ｂ", ServiceClass, ServiceClass.B),
        ("no-reason", Reason, Reason.NO_REASON),
        (Reason.QUALITY, Reason, Reason.QUALITY),
    ],
)
def test_validate_choice_good(raw: object, enum_cls: type, member: object) -> None:
    assert validate_choice(raw, "kind", enum_cls) is member


@pytest.mark.parametrize("raw", ["repairs", "维修", "re pair", "x" * 10_000, 3, ["repair"]])
def test_validate_choice_bad(raw: object) -> None:
    err = error_of(validate_choice, raw, "kind", CaseKind)
    assert (err.field, err.code) == ("kind", "not_a_choice")
    assert err.params == {"choices": [k.value for k in CaseKind]}


def test_validate_choice_other_enum_member_and_blank() -> None:
    assert error_of(validate_choice, Category.PHONE, "kind", CaseKind).code == "not_a_choice"
    assert error_of(validate_choice, "  ", "kind", CaseKind).code == "required"
    assert error_of(validate_choice, None, "kind", CaseKind).code == "required"


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812348000",
        "138 1234 8000",
        "138-1234-8000",
        "138.1234.8000",
        "(138)12348000",
        "+8613812348000",
        "+86 138 1234 8000",
        "+86-138-1234-8000",
        "008613812348000",
        "0086 138 1234 8000",
        "8613812348000",
        "１３８１２３４８０００",
        "＋８６ １３８ １２３４ ８０００",
        "１３８－１２３４－８０００",
        "\u3000138 1234 8000\u3000",
        "138\u20131234\u20138000",
        13812348000,
    ],
)
def test_validate_mobile_good(raw: object) -> None:
    assert validate_mobile(raw) == "13812348000"


@pytest.mark.parametrize("second", "3456789")
def test_validate_mobile_all_prefixes(second: str) -> None:
    assert validate_mobile(f"1{second}012345678") == f"1{second}012345678"


@pytest.mark.parametrize(
    "raw",
    [
        "12812348000",  # 12x is not a mobile prefix
        "10812348000",
        "1381234800",  # 10 digits
        "138123480001",  # 12 digits
        "23812348000",
        "+8713812348000",  # not China
        "+13812348000",
        "86 12812348000",
        "0013812348000",
        "abc",
        "1381234800O",  # letter O
        "١٣٨١٢٣٤٨٠٠٠",  # Arabic-Indic digits are not phone digits here
        "138/1234/8000",
        "13812348000转1",
        "010-12345678",  # a landline is not a mobile
        "1" * 10_000,
        "+86+8613812348000",
        [13812348000],
    ],
)
def test_validate_mobile_bad(raw: object) -> None:
    err = error_of(validate_mobile, raw, "mobile")
    assert (err.field, err.code, err.params) == ("mobile", "phone_invalid", {})


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_validate_phones_required(raw: object) -> None:
    for fn in (validate_mobile, validate_landline, validate_phone):
        assert error_of(fn, raw).code == "required"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("010 1234 5678", "010-12345678"),
        ("(010)12345678", "010-12345678"),
        ("（０１０）１２３４５６７８", "010-12345678"),
        ("021-87654321", "021-87654321"),
        ("0755-88886666", "0755-88886666"),
        ("075588886666", "0755-88886666"),
        ("0755-8888666", "0755-8888666"),
        ("0571 8888 6666", "0571-88886666"),
        ("010-12345678-123", "010-12345678-123"),
        ("010-12345678转123", "010-12345678-123"),
        ("010-12345678 转 123", "010-12345678-123"),
        ("010-12345678 ext. 123", "010-12345678-123"),
        ("010-12345678 EXT 9", "010-12345678-9"),
        ("010-12345678分机88", "010-12345678-88"),
        ("010-12345678#88", "010-12345678-88"),
        ("+86 10 12345678", "010-12345678"),
        ("+86-755-88886666", "0755-88886666"),
        ("0086 755 88886666", "0755-88886666"),
        ("+86 (0)10 12345678", "010-12345678"),
    ],
)
def test_validate_landline_good(raw: str, clean: str) -> None:
    assert validate_landline(raw) == clean
    assert validate_phone(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "12345678",  # no area code
        "1012345678",  # area code without 0 and without +86
        "010-123456",  # 6-digit local number
        "010-123456789",  # 9-digit local number
        "0755-8888",
        "0155-88886666",  # no 01x area other than 010
        "13812348000",  # a mobile is not a landline
        "010-12345678-",
        "010-12345678转",
        "010-12345678-1234567",  # extension too long
        "010—12345678—abc",
        "+1 10 12345678",
        "010_12345678",
        "0" * 10_000,
    ],
)
def test_validate_landline_bad(raw: str) -> None:
    assert error_of(validate_landline, raw).code == "phone_invalid"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("+86 138 1234 8000", "13812348000"),
        ("0086-13812348000", "13812348000"),
        ("０７５５－８８８８６６６６", "0755-88886666"),
        ("010-12345678转8", "010-12345678-8"),
    ],
)
def test_validate_phone_accepts_either(raw: str, clean: str) -> None:
    assert validate_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "phone", "+44 20 7946 0958", "138123480001", "☎"])
def test_validate_phone_bad(raw: str) -> None:
    err = error_of(validate_phone, raw, "contact_phone")
    assert (err.field, err.code) == ("contact_phone", "phone_invalid")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812348000", "138****8000"),
        ("+86 138 1234 8000", "138****8000"),
        ("010-12345678", "010-12****78"),
        ("0755-8888666", "0755-88***66"),
        ("010-12345678-123", "010-12****78-123"),
        ("", ""),
        (None, ""),
        ("12", "**"),
        ("hello world", "he*******ld"),
    ],
)
def test_mask_phone(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


def test_mask_phone_hides_the_middle_of_anything() -> None:
    out = mask_phone("abcdefghijklmnopqrstuvwxyz0123456789")
    assert out.startswith("abcd") and out.endswith("6789") and "m" not in out


# --- IMEI / MEID / serial -----------------------------------------------------------------------

VALID_IMEIS = ["490154203237518", "356938035643809"]


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("490154203237518", True),
        ("356938035643809", True),
        ("79927398713", True),
        ("0", True),
        ("490154203237519", False),
        ("356938035643808", False),
        ("79927398710", False),
        ("", False),
        ("4901542032375l8", False),
        ("４９０１５４２０３２３７５１８", False),  # full-width: normalise first
        ("١٢٣", False),
    ],
)
def test_luhn_ok(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("490154203237518", "490154203237518"),
        ("356938035643809", "356938035643809"),
        ("49-015420-323751-8", "490154203237518"),
        ("35 693803 564380 9", "356938035643809"),
        ("３５６９３８０３５６４３８０９", "356938035643809"),
        (" 356938035643809\n", "356938035643809"),
    ],
)
def test_validate_imei_good(raw: str, clean: str) -> None:
    assert validate_imei(raw) == clean


@pytest.mark.parametrize("good", VALID_IMEIS)
@pytest.mark.parametrize("position", range(15))
def test_validate_imei_catches_single_digit_typos(good: str, position: int) -> None:
    wrong = str((int(good[position]) + 1) % 10)
    typo = good[:position] + wrong + good[position + 1 :]
    err = error_of(validate_imei, typo)
    assert (err.field, err.code) == ("imei", "imei_checksum")


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("49015420323751", "imei_length", {"expected": 15, "length": 14}),
        ("4901542032375180", "imei_length", {"expected": 15, "length": 16}),
        ("1" * 10_000, "imei_length", {"expected": 15, "length": 10_000}),
        ("49015420323751X", "imei_invalid", {}),
        ("IMEI:490154203237518", "imei_invalid", {}),
        ("490154203237519", "imei_checksum", {}),
        ("", "required", {}),
        (None, "required", {}),
    ],
)
def test_validate_imei_bad(raw: str | None, code: str, params: dict) -> None:
    err = error_of(validate_imei, raw)
    assert (err.code, err.params) == (code, params)


def test_validate_imeisv() -> None:
    assert validate_imeisv("35-693803-564380-12") == "3569380356438012"
    assert validate_imeisv("４９０１５４２０３２３７５１９９") == "4901542032375199"
    err = error_of(validate_imeisv, "356938035643809")
    assert (err.field, err.code, err.params) == (
        "imeisv",
        "imei_length",
        {"expected": 16, "length": 15},
    )
    assert error_of(validate_imeisv, "35693803564380AB").code == "imei_invalid"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("A10000009296F2", "A10000009296F2"),
        ("a10000009296f2", "A10000009296F2"),
        ("A1 000000 9296F2", "A10000009296F2"),
        ("A1-000000-9296F2", "A10000009296F2"),
        ("Ａ１００００００９２９６Ｆ２", "A10000009296F2"),
        ("99000123456789", "99000123456789"),
    ],
)
def test_validate_meid_good(raw: str, clean: str) -> None:
    assert validate_meid(raw) == clean


@pytest.mark.parametrize(
    "raw", ["A10000009296F", "A10000009296F23", "G10000009296F2", "A10000009296F!", "ＡＢＣ"]
)
def test_validate_meid_bad(raw: str) -> None:
    err = error_of(validate_meid, raw)
    assert (err.field, err.code) == ("meid", "meid_invalid")


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("490154203237518", ("imei", "490154203237518")),
        ("35-693803-564380-9", ("imei", "356938035643809")),
        ("３５６９３８０３５６４３８０９", ("imei", "356938035643809")),
        ("3569380356438012", ("imeisv", "3569380356438012")),
        ("a10000009296f2", ("meid", "A10000009296F2")),
        ("C02XK0ABJGH5", ("serial", "C02XK0ABJGH5")),
        ("SN-2024/0001", ("serial", "SN-2024/0001")),
        ("R58M 123 ABC", ("serial", "R58M123ABC")),
        ("ＳＮ１２３４", ("serial", "SN1234")),
        ("ABCD", ("serial", "ABCD")),
        ("A" * 30, ("serial", "A" * 30)),
        ("12345678", ("serial", "12345678")),
        ("4901542032375180123", ("serial", "4901542032375180123")),
    ],
)
def test_validate_serial_good(raw: str, result: tuple[str, str]) -> None:
    assert validate_serial(raw) == result


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("490154203237519", "imei_checksum"),  # 15 digits must be a real IMEI
        ("35-693803-564380-8", "imei_checksum"),
        ("ABC", "serial_invalid"),
        ("A" * 31, "serial_invalid"),
        ("SN_1234", "serial_invalid"),
        ("序列号1234", "serial_invalid"),
        ("1234; DROP TABLE", "serial_invalid"),
        ("😀😀😀😀", "serial_invalid"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_validate_serial_bad(raw: str | None, code: str) -> None:
    err = error_of(validate_serial, raw)
    assert (err.field, err.code) == ("serial", code)
    if code == "serial_invalid":
        assert err.params == {"min": 4, "max": 30}


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-05",
        "2024-3-5",
        "2024/03/05",
        "2024/3/5",
        "2024.03.05",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        "2024年3月5号",
        "2024 年 3 月 5 日",
        "２０２４－０３－０５",
        "２０２４年３月５日",
        "２０２４／３／５",
        "20240305",
        " 2024-03-05 ",
        date(2024, 3, 5),
        datetime(2024, 3, 5, 23, 59),
    ],
)
def test_validate_date_good(raw: object) -> None:
    assert validate_date(raw, "sold_on") == date(2024, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-03-5x",
        "2024-03/05",  # mixed separators
        "24-03-05",
        "05/03/2024",
        "2024-03-05T10:00",
        "0024-03-05",
        "3024-03-05",
        "yesterday",
        "2024年3月",
        "２０２４年１３月１日",
        "9" * 10_000,
        ["2024-03-05"],
        20240305.0,
    ],
)
def test_validate_date_bad(raw: object) -> None:
    err = error_of(validate_date, raw, "sold_on")
    assert (err.field, err.code, err.params) == ("sold_on", "date_invalid", {})


def test_validate_date_leap_day() -> None:
    assert validate_date("2024-02-29") == date(2024, 2, 29)


def test_validate_date_bounds() -> None:
    today = date(2024, 3, 5)
    assert validate_date("2024-03-05", not_after=today) == today
    err = error_of(validate_date, "2024-03-06", "sold_on", not_after=today)
    assert (err.field, err.code, err.params) == ("sold_on", "date_in_future", {"max": "2024-03-05"})
    assert validate_date("2024-01-01", not_before=date(2024, 1, 1)) == date(2024, 1, 1)
    err = error_of(validate_date, date(2023, 12, 31), not_before=date(2024, 1, 1))
    assert (err.field, err.code, err.params) == ("date", "date_too_early", {"min": "2024-01-01"})


def test_validate_date_required() -> None:
    assert error_of(validate_date, None).code == "required"
    assert error_of(validate_date, "  ").code == "required"


# --- quantities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "qty"),
    [
        ("1", 1),
        (" 12 ", 12),
        ("+3", 3),
        ("007", 7),
        ("１２", 12),
        ("100000", 100000),
        ("1 000", 1000),
        (5, 5),
        (Decimal(4), 4),
        (Decimal("4.00"), 4),
    ],
)
def test_validate_qty_good(raw: object, qty: int) -> None:
    assert validate_qty(raw) == qty


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("0", "qty_too_small", {"min": 1}),
        ("-1", "qty_too_small", {"min": 1}),
        ("－２", "qty_too_small", {"min": 1}),
        (0, "qty_too_small", {"min": 1}),
        ("100001", "qty_too_large", {"max": 100000}),
        ("9" * 10_000, "qty_too_large", {"max": 100000}),
        ("-" + "9" * 10_000, "qty_too_small", {"min": 1}),
        ("1.5", "qty_invalid", {}),
        ("2.0", "qty_invalid", {}),
        ("1e3", "qty_invalid", {}),
        ("1_000", "qty_invalid", {}),
        ("1,000", "qty_invalid", {}),
        ("三", "qty_invalid", {}),
        ("٣", "qty_invalid", {}),
        ("²", "qty_invalid", {}),
        ("--1", "qty_invalid", {}),
        (2.0, "qty_invalid", {}),
        (True, "qty_invalid", {}),
        (Decimal("1.5"), "qty_invalid", {}),
        (Decimal("NaN"), "qty_invalid", {}),
        ("", "required", {}),
        (None, "required", {}),
    ],
)
def test_validate_qty_bad(raw: object, code: str, params: dict) -> None:
    err = error_of(validate_qty, raw)
    assert (err.field, err.code, err.params) == ("qty", code, params)


def test_validate_qty_custom_range() -> None:
    assert validate_qty("0", "received", minimum=0) == 0
    assert validate_qty("5", maximum=5) == 5
    err = error_of(validate_qty, "6", "received", minimum=0, maximum=5)
    assert (err.field, err.code, err.params) == ("received", "qty_too_large", {"max": 5})


# --- hostile input: only ValidationError, only listed codes -------------------------------------

VALIDATORS = [
    validate_text,
    validate_person_name,
    validate_mobile,
    validate_landline,
    validate_phone,
    validate_imei,
    validate_imeisv,
    validate_meid,
    validate_serial,
    validate_date,
    validate_qty,
    parse_money,
    lambda value: validate_text(value, "note", required=True, max_len=5, multiline=False),
    lambda value: validate_date(value, not_after=date(2024, 1, 1), not_before=date(2000, 1, 1)),
    lambda value: parse_money(value, allow_zero=False, maximum=None),
    lambda value: validate_choice(value, "kind", CaseKind),
    lambda value: validate_choice(value, "category", Category),
    lambda value: validate_choice(value, "class", ServiceClass),
]

# Characters that reach deeper branches: digits in several scripts, separators, markers.
_INTERESTING = st.sampled_from(
    list("0123456789０１２３４５６７８９+-.,/ ()（）年月日号转#¥￥元xXaAfFgG\u3000\u2212\n\t\x00")
    + ["+86", "0086", "010", "0755", "ext.", "RMB", "CNY", "1e5", "NaN", "Infinity", "\ud800"]
)
_HOSTILE_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.lists(_INTERESTING, max_size=25).map("".join),
    st.builds(lambda s, n: s * n, st.text(max_size=3), st.integers(0, 4000)),
)


def _assert_only_validation_errors(fn, value: object) -> None:
    try:
        fn(value)
    except ValidationError as exc:
        assert exc.errors
        for err in exc.errors:
            assert err.code in ERROR_CODES, err.code
            assert isinstance(err.params, dict)


@settings(max_examples=300, deadline=None)
@given(value=_HOSTILE_TEXT)
def test_every_validator_returns_or_raises_validation_error(value: str) -> None:
    for fn in VALIDATORS:
        _assert_only_validation_errors(fn, value)
    assert isinstance(mask_phone(value), str)
    assert isinstance(luhn_ok(value), bool)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "😀" * 5000,
        "x" * 10_240,
        "\x00\x01\x02",
        "'; DROP TABLE customers; --",
        "<script>alert(1)</script>",
        "\ud800\udfff",
        "١٢٣٤٥٦٧٨٩٠١",
        "NaN",
        "sNaN",
        "-Infinity",
        "1e999999999",
        "%s%s%s{0}",
    ],
)
def test_hostile_examples(value: str | None) -> None:
    for fn in VALIDATORS:
        _assert_only_validation_errors(fn, value)
    assert isinstance(mask_phone(value), str)


@given(
    digits=st.text(alphabet="0123456789", min_size=14, max_size=14),
)
def test_property_imei_with_computed_check_digit_is_valid(digits: str) -> None:
    check = next(str(d) for d in range(10) if luhn_ok(digits + str(d)))
    assert validate_imei(digits + check) == digits + check
    assert validate_serial(digits + check) == ("imei", digits + check)
    assert sum(luhn_ok(digits + str(d)) for d in range(10)) == 1


@given(
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9), second=st.sampled_from("3456789")
)
def test_property_mobile_round_trip(rest: str, second: str) -> None:
    number = "1" + second + rest
    full = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    for raw in (number, "+86 " + number, "0086" + number, full, dashed):
        assert validate_mobile(raw) == number
        assert validate_phone(raw) == number
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[7:]
