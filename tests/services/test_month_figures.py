"""The 003 monthly figures, as a shop lives a month: each scenario on a real data folder, the
clock moved by hand, the summary read at the month's end (issue 16, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.transitions import move
from app.services.paper.report import month_report
from app.services.shop.context import Context
from app.store.models import User
from tests.conftest import Clock, context_for, make_user

MARCH = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def shop(data_dir: Any) -> dict[str, Context]:
    """An owner, a desk clerk and two technicians, all on one moved-by-hand clock."""
    clock = Clock(MARCH)
    make_user("boss", "owner")
    make_user("desk", "front_desk")
    make_user("li", "technician")
    make_user("zhao", "technician")
    out = {n: context_for(data_dir, n, clock=clock) for n in ("boss", "desk", "li", "zhao")}
    out["clock"] = clock  # type: ignore[assignment]
    return out


def repair(desk: Context, **extra: Any) -> str:
    form = IntakeForm(
        kind="repair",
        name="王芳",
        phone="13600001234",
        product="华为 P60",
        category="phone",
        fault="屏幕不亮",
        sold="2026-02-20",  # in warranty: no estimate to approve
        **extra,
    )
    return take_intake(desk, form).number


def fix(tech: Context, number: str) -> None:
    for target, note in (("diagnosing", ""), ("repairing", ""), ("quality_check", "")):
        move(tech, number, target, note)
    move(tech, number, "ready_for_pickup", "screen replaced")


def test_technicians_who_did_the_work_get_its_counts(shop: dict[str, Context]) -> None:
    desk, li, zhao, clock = shop["desk"], shop["li"], shop["zhao"], shop["clock"]
    li_id = User.get(User.name == "li").id
    # Li is assigned at the desk and works both repairs through their status changes only.
    first = repair(desk, assignee_id=li_id)
    second = repair(desk, assignee_id=li_id)
    clock.advance(hours=2)  # type: ignore[attr-defined]
    fix(li, first)
    fix(li, second)
    # Zhao picks up an unassigned repair and finishes it; one more waits on his bench.
    third = repair(desk)
    clock.advance(days=3)  # type: ignore[attr-defined]
    fix(zhao, third)
    waiting = repair(desk)
    move(zhao, waiting, "diagnosing")
    clock.advance(days=30)  # type: ignore[attr-defined]  # April: the owner reads March

    work = {t.name: t for t in month_report(shop["boss"], 2026, 3).current.technicians}
    assert set(work) == {"Li", "Zhao"}, work  # nothing left "(unassigned)"
    assert (work["Li"].received, work["Li"].finished, work["Li"].open_at_end) == (2, 2, 0)
    assert (work["Zhao"].received, work["Zhao"].finished, work["Zhao"].open_at_end) == (2, 1, 1)
