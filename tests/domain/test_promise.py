"""Promise dates, first-answer and on-site contact deadlines, overdue checks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.codes import ServiceClass
from app.domain.errors import ValidationError
from app.domain.rules.promise import (
    first_answer_due,
    is_overdue,
    onsite_contact_due,
    promise_due,
    promise_kept,
)
from app.domain.settings import PromiseSettings

TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)
P = PromiseSettings()
PW = dataclasses.replace(P, working_days=True)
D = date.fromisoformat


def at(s: str) -> datetime:
    """A Beijing-time moment."""
    return datetime.fromisoformat(s).replace(tzinfo=SH)


@pytest.mark.parametrize(
    ("received", "cls", "settings", "due"),
    [
        # Calendar days: "A类客户:1天,即当天" -- the day of receipt is day 1.
        ("2025-03-07 10:00", "A", P, "2025-03-07"),
        ("2025-03-07 10:00", "B", P, "2025-03-08"),
        ("2025-03-07 10:00", "C", P, "2025-03-09"),
        ("2025-09-30 18:00", ServiceClass.C, P, "2025-10-02"),
        # Working days across a weekend (Fri 7 March 2025).
        ("2025-03-07 10:00", "A", PW, "2025-03-07"),
        ("2025-03-07 10:00", "B", PW, "2025-03-10"),
        ("2025-03-07 10:00", "C", PW, "2025-03-11"),
        ("2025-03-08 10:00", "A", PW, "2025-03-10"),  # Saturday: counting starts Monday
        # National Day 2025: 1-8 October off, Sun 28 Sept and Sat 11 Oct worked.
        ("2025-09-30 18:00", "C", PW, "2025-10-10"),
        ("2025-09-30 18:00", "B", PW, "2025-10-09"),
        ("2025-10-01 09:00", "A", PW, "2025-10-09"),
        ("2025-09-27 09:00", "B", PW, "2025-09-29"),  # Sat → Sun 28 (worked) is day 1
        ("2025-10-10 09:00", "B", PW, "2025-10-11"),  # Sat 11 Oct is a working day
    ],
)
def test_promise_due(received: str, cls: str, settings: PromiseSettings, due: str) -> None:
    assert promise_due(at(received), cls, settings, TZ) == D(due)


def test_promise_uses_shop_time_zone() -> None:
    # 16:30 UTC on 1 March is 00:30 on 2 March in Beijing.
    received = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    assert promise_due(received, "A", P, TZ) == D("2025-03-02")
    assert promise_due(received, "A", P, "UTC") == D("2025-03-01")


def test_promise_days_are_settings() -> None:
    s = dataclasses.replace(P, days_a=2)
    assert promise_due(at("2025-03-07 10:00"), "A", s, TZ) == D("2025-03-08")


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (lambda: promise_due(datetime(2025, 3, 7), "A", P, TZ), "received_at", "timezone_required"),
        (lambda: promise_due(at("2025-03-07 10:00"), "D", P, TZ), "service_class", "unknown_code"),
        (
            lambda: promise_due(at("2025-03-07 10:00"), "A", P, "Mars/Base"),
            "tz",
            "unknown_timezone",
        ),
        (lambda: first_answer_due(datetime(2025, 3, 7), P), "received_at", "timezone_required"),
        (lambda: is_overdue(D("2025-03-07"), datetime(2025, 3, 7), TZ), "now", "timezone_required"),
    ],
)
def test_bad_input(call, field: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        call()
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == (field, code)


def test_first_answer_and_onsite_contact_are_24_clock_hours() -> None:
    received = at("2025-10-01 09:15")  # a holiday makes no difference: clock hours
    assert first_answer_due(received, P) == received + timedelta(hours=24)
    assert onsite_contact_due(received, P) == received + timedelta(hours=24)
    s = dataclasses.replace(P, first_answer_hours=12, onsite_contact_hours=48)
    assert first_answer_due(received, s) == at("2025-10-01 21:15")
    assert onsite_contact_due(received, s) == at("2025-10-03 09:15")


def test_overdue_date_runs_through_the_whole_local_day() -> None:
    due = D("2025-03-02")
    assert not is_overdue(due, at("2025-03-02 23:59"), TZ)
    assert is_overdue(due, at("2025-03-03 00:00"), TZ)
    # 2 March 17:00 UTC is already 3 March in Beijing.
    assert is_overdue(due, datetime(2025, 3, 2, 17, 0, tzinfo=UTC), TZ)
    assert not is_overdue(due, at("2025-03-09 00:00"), TZ, closed=True)


def test_overdue_datetime() -> None:
    due = first_answer_due(at("2025-03-02 10:00"), P)
    assert not is_overdue(due, at("2025-03-03 10:00"), TZ)
    assert is_overdue(due, at("2025-03-03 10:00:01"), TZ)
    assert not is_overdue(due, at("2025-03-04 10:00"), TZ, True)


def test_promise_kept() -> None:
    assert promise_kept(D("2025-03-02"), at("2025-03-02 20:00"), TZ)
    assert not promise_kept(D("2025-03-02"), at("2025-03-03 08:00"), TZ)


def test_an_a_class_case_promised_today_gets_its_first_answer_today() -> None:
    """Issue 18 §8: an A-class complaint was promised for today while its first answer was due
    tomorrow at the same hour. The first answer is never due after the promise day ends."""
    from app.domain.rules.promise import first_answer_due as fad

    received = at("2026-03-02 09:52")
    promise = promise_due(received, ServiceClass.A, P, TZ)
    assert promise == date(2026, 3, 2)
    due = fad(received, P, promise=promise, tz=TZ)
    assert due.astimezone(SH) == at("2026-03-02 23:59")
    assert due.date() <= promise
    # B class (promised tomorrow): the 24 hours hold
    b_promise = promise_due(received, ServiceClass.B, P, TZ)
    assert fad(received, P, promise=b_promise, tz=TZ) == received + timedelta(hours=24)
    # received at 23:59:30 on an A-class day: due at once, never before it was received
    late = at("2026-03-02 23:59") + timedelta(seconds=30)
    assert fad(late, P, promise=promise_due(late, ServiceClass.A, P, TZ), tz=TZ) == late
    # without the promise (older callers): the plain 24 hours
    assert fad(received, P) == received + timedelta(hours=24)
