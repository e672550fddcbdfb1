"""A full disk, a read-only database and a lock held too long: a clear message, nothing written.

The disk and the read-only drive are real: a tiny tmpfs mounted for the test (skipped where
mounting is not permitted), filled up or remounted read-only.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main as cli_main
from app.domain.errors import DomainError
from app.i18n.messages import describe
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import db as store_db
from app.store.history import verify_chain
from app.store.models import Case, Counter, Event
from tests.conftest import row_counts

FORM = IntakeForm(kind="complaint", name="张三", phone="13800138000", description="屏幕" * 500)


def _mount(point: Path, size: str) -> None:
    point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    point = tmp_path / "disk"
    _mount(point, "2m")
    yield point
    close_data_folder()
    subprocess.run(["umount", "-l", str(point)], check=False)


def _fill(disk: Path) -> Path:
    junk = disk / "junk.bin"
    with open(junk, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return junk


def _snapshot() -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    counters = [(c.series, c.year, c.last) for c in Counter.select().order_by(Counter.series)]
    return row_counts(), counters


def test_full_disk_gives_a_clear_message_and_no_partial_record(tiny_disk: Path) -> None:
    folder = open_data_folder(tiny_disk / "data")
    ctx = context_for(folder)
    first = take_intake(ctx, FORM)
    junk = _fill(tiny_disk)
    refusals = 0
    for _ in range(30):  # the first writes may still fit in free pages of the WAL
        before = _snapshot()
        try:
            take_intake(ctx, FORM)
        except DomainError as exc:
            assert exc.code == "disk_full", exc
            assert describe(exc).startswith("The disk is full: nothing was saved.")
            assert _snapshot() == before  # no case, customer, event or number half-written
            refusals += 1
            if refusals == 3:
                break
    assert refusals == 3
    saved = Case.select().count()
    junk.unlink()  # space again: the next request takes the next number, no gap
    nxt = take_intake(ctx, FORM)
    assert int(nxt.number[-6:]) == saved + 1 == Case.select().count()
    assert int(first.number[-6:]) == 1
    assert verify_chain()[0]
    assert store_db.pragma("integrity_check") == "ok"


def test_read_only_drive_is_named_at_open(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = open_data_folder(tiny_disk / "data")
    take_intake(context_for(folder), FORM)
    close_data_folder()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    with pytest.raises(DomainError) as info:
        open_data_folder(folder)
    assert info.value.code == "read_only"
    code = cli_main(["--lang", "en", "--data-dir", str(folder), "list"])
    assert code == 1
    err = capsys.readouterr().err
    assert "The database cannot be written (read-only file, folder or drive)" in err
    assert "Traceback" not in err


def test_a_read_only_drive_is_not_called_damaged(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #14: the start-up check called a read-only drive "damaged" and offered a backup."""
    folder = open_data_folder(tiny_disk / "data")
    take_intake(context_for(folder), FORM)
    close_data_folder()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    code = cli_main(["--lang", "en", "--data-dir", str(folder), "check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "read-only drive or folder; it is not damaged" in out, out
    assert "damaged:" not in out and "Newest good backup" not in out


def test_read_only_database_mid_session_writes_nothing(ctx: Context) -> None:
    take_intake(ctx, FORM)
    store_db.database.execute_sql("PRAGMA query_only = ON")  # SQLITE_READONLY, as a ro file
    try:
        before = _snapshot()
        with pytest.raises(DomainError) as info:
            take_intake(ctx, FORM)
        assert info.value.code == "read_only"
        assert _snapshot() == before
    finally:
        store_db.database.execute_sql("PRAGMA query_only = OFF")
    assert take_intake(ctx, FORM).number.endswith("000002")


def test_lock_held_too_long_is_busy_not_a_crash(ctx: Context, data_dir: Path) -> None:
    other = sqlite3.connect(str(data_dir / "afterdesk.db"), isolation_level=None)
    store_db.database.execute_sql("PRAGMA busy_timeout = 300")
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        before = _snapshot()
        with pytest.raises(DomainError) as info:
            take_intake(ctx, FORM)
        assert info.value.code == "busy"
        assert "nothing was saved" in describe(info.value)
        other.execute("ROLLBACK")
        assert _snapshot() == before
        assert take_intake(ctx, FORM).number.endswith("000001")
    finally:
        other.close()
        store_db.database.execute_sql("PRAGMA busy_timeout = 10000")
    assert Event.select().count() >= 2
