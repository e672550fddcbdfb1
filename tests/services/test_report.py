"""The monthly summary: every figure checked against its own raw SQL on the same SQLite file.

The SQL here is written independently of app/services/paper/report.py: plain sqlite3, the month's
bounds computed from the shop's zone by hand, percentiles computed in plain Python.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app import paths
from app.domain.errors import ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.transitions import move
from app.services.paper.report import (
    Summary,
    date_period,
    month_period,
    month_report,
    parse_month,
    previous_period,
    range_report,
    summarize,
)
from app.services.remedies.money import reverse_money
from app.services.shop.context import Context
from app.store.history import chain_head
from tests.conftest import Clock, demo_copy, sqlite_view

ZONE = ZoneInfo("Asia/Shanghai")
DEMO_MONTHS = ((2025, 10), (2025, 12), (2026, 1), (2026, 2), (2026, 3))


@pytest.fixture
def demo(demo_template: Path, data_dir: Path, clock: Clock) -> Context:
    return demo_copy(demo_template, data_dir, clock)


class _Snapshots:
    """sqlite3 on a server database: a fresh SQLite snapshot whenever the log's head moved."""

    def __init__(self, folder: Path, out: Path) -> None:
        self.folder, self.out = folder, out
        self.head = ""
        self.con: sqlite3.Connection | None = None

    def execute(self, query: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        head = chain_head()[1]
        if self.con is None or head != self.head:
            if self.con is not None:
                self.con.close()
            self.con = sqlite3.connect(sqlite_view(self.folder, self.out))
            self.head = head
        return self.con.execute(query, params)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()


@pytest.fixture
def sql(demo: Context, backend: str, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """The same plain-sqlite3 SQL on both backends: on the server, on its SQLite snapshot."""
    if backend == "pg":
        snaps = _Snapshots(demo.data_dir, tmp_path / "snapshot.db")
        yield snaps  # type: ignore[misc]
        snaps.close()
        return
    con = sqlite3.connect(paths.db_path(demo.data_dir))
    yield con
    con.close()


def _utc(day: date) -> str:
    """Local midnight of `day` as the naive UTC text the database stores."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return local.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _bounds(year: int, month: int) -> tuple[str, str]:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return _utc(date(year, month, 1)), _utc(nxt)


def _yuan(fen: object) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(Decimal("0.01"))


def _grouped(con: sqlite3.Connection, query: str, a: str, b: str) -> dict[str, int]:
    return {str(k or ""): n for k, n in con.execute(query, (a, b))}


def _days(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.1"), "ROUND_HALF_UP")


def _median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def _p90(values: list[float]) -> float:
    v = sorted(values)
    return v[math.ceil(0.9 * len(v)) - 1]


def _check(con: sqlite3.Connection, s: Summary, year: int, month: int, now: datetime) -> None:
    a, b = _bounds(year, month)
    recv = 'FROM "case" c WHERE c.created_at >= ? AND c.created_at < ?'
    by_kind = _grouped(con, f"SELECT kind, count(*) {recv} GROUP BY kind", a, b)
    assert s.by_kind == by_kind
    assert s.received == sum(by_kind.values())
    assert s.by_reason == _grouped(con, f"SELECT reason, count(*) {recv} GROUP BY reason", a, b)
    assert s.by_channel == _grouped(con, f"SELECT channel, count(*) {recv} GROUP BY channel", a, b)
    status_sql = (
        "SELECT (SELECT e.to_state FROM event e WHERE e.entity = 'case' AND e.entity_id = c.id"
        " AND e.to_state != '' AND e.at < ?2 ORDER BY e.id DESC LIMIT 1) AS st, count(*)"
        ' FROM "case" c WHERE c.created_at >= ?1 AND c.created_at < ?2 GROUP BY st'
    )
    assert s.by_status == _grouped(con, status_sql, a, b)
    products: dict[str, int] = {}
    for name, spec, n in con.execute(
        'SELECT p.name, p.model_spec, count(*) FROM "case" c JOIN product p ON p.id = c.product_id'
        " WHERE c.created_at >= ? AND c.created_at < ? GROUP BY p.id",
        (a, b),
    ):
        label = name if not spec or spec in name else f"{name} {spec}"
        products[label] = products.get(label, 0) + n
    assert s.by_product == products

    (closed,) = con.execute(
        'SELECT count(*) FROM "case" WHERE closed_at >= ? AND closed_at < ?', (a, b)
    ).fetchone()
    assert s.closed == closed
    (still_open,) = con.execute(
        'SELECT count(*) FROM "case" WHERE created_at < ?2 AND (closed_at IS NULL'
        " OR closed_at >= ?2)",
        (a, b),
    ).fetchone()
    assert s.open_at_end == still_open

    due, kept = con.execute(
        "SELECT count(*), coalesce(sum(date(closed_at, '+8 hours') <= promise_date), 0)"
        ' FROM "case" WHERE closed_at >= ? AND closed_at < ? AND promise_date IS NOT NULL',
        (a, b),
    ).fetchone()
    assert (s.promises.whole, s.promises.part) == (due, kept)

    stamp = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    whole, part = con.execute(
        'SELECT count(*), coalesce(sum(first_answered_at <= first_answer_due), 0) FROM "case"'
        " WHERE created_at >= ? AND created_at < ? AND first_answer_due IS NOT NULL"
        " AND NOT (first_answered_at IS NULL AND first_answer_due > ?)",
        (a, b, stamp),
    ).fetchone()
    assert (s.first_answers.whole, s.first_answers.part) == (whole, part)

    spans: dict[str, list[float]] = {}
    for kind, d in con.execute(
        'SELECT kind, julianday(closed_at) - julianday(created_at) FROM "case"'
        " WHERE closed_at >= ? AND closed_at < ?",
        (a, b),
    ):
        spans.setdefault(kind, []).append(d)
    got = {t.kind: (t.cases, t.median_days, t.p90_days) for t in s.turnaround}
    every = [x for v in spans.values() for x in v]
    want = {k: (len(v), _days(_median(v)), _days(_p90(v))) for k, v in spans.items()}
    if every:
        want[""] = (len(every), _days(_median(every)), _days(_p90(every)))
    assert set(got) == set(want)
    for k in want:  # julianday has millisecond precision: allow one step of rounding
        assert got[k][0] == want[k][0]
        assert abs(got[k][1] - want[k][1]) <= Decimal("0.1")
        assert abs(got[k][2] - want[k][2]) <= Decimal("0.1")

    money = {
        kind: _yuan(total)
        for kind, total in con.execute(
            "SELECT kind, sum(CASE WHEN reverses_id IS NULL THEN amount ELSE -amount END)"
            " FROM money_entry WHERE at >= ? AND at < ? GROUP BY kind",
            (a, b),
        )
    }
    assert s.money == money
    paid_n, rev_n = con.execute(
        "SELECT coalesce(sum(reverses_id IS NULL), 0), coalesce(sum(reverses_id IS NOT NULL), 0)"
        " FROM money_entry WHERE kind = 'refund' AND at >= ? AND at < ?",
        (a, b),
    ).fetchone()
    assert (s.refunds, s.refunds_reversed) == (paid_n, rev_n)
    assert s.refund_total == money.get("refund", Decimal("0.00"))
    for kind in ("parts", "freight", "labour", "dealer_deduction"):
        assert s.cost(kind) == money.get(kind, Decimal("0.00"))

    n, claimed = con.execute(
        "SELECT count(*), sum(amount_claimed) FROM carrier_claim WHERE created_at >= ?"
        " AND created_at < ?",
        (a, b),
    ).fetchone()
    assert (s.claims_filed, s.claims_claimed) == (n, _yuan(claimed))
    n, recovered = con.execute(
        "SELECT count(*), sum(amount_recovered) FROM carrier_claim WHERE id IN (SELECT entity_id"
        " FROM event WHERE entity = 'claim' AND to_state = 'paid' AND at >= ? AND at < ?)",
        (a, b),
    ).fetchone()
    assert (s.claims_paid, s.claims_recovered) == (n, _yuan(recovered))

    for attr, status, key in (
        ("liability", "liability_decided", "liability"),
        ("dispositions", "disposition_done", "disposition"),
    ):
        want_split = _grouped(
            con,
            f"SELECT json_extract(data, '$.{key}') AS v, count(*) FROM event WHERE entity = 'case'"
            f" AND to_state = '{status}' AND at >= ? AND at < ? GROUP BY v",
            a,
            b,
        )
        assert getattr(s, attr) == want_split

    repeats = [
        (num, prev)
        for num, prev in con.execute(
            "SELECT c.number, (SELECT p.number FROM \"case\" p WHERE p.kind = 'repair'"
            " AND p.serial = c.serial AND p.created_at < c.created_at"
            " AND julianday(c.created_at) - julianday(p.created_at) <= 90"
            ' ORDER BY p.created_at DESC LIMIT 1) AS prev FROM "case" c'
            " WHERE c.kind = 'repair' AND c.serial != '' AND c.created_at >= ?"
            " AND c.created_at < ? ORDER BY c.created_at",
            (a, b),
        )
        if prev
    ]
    assert [(r.number, r.previous_number) for r in s.repeat_repairs] == repeats

    tech: dict[str, tuple[int, int, int, int]] = {}
    for name, received, finished, still, minutes in con.execute(
        "SELECT coalesce(u.display_name, ''),"
        " (SELECT count(*) FROM repair_ticket t WHERE t.technician_id IS u.id"
        "  AND t.received_at >= ?1 AND t.received_at < ?2),"
        " (SELECT count(*) FROM repair_ticket t WHERE t.technician_id IS u.id"
        "  AND t.finished_at >= ?1 AND t.finished_at < ?2),"
        " (SELECT count(*) FROM repair_ticket t WHERE t.technician_id IS u.id"
        "  AND t.received_at < ?2 AND (t.finished_at IS NULL OR t.finished_at >= ?2)),"
        " (SELECT coalesce(sum(minutes), 0) FROM repair_labour l WHERE l.technician_id IS u.id"
        "  AND l.added_at >= ?1 AND l.added_at < ?2)"
        " FROM (SELECT id, display_name FROM user UNION ALL SELECT NULL, NULL) u",
        (a, b),
    ):
        if received or finished or still or minutes:
            tech[name] = (received, finished, still, minutes)
    assert {
        t.name: (t.received, t.finished, t.open_at_end, t.labour_minutes) for t in s.technicians
    } == tech

    for attr, kinds in (("top_returned", "'return', 'exchange'"), ("top_repaired", "'repair'")):
        counts = [
            n
            for (n,) in con.execute(
                'SELECT count(*) AS n FROM "case" WHERE kind IN (' + kinds + ")"
                " AND product_id IS NOT NULL AND created_at >= ? AND created_at < ?"
                " GROUP BY product_id ORDER BY n DESC LIMIT 5",
                (a, b),
            )
        ]
        assert [n for _name, n in getattr(s, attr)] == counts


def test_every_figure_matches_raw_sql(demo: Context, sql: sqlite3.Connection) -> None:
    seen = set()
    for year, month in DEMO_MONTHS:
        s = summarize(demo, month_period(demo, year, month))
        _check(sql, s, year, month, demo.now())
        seen.update(k for k, v in vars(s).items() if v not in (0, {}, [], Decimal("0.00")))
    # the demo exercises (nearly) every figure, so the checks above are not vacuous
    assert {"received", "closed", "by_status", "turnaround", "money", "liability"} <= seen
    assert {"dispositions", "technicians", "claims_filed", "top_returned", "top_repaired"} <= seen


def test_report_compares_with_the_previous_month_and_anchors_the_log(demo: Context) -> None:
    r = month_report(demo, 2026, 2)
    assert r.current.period.label == "2026-02"
    assert r.previous.period.label == "2026-01"
    assert r.previous.received == summarize(demo, month_period(demo, 2026, 1)).received
    assert r.chain_ok and len(r.chain_head) == 64
    from app.services.safekeeping.audit_check import verify_history

    assert verify_history(demo).head == r.chain_head


def test_a_reversed_refund_counts_in_the_month_it_is_booked(
    demo: Context, sql: sqlite3.Connection, clock: Clock
) -> None:
    (entry_id, amount, at) = sql.execute(
        "SELECT id, amount, at FROM money_entry WHERE kind = 'refund' AND at < '2026-02-01'"
        " ORDER BY at LIMIT 1"
    ).fetchone()
    when = datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone(ZONE)
    before = summarize(demo, month_period(demo, when.year, when.month))
    march = summarize(demo, month_period(demo, 2026, 3))
    reverse_money(demo, entry_id, "退款金额录错，冲正")  # booked now: 2 March 2026
    again = summarize(demo, month_period(demo, when.year, when.month))
    assert again == before  # the month it was paid is not rewritten
    after = summarize(demo, month_period(demo, 2026, 3))
    assert after.refunds == march.refunds and after.refunds_reversed == march.refunds_reversed + 1
    assert after.refund_total == march.refund_total - _yuan(amount)
    _check(sql, after, 2026, 3, demo.now())


def test_an_empty_month_has_zeros_and_no_rates(demo: Context, sql: sqlite3.Connection) -> None:
    s = summarize(demo, month_period(demo, 2024, 1))
    _check(sql, s, 2024, 1, demo.now())
    assert s.received == s.closed == s.open_at_end == 0
    assert s.promises.pct is None and s.first_answers.pct is None
    assert s.turnaround == [] and s.money == {} and s.technicians == []
    assert s.refund_total == Decimal("0.00") and s.costs_total == Decimal("0.00")


def test_a_case_opened_in_one_month_and_closed_in_the_next(ctx: Context, clock: Clock) -> None:
    clock.now = datetime(2026, 1, 31, 15, 50, tzinfo=UTC)  # 23:50 on 31 Jan in Shanghai
    case = take_intake(
        ctx,
        IntakeForm(kind="complaint", name="张三", phone="13812348000", description="态度差"),
    )
    number = case.number
    clock.advance(minutes=20)  # 00:10 on 1 Feb local: still 31 Jan in UTC
    move(ctx, number, "acknowledged", "已回复顾客")
    clock.advance(days=1)
    from app.services.casework.complaints import resolve

    resolve(ctx, number, "致歉并加强培训")
    move(ctx, number, "closed", "顾客接受")
    jan = summarize(ctx, month_period(ctx, 2026, 1))
    feb = summarize(ctx, month_period(ctx, 2026, 2))
    assert (jan.received, jan.closed, jan.open_at_end) == (1, 0, 1)
    assert jan.by_status == {"logged": 1}  # its status at the end of January
    assert (feb.received, feb.closed, feb.open_at_end) == (0, 1, 0)
    assert [t.cases for t in feb.turnaround] == [1, 1] and jan.turnaround == []
    assert jan.first_answers.whole == 1 and jan.first_answers.part == 1  # answered in 20 min
    rng = summarize(ctx, date_period(ctx, "2026-01-01", "2026-02-28"))
    assert (rng.received, rng.closed, rng.open_at_end) == (1, 1, 0)


def test_periods_ranges_and_bad_input(ctx: Context) -> None:
    p = date_period(ctx, "2026-02-01", "2026-02-28")
    assert p.is_month and p.label == "2026-02"
    assert previous_period(ctx, p).label == "2026-01"
    r = date_period(ctx, "2026-03-10", "2026-03-19")
    prev = previous_period(ctx, r)
    assert (prev.first, prev.last, prev.days) == (date(2026, 2, 28), date(2026, 3, 9), 10)
    assert r.start == datetime(2026, 3, 9, 16, tzinfo=UTC)
    assert r.end - r.start == timedelta(days=10)
    assert parse_month("2026-03") == parse_month("2026年3月") == (2026, 3)
    assert range_report(ctx, "2026-03-01", "2026-03-02").current.received == 0
    for call, field in (
        (lambda: parse_month("March"), "month"),
        (lambda: month_period(ctx, 2026, 13), "month"),
        (lambda: month_period(ctx, 1999, 1), "month"),
        (lambda: date_period(ctx, "2026-03-10", "2026-03-01"), "date_to"),
        (lambda: date_period(ctx, "not a date", "2026-03-01"), "date_from"),
        (lambda: date_period(ctx, "2020-01-01", "2026-03-01"), "date_to"),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.errors[0].field == field
