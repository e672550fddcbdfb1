"""Tests for money parsing, cents conversion and formatting (app.domain.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import CENT, MAX_AMOUNT, format_money, from_cents, parse_money, to_cents
from app.domain.validation import ERROR_CODES


def error_of(*args, **kwargs):
    with pytest.raises(ValidationError) as info:
        parse_money(*args, **kwargs)
    assert len(info.value.errors) == 1
    err = info.value.errors[0]
    assert err.code in ERROR_CODES
    return err


def test_constants() -> None:
    assert Decimal("0.01") == CENT
    assert Decimal("99999999.99") == MAX_AMOUNT


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("0", "0.00"),
        ("0.00", "0.00"),
        ("-0", "0.00"),
        ("0.01", "0.01"),
        (".5", "0.50"),
        ("12", "12.00"),
        ("12.5", "12.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("¥12", "12.00"),
        ("￥12", "12.00"),
        ("¥ 1,234.50", "1234.50"),
        ("12元", "12.00"),
        ("12.50 元", "12.50"),
        ("RMB 12", "12.00"),
        ("rmb12", "12.00"),
        ("12 CNY", "12.00"),
        ("CNY 1,000", "1000.00"),
        ("人民币500元", "500.00"),
        ("  499.99  ", "499.99"),
        ("\u3000８８．８\u3000", "88.80"),
        ("１，２３４．５０", "1234.50"),
        ("￥１２", "12.00"),
        ("+12", "12.00"),
        ("1.000", "1.00"),  # trailing zeros change nothing: not rounding
        ("007", "7.00"),
        ("99999999.99", "99999999.99"),
        (0, "0.00"),
        (12, "12.00"),
        (Decimal("12.3"), "12.30"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("1.000"), "1.00"),
    ],
)
def test_parse_money_good(raw: object, amount: str) -> None:
    result = parse_money(raw)
    assert isinstance(result, Decimal)
    assert result == Decimal(amount)
    assert str(result) == amount  # quantized to cents, never "-0.00"
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("1.005", "money_too_many_decimals", {"places": 2}),
        ("0.001", "money_too_many_decimals", {"places": 2}),
        ("12.345", "money_too_many_decimals", {"places": 2}),
        (Decimal("0.005"), "money_too_many_decimals", {"places": 2}),
        ("-1", "money_negative", {}),
        ("-0.01", "money_negative", {}),
        ("¥-12", "money_negative", {}),
        ("-¥12", "money_negative", {}),
        ("−5", "money_negative", {}),  # U+2212 minus sign
        ("－５", "money_negative", {}),  # full-width minus
        (-1, "money_negative", {}),
        (Decimal("-0.01"), "money_negative", {}),
        ("abc", "money_invalid", {}),
        ("12abc", "money_invalid", {}),
        ("1,23", "money_invalid", {}),  # bad grouping is not silently 123
        ("1,2345", "money_invalid", {}),
        ("12,", "money_invalid", {}),
        ("1.2.3", "money_invalid", {}),
        ("12.", "money_invalid", {}),
        (".", "money_invalid", {}),
        ("¥", "money_invalid", {}),
        ("元", "money_invalid", {}),
        ("--12", "money_invalid", {}),
        ("-¥-12", "money_invalid", {}),
        ("1e3", "money_invalid", {}),
        ("1_000", "money_invalid", {}),
        ("NaN", "money_invalid", {}),
        ("Infinity", "money_invalid", {}),
        ("1 234", "money_invalid", {}),
        ("١٢", "money_invalid", {}),  # Arabic-Indic digits
        ("$12", "money_invalid", {}),
        ("12 USD", "money_invalid", {}),
        ("'; DROP TABLE refunds; --", "money_invalid", {}),
        (Decimal("NaN"), "money_invalid", {}),
        (Decimal("sNaN"), "money_invalid", {}),
        (Decimal("Infinity"), "money_invalid", {}),
        ("100000000", "money_too_large", {"max": "99999999.99"}),
        ("99999999.991", "money_too_large", {"max": "99999999.99"}),
        ("9" * 10_000, "money_too_large", {"max": "99999999.99"}),
        (10**30, "money_too_large", {"max": "99999999.99"}),
        (Decimal("1E+400"), "money_too_large", {"max": "99999999.99"}),
        ("", "required", {}),
        ("   ", "required", {}),
        (None, "required", {}),
        (["12"], "money_invalid", {}),
    ],
)
def test_parse_money_bad(raw: object, code: str, params: dict) -> None:
    err = error_of(raw, "refund")
    assert (err.field, err.code, err.params) == ("refund", code, params)


@pytest.mark.parametrize("raw", [1.5, 0.0, float("nan"), True, False])
def test_parse_money_float_is_a_programming_error(raw: object) -> None:
    with pytest.raises(TypeError):
        parse_money(raw)


def test_parse_money_allow_zero_and_maximum() -> None:
    err = error_of("0", allow_zero=False)
    assert (err.field, err.code) == ("amount", "money_zero")
    assert error_of("0.00", allow_zero=False).code == "money_zero"
    assert parse_money("0.01", allow_zero=False) == CENT
    assert parse_money("500", maximum=Decimal(500)) == Decimal("500.00")
    err = error_of("500.01", maximum=Decimal(500))
    assert (err.code, err.params) == ("money_too_large", {"max": "500"})
    assert parse_money("123456789012.34", maximum=None) == Decimal("123456789012.34")


def test_parse_money_tiny_decimals_are_errors_not_rounding() -> None:
    assert error_of("1." + "0" * 50 + "1").code == "money_too_many_decimals"
    assert parse_money("1." + "0" * 50) == Decimal("1.00")


# --- cents --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        (Decimal(0), 0),
        (Decimal("0.01"), 1),
        (Decimal("12.34"), 1234),
        (Decimal("1234.5"), 123450),
        (Decimal("-12.34"), -1234),
        (Decimal("99999999.99"), 9999999999),
        (7, 700),
    ],
)
def test_to_and_from_cents(amount: Decimal, cents: int) -> None:
    assert to_cents(amount) == cents
    back = from_cents(cents)
    assert back == amount
    assert back.as_tuple().exponent == -2


def test_to_cents_refuses_fractions_of_a_cent_and_floats() -> None:
    with pytest.raises(ValueError):
        to_cents(Decimal("0.005"))
    with pytest.raises(ValueError):
        to_cents(Decimal("NaN"))
    with pytest.raises(TypeError):
        to_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_cents("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_cents(12.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_cents(True)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_property_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False))
def test_property_parse_format_round_trip(amount: Decimal) -> None:
    text = format_money(amount)
    assert parse_money(text) == amount
    assert parse_money(str(amount)) == amount
    assert parse_money(text.replace("¥", "") + "元") == amount


# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("1234.5"), "CNY", "¥1,234.50"),
        (Decimal(0), "CNY", "¥0.00"),
        (Decimal("-0.00"), "CNY", "¥0.00"),
        (Decimal("0.01"), "CNY", "¥0.01"),
        (Decimal(-12), "CNY", "-¥12.00"),
        (Decimal("99999999.99"), "CNY", "¥99,999,999.99"),
        (Decimal("1234567.891"), "CNY", "¥1,234,567.89"),
        (Decimal("0.005"), "CNY", "¥0.01"),  # display rounds half-up
        (12, "RMB", "¥12.00"),
        (Decimal(5), "USD", "$5.00"),
        (Decimal(5), "JPY", "JPY 5.00"),
    ],
)
def test_format_money(amount: Decimal, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text


def test_format_money_default_currency_and_float_refused() -> None:
    assert format_money(Decimal("1234.50")) == "¥1,234.50"
    with pytest.raises(TypeError):
        format_money(1234.5)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_property_parse_money_text_only_validation_errors(value: str) -> None:
    try:
        result = parse_money(value)
    except ValidationError as exc:
        assert all(e.code in ERROR_CODES for e in exc.errors)
    else:
        assert Decimal(0) <= result <= MAX_AMOUNT
        assert result == result.quantize(CENT)
