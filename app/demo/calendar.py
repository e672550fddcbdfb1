"""The demo's time line: a clock moved by hand, shop hours, and when each step of a case happens.

A case starts at some moment of the last six months and each later step happens hours or days
after the one before, inside shop hours where it fits and never after the moment the demo
started. Open cases are placed so that they are not overdue yet (their promise date, class A 1,
B 2, C 3 days, has not passed) unless they are meant to be.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import time as dtime

from app.demo.plan import Plan

DEMO_DAYS = 182
OPEN_HOUR, CLOSE_HOUR = 9, 21  # shop hours, local time


class Clock:
    """The services' clock during a demo run: it says what the demo sets."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Calendar:
    def __init__(self, rng: random.Random, now: datetime, tz: tzinfo) -> None:
        self.rng = rng
        self.now0 = now
        self.tz = tz

    def open_at(self, t: datetime) -> bool:
        return OPEN_HOUR <= t.astimezone(self.tz).hour < CLOSE_HOUR

    def snap(self, t: datetime) -> datetime:
        """`t`, or soon after opening time when the shop is closed at `t`."""
        loc = t.astimezone(self.tz)
        if OPEN_HOUR <= loc.hour < CLOSE_HOUR:
            return t
        day = loc.date() if loc.hour < OPEN_HOUR else loc.date() + timedelta(days=1)
        opening = datetime.combine(day, dtime(OPEN_HOUR), self.tz)
        return (opening + timedelta(minutes=self.rng.uniform(0, 150))).astimezone(UTC)

    def shop_moment(self, lo: datetime, hi: datetime) -> datetime:
        """A random moment in [lo, hi], inside shop hours when the span has any."""
        t = lo
        for _ in range(40):
            t = lo + (hi - lo) * self.rng.random()
            if self.open_at(t):
                return t
        return t

    def times(self, start: datetime, hours: list[float], scale: float) -> list[datetime]:
        out = []
        t = start
        for hrs in hours:
            t = self.snap(t + timedelta(hours=hrs * scale))
            out.append(t)
        return out

    def fit(self, hours: list[float], lo: datetime, hi: datetime) -> list[datetime]:
        """Step times inside [lo, hi] in shop hours: the delays as planned when they fit,
        else a random start with the delays shrunk into part of the time left."""
        total = sum(hours)
        latest = hi - timedelta(hours=total)
        if latest > lo:
            for _ in range(6):
                times = self.times(self.shop_moment(lo, latest), hours, 1.0)
                if times[-1] <= hi:
                    return times
        for _ in range(60):
            start = self.shop_moment(lo, hi)
            left = (hi - start).total_seconds() / 3600
            scale = min(1.0, left / total * self.rng.uniform(0.3, 0.9)) if total else 1.0
            times = self.times(start, hours, scale)
            if times[-1] <= hi:
                return times
        step = (hi - lo) / (len(hours) + 1)
        return [lo + step * (i + 1) for i in range(len(hours))]

    def local_midnight(self, days_ago: int) -> datetime:
        day = self.now0.astimezone(self.tz).date() - timedelta(days=days_ago)
        return datetime.combine(day, dtime(0, 0), self.tz).astimezone(UTC)

    def place(self, plan: Plan) -> list[datetime]:
        """When each step of a case happens, by how the case is meant to look today."""
        hours = [s[0] for s in plan.steps]
        now = self.now0
        if plan.mode == "fixed" and plan.start is not None:
            lo, hi = plan.start, now - timedelta(hours=2)
            times = self.times(plan.start, hours, 1.0)
            return times if times[-1] <= hi else self.fit(hours, lo, hi)
        if plan.mode == "closed":
            # A batch return comes after the goods were first sold singly (see `batch.build`).
            lo = now - timedelta(days=DEMO_DAYS - (12 if plan.st.get("batch") else 0))
            return self.fit(hours, lo, now - timedelta(hours=3))
        if plan.mode == "recent":
            return self.fit(hours, now - timedelta(days=30), now - timedelta(hours=2))
        if plan.mode == "overdue":
            if len(hours) == 1:  # never answered: past the 24 h first-answer deadline
                return self.fit(hours, now - timedelta(hours=60), now - timedelta(hours=27))
            return self.fit(hours, now - timedelta(days=12), now - timedelta(days=3))
        # open and not overdue: the promise date (class A 1, B 2, C 3 days) has not passed yet
        person = plan.person
        hi = now - timedelta(minutes=3)
        if person.fresh:
            person.cls = self.rng.choices("ABC", weights=(1, 3, 4))[0]
            # Early in the morning today has no shop hours yet: a longer promise fits.
            while person.cls != "C" and not self.has_shop_hours(self.open_from(plan, hours), hi):
                person.cls = chr(ord(person.cls) + 1)
        return self.fit(hours, self.open_from(plan, hours), hi)

    def place_track(self, track: Plan) -> list[datetime]:
        """A claim's steps from the moment its case opened it, on their own clock."""
        assert track.parent is not None
        now = self.now0
        start = track.parent.times[track.anchor]
        hours = [s[0] for s in track.steps]
        times = self.times(start, hours, 1.0)
        hi = now - timedelta(hours=1) if start < now - timedelta(hours=1) else now
        return times if times[-1] <= hi else self.fit(hours, start, hi)

    def open_from(self, plan: Plan, hours: list[float]) -> datetime:
        """Earliest start of an open case that is not overdue on the day the demo is made."""
        days = {"A": 1, "B": 2, "C": 3}[plan.person.cls]
        lo = max(self.local_midnight(days - 1), self.now0 - timedelta(hours=70))
        if len(hours) == 1:  # not answered yet: the 24 h first-answer deadline has not passed
            lo = max(lo, self.now0 - timedelta(hours=22))
        return lo

    def has_shop_hours(self, lo: datetime, hi: datetime) -> bool:
        t = lo
        while t < hi:
            if self.open_at(t):
                return True
            t += timedelta(minutes=30)
        return False
