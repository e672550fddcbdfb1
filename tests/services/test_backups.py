"""Backups: thinning 12/10/9, the second folder, restore round trip, a damaged database found."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main as cli_main
from app.documents import signing
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.rules import update_settings, with_settings
from app.services.safekeeping.backups import (
    backup_if_due,
    backup_now,
    backup_on_close,
    check_database,
    due,
    list_backups,
    restore,
    select_keep,
    thin,
)
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder
from app.store.backup import backup_name
from app.store.history import check_chain
from app.store.models import Case, Event
from tests.conftest import Clock, refused


def _intake(ctx: Context, i: int = 0) -> Case:
    return take_intake(
        ctx, IntakeForm(kind="complaint", name=f"客户{i}", phone=f"138001380{i:02d}")
    )


# --- thinning: which backups stay ---------------------------------------------------------------


def _noon(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


@pytest.mark.sqlite_only
def test_thinning_keeps_12_daily_10_weekly_9_monthly() -> None:
    start, end = date(2025, 1, 1), date(2026, 3, 1)  # one backup a day for 14 months
    stamps = [_noon(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    kept = select_keep(stamps, tz=ZoneInfo("Asia/Shanghai"))
    days = {date(2026, 2, 18) + timedelta(days=i) for i in range(12)}  # Feb 18 .. Mar 1
    sundays = {date(2026, 3, 1) - timedelta(weeks=i) for i in range(10)}  # ISO week ends
    month_ends = {
        date(2026, 3, 1),
        date(2026, 2, 28),
        date(2026, 1, 31),
        date(2025, 12, 31),
        date(2025, 11, 30),
        date(2025, 10, 31),
        date(2025, 9, 30),
        date(2025, 8, 31),
        date(2025, 7, 31),
    }
    assert {k.date() for k in kept} == days | sundays | month_ends
    assert len(kept) == 27


@pytest.mark.sqlite_only
def test_thin_deletes_files_and_keeps_recent_safety_and_foreign_files(tmp_path: Path) -> None:
    now = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
    names = []
    for i in range(60):  # two backups a day for 60 days
        for hour in (1, 9):
            at = now - timedelta(days=i, hours=hour)
            names.append(backup_name("auto", at))
    safety = backup_name("before-restore", now - timedelta(days=3, hours=5))
    old_safety = backup_name("before-v2", now - timedelta(days=40, hours=5))
    for name in [*names, safety, old_safety, "notes.txt", "afterdesk.db"]:
        (tmp_path / name).write_bytes(b"x")
    removed = thin(tmp_path, now, 12, 10, 9)
    left = {p.name for p in tmp_path.iterdir()}
    assert {"notes.txt", "afterdesk.db", safety} <= left
    assert old_safety not in left
    assert not {p.name for p in removed} & left
    # the last 24 hours in full, then one a day, then weekly, then monthly
    recent = {backup_name("auto", now - timedelta(hours=h)) for h in (1, 9)}
    assert recent <= left
    backups = sorted(n for n in left if n.startswith(("afterdesk-2026", "afterdesk-2025")))
    assert len(backups) <= 1 + 2 + 12 + 10 + 9
    assert len(removed) == len(names) + 2 - (len(backups))


@pytest.mark.sqlite_only
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
        ),
        max_size=120,
    ),
    st.integers(1, 15),
    st.integers(0, 12),
    st.integers(0, 10),
)
def test_thinning_properties(stamps: list[datetime], d: int, w: int, m: int) -> None:
    kept = select_keep(stamps, keep_daily=d, keep_weekly=w, keep_monthly=m)
    assert kept <= set(stamps)
    assert len(kept) <= 1 + d + w + m
    if stamps:
        assert max(stamps) in kept
    # the newest of each of the last d days that have a backup is kept
    by_day: dict[date, datetime] = {}
    for s in stamps:
        by_day[s.date()] = max(s, by_day.get(s.date(), s))
    for day in sorted(by_day, reverse=True)[:d]:
        assert by_day[day] in kept
    # nothing kept is older-in-its-day than another kept stamp of the same day
    for k in kept:
        assert k == by_day[k.date()] or k == max(stamps)


# --- when -----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_due() -> None:
    t = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    half = timedelta(minutes=30)
    assert due(None, t, t, half)  # never backed up, something there
    assert not due(None, None, t, half)  # nothing changed
    assert not due(t, t + timedelta(minutes=1), t + timedelta(minutes=29), half)
    assert due(t, t + timedelta(minutes=1), t + timedelta(minutes=30), half)
    assert not due(t, t - timedelta(minutes=1), t + timedelta(hours=5), half)  # no change since


def test_timer_backs_up_every_interval_only_after_a_change(ctx: Context, clock: Clock) -> None:
    _intake(ctx)
    first = backup_if_due(ctx)
    assert first is not None and first.path.is_file()
    clock.advance(minutes=5)
    _intake(ctx, 1)
    clock.advance(minutes=5)
    assert backup_if_due(ctx) is None  # changed, but the newest backup is younger than 30 min
    clock.advance(minutes=21)
    second = backup_if_due(ctx)
    assert second is not None and second.path != first.path
    clock.advance(hours=3)
    assert backup_if_due(ctx) is None  # nothing changed since
    assert backup_on_close(ctx) is None  # nothing changed since
    _intake(ctx, 2)
    closing = backup_on_close(ctx)
    assert closing is not None and closing.path.name.endswith("-close.db")
    assert [b.path for b in list_backups(ctx)] == [closing.path, second.path, first.path]


# --- taking and mirroring -------------------------------------------------------------------


def test_backup_is_a_checked_self_contained_copy(ctx: Context) -> None:
    case = _intake(ctx)
    report = backup_now(ctx, "manual")
    con = sqlite3.connect(report.path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute('SELECT number FROM "case"').fetchall() == [(case.number,)]
    finally:
        con.close()
    assert not list(report.path.parent.glob("*.part"))
    assert report.problems == () and report.copies == ()


def test_second_folder_gets_a_copy(ctx: Context, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = with_settings(ctx, update_settings(ctx, {"backup.second_folder": str(usb)}))
    _intake(ctx)
    report = backup_now(ctx, "manual")
    assert report.copies == (usb / report.path.name,)
    assert (usb / report.path.name).read_bytes() == report.path.read_bytes()
    assert {b.second for b in list_backups(ctx)} == {True, False}


def test_unreachable_second_folder_is_reported_not_fatal(ctx: Context, tmp_path: Path) -> None:
    gone = tmp_path / "usb-unplugged"
    ctx = with_settings(ctx, update_settings(ctx, {"backup.second_folder": str(gone)}))
    report = backup_now(ctx, "manual")
    assert report.path.is_file()
    assert [p.code for p in report.problems] == ["second_folder_unreachable"]
    assert report.problems[0].params["folder"] == str(gone)


# --- restore --------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_restore_round_trip(ctx: Context, clock: Clock) -> None:
    kept = _intake(ctx, 1)
    saved = backup_now(ctx, "manual").path
    clock.advance(minutes=5)
    lost = _intake(ctx, 2)
    safety = restore(ctx, saved)
    assert [c.number for c in Case.select()] == [kept.number]
    last = Event.select().order_by(Event.id.desc()).first()
    assert (last.entity, last.action) == ("database", "restored")
    assert last.data["safety_backup"] == safety.name
    assert check_chain().ok
    con = sqlite3.connect(safety)  # the state before the restore is kept
    try:
        numbers = {r[0] for r in con.execute('SELECT number FROM "case"')}
    finally:
        con.close()
    assert numbers == {kept.number, lost.number}


def test_restore_is_owner_only(desk_ctx: Context, ctx: Context) -> None:
    saved = backup_now(ctx, "manual").path
    refused(lambda: restore(desk_ctx, saved), "permission_denied")


@pytest.mark.sqlite_only
def test_restore_refuses_what_is_not_a_good_backup(ctx: Context, tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    refused(lambda: restore(ctx, text), "not_a_backup")
    refused(lambda: restore(ctx, tmp_path / "nope.db"), "backup_missing")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    refused(lambda: restore(ctx, other), "not_a_backup")
    newer = backup_now(ctx, "manual", out=tmp_path / "newer.db").path
    con = sqlite3.connect(newer)
    con.execute("UPDATE schema_info SET version = 99")
    con.commit()
    con.close()
    refused(lambda: restore(ctx, newer), "backup_too_new")
    refused(lambda: restore(ctx, ctx.data_dir / "afterdesk.db"), "backup_is_live")
    assert not list((ctx.data_dir / "backups").glob("*before-restore*"))


# --- damage at start ------------------------------------------------------------------------


def _corrupt(path: Path) -> None:
    """Overwrite a few b-tree pages in the middle of the file, as a bad sector would."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        for page in (2, 3, 5, 8):
            if page * 4096 < size:
                fh.seek((page - 1) * 4096)
                fh.write(b"\xa5" * 4096)


