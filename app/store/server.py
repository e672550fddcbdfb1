"""Moving rows between a SQLite file and the shop's PostgreSQL server, table by table.

Two uses, one copier: `server import` fills an empty server database from a shop's SQLite file
(ids, numbering counters and the event chain kept exactly), and a backup in server mode is a
portable SQLite snapshot of every row, read in one REPEATABLE READ transaction so it is one
consistent moment of the shop. Queries are run on explicit database objects (never by rebinding
the models), so the window's other threads keep using the open database meanwhile.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from app.store import search_index
from app.store.db import StorageProblem, StoreError, storage_problem
from app.store.models import MODELS, Event
from app.store.schema import APPEND_ONLY_SQLITE, SchemaInfo

Progress = Callable[[str, int], object]  # (table, rows copied so far)

# Parents before children (MODELS is in that order); the schema version goes with the rows.
COPY_MODELS: tuple[type[pw.Model], ...] = (*MODELS, SchemaInfo)
_MAX_PARAMS = 30_000  # under SQLite's 32,766 bound variables per statement
_MAX_ROWS = 1_000


@dataclass(frozen=True)
class ServerFacts:
    """What a server database holds, for `server show` and the Settings tab's test."""

    version: str  # the server's version line
    encoding: str
    schema: int  # 0: no AfterDesk tables yet
    cases: int
    events: int
    users: int  # staff accounts (the built-in system user not counted)

    @property
    def empty(self) -> bool:
        return self.cases == 0 and self.events == 0 and self.users == 0


def facts(db: pw.Database) -> ServerFacts:
    """Look at an open PostgreSQL database without changing it."""
    version = str(db.execute_sql("SELECT version()").fetchone()[0])
    encoding = str(db.execute_sql("SHOW server_encoding").fetchone()[0])
    tables = set(db.get_tables())
    if not {"schema_info", "case", "event", "user"} <= tables:
        return ServerFacts(version, encoding, 0, 0, 0, 0)
    schema, cases, events, users = db.execute_sql(
        'SELECT (SELECT max(version) FROM schema_info), (SELECT count(*) FROM "case"), '
        "(SELECT count(*) FROM event), (SELECT count(*) FROM \"user\" WHERE name <> 'system')"
    ).fetchone()
    return ServerFacts(version, encoding, int(schema or 0), int(cases), int(events), int(users))


def _batch(fields: Sequence[pw.Field]) -> int:
    return max(1, min(_MAX_ROWS, _MAX_PARAMS // max(1, len(fields))))


def _integer_key(model: type[pw.Model]) -> pw.Field | None:
    pk = model._meta.primary_key
    return pk if isinstance(pk, pw.AutoField | pw.IntegerField) else None


def copy_rows(
    source: pw.Database,
    target: pw.Database,
    models: Sequence[type[pw.Model]] = COPY_MODELS,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every row of `models` from `source` to `target`, ids included; returns the counts.

    Values pass through each field's own conversions (text dates to datetimes, fen to Decimal
    and back), so they land exactly as the program would have written them on the target.
    Tables with an integer key are read in key order a page at a time (a shop's event log does
    not have to fit in memory); the few others are small and read whole.
    """
    counts: dict[str, int] = {}
    for model in models:
        # A source at an older schema (the backup before a migration) lacks the newest columns:
        # those are left to the target's defaults.
        present = {c.name for c in source.get_columns(model._meta.table_name)}
        fields = [f for f in model._meta.sorted_fields if f.column_name in present]
        size = _batch(fields)
        key = _integer_key(model)
        table = model._meta.table_name
        copied = 0
        if key is None:
            rows = source.execute(model.select(*fields)).fetchall()
            pages = [rows[i : i + size] for i in range(0, len(rows), size)]
        else:
            pages = _pages(source, model, fields, key, size)
        for page in pages:
            values = [
                tuple(f.python_value(v) for f, v in zip(fields, row, strict=True)) for row in page
            ]
            target.execute(model.insert_many(values, fields=fields))
            copied += len(values)
            if progress is not None:
                progress(table, copied)
        counts[model.__name__] = copied
    return counts


def _pages(
    source: pw.Database,
    model: type[pw.Model],
    fields: list[pw.Field],
    key: pw.Field,
    size: int,
) -> object:
    at = fields.index(key)
    last: int | None = None
    while True:
        query = model.select(*fields).order_by(key).limit(size)
        if last is not None:
            query = query.where(key > last)
        rows = source.execute(query).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][at]


def reset_sequences(db: pw.PostgresqlDatabase, models: Sequence[type[pw.Model]] = MODELS) -> None:
    """After rows came in with their ids, the next id each table hands out is its max + 1."""
    for model in models:
        if not isinstance(model._meta.primary_key, pw.AutoField):
            continue
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT COALESCE(max(id), 0) + 1 FROM "{table}"), false)'
        )


def row_counts(db: pw.Database, models: Sequence[type[pw.Model]] = MODELS) -> dict[str, int]:
    """Rows per table in one query (the import compares source and target with these)."""
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{m._meta.table_name}")' for m in models)
    row = db.execute_sql(sql).fetchone()
    return {m.__name__: int(n) for m, n in zip(models, row, strict=True)}


def clear_for_import(db: pw.PostgresqlDatabase) -> None:
    """Empty a server database that holds no shop yet (only the built-in system user and the
    schema version, made when it was opened), so the imported rows keep their own ids."""
    found = facts(db)
    if not found.empty:
        raise StoreError("server_not_empty", cases=found.cases, events=found.events)
    for model in reversed(MODELS):
        if model in (Event,):  # empty (checked) and append-only: nothing to delete
            continue
        db.execute(model.delete())


def snapshot_to(source: pw.PostgresqlDatabase, target: Path) -> Path:
    """Write every row of the server database to a new SQLite file at `target`.

    Read in one REPEATABLE READ READ ONLY transaction (one moment of the shop, while the other
    PCs go on writing); written to a temp file that gets the same schema, triggers and search
    index as a new SQLite folder, checked with integrity_check, flushed and only then renamed
    into place: a backup file is complete and good, or does not exist.
    """
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        snap = pw.SqliteDatabase(str(tmp), pragmas={"journal_mode": "off", "synchronous": "off"})
        try:
            for model in COPY_MODELS:
                pw.SchemaManager(model, database=snap).create_all(safe=False)
            with snap.atomic(), source.atomic("REPEATABLE READ READ ONLY"):
                copy_rows(source, snap)
            for sql in APPEND_ONLY_SQLITE:
                snap.execute_sql(sql)
            search_index.install(snap)
            snap.execute_sql("PRAGMA journal_mode=DELETE")
            ok = str(snap.execute_sql("PRAGMA integrity_check").fetchone()[0])
        finally:
            snap.close()
        if ok != "ok":
            raise StoreError("backup_damaged", detail=ok)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except (OSError, pw.DatabaseError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        code = storage_problem(exc)
        if code is None:
            raise
        raise StorageProblem(code, path=str(target), detail=str(exc)) from exc
    finally:
        search_index._available.clear()
    return target


def open_sqlite_read_only(path: Path) -> pw.SqliteDatabase:
    """A SQLite file opened for reading only (the source of an import)."""
    db = pw.SqliteDatabase(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    db.connect()
    return db
