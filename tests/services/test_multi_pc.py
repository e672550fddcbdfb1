"""Several PCs on one database: writers from two processes at once, on SQLite and on the server.

Each process opens the same data folder's database as the program does (its server.json names
the PostgreSQL database in a [pg] run), then takes intakes as fast as it can. Whatever the
interleaving, every number is used once and none is skipped, and the event chain verifies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter as Tally
from pathlib import Path

from app.services.safekeeping.audit_check import verify_history
from app.services.shop.context import Context
from app.store.models import Case, Counter, Event, RepairTicket

REPO = Path(__file__).resolve().parents[2]
WRITER = REPO / "tests" / "services" / "pc_writer.py"
PER_PC = 30


def _start(folder: Path, tag: str, go: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(folder), tag, str(PER_PC), str(go)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    )


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_two_pcs_take_intakes_at_once_numbers_stay_gap_free_and_the_chain_verifies(
    ctx: Context, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    pcs = [_start(ctx.data_dir, tag, go) for tag in ("11", "22")]
    for pc in pcs:  # both have their database open before either writes
        assert pc.stdout is not None and pc.stdout.readline().strip() == "READY", pc.stderr
    go.touch()
    got: list[list[str]] = []
    for pc in pcs:
        out, err = pc.communicate(timeout=300)
        assert pc.returncode == 0, err
        got.append(out.split())
    assert [len(g) for g in got] == [PER_PC, PER_PC]

    numbers = [n for g in got for n in g]
    assert len(set(numbers)) == 2 * PER_PC  # no number handed out twice
    assert sorted(_seq(n) for n in numbers) == list(range(1, 2 * PER_PC + 1))  # none skipped
    for g in got:  # each PC's own numbers rise
        assert [_seq(n) for n in g] == sorted(_seq(n) for n in g)
    first, second = ({_seq(n) for n in g} for g in got)
    # The two really wrote at once: neither got one solid block of numbers.
    assert not (max(first) < min(second) or max(second) < min(first))
    stored = {c.number for c in Case.select(Case.number)}
    assert stored == set(numbers)
    tickets = sorted(_seq(t.number) for t in RepairTicket.select(RepairTicket.number))
    assert tickets == list(range(1, PER_PC + 1))  # the WX- series too
    counters = {(c.series, c.last) for c in Counter.select()}
    assert {last for _s, last in counters} == {2 * PER_PC, PER_PC}

    report = verify_history(ctx)
    assert report.ok, report
    ids = [e.id for e in Event.select(Event.id).order_by(Event.id)]
    assert ids == list(range(1, len(ids) + 1))
    per_case = Tally(e.number for e in Event.select(Event.number).where(Event.entity == "case"))
    assert all(per_case[n] >= 1 for n in numbers)
