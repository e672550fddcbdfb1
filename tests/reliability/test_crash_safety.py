"""Crash safety, measured: SIGKILL writers at random moments, many times, then check everything.

Every write a writer acknowledged (its service call returned) must be there; nothing may be
half-written; numbers have no gaps; integrity_check, foreign_key_check and the audit chain pass.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services.shop.setup import close_data_folder, open_data_folder
from app.store.history import verify_chain
from tests.reliability.checks import check_store

WRITER = Path(__file__).with_name("writer.py")
RUNS = int(os.environ.get("AFTERDESK_CRASH_RUNS", "20"))  # two writers per run: 40 kills
SEED = int(os.environ.get("AFTERDESK_CRASH_SEED", str(int(time.time()))))


def _start(
    folder: Path, tag: int, count: int = 10_000, *, wait: bool = False
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(folder), str(tag), str(count)]
        + (["--wait"] if wait else []),
        stdin=subprocess.PIPE if wait else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _go(p: subprocess.Popen[bytes]) -> None:
    """Let a writer started with wait=True (its imports done or under way) open the folder."""
    assert p.stdin is not None
    p.stdin.write(b"GO\n")
    p.stdin.close()


def _acks(out: bytes) -> tuple[set[str], set[str]]:
    cases, moves = set(), set()
    for line in out.decode("utf-8").split("\n")[:-1]:  # a cut last line has no newline
        parts = line.split()
        if parts[:2] == ["ACK", "case"]:
            cases.add(parts[2])
        elif parts[:2] == ["ACK", "move"]:
            moves.add(parts[2])
    return cases, moves


def test_sigkill_at_random_points_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    open_data_folder(folder)
    close_data_folder()
    rng = random.Random(SEED)
    acked_cases: set[str] = set()
    acked_moves: set[str] = set()
    kills = before_ready = 0
    started = time.monotonic()
    # Each run's writers are started while the previous run's are being killed (they import the
    # program, then wait for GO before they touch the folder): the kills land as before, and a
    # run no longer waits for two interpreters to start.
    ready = [_start(folder, k, wait=True) for k in range(2)]
    for run in range(RUNS):
        procs = ready
        for p in procs:
            _go(p)
        if run + 1 < RUNS:
            ready = [_start(folder, (run + 1) * 2 + k, wait=True) for k in range(2)]
        early = rng.random() < 0.2  # sometimes kill while the folder is still being opened
        if early:
            time.sleep(rng.uniform(0.0, 0.3))
            before_ready += 1
        else:
            for p in procs:
                assert p.stdout is not None
                assert p.stdout.readline() == b"READY\n", p.stderr.read() if p.stderr else ""
        for p in sorted(procs, key=lambda _: rng.random()):
            time.sleep(rng.uniform(0.0, 0.4))
            p.send_signal(signal.SIGKILL)
            kills += 1
        for p in procs:
            # Read through the same buffered reader as READY (communicate() would skip what
            # readline() already buffered); both pipes end at the kill.
            assert p.stdout is not None and p.stderr is not None
            out, err = p.stdout.read(), p.stderr.read()
            p.wait(timeout=30)
            assert p.returncode == -signal.SIGKILL, (p.returncode, err)
            # No error reached the user before the kill: not "database is locked", nothing.
            assert err == b"", err.decode("utf-8", "replace")
            cases, moves = _acks(out)
            acked_cases |= cases
            acked_moves |= moves
    figures = check_store(folder / "afterdesk.db", acked_cases, acked_moves)
    open_data_folder(folder)
    try:
        ok, broken, events = verify_chain()
    finally:
        close_data_folder()
    assert ok, f"chain broken at event {broken}"
    assert len(acked_cases) > RUNS  # the kills did land during writes
    print(
        f"\ncrash: seed {SEED}, {RUNS} runs, {kills} kills ({before_ready} runs killed while "
        f"opening), {len(acked_cases)} acknowledged cases + {len(acked_moves)} moves, "
        f"{figures['cases']} cases / {figures['numbers']} numbers / {events} events checked, "
        f"0 lost, {time.monotonic() - started:.1f} s"
    )


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two processes writing flat out: both finish, no error reaches the user, all is there."""
    folder = tmp_path / "data"
    open_data_folder(folder)
    close_data_folder()
    count = 60
    procs = [_start(folder, k, count) for k in range(2)]
    acked_cases: set[str] = set()
    acked_moves: set[str] = set()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode("utf-8", "replace")
        assert err == b""
        cases, moves = _acks(out)
        assert len(cases) == count
        acked_cases |= cases
        acked_moves |= moves
    figures = check_store(folder / "afterdesk.db", acked_cases, acked_moves)
    assert figures["cases"] == 2 * count
    print(f"\ntwo writers: {2 * count} cases, {len(acked_moves)} moves, {figures}")


def test_checks_catch_a_lost_write(tmp_path: Path) -> None:
    """The checker is not vacuous: a case acknowledged but absent fails it."""
    folder = tmp_path / "data"
    open_data_folder(folder)
    close_data_folder()
    with pytest.raises(AssertionError, match="lost"):
        check_store(folder / "afterdesk.db", {"SH-2026-000001"}, set())
