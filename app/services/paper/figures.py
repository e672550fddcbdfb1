"""A month's key figures for the owner: counts, money, promises kept, turnaround, stock.

The figures shared with the monthly summary (received, closed, still open, promises kept,
refunds, claims paid) come from `app.services.paper.report`, the one place that defines them; the
ones only the dashboard shows (cases per day, stock, overdue now, …) are defined here.

Read-only. Month boundaries are midnight in the shop's time zone, converted to UTC for the
query, so a case taken at 00:30 Beijing time on the 1st counts in the new month even though it
is still the previous day in UTC. Aggregates run in SQL; only the comparisons that need the
local calendar (promise kept, cases per local day) look at single columns in Python.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import peewee as pw

from app.domain import workflows
from app.domain.errors import ValidationError
from app.services.casework.cases import CaseFilter, count_cases
from app.services.paper import report
from app.services.shop.context import Context
from app.store.dialect import days_between
from app.store.models import (
    CarrierClaim,
    Case,
    DealerMovement,
    Event,
    Product,
    RepairPart,
    RepairTicket,
    SparePart,
)

ZERO = Decimal("0.00")
LOW_STOCK_BELOW = 2
TOP_N = 5
_CLAIM_FINAL = workflows.CARRIER_CLAIM.final


@dataclass(frozen=True)
class LowStock:
    part_no: str
    name: str
    stock: int


@dataclass(frozen=True)
class MonthFigures:
    """What the month looked like; money is Decimal, days are local calendar days."""

    year: int
    month: int
    first_day: date
    last_day: date
    received: int = 0
    received_by_kind: dict[str, int] = field(default_factory=dict)
    closed: int = 0  # cases reaching a final status during the month
    open_at_end: int = 0  # taken by the month's end and not closed by then
    overdue_now: int = 0  # open cases past their promise right now
    promise_due: int = 0  # closed in the month with a promise date
    promise_kept: int = 0  # ... closed on or before that date
    repairs_finished: int = 0
    turnaround_days: Decimal | None = None  # average received → finished, one decimal
    refunds: int = 0
    refund_total: Decimal = ZERO  # net of reversals booked in the month
    dealer_deductions: int = 0
    dealer_deduction_total: Decimal = ZERO
    claims_open: int = 0  # filed by the month's end and not settled by then
    claims_recovered: int = 0  # paid by the carrier during the month
    claims_recovered_total: Decimal = ZERO
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    top_products: list[tuple[str, int]] = field(default_factory=list)
    warranty_repairs: int = 0  # repair tickets taken in the month, in warranty
    paid_repairs: int = 0
    parts_used: int = 0  # pieces fitted in the month
    parts_used_value: Decimal = ZERO
    low_stock: list[LowStock] = field(default_factory=list)
    per_day: list[int] = field(default_factory=list)  # cases received, index 0 = the 1st

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of promises kept (0–100, one decimal), None when nothing was due."""
        if not self.promise_due:
            return None
        return (Decimal(100) * self.promise_kept / self.promise_due).quantize(Decimal("0.1"))


