"""The one database object, opened once with its pragmas."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw

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


def open_sqlite(path: Path) -> pw.SqliteDatabase:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def close() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction that takes the write lock at once, so two writers queue, not fail."""
    if is_sqlite():
        with database.obj.atomic("IMMEDIATE"):
            yield
    else:
        with database.atomic():
            yield


def pragma(name: str) -> object:
    row = database.execute_sql(f"PRAGMA {name}").fetchone()
    return row[0] if row else None
