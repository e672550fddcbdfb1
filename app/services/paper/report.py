"""The owner's monthly summary (客户退换货、补件统计表 + monthly service figures): every figure.

This module is the ONE place that defines what each figure counts. `figures.month_figures`
(the Reports tab's cards) takes its shared figures from the functions here, and the printed PDF,
the XLSX workbook and the screen all show the `Summary` computed here.

A period is whole local days ``first``..``last`` in the shop's time zone; its bounds are midnight
local time converted to UTC, ``[start, end)``. Which moment decides that a record belongs to the
period is named with each figure:

=====================  ==============================================================  ==========
figure                 what counts                                                     date
=====================  ==============================================================  ==========
received (new)         cases taken                                                     created_at
by kind/reason/        cases received, grouped by that column; products by product     created_at
channel/product        record (cases without a product are left out)
by status              cases received, by the status they had at the period's end      created_at
                       (the last status event before ``end``; a later change does not
                       rewrite an old report)
closed                 cases reaching a final status                                   closed_at
still open             cases taken before ``end`` and not closed before ``end``         both
promises kept          cases closed in the period that had a promise date: closed on   closed_at
                       or before it (local date)
first answers 24 h     cases received with a first-answer due time, answered (first    created_at
                       status change) by then; unanswered cases still inside their
                       24 h are left out
turnaround             cases closed in the period: days from taken to closed, per      closed_at
                       kind; median (halfway between the two middle values when even)
                       and 90th percentile (nearest rank: the ceil(0.9 n)-th smallest)
refunds                refund entries paid (count); total = paid minus reversals,      money at
                       both as booked in the period
money by kind / costs  every money entry net of its reversals, by the day each was     money at
                       booked: parts (cost of parts fitted), freight (the shop's
                       share), labour, dealer deductions (charged to a dealer's
                       account), charges, credits, recoveries
carrier claims         claimed: claims opened (count, amount claimed); recovered:      created_at /
                       claims paid by the carrier (count, amount recovered)            paid event
liability split        returns whose liability was decided, by who is liable           decision
dispositions           returns whose disposition was done, by disposition              decision
repeat repairs         repair cases received whose device serial had another repair    created_at
                       case taken in the REPEAT_DAYS days before
technician workload    per technician (the ticket's, else the case's assignee): repair  ticket dates
                       tickets received (received_at), finished (finished_at), open
                       at the period's end, labour minutes booked
top products           the TOP_N products of return/exchange cases and of repair cases  created_at
on-site service        visits on on-site tickets (dispatches), jobs visited,            visited_at
                       technicians and technician-days out; labour and freight         money at
                       (travel) booked on those jobs
satisfaction           follow-up scores given: cases with a case event carrying a      event at
                       score in the period; count, average, share of scores <= 2
open cases list        every case open at the period's end with its status then;       both
                       overdue = promise date before the period's last day
goods owed             replacements shipped first (先补发) whose old goods were neither  shipped
                       received nor waived by the owner at the period's end (or now);
                       days overdue past the due date, deposit held
=====================  ==============================================================  ==========

The previous period for comparison is the calendar month before (for a month), else the same
number of days just before ``first``. Read-only; nothing is written.
"""

from __future__ import annotations

import calendar
import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import peewee as pw

from app.domain.codes import CaseKind, MoneyKind, Role
from app.domain.errors import ValidationError
from app.domain.kinds import rma_kinds
from app.domain.validation import validate_date
from app.services.shop.context import Context
from app.store.dialect import json_text
from app.store.models import (
    CarrierClaim,
    Case,
    Event,
    MoneyEntry,
    Product,
    RepairLabour,
    RepairTicket,
    RepairVisit,
    User,
)

