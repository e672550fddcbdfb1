"""Three guarantees (三包) and the 7-day no-reason return, decided for a day."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.codes import Category
from app.domain.errors import ValidationError
from app.domain.rules.entitlement import (
    BASIS_CODES,
    BASIS_EXPLANATIONS,
    RIGHTS,
    Entitlement,
    decide_entitlement,
)
from app.domain.settings import Settings, WarrantySettings

D = date.fromisoformat
W = WarrantySettings()

# id, category, sold, on, options, rights that hold ("repeat" = repeat_failure_exchange)
CASES: list[tuple[str, str, str, str, dict[str, Any], str]] = [
    # Phone handset: 7 days return/exchange, 15 days exchange, 12 months free repair.
    ("phone-day-of-sale", "phone", "2025-03-01", "2025-03-01", {}, "return exchange free_repair"),
    (
        "phone-day-7-last-return",
        "phone",
        "2025-03-01",
        "2025-03-08",
        {},
        "return exchange free_repair",
    ),
    ("phone-day-8-no-return", "phone", "2025-03-01", "2025-03-09", {}, "exchange free_repair"),
    ("phone-day-15-last-exchange", "phone", "2025-03-01", "2025-03-16", {}, "exchange free_repair"),
    ("phone-day-16-repair-only", "phone", "2025-03-01", "2025-03-17", {}, "free_repair"),
    ("phone-12m-last-day", "phone", "2025-03-01", "2026-03-01", {}, "free_repair"),
    ("phone-12m-next-day", "phone", "2025-03-01", "2026-03-02", {}, ""),
    ("phone-aug31-12m-in", "phone", "2024-08-31", "2025-08-31", {}, "free_repair"),
    ("phone-aug31-12m-out", "phone", "2024-08-31", "2025-09-01", {}, ""),
    (
        "phone-not-intact-day-3",
        "phone",
        "2025-03-01",
        "2025-03-04",
        {"intact": False},
        "exchange free_repair",
    ),
    (
        "phone-man-made-day-3",
        "phone",
        "2025-03-01",
        "2025-03-04",
        {"man_made": True, "unused": True},
        "",
    ),
    ("phone-gift", "phone", "2025-03-01", "2025-03-04", {"gift": True, "unused": True}, ""),
    ("phone-no-fault-found", "phone", "2025-03-01", "2025-03-04", {"defect_confirmed": False}, ""),
    (
        "phone-defect-confirmed",
        "phone",
        "2025-03-01",
        "2025-03-04",
        {"defect_confirmed": True},
        "return exchange free_repair",
    ),
    (
        "phone-unused-day-7",
        "phone",
        "2025-03-01",
        "2025-03-08",
        {"unused": True},
        "no_reason_return return exchange free_repair",
    ),
    (
        "phone-unused-day-8",
        "phone",
        "2025-03-01",
        "2025-03-09",
        {"unused": True},
        "exchange free_repair",
    ),
    (
        "phone-unused-not-intact",
        "phone",
        "2025-03-01",
        "2025-03-02",
        {"unused": True, "intact": False},
        "exchange free_repair",
    ),
    (
        "phone-no-fault-still-no-reason",
        "phone",
        "2025-03-01",
        "2025-03-02",
        {"unused": True, "defect_confirmed": False},
        "no_reason_return",
    ),
    (
        "phone-repair-days-in",
        "phone",
        "2025-03-01",
        "2026-03-11",
        {"repair_days": 10},
        "free_repair",
    ),
    ("phone-repair-days-out", "phone", "2025-03-01", "2026-03-12", {"repair_days": 10}, ""),
    (
        "phone-repair-days-no-exchange-extension",
        "phone",
        "2025-03-01",
        "2025-03-17",
        {"repair_days": 10},
        "free_repair",
    ),
    (
        "phone-repeat-failure",
        "phone",
        "2025-03-01",
        "2025-09-01",
        {"warranty_repairs": 2},
        "exchange free_repair repeat",
    ),
    (
        "phone-repeat-failure-last-day",
        "phone",
        "2025-03-01",
        "2026-03-01",
        {"warranty_repairs": 3},
        "exchange free_repair repeat",
    ),
    (
        "phone-repeat-failure-expired",
        "phone",
        "2025-03-01",
        "2026-03-02",
        {"warranty_repairs": 3},
        "",
    ),
    (
        "phone-one-repair-no-exchange",
        "phone",
        "2025-03-01",
        "2025-09-01",
        {"warranty_repairs": 1},
        "free_repair",
    ),
    (
        "phone-repeat-failure-man-made",
        "phone",
        "2025-03-01",
        "2025-09-01",
        {"warranty_repairs": 2, "man_made": True},
        "",
    ),
    (
        "phone-product-24m",
        "phone",
        "2025-03-01",
        "2026-06-01",
        {"warranty_months": 24},
        "free_repair",
    ),
    (
        "phone-product-6m-ignored",
        "phone",
        "2025-03-01",
        "2025-12-01",
        {"warranty_months": 6},
        "free_repair",
    ),
    # Accessories: exchange of the same model within their period.
    ("battery-aug31-6m-nonleap-in", "battery", "2024-08-31", "2025-02-28", {}, "exchange"),
    ("battery-aug31-6m-nonleap-out", "battery", "2024-08-31", "2025-03-01", {}, ""),
    ("battery-aug31-6m-leap-in", "battery", "2023-08-31", "2024-02-29", {}, "exchange"),
    ("battery-aug31-6m-leap-out", "battery", "2023-08-31", "2024-03-01", {}, ""),
    ("battery-gift", "battery", "2025-03-01", "2025-03-02", {"gift": True}, ""),
    ("headset-3m-in", "headset", "2025-01-31", "2025-04-30", {}, "exchange"),
    ("headset-3m-out", "headset", "2025-01-31", "2025-05-01", {}, ""),
    ("memory-card-3m-in", "memory-card", "2024-11-30", "2025-02-28", {}, "exchange"),
    ("memory-card-3m-out", "memory-card", "2024-11-30", "2025-03-01", {}, ""),
    (
        "memory-card-unused-day-7",
        "memory-card",
        "2025-03-01",
        "2025-03-08",
        {"unused": True},
        "no_reason_return exchange",
    ),
    ("charger-12m-in", "charger", "2025-03-01", "2026-03-01", {}, "exchange"),
    ("charger-12m-out", "charger", "2025-03-01", "2026-03-02", {}, ""),
    ("charger-man-made", "charger", "2025-03-01", "2025-03-02", {"man_made": True}, ""),
    ("bt-headset-feb29-in", "bluetooth-headset", "2024-02-29", "2025-02-28", {}, "exchange"),
    ("bt-headset-feb29-out", "bluetooth-headset", "2024-02-29", "2025-03-01", {}, ""),
    (
        "bt-headset-repair-days",
        "bluetooth-headset",
        "2024-02-29",
        "2025-03-05",
        {"repair_days": 5},
        "exchange",
    ),
    # Generic accessories and other goods: the product's warranty months, free repair.
    (
        "accessory-jan31-1m-leap-in",
        "accessory",
        "2024-01-31",
        "2024-02-29",
        {"warranty_months": 1},
        "free_repair",
    ),
    (
        "accessory-jan31-1m-leap-out",
        "accessory",
        "2024-01-31",
        "2024-03-01",
        {"warranty_months": 1},
        "",
    ),
    (
        "accessory-jan31-1m-nonleap-in",
        "accessory",
        "2025-01-31",
        "2025-02-28",
        {"warranty_months": 1},
        "free_repair",
    ),
    (
        "accessory-jan31-1m-nonleap-out",
        "accessory",
        "2025-01-31",
        "2025-03-01",
        {"warranty_months": 1},
        "",
    ),
    ("accessory-default-3m-in", "accessory", "2025-01-15", "2025-04-15", {}, "free_repair"),
    ("accessory-default-3m-out", "accessory", "2025-01-15", "2025-04-16", {}, ""),
    ("accessory-gift", "accessory", "2025-01-15", "2025-01-16", {"gift": True, "unused": True}, ""),
    ("other-default-12m-in", "other", "2025-03-01", "2026-03-01", {}, "free_repair"),
    ("other-default-12m-out", "other", "2025-03-01", "2026-03-02", {}, ""),
    ("other-no-warranty", "other", "2025-03-01", "2025-03-02", {"warranty_months": 0}, ""),
    (
        "other-no-warranty-no-reason",
        "other",
        "2025-03-01",
        "2025-03-08",
        {"warranty_months": 0, "unused": True},
        "no_reason_return",
    ),
    (
        "other-repeat-failure",
        "other",
        "2025-03-01",
        "2025-10-01",
        {"warranty_repairs": 2},
        "exchange free_repair repeat",
    ),
    ("other-man-made", "other", "2025-03-01", "2025-03-02", {"man_made": True}, ""),
]


def rights_of(ent: Entitlement) -> set[str]:
    held = {k for k in RIGHTS if ent.to_dict()[k]}
    if ent.repeat_failure_exchange:
        held.add("repeat")
    return held


@pytest.mark.parametrize(
    ("category", "sold", "on", "options", "expected"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_entitlement_table(
    category: str, sold: str, on: str, options: dict[str, Any], expected: str
) -> None:
    ent = decide_entitlement(category, D(sold), D(on), W, **options)
    assert rights_of(ent) == set(expected.split())
    for right in RIGHTS:
        if ent.to_dict()[right]:
            last = ent.until[right]
            assert last is not None and D(sold) <= D(on) <= last


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert {c[1] for c in CASES} == {c.value for c in Category}


def test_phone_until_and_basis_order() -> None:
    ent = decide_entitlement(Category.PHONE, D("2024-08-31"), D("2024-09-20"), W, unused=True)
    assert ent.until == {
        "no_reason_return": D("2024-09-07"),
        "return": D("2024-09-07"),
        "exchange": D("2024-09-15"),
        "free_repair": D("2025-08-31"),
    }
    assert [b.code for b in ent.basis] == [
        "sanbao_phone_return",
        "sanbao_phone_exchange",
        "sanbao_phone_repair",
        "defect_to_be_confirmed",
        "expired",
        "expired",
        "expired",
    ]
    assert [b.params["right"] for b in ent.basis if b.code == "expired"] == [
        "no_reason_return",
        "return",
        "exchange",
    ]
    assert ent.basis[0].params == {"days": 7, "until": "2024-09-07"}


def test_to_dict_shape() -> None:
    ent = decide_entitlement("battery", D("2025-03-01"), D("2025-03-02"), W, unused=True)
    d = ent.to_dict()
    assert list(d) == [
        "category",
        "sold",
        "on",
        "no_reason_return",
        "return",
        "exchange",
        "free_repair",
        "until",
        "basis",
        "repeat_failure_exchange",
        "periods_from",
        "received",
    ]
    assert d["category"] == "battery"
    assert d["sold"] == "2025-03-01"
    assert d["until"] == {
        "no_reason_return": "2025-03-08",
        "return": None,
        "exchange": "2025-09-01",
        "free_repair": None,
    }
    assert d["basis"][0] == {
        "code": "sanbao_accessory_exchange",
        "params": {"category": "battery", "months": 6, "until": "2025-09-01"},
    }
    assert {b["code"] for b in d["basis"]} >= {"no_reason_return"}
    assert json.loads(json.dumps(d)) == d
    assert Entitlement.from_dict(d) == ent


def test_gift_has_no_periods() -> None:
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-01"), W, gift=True, unused=True)
    assert ent.until == dict.fromkeys(RIGHTS)
    assert [b.code for b in ent.basis] == ["gift_no_warranty"]
    assert not ent.in_warranty


def test_man_made_keeps_periods_but_no_service() -> None:
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-02"), W, man_made=True)
    assert ent.until["free_repair"] == D("2026-03-01")
    assert ent.has_basis("man_made_no_free_service")
    assert ent.in_warranty  # the period runs; man-made damage just is not covered
    assert not (ent.return_ or ent.exchange or ent.free_repair)


def test_not_intact_and_used_basis() -> None:
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-02"), W, intact=False)
    codes = [b.code for b in ent.basis]
    assert "not_intact_no_return" in codes
    assert "no_reason_return_used" not in codes  # already explained by the damage
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-02"), W)
    assert ent.has_basis("no_reason_return_used")


def test_repair_days_extend_basis_and_product_warranty() -> None:
    ent = decide_entitlement(
        "phone", D("2025-03-01"), D("2025-03-02"), W, repair_days=4, warranty_months=24
    )
    assert ent.until["free_repair"] == D("2027-03-05")
    codes = [b.code for b in ent.basis]
    assert codes.index("product_warranty") < codes.index("repair_days_extend")
    assert ent.basis[codes.index("product_warranty")].params["source"] == "product"


def test_repeat_failure_extends_exchange_until() -> None:
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-09-01"), W, warranty_repairs=2)
    assert ent.until["exchange"] == ent.until["free_repair"] == D("2026-03-01")
    basis = next(b for b in ent.basis if b.code == "repeat_failure_exchange")
    assert basis.params == {"repairs": 2, "limit": 2, "until": "2026-03-01"}


def test_accessory_default_documented_in_basis() -> None:
    ent = decide_entitlement("accessory", D("2025-01-15"), D("2025-01-16"), W)
    b = ent.basis[0]
    assert (b.code, b.params["months"], b.params["source"]) == ("product_warranty", 3, "default")


def test_sold_in_future_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        decide_entitlement("phone", D("2025-03-02"), D("2025-03-01"), W)
    err = exc.value.errors[0]
    assert (err.field, err.code) == ("sold", "date_in_future")


@pytest.mark.parametrize(
    ("args", "options", "field", "code"),
    [
        (("tablet", D("2025-03-01"), D("2025-03-01")), {}, "category", "unknown_code"),
        (("phone", datetime(2025, 3, 1), D("2025-03-01")), {}, "sold", "not_a_date"),
        (("phone", D("2025-03-01"), "2025-03-02"), {}, "on", "not_a_date"),
        (
            ("phone", D("2025-03-01"), D("2025-03-01")),
            {"repair_days": -1},
            "repair_days",
            "out_of_range",
        ),
        (
            ("phone", D("2025-03-01"), D("2025-03-01")),
            {"warranty_months": -3},
            "warranty_months",
            "out_of_range",
        ),
    ],
)
def test_bad_input(args: tuple[Any, ...], options: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        decide_entitlement(*args, W, **options)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == (field, code)


def test_changed_settings_do_not_alter_decision() -> None:
    s = Settings()
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-10"), s.warranty)
    before = ent.to_dict()
    s2 = s.replace_path("warranty.return_days", 30)
    assert ent.to_dict() == before
    assert not ent.return_
    assert decide_entitlement("phone", D("2025-03-01"), D("2025-03-10"), s2.warranty).return_
    with pytest.raises(dataclasses.FrozenInstanceError):
        ent.return_ = True  # type: ignore[misc]


def test_zero_period_switches_right_off() -> None:
    w = dataclasses.replace(W, return_days=0, no_reason_days=0)
    ent = decide_entitlement("phone", D("2025-03-01"), D("2025-03-01"), w, unused=True)
    assert ent.until["return"] is None and ent.until["no_reason_return"] is None
    assert not ent.return_ and not ent.no_reason_return and ent.exchange
    assert not ent.has_basis("sanbao_phone_return")


def test_holiday_roll_over_setting() -> None:
    w = dataclasses.replace(W, extend_to_working_day=True)
    sold = D("2025-09-24")  # + 7 days = 1 October (National Day)
    ent = decide_entitlement("phone", sold, D("2025-10-09"), w, defect_confirmed=True)
    assert ent.until["return"] == D("2025-10-09")
    assert ent.return_
    assert not decide_entitlement("phone", sold, D("2025-10-09"), W, defect_confirmed=True).return_


# ---- properties --------------------------------------------------------------------------------

options_st = st.fixed_dictionaries(
    {
        "man_made": st.booleans(),
        "gift": st.booleans(),
        "intact": st.booleans(),
        "unused": st.booleans(),
        "warranty_months": st.none() | st.integers(0, 36),
        "repair_days": st.integers(0, 60),
        "warranty_repairs": st.integers(0, 4),
        "defect_confirmed": st.none() | st.booleans(),
    }
)
dates_st = st.dates(min_value=D("2015-01-01"), max_value=D("2035-12-31"))
warranty_st = st.builds(
    WarrantySettings,
    return_days=st.integers(0, 30),
    exchange_days=st.integers(0, 60),
    repair_months=st.integers(0, 36),
    no_reason_days=st.integers(0, 15),
    repeat_failure_repairs=st.integers(1, 4),
    extend_to_working_day=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(Category)),
    dates_st,
    st.integers(0, 900),
    st.integers(0, 900),
    options_st,
    warranty_st,
)
def test_rights_shrink_as_days_pass(
    category: Category,
    sold: date,
    offset: int,
    later: int,
    options: dict[str, Any],
    warranty: WarrantySettings,
) -> None:
    on1 = sold + timedelta(days=offset)
    on2 = on1 + timedelta(days=later)
    e1 = decide_entitlement(category, sold, on1, warranty, **options)
    e2 = decide_entitlement(category, sold, on2, warranty, **options)
    d1, d2 = e1.to_dict(), e2.to_dict()
    for right in (*RIGHTS, "repeat_failure_exchange"):
        if not d1[right]:
            assert not d2[right], right  # False on day d → False on every later day
    assert e1.until == e2.until  # periods never depend on the day
    for e in (e1, e2):
        assert {b.code for b in e.basis} <= set(BASIS_CODES)
        for b in e.basis:
            BASIS_EXPLANATIONS[b.code].format(**b.params)  # every placeholder has its param
        for right in RIGHTS:
            if e.to_dict()[right]:
                assert e.until[right] is not None and e.on <= e.until[right]
        assert Entitlement.from_dict(json.loads(json.dumps(e.to_dict()))) == e
    if options["gift"]:
        assert rights_of(e1) == set()


@given(st.sampled_from(list(Category)), dates_st, st.integers(0, 900))
def test_until_ignores_damage_and_inspection(category: Category, sold: date, offset: int) -> None:
    on = sold + timedelta(days=offset)
    base = decide_entitlement(category, sold, on, W)
    for opts in ({"man_made": True}, {"intact": False}, {"defect_confirmed": False}):
        assert decide_entitlement(category, sold, on, W, **opts).until == base.until
