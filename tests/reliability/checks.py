"""Whole-database checks after a crash: independent of the services, straight SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.domain.numbering import Series, parse_number

NUMBERED = {
    Series.CASE: "case",
    Series.REPAIR: "repair_ticket",
    Series.RMA: "return_auth",
    Series.CLAIM: "carrier_claim",
}


def check_store(db: Path, acked_cases: set[str], acked_moves: set[str]) -> dict[str, int]:
    """Assert the database is whole and holds every acknowledged write; returns figures."""
    con = sqlite3.connect(str(db))
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        cases = dict(con.execute('SELECT number, kind FROM "case"').fetchall())
        lost = acked_cases - set(cases)
        assert not lost, f"acknowledged but lost: {sorted(lost)[:5]}"
        # Numbering: for every series and year, exactly 1..last, last = the counter.
        numbers = 0
        for series, table in NUMBERED.items():
            rows = [r[0] for r in con.execute(f'SELECT number FROM "{table}"')]
            numbers += len(rows)
            by_year: dict[int, list[int]] = {}
            for n in rows:
                parsed = parse_number(n)
                assert parsed is not None, n
                by_year.setdefault(parsed[1], []).append(parsed[2])
            counters = dict(
                con.execute("SELECT year, last FROM counter WHERE series = ?", (series.value,))
            )
            assert set(by_year) == set(counters), (series, by_year.keys(), counters)
            for year, seqs in by_year.items():
                assert sorted(seqs) == list(range(1, counters[year] + 1)), (series, year)
        # Nothing half-written: each case has its created event, each repair case its ticket,
        # each customer a case, each ticket's case is a repair.
        created = {
            r[0]
            for r in con.execute(
                "SELECT number FROM event WHERE entity = 'case' AND action = 'created'"
            )
        }
        assert set(cases) == created
        tickets = dict(
            con.execute(
                'SELECT c.number, t.number FROM repair_ticket t JOIN "case" c ON t.case_id = c.id'
            ).fetchall()
        )
        assert {n for n, k in cases.items() if k == "repair"} == set(tickets)
        orphans = con.execute(
            'SELECT count(*) FROM customer WHERE id NOT IN (SELECT customer_id FROM "case")'
        ).fetchone()[0]
        assert orphans == 0
        moved = {
            r[0]
            for r in con.execute(
                "SELECT number FROM event WHERE entity = 'case' AND to_state = 'diagnosing'"
            )
        }
        assert acked_moves <= moved, sorted(acked_moves - moved)[:5]
        ids = [r[0] for r in con.execute("SELECT id FROM event ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))
        return {"cases": len(cases), "numbers": numbers, "events": len(ids)}
    finally:
        con.close()