def month_bounds(ctx: Context, year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in the shop's zone, as aware UTC datetimes."""
    p = report.month_period(ctx, year, month)
    return p.start, p.end


def _check_month(year: object, month: object) -> tuple[int, int]:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError.single("month", "out_of_range", min=2000, max=2100)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError.single("month", "out_of_range", min=1, max=12)
    return year, month


def _cents(value: object) -> Decimal:
    """An SQL SUM over a money column (whole fen) as Decimal yuan."""
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def month_figures(ctx: Context, year: int, month: int) -> MonthFigures:
    """Key figures of one month (the owner's monthly look; the full summary comes later)."""
    year, month = _check_month(year, month)
    period = report.month_period(ctx, year, month)
    start, end = period.start, period.end
    days = calendar.monthrange(year, month)[1]
    in_month = report.received_in(period)

    by_kind = report.count_received(period)
    closed = report.count_closed(period)
    open_at_end = report.count_open_at_end(period)
    promises = report.promises_kept(ctx, period)

    finished_in = (RepairTicket.finished_at >= start) & (RepairTicket.finished_at < end)
    turn = (
        RepairTicket.select(
            pw.fn.COUNT(RepairTicket.id).alias("n"),
            pw.fn.AVG(days_between(RepairTicket.finished_at, RepairTicket.received_at)).alias(
                "avg"
            ),
        )
        .where(finished_in)
        .dicts()
        .get()
    )
    turnaround = None
    if turn["n"]:
        turnaround = Decimal(str(turn["avg"])).quantize(Decimal("0.1"))

    refunds_n, _reversed, refund_total = report.refunds(period)

    deductions = (
        DealerMovement.select(
            pw.fn.COUNT(DealerMovement.id).alias("n"), pw.fn.SUM(DealerMovement.amount).alias("s")
        )
        .where(
            (DealerMovement.at >= start)
            & (DealerMovement.at < end)
            & (DealerMovement.amount < 0)
            # freight charged to a dealer's account is counted as freight charged (issue 13)
            & (DealerMovement.reason != "freight")
        )
        .dicts()
        .get()
    )

    claims_open = (
        CarrierClaim.select()
        .where(
            (CarrierClaim.created_at < end) & CarrierClaim.id.not_in(_claims_settled_before(end))
        )
        .count()
    )
    claims_paid, claims_recovered = report.claims_paid(period)

    n = pw.fn.COUNT(Case.id)
    top_reasons = [
        (r.reason, r.n)
        for r in Case.select(Case.reason, n.alias("n"))
        .where(in_month)
        .group_by(Case.reason)
        .order_by(n.desc(), Case.reason)
        .limit(TOP_N)
    ]
    top_products = [
        (r.product.name, r.n)
        for r in Case.select(Product.name, n.alias("n"))
        .join(Product, on=(Case.product == Product.id))
        .where(in_month)
        .group_by(Product.id)
        .order_by(n.desc(), Product.name)
        .limit(TOP_N)
    ]

    tickets_in = (RepairTicket.received_at >= start) & (RepairTicket.received_at < end)
    warranty = {
        bool(r.in_warranty): r.n
        for r in RepairTicket.select(
            RepairTicket.in_warranty, pw.fn.COUNT(RepairTicket.id).alias("n")
        )
        .where(tickets_in)
        .group_by(RepairTicket.in_warranty)
    }

    parts = (
        RepairPart.select(
            pw.fn.SUM(RepairPart.qty).alias("q"),
            pw.fn.SUM(RepairPart.qty * RepairPart.unit_price).alias("v"),
        )
        .where((RepairPart.added_at >= start) & (RepairPart.added_at < end))
        .dicts()
        .get()
    )

    low = [
        LowStock(p.part_no, p.name, p.stock)
        for p in SparePart.select()
        .where(SparePart.stock < LOW_STOCK_BELOW)
        .order_by(SparePart.stock, SparePart.part_no)
    ]

    per_day = [0] * days
    for c in Case.select(Case.created_at).where(in_month):
        per_day[ctx.local(c.created_at).day - 1] += 1

    return MonthFigures(
        year=year,
        month=month,
        first_day=date(year, month, 1),
        last_day=date(year, month, days),
        received=sum(by_kind.values()),
        received_by_kind=by_kind,
        closed=closed,
        open_at_end=open_at_end,
        overdue_now=count_cases(ctx, CaseFilter(overdue=True)),
        promise_due=promises.whole,
        promise_kept=promises.part,
        repairs_finished=turn["n"] or 0,
        turnaround_days=turnaround,
        refunds=refunds_n,
        refund_total=refund_total,
        dealer_deductions=deductions["n"] or 0,
        dealer_deduction_total=-_cents(deductions["s"]) if deductions["s"] else ZERO,
        claims_open=claims_open,
        claims_recovered=claims_paid,
        claims_recovered_total=claims_recovered,
        top_reasons=top_reasons,
        top_products=top_products,
        warranty_repairs=warranty.get(True, 0),
        paid_repairs=warranty.get(False, 0),
        parts_used=int(parts["q"] or 0),
        parts_used_value=_cents(parts["v"]),
        low_stock=low,
        per_day=per_day,
    )


def _claims_settled_before(end: datetime) -> pw.SelectQuery:
    """Ids of claims that reached a final state (or were paid) before `end`."""
    return Event.select(Event.entity_id).where(
        (Event.entity == "claim") & Event.to_state.in_([*_CLAIM_FINAL, "paid"]) & (Event.at < end)
    )


def current_month(ctx: Context) -> tuple[int, int]:
    """(year, month) of today in the shop's zone."""
    today = ctx.today()
    return today.year, today.month


def previous_month(year: int, month: int) -> tuple[int, int]:
    first = date(year, month, 1) - timedelta(days=1)
    return first.year, first.month


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)