ZERO = Decimal("0.00")
TOP_N = 5
REPEAT_DAYS = 90
MAX_DAYS = 366 * 3  # a longer range is a typo, not a report
COST_KINDS = (
    MoneyKind.PARTS.value,
    MoneyKind.FREIGHT.value,
    MoneyKind.LABOUR.value,
    MoneyKind.DEALER_DEDUCTION.value,
)
#: Cases and money rows at most written to the raw sheets of a workbook.
RAW_LIMIT = 50_000


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days first..last; start/end are the UTC bounds [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime
    is_month: bool = False

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        """ "2026-03" for a calendar month, else "2026-03-01 – 2026-03-15"."""
        if self.is_month:
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def _bounds(ctx: Context, first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=ctx.tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=ctx.tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_period(ctx: Context, year: object, month: object) -> Period:
    """A calendar month; year 2000–2100."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError.single("month", "out_of_range", min=2000, max=2100)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError.single("month", "out_of_range", min=1, max=12)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return Period(first, last, *_bounds(ctx, first, last), is_month=True)


def parse_month(text: object) -> tuple[int, int]:
    """ "2026-03" (or 2026/3, 2026年3月) → (2026, 3); ValidationError on the field "month"."""
    raw = str(text or "").strip().replace("年", "-").replace("月", "").replace("/", "-")
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValidationError.single("month", "date_invalid")
    return int(parts[0]), int(parts[1])


def date_period(ctx: Context, first: object, last: object) -> Period:
    """Any range of whole local days, first..last inclusive (dates or "YYYY-MM-DD")."""
    day1 = validate_date(first, "date_from", not_before=date(2000, 1, 1))
    day2 = validate_date(last, "date_to", not_before=day1)
    if (day2 - day1).days >= MAX_DAYS:
        raise ValidationError.single(
            "date_to", "out_of_range", min=day1, max=day1 + timedelta(days=MAX_DAYS - 1)
        )
    is_month = day1.day == 1 and day2 == date(
        day1.year, day1.month, calendar.monthrange(day1.year, day1.month)[1]
    )
    return Period(day1, day2, *_bounds(ctx, day1, day2), is_month=is_month)


def previous_period(ctx: Context, p: Period) -> Period:
    """The month before a month; else the same number of days just before."""
    if p.is_month:
        prev = p.first - timedelta(days=1)
        return month_period(ctx, prev.year, prev.month)
    last = p.first - timedelta(days=1)
    first = last - timedelta(days=p.days - 1)
    return Period(first, last, *_bounds(ctx, first, last))


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """`part` of `whole`; `pct` 0–100 with one decimal, None when nothing counted."""

    part: int = 0
    whole: int = 0

    @property
    def pct(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(100) * self.part / self.whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Turnaround:
    kind: str  # a case kind, or "" for all kinds together
    cases: int
    median_days: Decimal
    p90_days: Decimal


@dataclass(frozen=True)
class Technician:
    name: str
    received: int
    finished: int
    open_at_end: int
    labour_minutes: int


@dataclass(frozen=True)
class RepeatRepair:
    number: str
    serial: str
    previous_number: str
    days_between: int


@dataclass(frozen=True)
class OnSite:
    """On-site service (上门维修) in a period: visits made and what they cost the shop."""

    visits: int = 0  # dispatches: every visit recorded in the period
    jobs: int = 0  # on-site tickets visited at least once in the period
    installations: int = 0  # of those jobs, installations (上门安装) rather than repairs
    technicians: int = 0  # different technicians who went out
    technician_days: int = 0  # (technician, local day) pairs with a visit
    labour: Decimal = ZERO  # labour cost booked on on-site jobs in the period
    travel: Decimal = ZERO  # freight/travel booked on on-site jobs in the period

    @property
    def cost(self) -> Decimal:
        return self.labour + self.travel


@dataclass(frozen=True)
class Satisfaction:
    """Follow-up scores (1–5) given in the period."""

    count: int = 0
    total: int = 0
    low: int = 0  # scores of 2 or less

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / self.count).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def low_share(self) -> Rate:
        return Rate(self.low, self.count)


@dataclass(frozen=True)
class OpenCase:
    """A case still open at the period's end, as it stood then."""

    number: str
    kind: str
    status: str  # the last status reached before the period's end
    taken: date  # local
    promise_date: date | None
    days_overdue: int  # past the promise date at the period's last day; 0 when not overdue
    assignee: str


@dataclass(frozen=True)
class Summary:
    """One period's figures. Counts are ints, money Decimal, days Decimal with one decimal."""

    period: Period
    received: int = 0
    closed: int = 0
    open_at_end: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_product: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    promises: Rate = Rate()
    first_answers: Rate = Rate()
    turnaround: list[Turnaround] = field(default_factory=list)
    refunds: int = 0
    refunds_reversed: int = 0
    refund_total: Decimal = ZERO
    money: dict[str, Decimal] = field(default_factory=dict)  # kind → net amount
    claims_filed: int = 0
    claims_claimed: Decimal = ZERO
    claims_paid: int = 0
    claims_recovered: Decimal = ZERO
    liability: dict[str, int] = field(default_factory=dict)
    dispositions: dict[str, int] = field(default_factory=dict)
    repeat_repairs: list[RepeatRepair] = field(default_factory=list)
    technicians: list[Technician] = field(default_factory=list)
    top_returned: list[tuple[str, int]] = field(default_factory=list)
    top_repaired: list[tuple[str, int]] = field(default_factory=list)
    goods_owed: list[Any] = field(default_factory=list)  # returns.GoodsOwed at the period's end
    on_site: OnSite = OnSite()
    satisfaction: Satisfaction = Satisfaction()
    open_cases: list[OpenCase] = field(default_factory=list)  # overdue first, then oldest

    @property
    def overdue_at_end(self) -> int:
        return sum(1 for c in self.open_cases if c.days_overdue > 0)

    def cost(self, kind: str) -> Decimal:
        return self.money.get(kind, ZERO)

    @property
    def costs_total(self) -> Decimal:
        """Parts + freight + labour: what the after-sales work cost the shop."""
        return sum((self.cost(k) for k in COST_KINDS[:3]), ZERO)

    def turnaround_of(self, kind: str = "") -> Turnaround | None:
        return next((t for t in self.turnaround if t.kind == kind), None)


@dataclass(frozen=True)
class Report:
    """The summary of a period, the one before it, and the event log's head when it was made."""

    current: Summary
    previous: Summary
    chain_head: str
    chain_ok: bool
    chain_checked: int
    made_at: datetime
    made_by: str
    chain_sampled: int = 0  # > 0: new events walked from the last check, these older sampled


def _cents(value: object) -> Decimal:
    """An SQL SUM over a money column (whole fen) as Decimal yuan."""
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _days(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _counted(query: pw.ModelSelect, key: pw.Node) -> dict[str, int]:
    """{key: count} sorted by count (desc) then key."""
    n = pw.fn.COUNT(pw.SQL("*"))
    rows = query.select(key.alias("k"), n.alias("n")).group_by(key).order_by(n.desc(), key)
    return {str(r["k"] or ""): int(r["n"]) for r in rows.dicts()}


def received_in(p: Period) -> pw.Expression:
    return (Case.created_at >= p.start) & (Case.created_at < p.end)


def closed_in(p: Period) -> pw.Expression:
    return (Case.closed_at >= p.start) & (Case.closed_at < p.end)


def count_received(p: Period) -> dict[str, int]:
    """Cases received in the period by kind."""
    return _counted(Case.select().where(received_in(p)), Case.kind)


def count_closed(p: Period) -> int:
    return Case.select().where(closed_in(p)).count()


def count_open_at_end(p: Period) -> int:
    """Taken before the end and not closed before it: two index counts, not a table scan (a case
    is closed after it was taken, so "closed before the end" is a subset)."""
    taken = Case.select().where(Case.created_at < p.end).count()
    return taken - Case.select().where(Case.closed_at < p.end).count()


def promises_kept(ctx: Context, p: Period) -> Rate:
    due = kept = 0
    for c in Case.select(Case.closed_at, Case.promise_date).where(
        closed_in(p) & Case.promise_date.is_null(False)
    ):
        due += 1
        kept += ctx.local(c.closed_at).date() <= c.promise_date
    return Rate(kept, due)


def first_answers(ctx: Context, p: Period) -> Rate:
    now = ctx.now()
    whole = part = 0
    for c in Case.select(Case.first_answer_due, Case.first_answered_at).where(
        received_in(p) & Case.first_answer_due.is_null(False)
    ):
        if c.first_answered_at is None and c.first_answer_due > now:
            continue  # still inside its 24 h
        whole += 1
        part += c.first_answered_at is not None and c.first_answered_at <= c.first_answer_due
    return Rate(part, whole)


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank: the ceil(q·n)-th smallest value."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def turnaround(p: Period) -> list[Turnaround]:
    """Per kind (and "" for all), days from taken to closed, for cases closed in the period."""
    by_kind: dict[str, list[float]] = {}
    for c in Case.select(Case.kind, Case.created_at, Case.closed_at).where(closed_in(p)):
        days = (c.closed_at - c.created_at).total_seconds() / 86400
        by_kind.setdefault(c.kind, []).append(days)
    every = sorted(d for values in by_kind.values() for d in values)
    out = []
    for kind, values in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        values.sort()
        out.append(
            Turnaround(
                kind, len(values), _days(statistics.median(values)), _days(_percentile(values, 0.9))
            )
        )
    if every:
        out.append(
            Turnaround(
                "", len(every), _days(statistics.median(every)), _days(_percentile(every, 0.9))
            )
        )
    return out


def money_by_kind(p: Period) -> dict[str, Decimal]:
    """Every money kind booked in the period, net of reversals booked in the period."""
    rev = MoneyEntry.reverses.is_null(False)
    out: dict[str, Decimal] = {}
    for r in (
        MoneyEntry.select(
            MoneyEntry.kind, rev.alias("rev"), pw.fn.SUM(MoneyEntry.amount).alias("s")
        )
        .where((MoneyEntry.at >= p.start) & (MoneyEntry.at < p.end))
        .group_by(MoneyEntry.kind, rev)
        .dicts()
    ):
        amount = _cents(r["s"])
        out[r["kind"]] = out.get(r["kind"], ZERO) + (-amount if r["rev"] else amount)
    return dict(sorted(out.items()))


def refunds(p: Period) -> tuple[int, int, Decimal]:
    """(refunds paid, refunds reversed, net total) as booked in the period."""
    rows = {
        bool(r.rev): (int(r.n), r.s)
        for r in MoneyEntry.select(
            MoneyEntry.reverses.is_null(False).alias("rev"),
            pw.fn.COUNT(MoneyEntry.id).alias("n"),
            pw.fn.SUM(MoneyEntry.amount).alias("s"),
        )
        .where(
            (MoneyEntry.kind == MoneyKind.REFUND.value)
            & (MoneyEntry.at >= p.start)
            & (MoneyEntry.at < p.end)
        )
        .group_by(MoneyEntry.reverses.is_null(False))
    }
    paid_n, paid_s = rows.get(False, (0, 0))
    rev_n, rev_s = rows.get(True, (0, 0))
    return paid_n, rev_n, _cents(paid_s) - _cents(rev_s)


def claims_filed(p: Period) -> tuple[int, Decimal]:
    row = (
        CarrierClaim.select(
            pw.fn.COUNT(CarrierClaim.id).alias("n"),
            pw.fn.SUM(CarrierClaim.amount_claimed).alias("s"),
        )
        .where((CarrierClaim.created_at >= p.start) & (CarrierClaim.created_at < p.end))
        .dicts()
        .get()
    )
    return int(row["n"] or 0), _cents(row["s"])


def claims_paid(p: Period) -> tuple[int, Decimal]:
    """Claims the carrier paid during the period and what they paid."""
    paid_ids = Event.select(Event.entity_id).where(
        (Event.entity == "claim")
        & (Event.to_state == "paid")
        & (Event.at >= p.start)
        & (Event.at < p.end)
    )
    row = (
        CarrierClaim.select(
            pw.fn.COUNT(CarrierClaim.id).alias("n"),
            pw.fn.SUM(CarrierClaim.amount_recovered).alias("s"),
        )
        .where(CarrierClaim.id.in_(paid_ids))
        .dicts()
        .get()
    )
    return int(row["n"] or 0), _cents(row["s"])


def _decisions(p: Period, status: str, key: str) -> dict[str, int]:
    """Case events reaching `status` in the period, counted by the decision in their data."""
    value = json_text(Event.data, key)
    return _counted(
        Event.select().where(
            (Event.entity == "case")
            & (Event.to_state == status)
            & (Event.at >= p.start)
            & (Event.at < p.end)
        ),
        value,
    )


def status_at_end(p: Period) -> dict[str, int]:
    """Cases received in the period, by the last status they reached before the period's end."""
    last = Event.select(pw.fn.MAX(Event.id)).where(
        (Event.entity == "case")
        & (Event.entity_id == Case.id)
        & (Event.to_state != "")
        & (Event.at < p.end)
    )
    status = Event.select(Event.to_state).where(Event.id == last)
    return _counted(Case.select().where(received_in(p)), status)


def _product_label(name: str, spec: str) -> str:
    return f"{name} {spec}".strip() if spec and spec not in name else name


def by_product(p: Period, kinds: tuple[str, ...] = (), limit: int | None = None) -> dict[str, int]:
    """Cases received in the period per product (optionally only of `kinds`), most first."""
    n = pw.fn.COUNT(Case.id)
    cond = received_in(p)
    if kinds:
        cond &= Case.kind.in_(kinds)
    q = (
        Case.select(Product.name, Product.model_spec, n.alias("n"))
        .join(Product, on=(Case.product == Product.id))
        .where(cond)
        .group_by(Product.id)
        .order_by(n.desc(), Product.name, Product.model_spec)
        .dicts()
    )
    if limit:
        q = q.limit(limit)
    out: dict[str, int] = {}
    for r in q:
        name = _product_label(r["name"], r["model_spec"])
        out[name] = out.get(name, 0) + int(r["n"])
    return out


def repeat_repairs(p: Period) -> list[RepeatRepair]:
    """Repair cases received in the period whose serial was repaired within REPEAT_DAYS before.

    Two queries whatever the month holds: the period's repairs, then every repair of those
    serials from REPEAT_DAYS before the period on (a busy month has ~1,000 serials).
    """
    repair = Case.kind == CaseKind.REPAIR.value
    current = list(
        Case.select(Case.number, Case.serial, Case.created_at)
        .where(received_in(p) & repair & (Case.serial != ""))
        .order_by(Case.created_at, Case.id)
        .tuples()
    )
    history: dict[str, list[tuple[datetime, str]]] = {}
    serials = sorted({serial for _, serial, _ in current})
    since = p.start - timedelta(days=REPEAT_DAYS)
    for chunk in range(0, len(serials), 500):  # keeps under every database's parameter limit
        for number, serial, at in (
            Case.select(Case.number, Case.serial, Case.created_at)
            .where(
                repair
                & Case.serial.in_(serials[chunk : chunk + 500])
                & (Case.created_at >= since)
                & (Case.created_at < p.end)
            )
            .tuples()
        ):
            history.setdefault(serial, []).append((at, number))
    out = []
    for number, serial, at in current:
        earlier = [
            (t, n)
            for t, n in history.get(serial, ())
            if t < at and t >= at - timedelta(days=REPEAT_DAYS)
        ]
        if earlier:
            t, before = max(earlier)
            out.append(RepeatRepair(number, serial, before, (at - t).days))
    return out


def technicians(p: Period) -> list[Technician]:
    """Repair tickets per technician (unassigned tickets under "").

    A ticket's technician is the one on the ticket, else the case's assignee, else the first
    technician who moved the case: a repair worked only through its status changes never had
    the ticket's own column set, and its technician showed 0 received / 0 finished while the
    work sat under "(unassigned)".
    """
    t = RepairTicket
    rows: dict[int | None, dict[str, int]] = {}
    # Records from before a technician's status change set the ticket's technician: the first
    # technician who moved the case.
    tech = User.alias("tech")
    first_mover = (
        Event.select(Event.actor)
        .join(tech, on=(Event.actor == tech.id))
        .where(
            (Event.entity == "case")
            & (Event.entity_id == Case.id)
            & (tech.role == Role.TECHNICIAN.value)
        )
        .order_by(Event.id)
        .limit(1)
    )
    who = pw.fn.COALESCE(t.technician, Case.assignee, first_mover)

    def add(cond: pw.Expression, key: str) -> None:
        for r in (
            t.select(who.alias("who"), pw.fn.COUNT(pw.SQL("*")).alias("n"))
            .join(Case, on=(t.case == Case.id))
            .where(cond)
            .group_by(who)
            .dicts()
        ):
            rows.setdefault(r["who"], {})[key] = int(r["n"])

    add((t.received_at >= p.start) & (t.received_at < p.end), "received")
    add((t.finished_at >= p.start) & (t.finished_at < p.end), "finished")
    # Open at the end = received before it minus finished before it.
    add(t.received_at < p.end, "open")
    add(t.finished_at < p.end, "done_before_end")
    for r in (
        RepairLabour.select(
            RepairLabour.technician.alias("who"), pw.fn.SUM(RepairLabour.minutes).alias("n")
        )
        .where((RepairLabour.added_at >= p.start) & (RepairLabour.added_at < p.end))
        .group_by(RepairLabour.technician)
        .dicts()
    ):
        rows.setdefault(r["who"], {})["minutes"] = int(r["n"] or 0)
    names = {u.id: u.display_name for u in User.select(User.id, User.display_name)}
    out = [
        Technician(
            names.get(who, "") if who else "",
            v.get("received", 0),
            v.get("finished", 0),
            v.get("open", 0) - v.get("done_before_end", 0),
            v.get("minutes", 0),
        )
        for who, v in rows.items()
    ]
    out = [x for x in out if x.received or x.finished or x.open_at_end or x.labour_minutes]
    return sorted(out, key=lambda x: (not x.name, -x.received - x.finished, x.name))


def on_site(ctx: Context, p: Period) -> OnSite:
    """Visits recorded in the period on on-site tickets, and the labour and freight (travel)
    booked on those jobs in the period (net of reversals)."""
    visits = list(
        RepairVisit.select(RepairVisit.ticket, RepairVisit.technician, RepairVisit.visited_at)
        .where((RepairVisit.visited_at >= p.start) & (RepairVisit.visited_at < p.end))
        .tuples()
    )
    jobs = {ticket for ticket, _, _ in visits}
    techs = {who for _, who, _ in visits if who is not None}
    days = {(who, ctx.local(at).date()) for _, who, at in visits}
    money: dict[str, Decimal] = {}
    if jobs:
        on_site_cases = RepairTicket.select(RepairTicket.case).where(RepairTicket.id.in_(jobs))
        for kind, amount, rev in (
            MoneyEntry.select(
                MoneyEntry.kind, MoneyEntry.amount, MoneyEntry.reverses.is_null(False)
            )
            .where(
                MoneyEntry.case.in_(on_site_cases)
                & MoneyEntry.kind.in_((MoneyKind.LABOUR.value, MoneyKind.FREIGHT.value))
                & (MoneyEntry.at >= p.start)
                & (MoneyEntry.at < p.end)
            )
            .tuples()
        ):
            money[kind] = money.get(kind, ZERO) + (-amount if rev else amount)
    installs = (
        RepairTicket.select()
        .where(RepairTicket.id.in_(list(jobs)) & (RepairTicket.installation == True))  # noqa: E712
        .count()
        if jobs
        else 0
    )
    return OnSite(
        visits=len(visits),
        jobs=len(jobs),
        installations=installs,
        technicians=len(techs),
        technician_days=len(days),
        labour=money.get(MoneyKind.LABOUR.value, ZERO),
        travel=money.get(MoneyKind.FREIGHT.value, ZERO),
    )


def satisfaction(p: Period) -> Satisfaction:
    """Scores of the follow-ups done in the period: every case whose event in the period carries
    a satisfaction score (a complaint's follow-up today; any kind's follow-up that records one),
    counted once per case with the case's score."""
    scored = json_text(Event.data, "satisfaction")
    ids = Event.select(Event.entity_id).where(
        (Event.entity == "case")
        & (Event.at >= p.start)
        & (Event.at < p.end)
        & scored.is_null(False)
        & (scored != "")
    )
    scores = [
        int(s)
        for (s,) in Case.select(Case.satisfaction)
        .where(Case.id.in_(ids) & Case.satisfaction.is_null(False))
        .tuples()
    ]
    return Satisfaction(len(scores), sum(scores), sum(1 for s in scores if s <= 2))


OPEN_LIST_LIMIT = 500  # a longer list is cut (the count above it stays whole)


def open_cases(ctx: Context, p: Period, limit: int = OPEN_LIST_LIMIT) -> list[OpenCase]:
    """Every case taken before the period's end and not closed before it, with the status it had
    then; overdue ones (promise date before the period's last day) first, most overdue first."""
    last = Event.select(pw.fn.MAX(Event.id)).where(
        (Event.entity == "case")
        & (Event.entity_id == Case.id)
        & (Event.to_state != "")
        & (Event.at < p.end)
    )
    status = Event.select(Event.to_state).where(Event.id == last)
    rows = (
        Case.select(
            Case.number,
            Case.kind,
            status.alias("st"),
            Case.status,
            Case.created_at,
            Case.promise_date,
            User.display_name,
        )
        .join(User, pw.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
        .where((Case.created_at < p.end) & (Case.closed_at.is_null() | (Case.closed_at >= p.end)))
        .tuples()
    )
    out = [
        OpenCase(
            number,
            kind,
            st or now_status,
            ctx.local(created).date(),
            promised,
            max(0, (p.last - promised).days) if promised else 0,
            who or "",
        )
        for number, kind, st, now_status, created, promised, who in rows
    ]
    out.sort(key=lambda c: (-c.days_overdue, c.taken, c.number))
    return out[:limit]


def summarize(ctx: Context, p: Period) -> Summary:
    """Every figure of one period (see the module's table for what counts)."""
    kinds = count_received(p)
    paid_n, rev_n, refund_total = refunds(p)
    filed_n, filed_s = claims_filed(p)
    paid_claims, recovered = claims_paid(p)
    return Summary(
        period=p,
        received=sum(kinds.values()),
        closed=count_closed(p),
        open_at_end=count_open_at_end(p),
        by_kind=kinds,
        by_reason=_counted(Case.select().where(received_in(p)), Case.reason),
        by_status=status_at_end(p),
        by_product=by_product(p),
        by_channel=_counted(Case.select().where(received_in(p)), Case.channel),
        promises=promises_kept(ctx, p),
        first_answers=first_answers(ctx, p),
        turnaround=turnaround(p),
        refunds=paid_n,
        refunds_reversed=rev_n,
        refund_total=refund_total,
        money=money_by_kind(p),
        claims_filed=filed_n,
        claims_claimed=filed_s,
        claims_paid=paid_claims,
        claims_recovered=recovered,
        liability=_decisions(p, "liability_decided", "liability"),
        dispositions=_decisions(p, "disposition_done", "disposition"),
        repeat_repairs=repeat_repairs(p),
        technicians=technicians(p),
        top_returned=list(by_product(p, rma_kinds(), TOP_N).items()),
        top_repaired=list(by_product(p, (CaseKind.REPAIR.value,), TOP_N).items()),
        goods_owed=_goods_owed(ctx, p),
        on_site=on_site(ctx, p),
        satisfaction=satisfaction(p),
        open_cases=open_cases(ctx, p),
    )


def _goods_owed(ctx: Context, p: Period) -> list[Any]:
    """Shipped first, goods not back, as it stood at the period's end (or now, if earlier)."""
    from app.services.remedies.returns import goods_owed

    return goods_owed(ctx, at=min(p.end, ctx.now()))


def period_report(ctx: Context, p: Period, *, chain: bool = True) -> Report:
    """A period's summary with the previous period's, anchored to the event log's head.

    `chain=False` skips walking the event log (the screen refreshes often; print anchors it).
    """
    from app.services.safekeeping.audit_check import verify_since_checkpoint
    from app.services.shop.permissions import Action, require

    require(ctx, Action.REPORT)
    checked = verify_since_checkpoint(ctx, cases=_summed_cases(p)) if chain else None
    return Report(
        current=summarize(ctx, p),
        previous=summarize(ctx, previous_period(ctx, p)),
        chain_head=checked.head if checked else "",
        chain_ok=checked.ok if checked else False,
        chain_checked=checked.checked if checked else 0,
        chain_sampled=checked.sampled if checked else 0,
        made_at=ctx.now(),
        made_by=ctx.actor.display_name,
    )


def _summed_cases(p: Period) -> set[int]:
    """The cases whose rows this period's figures add up: money in it, received or closed in it
    (their sealed rows are checked against the log before the summary is printed)."""
    from app.store.models import MoneyEntry

    ids = {
        c
        for (c,) in MoneyEntry.select(MoneyEntry.case)
        .where((MoneyEntry.at >= p.start) & (MoneyEntry.at < p.end))
        .tuples()
    }
    ids.update(c for (c,) in Case.select(Case.id).where(received_in(p) | closed_in(p)).tuples())
    return ids


def month_report(ctx: Context, year: int, month: int, *, chain: bool = True) -> Report:
    """The monthly summary the owner prints by the 5th of the next month."""
    return period_report(ctx, month_period(ctx, year, month), chain=chain)


def range_report(ctx: Context, first: object, last: object) -> Report:
    """The same summary for any range of days."""
    return period_report(ctx, date_period(ctx, first, last))


# --- raw rows for the workbook -----------------------------------------------------------------


@dataclass(frozen=True)
class RawCase:
    number: str
    kind: str
    status: str  # now
    channel: str
    reason: str
    product: str
    created: datetime  # local
    closed: datetime | None  # local
    promise_date: date | None
    assignee: str


@dataclass(frozen=True)
class RawMoney:
    number: str
    kind: str
    amount: Decimal  # signed: a reversal is negative
    at: datetime  # local
    reverses: int | None
    note: str
    entry_id: int


def raw_cases(ctx: Context, p: Period, limit: int = RAW_LIMIT) -> list[RawCase]:
    """The cases received in the period (no customer names or phones: the file may travel).

    Plain tuples of the ten columns: building full model rows cost 0.5 s for a busy month.
    """
    q = (
        Case.select(
            Case.number,
            Case.kind,
            Case.status,
            Case.channel,
            Case.reason,
            Product.name,
            Product.model_spec,
            Case.created_at,
            Case.closed_at,
            Case.promise_date,
            User.display_name,
        )
        .join(Product, pw.JOIN.LEFT_OUTER, on=(Case.product == Product.id))
        .switch(Case)
        .join(User, pw.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
        .where(received_in(p))
        .order_by(Case.created_at, Case.id)
        .limit(limit)
        .tuples()
    )
    return [
        RawCase(
            number,
            kind,
            status,
            channel,
            reason,
            _product_label(name, spec or "") if name else "",
            ctx.local(created),
            ctx.local(closed) if closed else None,
            promised,
            assignee or "",
        )
        for (
            number,
            kind,
            status,
            channel,
            reason,
            name,
            spec,
            created,
            closed,
            promised,
            assignee,
        ) in q
    ]


def raw_money(ctx: Context, p: Period, limit: int = RAW_LIMIT) -> list[RawMoney]:
    """Every money entry booked in the period, reversals negative."""
    q = (
        MoneyEntry.select(MoneyEntry, Case.number)
        .join(Case, on=(MoneyEntry.case == Case.id))
        .where((MoneyEntry.at >= p.start) & (MoneyEntry.at < p.end))
        .order_by(MoneyEntry.at, MoneyEntry.id)
        .limit(limit)
    )
    return [
        RawMoney(
            m.case.number,
            m.kind,
            -m.amount if m.reverses_id else m.amount,
            ctx.local(m.at),
            m.reverses_id,
            m.note,
            m.id,
        )
        for m in q
    ]
