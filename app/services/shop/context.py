"""Who is acting, with which settings, at what time: handed to every service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.domain.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    display_name: str
    role: str  # codes.Role
    is_manager: bool = False
    # Set when the owner confirmed one action with their PIN at someone else's session.
    on_behalf_of: str = ""


@dataclass(frozen=True)
class Context:
    actor: Actor
    settings: Settings
    data_dir: Path
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.shop.timezone)

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.tz)

    def today(self):  # noqa: ANN201 - a date in the shop's time zone
        return self.local(self.now()).date()
