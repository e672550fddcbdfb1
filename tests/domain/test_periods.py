"""Period counting (Civil Code Art. 201-203) and Chinese working days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.rules import periods
from app.domain.rules.periods import (
    add_working_days,
    is_working_day,
    next_working_day,
    period_end,
    within,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "kwargs", "end"),
    [
        ("2025-03-01", {"days": 7}, "2025-03-08"),  # day of sale not counted
        ("2025-03-01", {"days": 15}, "2025-03-16"),
        ("2025-12-28", {"days": 7}, "2026-01-04"),  # across the year end
        ("2024-08-31", {"months": 6}, "2025-02-28"),  # no 31 Feb: last day of the month
        ("2023-08-31", {"months": 6}, "2024-02-29"),  # leap year
        ("2024-01-31", {"months": 1}, "2024-02-29"),
        ("2025-01-31", {"months": 1}, "2025-02-28"),
        ("2025-03-31", {"months": 1}, "2025-04-30"),
        ("2025-03-15", {"months": 12}, "2026-03-15"),
        ("2024-02-29", {"years": 1}, "2025-02-28"),
        ("2024-02-29", {"months": 12}, "2025-02-28"),
        ("2025-03-01", {"months": 12, "extra_days": 10}, "2026-03-11"),  # time in repair
        ("2025-03-01", {"days": 7, "extra_days": 0}, "2025-03-08"),
        ("2025-03-01", {}, "2025-03-01"),
    ],
)
def test_period_end(start: str, kwargs: dict[str, int], end: str) -> None:
    assert period_end(D(start), **kwargs) == D(end)


def test_within_last_day_in_next_day_out() -> None:
    sold = D("2025-03-01")
    assert within(sold, D("2025-03-01"), days=7)
    assert within(sold, D("2025-03-08"), days=7)
    assert not within(sold, D("2025-03-09"), days=7)
    assert not within(sold, D("2025-02-28"), days=7)  # before the start


def test_roll_to_working_day_art_203() -> None:
    # 7 days from 2025-09-24 end on 2025-10-01, National Day: the period runs to 9 October.
    assert period_end(D("2025-09-24"), days=7) == D("2025-10-01")
    assert period_end(D("2025-09-24"), days=7, roll_to_working_day=True) == D("2025-10-09")
    # A working day is left alone.
    assert period_end(D("2025-03-01"), days=9, roll_to_working_day=True) == D("2025-03-10")


@pytest.mark.parametrize("kwargs", [{"days": -1}, {"months": -1}, {"extra_days": -2}])
def test_negative_periods_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as exc:
        period_end(D("2025-03-01"), **kwargs)
    assert exc.value.errors[0].code == "negative_period"


def test_datetime_is_not_a_date() -> None:
    with pytest.raises(ValidationError) as exc:
        period_end(datetime(2025, 3, 1), days=7)  # type: ignore[arg-type]
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("start", "not_a_date")


def test_working_days_cross_weekend() -> None:
    friday = D("2025-03-07")
    assert add_working_days(friday, 1) == D("2025-03-10")  # Monday
    assert add_working_days(friday, 3) == D("2025-03-12")
    assert add_working_days(D("2025-03-10"), -1) == friday
    assert add_working_days(D("2025-03-08"), 0) == D("2025-03-08")  # n=0: unchanged


def test_working_days_national_day_2025() -> None:
    assert not is_working_day(D("2025-10-01"))
    assert not is_working_day(D("2025-10-08"))
    assert is_working_day(D("2025-09-28"))  # Sunday made a working day
    assert is_working_day(D("2025-10-11"))  # Saturday made a working day
    assert add_working_days(D("2025-09-30"), 1) == D("2025-10-09")
    assert add_working_days(D("2025-09-26"), 1) == D("2025-09-28")
    assert next_working_day(D("2025-10-03")) == D("2025-10-09")


def test_unknown_year_falls_back_to_monday_to_friday(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(_: date) -> bool:
        raise NotImplementedError("no data")

    monkeypatch.setattr(periods.chinese_calendar, "is_workday", unknown)
    assert is_working_day(D("2025-10-01"))  # a Wednesday, holiday unknown to the fallback
    assert not is_working_day(D("2025-09-28"))  # a Sunday
    assert add_working_days(D("2025-09-26"), 1) == D("2025-09-29")


def test_far_future_year_does_not_crash() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2099-01-05"))
    assert is_working_day(D("2099-01-05"))  # Monday
    assert not is_working_day(D("2099-01-04"))  # Sunday


@given(
    st.dates(min_value=D("2000-01-01"), max_value=D("2100-12-31")),
    st.integers(0, 400),
    st.integers(0, 60),
)
def test_period_end_never_before_start_and_monotonic(start: date, days: int, months: int) -> None:
    end = period_end(start, days=days, months=months)
    assert end >= start
    assert period_end(start, days=days + 1, months=months) == end + timedelta(days=1)
    assert period_end(start, days=days, months=months + 1) >= end


@given(st.dates(min_value=D("2020-01-01"), max_value=D("2030-12-31")), st.integers(0, 30))
def test_add_working_days_lands_on_working_day_and_reverses(d: date, n: int) -> None:
    result = add_working_days(d, n)
    assert result >= d
    if n:
        assert is_working_day(result)
        # Counting back the same number of working days returns to d's first working day.
        assert add_working_days(result, -n) == (d if is_working_day(d) else _prev_working(d))
    between = [d + timedelta(days=i) for i in range(1, (result - d).days + 1)]
    assert sum(is_working_day(x) for x in between) == n


def _prev_working(d: date) -> date:
    d -= timedelta(days=1)
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d
