"""Month figures: checked against counts computed record by record from list_cases/show_case."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.views import CaseDetail
from app.services.paper.figures import month_bounds, month_figures
from app.services.shop.context import Context
from tests.conftest import Clock, demo_copy

FINAL_CLAIM = {"closed", "withdrawn", "paid"}


def _expected(ctx: Context, details: list[CaseDetail], year: int, month: int) -> dict[str, object]:
    """The same figures, one record at a time through the read services."""
    start, end = month_bounds(ctx, year, month)

    def inside(when: datetime | None) -> bool:
        return when is not None and start <= when < end

    received = [d for d in details if inside(d.created_at)]
    closed = [d for d in details if inside(d.closed_at)]
    due = [d for d in closed if d.promise_date]
    money = [m for d in details for m in d.money if inside(m.at)]
    refunds = [m for m in money if m.kind == "refund"]
    turn = [
        (d.repair.finished_at - d.repair.received_at).total_seconds() / 86400
        for d in details
        if d.repair and inside(d.repair.finished_at)
    ]
    parts_qty = 0
    parts_value = Decimal("0.00")
    for d in details:
        if not d.repair:
            continue
        lines = {p.id: p for p in d.repair.parts}
        for e in d.events:
            if e.action == "part_added" and inside(e.at):
                line = lines[e.data["line"]]
                parts_qty += line.qty
                parts_value += line.qty * line.unit_price
    now = ctx.now()
    claims_open = (
        sum(1 for d in details for c in d.claims if c.status not in FINAL_CLAIM)
        if end > now
        else None
    )
    paid_events = sum(1 for d in details for e in d.events if e.to_state == "paid" and inside(e.at))
    recovery = [m.amount for m in money if m.kind == "claim_recovery"]
    return {
        "received": len(received),
        "by_kind": dict(Counter(d.kind for d in received)),
        "closed": len(closed),
        "open_at_end": sum(
            1 for d in details if d.created_at < end and (d.closed_at is None or d.closed_at >= end)
        ),
        "due": len(due),
        "kept": sum(1 for d in due if ctx.local(d.closed_at).date() <= d.promise_date),
        "refunds": sum(1 for m in refunds if m.reverses is None),
        "refund_total": sum((m.amount for m in refunds if m.reverses is None), Decimal("0.00"))
        - sum((m.amount for m in refunds if m.reverses is not None), Decimal("0.00")),
        "deductions": sum(1 for m in money if m.kind == "dealer_deduction"),
        "deduction_total": sum(
            (m.amount for m in money if m.kind == "dealer_deduction"), Decimal("0.00")
        ),
        "turnaround": (
            Decimal(str(sum(turn) / len(turn))).quantize(Decimal("0.1")) if turn else None
        ),
        "reasons": Counter(d.reason for d in received),
        "products": Counter(d.product.name for d in received if d.product),
        "warranty": sum(
            1 for d in details if d.repair and inside(d.repair.received_at) and d.repair.in_warranty
        ),
        "paid": sum(
            1
            for d in details
            if d.repair and inside(d.repair.received_at) and not d.repair.in_warranty
        ),
        "parts_qty": parts_qty,
        "parts_value": parts_value,
        "per_day": Counter(ctx.local(d.created_at).day for d in received),
        "recovered": (paid_events, sum(recovery, Decimal("0.00"))),
        "claims_open": claims_open,
    }


def test_figures_match_the_records(demo_template: Path, data_dir: Path, clock: Clock) -> None:
    # The session's 40-case demo (the same batch make_demo(cases=40) gives the owner at this
    # clock), copied rather than built again.
    ctx = demo_copy(demo_template, data_dir, clock)
    details = [show_case(ctx, r.number) for r in list_cases(ctx)]
    for month in ((2026, 1), (2026, 2), (2026, 3)):  # the last is the clock's month
        _check_month(ctx, details, *month)


def _check_month(demo: Context, details: list[CaseDetail], year: int, month: int) -> None:
    fig = month_figures(demo, year, month)
    exp = _expected(demo, details, year, month)
    assert fig.received == exp["received"] > 0
    assert fig.received_by_kind == exp["by_kind"]
    assert fig.closed == exp["closed"]
    assert fig.open_at_end == exp["open_at_end"]
    assert (fig.promise_due, fig.promise_kept) == (exp["due"], exp["kept"])
    assert fig.refunds == exp["refunds"]
    assert fig.refund_total == exp["refund_total"]
    assert isinstance(fig.refund_total, Decimal)
    assert fig.dealer_deductions == exp["deductions"]
    assert fig.dealer_deduction_total == exp["deduction_total"]
    assert fig.turnaround_days == exp["turnaround"]
    assert (fig.warranty_repairs, fig.paid_repairs) == (exp["warranty"], exp["paid"])
    assert (fig.parts_used, fig.parts_used_value) == (exp["parts_qty"], exp["parts_value"])
    assert (fig.claims_recovered, fig.claims_recovered_total) == exp["recovered"]
    if exp["claims_open"] is not None:  # the current month: claims still open now
        assert fig.claims_open == exp["claims_open"]
    reasons: Counter[str] = exp["reasons"]  # type: ignore[assignment]
    for code, n in fig.top_reasons:
        assert reasons[code] == n
    assert [n for _c, n in fig.top_reasons] == sorted(reasons.values(), reverse=True)[:5]
    products: Counter[str] = exp["products"]  # type: ignore[assignment]
    for name, n in fig.top_products:
        assert products[name] == n
    per_day: Counter[int] = exp["per_day"]  # type: ignore[assignment]
    assert fig.per_day == [per_day.get(day, 0) for day in range(1, len(fig.per_day) + 1)]
    assert fig.overdue_now == len(list_cases(demo, CaseFilter(overdue=True)))
    if fig.promise_due:
        assert fig.on_time_rate == (Decimal(100) * fig.promise_kept / fig.promise_due).quantize(
            Decimal("0.1")
        )


def test_month_starts_at_midnight_in_the_shop_zone(ctx: Context, clock: Clock) -> None:
    """00:30 on 1 February in Shanghai is still 31 January in UTC: it counts in February."""
    clock.now = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)
    take_intake(
        ctx,
        IntakeForm(
            kind="complaint",
            name="张三",
            phone="13812348000",
            description="服务态度",
            reason="service_attitude",
        ),
    )
    clock.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert month_figures(ctx, 2026, 1).received == 0
    feb = month_figures(ctx, 2026, 2)
    assert feb.received == 1 and feb.per_day[0] == 1
    assert feb.top_reasons == [("service_attitude", 1)]


def test_an_impossible_month_is_refused(ctx: Context) -> None:
    with pytest.raises(ValidationError) as info:
        month_figures(ctx, 2026, 13)
    assert info.value.errors[0].field == "month"
