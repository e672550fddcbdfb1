"""Counting periods the way the PRC Civil Code does (Art. 201-203), and working days.

- The starting day is not counted (Art. 201): a 7-day period from a sale on 1 March covers
  2-8 March and ends at the end of 8 March, so `period_end` returns 8 March.
- A period in months or years ends on the corresponding day of the last month; when that month
  has no such day, on its last day (Art. 202 as applied by the courts): 31 Aug + 6 months ends
  28/29 Feb.
- Art. 203 (a period ending on a statutory holiday runs to the next working day) is available as
  `roll_to_working_day=True`; the shop's warranty settings keep it off by default.
- Days the goods spend in the shop for warranty repairs are added with `extra_days`: time in repair
  does not use up the warranty.

Working days follow the Chinese calendar (public holidays and the weekend days made working days
to compensate) through `chinese_calendar`; for a year the library does not know, Monday-Friday.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from dateutil.relativedelta import relativedelta

from app.domain.errors import ValidationError
from app.domain.rules.common import require_date


def is_working_day(d: date) -> bool:
    """True on a Chinese working day; Monday-Friday for years the calendar library lacks."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def next_working_day(d: date) -> date:
    """`d` itself when it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after `d` (d itself not counted); negative n counts backwards.

    ``add_working_days(d, 0)`` is `d` unchanged, even when `d` is a holiday.
    """
    require_date("d", d)
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def period_end(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    years: int = 0,
    extra_days: int = 0,
    roll_to_working_day: bool = False,
) -> date:
    """The last day still inside a period that starts after `start`.

    Months/years are applied first (clamped to the month's end), then days, then `extra_days`
    (warranty repair time), then the optional Art. 203 holiday roll-over.
    """
    require_date("start", start)
    for name, value in (("days", days), ("months", months), ("years", years)):
        if value < 0:
            raise ValidationError.single(name, "negative_period")
    if extra_days < 0:
        raise ValidationError.single("extra_days", "negative_period")
    end = start + relativedelta(years=years, months=months) + timedelta(days=days + extra_days)
    if roll_to_working_day:
        end = next_working_day(end)
    return end


def within(
    start: date,
    on: date,
    *,
    days: int = 0,
    months: int = 0,
    years: int = 0,
    extra_days: int = 0,
    roll_to_working_day: bool = False,
) -> bool:
    """True when `on` falls in the period: from `start` up to and including `period_end`."""
    require_date("on", on)
    end = period_end(
        start,
        days=days,
        months=months,
        years=years,
        extra_days=extra_days,
        roll_to_working_day=roll_to_working_day,
    )
    return start <= on <= end
