"""Promise dates and answer deadlines.

- Promise date by customer class (000): "A类客户:1天,即当天" -- the day of receipt counts as the
  first day, so A (1 day) is due the same day, B (2 days) the next day, C (3 days) the day after.
  In working-day mode the days counted are Chinese working days; a request received on a holiday
  starts counting on the next working day.
- First answer within 24 hours of receipt (003); on-site jobs: contact the customer within 24 hours
  to fix the appointment (001). These are clock hours, not working hours.
- The receipt time is converted to the shop's time zone before taking its date, so a request at
  23:30 Beijing time is dated that day even though it is stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.domain.codes import ServiceClass
from app.domain.errors import ValidationError
from app.domain.rules.common import coerce_code, local_date, require_aware
from app.domain.rules.periods import add_working_days, next_working_day
from app.domain.settings import PromiseSettings


def promise_due(
    received_at: datetime,
    service_class: ServiceClass | str,
    settings: PromiseSettings,
    tz: str,
) -> date:
    """The last day by which the case is promised to be handled (inclusive)."""
    require_aware("received_at", received_at)
    days = max(settings.days_for(coerce_code(ServiceClass, "service_class", service_class)), 1)
    received = local_date(received_at, tz)
    if settings.working_days:
        return add_working_days(next_working_day(received), days - 1)
    return received + timedelta(days=days - 1)


def first_answer_due(
    received_at: datetime,
    settings: PromiseSettings,
    *,
    promise: date | None = None,
    tz: str | None = None,
) -> datetime:
    """When the customer must have had a first answer (003: within 24 h). Never after the end
    of the promise day (in the shop's time zone `tz`): an A-class case promised for today gets
    its first answer today, not tomorrow."""
    due = require_aware("received_at", received_at) + timedelta(hours=settings.first_answer_hours)
    if promise is None or not tz:
        return due
    zone = ZoneInfo(tz)
    end_of_promise = datetime.combine(promise + timedelta(days=1), time(0), tzinfo=zone)
    end_of_promise -= timedelta(minutes=1)  # 23:59 local on the promise day
    if end_of_promise.astimezone(received_at.tzinfo) < due:
        return max(end_of_promise.astimezone(received_at.tzinfo), received_at)
    return due


def onsite_contact_due(received_at: datetime, settings: PromiseSettings) -> datetime:
    """When the technician must have contacted the customer to fix an on-site visit (001)."""
    return require_aware("received_at", received_at) + timedelta(
        hours=settings.onsite_contact_hours
    )


def is_overdue(due: date | datetime, now: datetime, tz: str, closed: bool = False) -> bool:
    """True when an open item is past its due date (a date is due through its whole day).

    A closed item is never overdue: the promise is judged kept or missed when it closes.
    """
    require_aware("now", now)
    if closed:
        return False
    if isinstance(due, datetime):
        return now > require_aware("due", due)
    if not isinstance(due, date):
        raise ValidationError.single("due", "not_a_date")
    return local_date(now, tz) > due


def promise_kept(due: date | datetime, closed_at: datetime, tz: str) -> bool:
    """For the monthly summary: was the item closed within its promise?"""
    require_aware("closed_at", closed_at)
    return not is_overdue(due, closed_at, tz, closed=False)
