"""Schema versions: creating, migrating (after a backup), refusing newer, append-only events."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import peewee as pw
import pytest
from playhouse.migrate import SchemaMigrator, migrate

from app import paths
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema
from app.store.db import StoreError, database
from app.store.history import record_event, verify_chain
from app.store.models import Event, User


def _columns(con: sqlite3.Connection | None, table: str) -> list[str]:
    if con is None:
        rows = database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
    else:
        rows = con.execute(f'PRAGMA table_info("{table}")').fetchall()
    return [r[1] for r in rows]


def _add_wechat_id(m: SchemaMigrator) -> None:
    migrate(m.add_column("customer", "wechat_id", pw.CharField(default="")))


@pytest.fixture
def old_folder(tmp_path: Path) -> Iterator[Path]:
    """A data folder at the current version, closed; the test opens it with a newer program."""
    folder = open_data_folder(tmp_path / "data")
    close_data_folder()
    yield folder
    close_data_folder()


def test_fresh_database_gets_the_current_version(data_dir: Path) -> None:
    assert schema.current_version() == schema.SCHEMA_VERSION
    con = sqlite3.connect(paths.db_path(data_dir))
    try:
        assert con.execute("SELECT version FROM schema_info").fetchall() == [
            (schema.SCHEMA_VERSION,)
        ]
    finally:
        con.close()
    assert User.get(User.name == "system").active is False
    # Opening again changes nothing and makes no backup.
    close_data_folder()
    open_data_folder(data_dir)
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert not paths.backups_dir(data_dir).exists()


OLD = schema.SCHEMA_VERSION  # what `old_folder` is made at
NEXT = OLD + 1  # a pretend newer program's version, with a test step


def _migrate_to_next(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Open `folder` with a program one version newer; returns the backups seen by the step."""
    backups_seen: list[list[Path]] = []

    def step(m: SchemaMigrator) -> None:
        backups_seen.append(sorted(paths.backups_dir(folder).glob("*.db")))
        _add_wechat_id(m)

    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(schema.MIGRATIONS, NEXT, step)
    open_data_folder(folder)
    return backups_seen


def _check_migrated(folder: Path, backups_seen: list[list[Path]]) -> None:
    # (a) a backup at version 1 was made before the step ran, and it is sound
    assert len(backups_seen) == 1
    assert len(backups_seen[0]) == 1
    backup = backups_seen[0][0]
    assert f"before-v{NEXT}" in backup.name
    assert sorted(paths.backups_dir(folder).glob("*")) == [backup]  # no .part left behind
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version FROM schema_info").fetchall() == [(OLD,)]
        assert "wechat_id" not in _columns(con, "customer")
    finally:
        con.close()
    # (b) the column exists, (c) the version moved on
    assert "wechat_id" in _columns(None, "customer")
    assert schema.current_version() == NEXT
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_old_database_is_backed_up_then_migrated(
    old_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _migrate_to_next(old_folder, monkeypatch)
    _check_migrated(old_folder, seen)


def test_old_database_with_records_is_migrated(
    old_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_data_folder(old_folder)
    take_intake(
        context_for(old_folder), IntakeForm(kind="complaint", name="张三", phone="13800138000")
    )
    close_data_folder()
    seen = _migrate_to_next(old_folder, monkeypatch)
    _check_migrated(old_folder, seen)
    assert database.execute_sql('SELECT COUNT(*) FROM "case"').fetchone()[0] == 1
    assert verify_chain()[0]


def test_a_failed_migration_keeps_the_old_version(
    old_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(m: SchemaMigrator) -> None:
        migrate(m.add_column("customer", "wechat_id", pw.CharField(null=True)))
        raise RuntimeError("step failed halfway")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(schema.MIGRATIONS, NEXT, broken)
    with pytest.raises(RuntimeError):
        open_data_folder(old_folder)
    assert schema.current_version() == OLD
    assert "wechat_id" not in _columns(None, "customer")
    assert len(list(paths.backups_dir(old_folder).glob(f"*before-v{NEXT}.db"))) == 1


def test_newer_database_is_refused(old_folder: Path) -> None:
    con = sqlite3.connect(paths.db_path(old_folder))
    try:
        with con:
            con.execute("UPDATE schema_info SET version = ?", (schema.SCHEMA_VERSION + 1,))
    finally:
        con.close()
    with pytest.raises(StoreError) as info:
        open_data_folder(old_folder)
    assert info.value.code == "database_too_new"
    assert info.value.params["version"] == schema.SCHEMA_VERSION + 1
    assert not paths.backups_dir(old_folder).exists()


def _one_event(ctx: Context) -> Event:
    return record_event(
        at=datetime.now(UTC),
        actor_id=ctx.actor.id,
        entity="case",
        entity_id=1,
        action="created",
        to_state="logged",
    )


def test_event_log_refuses_update(ctx: Context) -> None:
    ev = _one_event(ctx)
    with pytest.raises(pw.IntegrityError, match="append-only"):
        Event.update(note="changed").where(Event.id == ev.id).execute()
    ev.note = "changed"
    with pytest.raises(pw.IntegrityError, match="append-only"):
        ev.save()
    assert Event.get_by_id(ev.id).note == ""
    assert verify_chain() == (True, None, 2)  # the owner's account, then the one event


def test_event_log_refuses_delete(ctx: Context) -> None:
    ev = _one_event(ctx)
    with pytest.raises(pw.IntegrityError, match="append-only"):
        Event.delete().execute()
    with pytest.raises(pw.IntegrityError, match="append-only"):
        ev.delete_instance()
    assert Event.select().count() == 2  # the owner's account, then the one event


def test_event_log_triggers_hold_for_raw_sql(ctx: Context, data_dir: Path) -> None:
    _one_event(ctx)
    close_data_folder()
    con = sqlite3.connect(paths.db_path(data_dir))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("UPDATE event SET note = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("DELETE FROM event")
        assert con.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 2
    finally:
        con.close()


def test_a_migration_may_add_a_column_to_the_event_log(
    old_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_data_folder(old_folder)
    take_intake(
        context_for(old_folder), IntakeForm(kind="complaint", name="张三", phone="13800138000")
    )
    close_data_folder()

    def step(m: SchemaMigrator) -> None:
        migrate(m.add_column("event", "source", pw.CharField(default="")))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(schema.MIGRATIONS, NEXT, step)
    open_data_folder(old_folder)
    assert schema.current_version() == NEXT
    assert "source" in _columns(None, "event")
    # The append-only triggers are back after the step.
    with pytest.raises((pw.IntegrityError, pw.OperationalError)):
        database.execute_sql("DELETE FROM event")
