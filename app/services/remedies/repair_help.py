"""Reads the Repairs tab needs: the board of open repairs, spare parts on hand, technicians,
and the appointment text typed at the desk turned into a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, overload

from app.domain.codes import CaseKind, Role
from app.domain.errors import ValidationError
from app.domain.validation import to_halfwidth, validate_date, validate_text
from app.services.casework.records import find_case, is_overdue, repair_of
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.store.models import Case, SparePart, User

# The board's columns: open repair statuses grouped the way the bench thinks about them.
BOARD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("intake", ("received", "diagnosing")),
    ("waiting", ("awaiting_approval", "awaiting_parts")),
    ("bench", ("repairing", "quality_check")),
    ("pickup", ("ready_for_pickup",)),
    ("on_site", ("scheduled", "visited", "revisit_scheduled")),
)
BOARD_STATUSES: tuple[str, ...] = tuple(s for _g, statuses in BOARD_GROUPS for s in statuses)


@dataclass(frozen=True)
class BoardRow:
    """One technician's open repairs by status (name is the login the list filters by)."""

    name: str
    display_name: str
    counts: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)  # of those, past their promise

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    def late(self, status: str) -> int:
        return self.overdue.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]  # one per active technician
    unassigned: BoardRow
    totals: BoardRow  # every open repair, whoever has it


def board(ctx: Context) -> Board:
    """Open repairs counted by status and assignee, with how many of them are overdue.

    Only open repairs are read (a shop has tens, not thousands), so "overdue" is the very rule
    the list and the record view use.
    """
    now = ctx.now()
    query = Case.select(
        Case.id,
        Case.kind,
        Case.status,
        Case.assignee,
        Case.promise_date,
        Case.first_answer_due,
        Case.first_answered_at,
    ).where((Case.kind == CaseKind.REPAIR.value) & Case.status.in_(BOARD_STATUSES))
    counts: dict[object, dict[str, int]] = {}
    late: dict[object, dict[str, int]] = {}
    for case in query:
        overdue = is_overdue(case, ctx, now)
        for key in (case.assignee_id, "all"):
            cell = counts.setdefault(key, {})
            cell[case.status] = cell.get(case.status, 0) + 1
            if overdue:
                cell = late.setdefault(key, {})
                cell[case.status] = cell.get(case.status, 0) + 1
    techs = (
        User.select()
        .where((User.active == True) & (User.role == Role.TECHNICIAN.value))  # noqa: E712
        .order_by(User.name)
    )

    def row(key: object, name: str = "", shown: str = "") -> BoardRow:
        return BoardRow(name, shown, dict(counts.get(key, {})), dict(late.get(key, {})))

    return Board(
        rows=[row(u.id, u.name, u.display_name) for u in techs],
        unassigned=row(None),
        totals=row("all"),
    )


@dataclass(frozen=True)
class PartView:
    part_no: str
    name: str
    stock: int
    price: Decimal


def spare_parts(ctx: Context, text: str = "", *, in_stock: bool = False) -> list[PartView]:
    """Spare parts matching a part number, name or fits-products fragment, for the part picker
    (a part no longer in use shows only while some are left on the shelf)."""
    needle = validate_text(text, "search", max_len=60)
    query = (
        SparePart.select()
        .where((SparePart.active == True) | (SparePart.stock > 0))  # noqa: E712
        .order_by(SparePart.part_no)
    )
    if needle:
        query = query.where(
            SparePart.part_no.contains(needle)
            | SparePart.name.contains(needle)
            | SparePart.fits.contains(needle)
        )
    if in_stock:
        query = query.where(SparePart.stock > 0)
    return [PartView(p.part_no, p.name, p.stock, p.price) for p in query]


def part_stock(ctx: Context, part_no: str) -> int | None:
    """Stock on hand of one part (None when there is no such part)."""
    part = SparePart.get_or_none(SparePart.part_no == part_no)
    return None if part is None else part.stock


def technicians(ctx: Context) -> list[tuple[str, str]]:
    """(login, display name) of the active technicians, for the assign dialog."""
    q = (
        User.select(User.name, User.display_name)
        .where((User.active == True) & (User.role == Role.TECHNICIAN.value))  # noqa: E712
        .order_by(User.name)
    )
    return [(u.name, u.display_name) for u in q]


@overload
def parse_appointment(
    ctx: Context, value: str | datetime | None, *, required: Literal[True]
) -> datetime: ...
@overload
def parse_appointment(
    ctx: Context, value: str | datetime | None, *, required: bool = False
) -> datetime | None: ...
def parse_appointment(
    ctx: Context, value: str | datetime | None, *, required: bool = False
) -> datetime | None:
    """An on-site appointment as typed, in the shop's time zone → an aware datetime (stored UTC).

    The one parser for the intake tab, the record view and the command line: "2026-03-04 14:30",
    "2026/3/4 14:30", "2026-03-04T14:30", "2026-03-04 1430", full-width digits and colon; a day
    alone means 09:00. Blank → None, or "required" when `required`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError.single("appointment_at", "required")
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ctx.tz)
    raw = validate_text(value, "appointment_at", max_len=40, multiline=False)
    text = " ".join(to_halfwidth(raw).replace("T", " ").split())
    day_text, _sep, time_text = text.partition(" ")
    day = validate_date(day_text, "appointment_at")
    clock = time_text or "09:00"
    if clock.isdigit() and len(clock) == 4:
        clock = f"{clock[:2]}:{clock[2:]}"
    try:
        hour, minute = (int(x) for x in clock.split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ctx.tz)
    except (ValueError, TypeError):
        raise ValidationError.single("appointment_at", "not_a_datetime") from None


def signature_of(ctx: Context, number: str) -> list[list[list[float]]]:
    """The stored signature strokes of a repair ticket (empty when not signed yet)."""
    ticket = repair_of(find_case(number))
    if ticket is None:
        raise NotFound("repair", number)
    stored = ticket.signature or {}
    strokes = stored.get("strokes") if isinstance(stored, dict) else None
    return list(strokes or [])
