"""Schema creation and migrations, numbered from the first release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import peewee as pw
from playhouse.migrate import SchemaMigrator

from app.store.db import StoreError, database, is_sqlite
from app.store.models import MODELS, User

SCHEMA_VERSION = 1

# version -> step that brings a database from version-1 to version. Each runs in a transaction
# after a backup. Example: MIGRATIONS[2] = lambda m: migrate(m.add_column("case", "x", field)).
MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {}

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
)


class SchemaInfo(pw.Model):
    version = pw.IntegerField()

    class Meta:
        database = database
        table_name = "schema_info"


def current_version() -> int:
    if not SchemaInfo.table_exists():
        return 0
    row = SchemaInfo.select().first()
    return row.version if row else 0


def ensure_schema(before_migration: Callable[[str], object]) -> int:
    """Create a new database or migrate an old one; returns the version it is at now."""
    version = current_version()
    if version > SCHEMA_VERSION:
        raise StoreError("database_too_new", version=version, supported=SCHEMA_VERSION)
    if version == 0:
        with database.atomic():
            database.create_tables([*MODELS, SchemaInfo])
            _install_triggers()
            SchemaInfo.create(version=SCHEMA_VERSION)
            _ensure_system_user()
        return SCHEMA_VERSION
    if version < SCHEMA_VERSION:
        before_migration(f"before-v{version + 1}")
        migrator = SchemaMigrator.from_database(database.obj)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with database.atomic():
                MIGRATIONS[step](migrator)
                SchemaInfo.update(version=step).execute()
    return SCHEMA_VERSION


def _install_triggers() -> None:
    if is_sqlite():
        for sql in APPEND_ONLY_SQLITE:
            database.execute_sql(sql)


def _ensure_system_user() -> None:
    if not User.select().where(User.name == "system").exists():
        User.create(
            name="system",
            display_name="System",
            role="owner",
            active=False,
            created_at=datetime.now(UTC),
        )
