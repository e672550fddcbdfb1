"""Consistent copies of the live database with SQLite's online backup API, and their checks.

A copy is written to a temp file, checked with quick_check, flushed to the disk and only then
renamed into place, so a backup file either is complete and good or does not exist. Restoring
goes the other way through the same API into the live database, inside one SQLite transaction:
another connection sees the old database or the new one, never a mix, and no stale -wal file can
be replayed over a renamed file.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.store.db import StorageProblem, StoreError, storage_problem

BACKUP_PATTERN = re.compile(r"^afterdesk-(\d{8})-(\d{6})-(.+)\.db$")


def backup_to(source: Path, target: Path) -> Path:
    """Copy `source` to `target` via a temp file, check it, then rename atomically."""
    if not source.is_file():
        raise StoreError("backup_missing", file=str(source))
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        ok = _copy_and_check(source, tmp)
        if ok != "ok":
            tmp.unlink(missing_ok=True)
            raise StoreError("backup_damaged", detail=ok)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except (OSError, sqlite3.Error) as exc:
        _quiet_unlink(tmp)
        code = storage_problem(exc)
        if code is None:
            raise
        raise StorageProblem(code, path=str(target), detail=str(exc)) from exc
    return target


def _copy_and_check(source: Path, tmp: Path) -> str:
    """Copy page by page, then quick_check the copy.

    The copy is a temp file that is fsynced and renamed only once checked, so writing it needs
    neither a journal nor SQLite's own syncs (half the time at 400 MiB). quick_check reads every
    page and its b-tree structure (what a bad disk or a torn copy breaks) in a tenth of the time
    of integrity_check, which also cross-checks every index entry: a restore runs that one
    before it uses a copy.
    """
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            dst.execute("PRAGMA journal_mode=OFF")
            dst.execute("PRAGMA synchronous=OFF")
            src.backup(dst)
            # A backup is a single self-contained file: no -wal beside it to lose when copied.
            dst.execute("PRAGMA journal_mode=DELETE")
            # The disk writes the copy out while the check reads it back from memory.
            with _flushing(tmp):
                return str(dst.execute("PRAGMA quick_check").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()


@contextlib.contextmanager
def _flushing(path: Path) -> Iterator[None]:
    """fsync `path` in a thread for the duration of the block; its error is raised after."""
    failed: list[OSError] = []

    def flush() -> None:
        try:
            with open(path, "rb+") as fh:
                os.fsync(fh.fileno())
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=flush, name="backup-fsync", daemon=True)
    worker.start()
    try:
        yield
    finally:
        worker.join()
    if failed:
        raise failed[0]


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to flush."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _quiet_unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def backup_name(reason: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"afterdesk-{stamp}-{reason}.db"


def backup_time(name: str) -> datetime | None:
    """The UTC time a backup was taken, read from its file name (None: not a backup name)."""
    m = BACKUP_PATTERN.match(name)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Probe:
    """What a database file is: usable or not (and why), its schema and its history's head."""

    ok: bool
    problem: str = ""  # "", missing, damaged, not_afterdesk, locked, read_only
    detail: str = ""
    version: int = 0
    events: int = 0
    head: str = ""
    last_id: int = 0


# How long the start-up check waits for another program's lock before saying so (a healthy
# writer of this program holds it for milliseconds).
LIVE_PROBE_TIMEOUT = 5.0


def probe(path: Path, *, full: bool = False, read_only: bool = True) -> Probe:
    """Check a database file: quick_check (integrity_check when `full`), our tables, the head.

    Backups are opened read-only and immutable, so checking one never writes beside it. The live
    database at start is opened normally (`read_only=False`) so SQLite may replay its WAL first.
    A file another program holds locked is "locked" and one on a read-only drive "read_only":
    neither is damage, and neither may be replaced by a backup.
    """
    if not path.is_file():
        return Probe(False, "missing")
    try:
        if read_only:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        else:
            con = sqlite3.connect(str(path), timeout=LIVE_PROBE_TIMEOUT)
    except sqlite3.Error as exc:
        return Probe(False, _not_damage(exc, path) or "damaged", str(exc))
    try:
        return _probe(con, full)
    except sqlite3.DatabaseError as exc:
        # A header SQLite does not recognise: not a database at all (or one damaged at page 1).
        foreign = "file is not a database" in str(exc)
        problem = _not_damage(exc, path) or ("not_afterdesk" if foreign else "damaged")
        return Probe(False, problem, str(exc))
    finally:
        con.close()


