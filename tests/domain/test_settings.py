"""The settings tree: defaults, JSON round trip, tolerant loading, checked edits."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.domain.codes import Category, ServiceClass
from app.domain.errors import ValidationError
from app.domain.settings import SETTING_ERROR_CODES, Settings, WarrantySettings


def test_defaults_follow_domain_md() -> None:
    s = Settings()
    assert s.shop.name == "示例手机店"
    assert (s.shop.timezone, s.shop.currency) == ("Asia/Shanghai", "CNY")
    w = s.warranty
    assert (w.return_days, w.exchange_days, w.repair_months) == (7, 15, 12)
    assert [w.statutory_accessory_months(c) for c in Category] == [
        None,
        6,
        3,
        3,
        12,
        12,
        None,
        None,
    ]  # phone, battery, headset, memory-card, charger, bluetooth-headset, accessory, other
    assert (w.accessory_default_months, w.other_default_months) == (3, 12)
    assert (w.no_reason_days, w.repeat_failure_repairs, w.extend_to_working_day) == (7, 2, False)
    p = s.promise
    assert [p.days_for(c) for c in ServiceClass] == [1, 2, 3]
    assert (p.working_days, p.first_answer_hours, p.onsite_contact_hours) == (False, 24, 24)
    assert s.approval.owner_threshold == Decimal("500.00")
    r = s.returns
    assert (r.goods_expected_working_days, r.carrier_claim_hours) == (7, 24)
    assert (r.batch_sample_pct, r.no_reply_close_days) == (10, 45)


def test_to_dict_is_json_safe_and_round_trips() -> None:
    s = Settings().replace_path("approval.owner_threshold", Decimal("800.5"))
    d = s.to_dict()
    assert d["approval"]["owner_threshold"] == "800.50"
    text = json.dumps(d, ensure_ascii=False)
    assert Settings.from_dict(json.loads(text)) == s
    assert set(d) == {
        "shop",
        "warranty",
        "promise",
        "approval",
        "returns",
        "followup",
        "printing",
        "ui",
        "backup",
        "report",
    }


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [("ui.theme", " dark ", "dark"), ("ui.language", "", ""), ("ui.language", "en", "en")],
)
def test_choice_settings_accept_their_choices(path: str, value: str, expected: str) -> None:
    assert Settings().replace_path(path, value).get_path(path) == expected


@pytest.mark.parametrize(("path", "value"), [("ui.theme", "pink"), ("ui.language", "fr")])
def test_choice_settings_refuse_others(path: str, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Settings().replace_path(path, value)
    assert exc.value.errors[0].code == "not_a_choice"


@pytest.mark.parametrize(
    "data",
    [None, {}, {"shop": {}}, {"warranty": None}, {"future_section": {"x": 1}}],
)
def test_from_dict_fills_defaults(data: dict[str, Any] | None) -> None:
    assert Settings.from_dict(data) == Settings()


def test_from_dict_keeps_known_values_and_ignores_unknown_keys() -> None:
    s = Settings.from_dict(
        {
            "warranty": {"battery_months": 9, "retired_key": True},
            "promise": {"working_days": "true"},
            "approval": {"owner_threshold": "1000"},
            "unknown": 5,
        }
    )
    assert s.warranty.battery_months == 9
    assert s.warranty.return_days == 7
    assert s.promise.working_days is True
    assert s.approval.owner_threshold == Decimal("1000.00")


def test_from_dict_refuses_a_non_mapping() -> None:
    with pytest.raises(ValidationError) as exc:
        Settings.from_dict([1, 2])  # type: ignore[arg-type]
    assert exc.value.errors[0].code == "not_a_section"


def test_from_dict_reports_every_bad_value() -> None:
    with pytest.raises(ValidationError) as exc:
        Settings.from_dict(
            {
                "warranty": {"battery_months": "six", "return_days": -1},
                "approval": {"owner_threshold": 500.5},
                "returns": [],
            }
        )
    got = {(e.field, e.code) for e in exc.value.errors}
    assert got == {
        ("warranty.battery_months", "not_an_integer"),
        ("warranty.return_days", "out_of_range"),
        ("approval.owner_threshold", "not_a_decimal"),
        ("returns", "not_a_section"),
    }


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("approval.owner_threshold", "800", Decimal("800.00")),
        ("approval.owner_threshold", Decimal("0"), Decimal("0.00")),
        ("approval.owner_threshold", 1200, Decimal("1200.00")),
        ("warranty.return_days", "10", 10),
        ("warranty.repair_months", 24, 24),
        ("promise.working_days", "yes", True),
        ("promise.working_days", False, False),
        ("promise.days_a", 2, 2),
        ("returns.batch_sample_pct", 100, 100),
        ("shop.name", "新名字手机店", "新名字手机店"),
        ("shop.timezone", "Asia/Urumqi", "Asia/Urumqi"),
        ("shop.currency", "hkd", "HKD"),
    ],
)
def test_replace_path(path: str, value: Any, expected: Any) -> None:
    before = Settings()
    after = before.replace_path(path, value)
    assert after.get_path(path) == expected
    assert before == Settings()  # the original is untouched
    assert type(after.get_path(path)) is type(expected)


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("approval.owner_threshold", 500.01, "not_a_decimal"),
        ("approval.owner_threshold", "lots", "not_a_decimal"),
        ("approval.owner_threshold", "Infinity", "not_a_decimal"),
        ("approval.owner_threshold", "-1", "out_of_range"),
        ("approval.owner_threshold", "500.001", "too_many_decimals"),
        ("warranty.return_days", 7.0, "not_an_integer"),
        ("warranty.return_days", True, "not_an_integer"),
        ("warranty.return_days", "7 days", "not_an_integer"),
        ("warranty.return_days", -1, "out_of_range"),
        ("warranty.repeat_failure_repairs", 0, "out_of_range"),
        ("promise.days_a", 0, "out_of_range"),
        ("returns.batch_sample_pct", 101, "out_of_range"),
        ("promise.working_days", "maybe", "not_a_boolean"),
        ("promise.working_days", 1, "not_a_boolean"),
        ("shop.name", 5, "not_text"),
        ("shop.timezone", "Beijing", "unknown_timezone"),
        ("shop.timezone", "A" * 10_000, "unknown_timezone"),  # ZoneInfo: OSError, name too long
        ("shop.timezone", "../" * 40 + "etc/passwd", "unknown_timezone"),
        ("approval.owner_threshold", "9" * 40, "out_of_range"),  # quantize: InvalidOperation
        ("approval.owner_threshold", "9" * 27 + ".5", "out_of_range"),
        ("approval.owner_threshold", "100000000.00", "out_of_range"),
        ("shop.currency", "RMB¥", "invalid_currency"),
        ("approval.nothing", 1, "unknown_setting"),
        ("approval", 1, "unknown_setting"),
        ("a.b.c", 1, "unknown_setting"),
    ],
)
def test_replace_path_refuses_bad_values(path: str, value: Any, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Settings().replace_path(path, value)
    err = exc.value.errors[0]
    assert (err.field, err.code) == (path, code)
    assert err.code in SETTING_ERROR_CODES


def test_out_of_range_params() -> None:
    with pytest.raises(ValidationError) as exc:
        Settings().replace_path("returns.batch_sample_pct", 150)
    assert exc.value.errors[0].params == {"min": 0, "max": 100}


def test_paths_cover_every_value() -> None:
    paths = Settings.paths()
    assert "approval.owner_threshold" in paths
    assert "warranty.bluetooth_headset_months" in paths
    assert len(paths) == len(set(paths)) == sum(len(v) for v in Settings().to_dict().values())
    for path in paths:
        Settings().get_path(path)


def test_frozen() -> None:
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.approval = None  # type: ignore[misc, assignment]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.warranty.return_days = 3  # type: ignore[misc]
    assert isinstance(s.warranty, WarrantySettings)


def test_domain_rules_import_no_ui_db_or_translations() -> None:
    code = (
        "import sys, app.domain.settings, app.domain.rules;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tkinter', 'ttkbootstrap', 'peewee')"
        " or m.startswith('app.i18n')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
