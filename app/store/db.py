"""The one database object, opened once with its pragmas."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw

from app.domain.errors import DomainError

database = pw.DatabaseProxy()

# synchronous=FULL keeps the last commits on power loss; WAL lets the window read while the
# backup or another process writes; foreign keys are per connection, so they are set here.
SQLITE_PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -32000,
    "secure_delete": "on",
}


class StoreError(Exception):
    """The database cannot be used as it is (too new, damaged, unreachable)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class StorageProblem(DomainError):
    """The disk or the database file refused a write; the transaction was rolled back whole.

    Codes: disk_full, read_only, busy (still locked after busy_timeout), disk_io, db_damaged.
    """


# SQLite's messages for its result codes have been stable for decades; these are the ones the
# desk can act on. Anything else stays a plain exception (logged with its traceback).
_SQLITE_MESSAGES = (
    ("database or disk is full", "disk_full"),
    ("attempt to write a readonly database", "read_only"),
    ("readonly database", "read_only"),
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("disk i/o error", "disk_io"),
    ("database disk image is malformed", "db_damaged"),
    ("file is not a database", "db_damaged"),
)
_OS_ERRNOS = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "read_only"}


def storage_problem(exc: BaseException) -> str | None:
    """The code for a low-level storage failure anywhere in `exc`'s chain, or None.

    The chain matters: after SQLITE_FULL SQLite has already rolled back, so peewee's own rollback
    fails with "no transaction is active" and the real cause is that error's __context__.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, sqlite3.Error | pw.DatabaseError):
            text = str(e).lower()
            for fragment, code in _SQLITE_MESSAGES:
                if fragment in text:
                    return code
        if isinstance(e, OSError) and e.errno in _OS_ERRNOS:
            return _OS_ERRNOS[e.errno]
        todo.extend((e.__cause__, e.__context__))
    return None


def _writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def open_sqlite(path: Path) -> pw.SqliteDatabase:
    """Open (creating if new) the database with its pragmas; a read-only place is named so."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)
        database.initialize(db)
        db.connect(reuse_if_open=True)
    except (pw.DatabaseError, sqlite3.Error, OSError) as exc:
        code = storage_problem(exc) or ("read_only" if not _writable(path) else None)
        if code is None:
            raise
        raise StorageProblem(code, path=str(path), detail=str(exc)) from exc
    return db


def close() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction that takes the write lock at once, so two writers queue, not fail.

    A full disk, a read-only file or a lock held longer than busy_timeout becomes a
    StorageProblem with its code; SQLite has rolled the whole transaction back by then.
    """
    if not is_sqlite():
        with database.atomic():
            yield
        return
    outermost = database.obj.transaction_depth() == 0
    try:
        with database.obj.atomic("IMMEDIATE"):
            yield
    except DomainError:
        raise
    except Exception as exc:
        code = storage_problem(exc) if outermost else None
        if code is None:
            raise
        raise StorageProblem(code, detail=str(exc)) from exc


def pragma(name: str) -> object:
    row = database.execute_sql(f"PRAGMA {name}").fetchone()
    return row[0] if row else None