def _not_damage(exc: BaseException, path: Path) -> str:
    """ "locked" or "read_only" when the file cannot be read for a reason other than damage."""
    code = storage_problem(exc)
    if code == "busy":
        return "locked"
    if code == "read_only":
        return "read_only"
    if "unable to open database file" in str(exc).lower() and not os.access(path.parent, os.W_OK):
        return "read_only"  # WAL needs its -shm beside the file: a read-only drive says this
    return ""


def _probe(con: sqlite3.Connection, full: bool) -> Probe:
    check = "integrity_check" if full else "quick_check"
    rows = con.execute(f"PRAGMA {check}").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        return Probe(False, "damaged", "; ".join(str(r[0]) for r in rows[:5]))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"schema_info", "event", "case"} <= tables:
        return Probe(False, "not_afterdesk")
    version = con.execute("SELECT max(version) FROM schema_info").fetchone()[0] or 0
    count, head, last = con.execute(
        "SELECT count(*), (SELECT hash FROM event ORDER BY id DESC LIMIT 1), max(id) FROM event"
    ).fetchone()
    return Probe(True, version=int(version), events=int(count), head=head or "", last_id=last or 0)


def restore_into(source: Path, live: Path) -> None:
    """Replace the live database's content with `source` in one SQLite transaction.

    Call with no other connection of this process open. Writers in other processes wait
    (busy_timeout) and then see the restored database.
    """
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        dst = sqlite3.connect(str(live), timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        raise StoreError("backup_damaged", detail=ok)


def head_of(path: Path) -> str | None:
    """The newest event hash in a database file without checking it (None: unreadable)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else ""
    except sqlite3.Error:
        return None
    finally:
        con.close()


def owner_hashes(path: Path) -> dict[str, str] | None:
    """The active owners' PIN hashes in a database file, read-only (None: unreadable).

    A damaged database may still hold a readable account table: its owner, not the backup's,
    then says whether the backup may replace it.
    """
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    try:
        rows = con.execute(
            "SELECT name, secret_hash FROM user WHERE role = 'owner' AND active "
            "AND secret_hash IS NOT NULL AND name != 'system'"
        ).fetchall()
        return {str(name): str(h) for name, h in rows}
    except sqlite3.Error:
        return None
    finally:
        con.close()


def schema_shape(path: Path) -> frozenset[tuple[object, ...]]:
    """Every table (with its columns), index (with its columns) and trigger (with its SQL) of a
    database file, in a form that compares equal between a new and a migrated database."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: set[tuple[object, ...]] = set()
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name, table, sql in rows:
            if kind == "table":
                cols = con.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
                shape = tuple(
                    sorted((c[1], str(c[2]).upper(), c[3], str(c[4]), c[5], c[6]) for c in cols)
                )
                out.add(("table", name, shape))
            elif kind == "index":
                cols = con.execute(f'PRAGMA index_xinfo("{name}")').fetchall()
                out.add(("index", name, table, tuple((c[2], c[3], c[5]) for c in cols)))
            else:  # trigger, view: their SQL is the behaviour
                out.add((kind, name, table, " ".join(str(sql).split()).lower()))
        return frozenset(out)
    finally:
        con.close()


def has_event(path: Path, event_id: int, digest: str) -> bool | None:
    """Whether a database file's log holds event `event_id` with hash `digest`, or records it
    as the head a restore replaced. None: cannot tell (the file cannot be read, or its log does
    not reach that event)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = con.execute(
            "SELECT 1 FROM event WHERE id = ? AND hash = ?", (event_id, digest)
        ).fetchone()
        if row:
            return True
        like = f'%"replaced_head": "{digest}"%'
        row = con.execute(
            "SELECT 1 FROM event WHERE action = 'restored' AND data LIKE ?", (like,)
        ).fetchone()
        if row is not None:
            return True
        reaches = con.execute("SELECT 1 FROM event WHERE id = ?", (event_id,)).fetchone()
        return False if reaches else None
    except sqlite3.Error:
        return None
    finally:
        con.close()


def recorded_time(path: Path) -> datetime | None:
    """When the newest event in a backup file was written (UTC), from inside the file: a name
    can be anything a planted file wants it to be. None: not a readable AfterDesk database."""
    from app.store.fields import UTCDateTimeField

    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT at FROM event ORDER BY id DESC LIMIT 1").fetchone()
        value = UTCDateTimeField().python_value(row[0]) if row else None
        return value if isinstance(value, datetime) else None
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        con.close()


def holds_cases(path: Path) -> bool:
    """Whether a database file holds any case (a new PC's empty folder holds none)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return True
    try:
        return con.execute('SELECT 1 FROM "case" LIMIT 1').fetchone() is not None
    except sqlite3.Error:
        return True
    finally:
        con.close()
