"""One case's story as data: its steps (hours after the step before, who, what), then played."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.demo.people import Person
from app.services.shop.context import Context

# A step: called with the acting staff member's context and the case's state (numbers so far).
Step = Callable[[Context, dict[str, Any]], None]


@dataclass
class Plan:
    """One case's story: steps (hours after the previous step, staff key, action)."""

    kind: str
    target: str | None  # stop once the case reaches this status (None: play to the end)
    mode: str  # closed | recent | open | overdue | fixed | track
    person: Person
    desk: str = "desk"
    tech: str = "tech"
    start: datetime | None = None
    steps: list[tuple[float, str, Step]] = field(default_factory=list)
    st: dict[str, Any] = field(default_factory=dict)
    done: bool = False
    label: str = ""
    parent: Plan | None = None  # a claim track runs beside its case from step `anchor` on
    anchor: int = 0
    times: list[datetime] = field(default_factory=list)

    def do(self, hours: float, user: str, fn: Step) -> None:
        """A step that does not move the case itself."""
        if not self.done:
            self.steps.append((hours, user, fn))

    def go(self, hours: float, user: str, fn: Step, status: str, key: str = "no") -> None:
        """A step after which the case (or a child case) is in `status`."""
        if self.done:
            return
        self.steps.append((hours, user, fn))
        if key == "no" and status == self.target:
            self.done = True

    def reached(self, status: str) -> None:
        """The case got to `status` as a side effect of the steps so far (a service moved it)."""
        if status == self.target:
            self.done = True
