"""The one database object: a local SQLite file with its pragmas, or the shop's PostgreSQL server.

SQLite is the default (one PC). Several PCs share one PostgreSQL database; the code above the
store sees no difference: `write_transaction` serialises writers on both, so the event chain and
the numbering counters stay gap-free whichever PC writes.
"""

from __future__ import annotations

import errno
import os
import re
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

    Codes: disk_full, read_only, busy (still locked after busy_timeout), disk_io, db_damaged;
    with a server: server_unreachable, server_login_failed, server_no_database (param `host`).
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
# PostgreSQL (psycopg2) messages, lower-cased: lost or refused connections, and the server's own
# refusals the desk can act on. A missing role or database is a login or set-up problem.
_SERVER_MESSAGES = (
    ("password authentication failed", "server_login_failed"),
    ("no password supplied", "server_login_failed"),
    ("no pg_hba.conf entry", "server_login_failed"),
    ("could not connect", "server_unreachable"),
    ("connection refused", "server_unreachable"),
    ("could not translate host name", "server_unreachable"),
    ("timeout expired", "server_unreachable"),
    ("server closed the connection", "server_unreachable"),
    ("connection already closed", "server_unreachable"),
    ("terminating connection", "server_unreachable"),
    ("ssl connection has been closed", "server_unreachable"),
    ("connection to server", "server_unreachable"),
    ("the database system is starting up", "server_unreachable"),
    ("the database system is shutting down", "server_unreachable"),
    ("no space left on device", "disk_full"),
    ("read-only transaction", "read_only"),
    ("lock timeout", "busy"),
    ("deadlock detected", "busy"),
)


def _server_code(text: str) -> str | None:
    if re.search(r'role "[^"]*" does not exist', text):
        return "server_login_failed"
    if re.search(r'database "[^"]*" does not exist', text):
        return "server_no_database"
    return next((code for fragment, code in _SERVER_MESSAGES if fragment in text), None)


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
        if _is_driver_error(e) or isinstance(e, pw.InterfaceError):
            code = _server_code(str(e).lower())
            if code:
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


def _is_driver_error(e: BaseException) -> bool:
    """A psycopg2 error (the driver is imported only when a server is used)."""
    return type(e).__module__.startswith("psycopg2") and isinstance(e, Exception)


# Every writer's transaction starts by taking this advisory lock (any constant unique to the
# program will do: "AfDk"), the PostgreSQL counterpart of SQLite's BEGIN IMMEDIATE.
WRITE_LOCK_KEY = 0x4166446B
SERVER_CONNECT_TIMEOUT = 8  # seconds: an unreachable server is told within this
SERVER_LOCK_TIMEOUT_MS = 30_000  # a writer waits this long for another PC's write, then "busy"


class ServerDatabase(pw.PostgresqlDatabase):
    """PostgreSQL with connection losses turned into the desk's own words.

    A lost connection (server restarted, cable pulled) fails the statement running at the time
    with StorageProblem("server_unreachable"); the next statement outside a transaction opens
    a new connection, so the desk carries on once the server is back.
    """

    def __init__(self, *args: object, host_label: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.host_label = host_label

    def _lost(self) -> bool:
        conn = self._state.conn
        return conn is not None and bool(getattr(conn, "closed", 0))

    def cursor(self, named_cursor: object = None) -> object:
        if not self._state.closed and self._lost() and not self.in_transaction():
            self._state.reset()  # the old connection is gone: start afresh
        return super().cursor(named_cursor)

    def execute_sql(self, sql: str, params: object = None) -> object:
        try:
            return super().execute_sql(sql, params)
        except (pw.OperationalError, pw.InterfaceError) as exc:
            if self._lost() or storage_problem(exc) == "server_unreachable":
                raise StorageProblem(
                    "server_unreachable", host=self.host_label, detail=str(exc)
                ) from exc
            raise

    def rollback(self) -> None:
        if self._lost():
            return  # the server dropped the transaction with the connection
        super().rollback()


def server_database(
    *,
    host: str,
    port: int,
    dbname: str,
    user: str,
    password: str = "",
    options: dict[str, str] | None = None,
) -> ServerDatabase:
    """A PostgreSQL database object for the shop's server, not yet connected nor made the open
    one (the Settings tab's Test uses one on the side)."""
    params: dict[str, object] = {
        "host": host,
        "port": port,
        "user": user,
        "connect_timeout": SERVER_CONNECT_TIMEOUT,
        "application_name": "AfterDesk",
        "options": f"-c lock_timeout={SERVER_LOCK_TIMEOUT_MS}",
        # A server that vanished is noticed within a minute, not after TCP's two hours.
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        **(options or {}),
    }
    if password:
        params["password"] = password
    return ServerDatabase(dbname, host_label=f"{host}:{port}", **params)


def open_postgres(
    *,
    host: str,
    port: int,
    dbname: str,
    user: str,
    password: str = "",
    options: dict[str, str] | None = None,
) -> ServerDatabase:
    """Connect to the shop's PostgreSQL database and make it the open one; an unreachable server
    or a refused login is a StorageProblem naming the host, never a driver traceback."""
    db = server_database(
        host=host, port=port, dbname=dbname, user=user, password=password, options=options
    )
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:
        code = storage_problem(exc)
        if code is None:
            raise
        raise StorageProblem(
            code, host=db.host_label, user=user, dbname=dbname, detail=str(exc)
        ) from exc
    return db


def close() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(database.obj, pw.PostgresqlDatabase)


def server_label() -> str:
    """host:port of the open server database ("" for SQLite)."""
    return getattr(database.obj, "host_label", "")


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction that takes the write lock at once, so two writers queue, not fail.

    A full disk, a read-only file or a lock held longer than busy_timeout becomes a
    StorageProblem with its code; SQLite has rolled the whole transaction back by then.
    On PostgreSQL the transaction first takes one advisory lock that every writer takes (held
    until commit), so writers from several PCs queue exactly as they do on one SQLite file: the
    event chain's newest hash and the numbering counters are read and bumped by one writer at a
    time. Taken at every level (it is re-entrant), so a write nested in a plain transaction is
    serialised too.
    """
    obj = database.obj
    outermost = obj.transaction_depth() == 0
    try:
        if is_sqlite():
            with obj.atomic("IMMEDIATE"):
                yield
        elif is_postgres():
            with obj.atomic():
                obj.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                yield
        else:
            with obj.atomic():
                yield
    except DomainError:
        raise
    except Exception as exc:
        code = storage_problem(exc) if outermost else None
        if code is None:
            raise
        host = {"host": server_label()} if is_postgres() else {}
        raise StorageProblem(code, detail=str(exc), **host) from exc


def pragma(name: str) -> object:
    row = database.execute_sql(f"PRAGMA {name}").fetchone()
    return row[0] if row else None