@pytest.mark.sqlite_only
def test_damaged_database_is_found_and_the_newest_good_backup_offered(
    ctx: Context, clock: Clock, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _intake(ctx, 1)
    good = backup_now(ctx, "auto").path
    clock.advance(hours=1)
    _intake(ctx, 2)
    newest = backup_now(ctx, "auto").path
    _corrupt(newest)  # the newest backup is damaged too: the one before it is offered
    assert check_database(data_dir).ok
    close_data_folder()
    _corrupt(data_dir / "afterdesk.db")
    health = check_database(data_dir)
    assert not health.ok and health.problem == "damaged"
    assert health.offer is not None and health.offer.path == good
    assert cli_main(["--lang", "en", "--data-dir", str(data_dir), "check"]) == 1
    out = capsys.readouterr().out
    assert "The database is damaged" in out and f"Newest good backup: {good}" in out
    # restore on the command line puts the damaged file aside and the backup in its place
    assert cli_main(["--lang", "en", "--data-dir", str(data_dir), "restore", str(good)]) == 0
    assert "The damaged database was moved to" in capsys.readouterr().out
    assert list(data_dir.glob("afterdesk.db.damaged-*"))
    assert check_database(data_dir).ok
    assert cli_main(["--lang", "en", "--data-dir", str(data_dir), "audit", "verify"]) == 0


@pytest.mark.sqlite_only
def test_cli_backup_list_and_restore(
    data_dir: Path, ctx: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _intake(ctx)
    close_data_folder()
    base = ["--lang", "en", "--data-dir", str(data_dir)]
    assert cli_main([*base, "backup"]) == 0
    assert "Backup written:" in capsys.readouterr().out
    out_file = tmp_path / "copy.db"
    assert cli_main([*base, "backup", "--out", str(out_file)]) == 0
    assert out_file.is_file()
    assert cli_main([*base, "backup", "list"]) == 0
    assert "-manual.db" in capsys.readouterr().out
    assert cli_main([*base, "restore", str(out_file)]) == 0
    assert "The state before was saved as" in capsys.readouterr().out
    assert cli_main([*base, "restore", str(tmp_path / "missing.db")]) == 2
    assert "There is no backup file" in capsys.readouterr().err


# --- the second backup folder keeps the keys private --------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_keys_mirrored_to_the_second_folder_stay_owner_only(ctx: Context, tmp_path: Path) -> None:
    signing.ensure_identity(ctx.data_dir, "示例手机店")
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = with_settings(ctx, update_settings(ctx, {"backup.second_folder": str(usb)}))
    old = os.umask(0o022)
    try:
        done = backup_now(ctx, "manual")
    finally:
        os.umask(old)
    assert done.keys is not None and done.keys.stat().st_mode & 0o077 == 0
    copy = usb / done.keys.name
    assert copy.read_bytes() == done.keys.read_bytes()
    assert copy.stat().st_mode & 0o077 == 0, oct(copy.stat().st_mode)
    assert not list(usb.glob("*.part"))
