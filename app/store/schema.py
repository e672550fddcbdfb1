"""Schema creation and migrations, numbered from the first release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from app.store import search_index
from app.store.db import StoreError, database, is_postgres, is_sqlite, write_transaction
from app.store.models import MODELS, CustomerAccess, User

SCHEMA_VERSION = 5


def _v2_accounts(m: SchemaMigrator) -> None:
    """Staff sign-in: lockout kept in the database, the demo-PIN flag; the customer access log."""
    migrate(
        m.add_column("user", "recent_failures", User.recent_failures),
        m.add_column("user", "locked_until", User.locked_until),
        m.add_column("user", "lockouts", User.lockouts),
        m.add_column("user", "demo_pin", User.demo_pin),
        m.add_column("user", "last_login_at", User.last_login_at),
    )
    database.create_tables([CustomerAccess])


def _v3_search(m: SchemaMigrator) -> None:
    """Search index (FTS5 trigram + name grams) with its triggers; derived, so rebuilt here."""
    search_index.install()


def _v4_indexes(m: SchemaMigrator) -> None:
    """Indexes for the monthly summary at ten years of data; two unused event-log indexes go.

    `event_hash` and `event_actor_id` were a seventh of the file at 750,000 events and nothing
    reads by them; `repair_ticket_technician_id` is the prefix of the two new pairs.
    """
    for name in ("event_hash", "event_actor_id", "repair_ticket_technician_id"):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    for table, columns in (
        ("case", ("closed_at",)),
        ("repair_ticket", ("technician_id", "received_at")),
        ("repair_ticket", ("technician_id", "finished_at")),
        ("repair_labour", ("added_at",)),
    ):
        name = "_".join((table, *columns))
        cols = ", ".join(f'"{c}"' for c in columns)
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')


def _v5_trust(m: SchemaMigrator) -> None:
    """Issue #14: the owner's recovery code (`user.recovery_hash`), and rows sealed into the
    chain (app.store.seals): events carry a digest of the rows they wrote from now on. One
    `sealing_started` event records the first id of each entity that must have a seal; older
    rows are checked from their next write on."""
    from app.store.history import record_event

    if "recovery_hash" not in {c.name for c in database.get_columns("user")}:
        migrate(m.add_column("user", "recovery_hash", User.recovery_hash))
    from app.store.seals import SEALING_STARTED, start_sealing_data

    system = User.get_or_none(User.name == "system")
    if system is None:
        _ensure_system_user()
        system = User.get(User.name == "system")
    record_event(
        at=datetime.now(UTC),
        actor_id=system.id,
        entity="database",
        entity_id=0,
        action=SEALING_STARTED,
        data=start_sealing_data(),
    )


# version -> step that brings a database from version-1 to version. Each runs in a transaction
# after a backup. Example: MIGRATIONS[2] = lambda m: migrate(m.add_column("case", "x", field)).
MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {
    2: _v2_accounts,
    3: _v3_search,
    4: _v4_indexes,
    5: _v5_trust,
}

APPEND_ONLY_TRIGGERS = (
    "event_no_update",
    "event_no_delete",
    "customer_access_no_update",
    "customer_access_no_delete",
)
# The same refusals on PostgreSQL, with the same messages; TRUNCATE is refused there too.
APPEND_ONLY_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION afterdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION '%% is append-only', TG_ARGV[0] "
    "USING ERRCODE = 'integrity_constraint_violation'; END $$"
)
APPEND_ONLY_PG_TABLES = (("event", "event log"), ("customer_access", "access log"))
APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event "
    "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS customer_access_no_update BEFORE UPDATE ON customer_access "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS customer_access_no_delete BEFORE DELETE ON customer_access "
    "BEGIN SELECT RAISE(ABORT, 'access log is append-only'); END",
)


class SchemaInfo(pw.Model):
    version = pw.IntegerField()

    class Meta:
        database = database
        table_name = "schema_info"


def current_version() -> int:
    if not SchemaInfo.table_exists():
        return 0
    row = SchemaInfo.select().order_by(SchemaInfo.version.desc()).first()
    return row.version if row else 0


def ensure_schema(before_migration: Callable[[str], object]) -> int:
    """Create a new database or migrate an old one; returns the version it is at now."""
    with write_transaction():
        # Checked under the write lock: two processes opening a new folder create it once.
        version = current_version()
        if version > SCHEMA_VERSION:
            raise StoreError("database_too_new", version=version, supported=SCHEMA_VERSION)
        if version == 0:
            database.create_tables([*MODELS, SchemaInfo])
            _install_triggers()
            search_index.install()
            SchemaInfo.create(version=SCHEMA_VERSION)
            _ensure_system_user()
            return SCHEMA_VERSION
    if version < SCHEMA_VERSION:
        before_migration(f"before-v{version + 1}")
        _migrate(version)
    return SCHEMA_VERSION


def _migrate(version: int) -> None:
    """Run the steps after `version`, following SQLite's table-rebuild procedure.

    Foreign keys are off while tables are rebuilt (peewee copies, drops and renames a table to
    add a NOT NULL column) and checked before each commit; the append-only triggers are lifted
    for the step and put back, so a step may also add a column to the event log.
    """
    sqlite = is_sqlite()
    if sqlite:
        database.execute_sql("PRAGMA foreign_keys=OFF")
    try:
        migrator = SchemaMigrator.from_database(database.obj)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with write_transaction():
                _drop_triggers()
                MIGRATIONS[step](migrator)
                if sqlite:
                    broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError("migration_broke_references", rows=len(broken))
                _install_triggers()
                SchemaInfo.update(version=step).execute()
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys=ON")
    if sqlite:
        _compact_if_sparse()


def _compact_if_sparse() -> None:
    """VACUUM once when a migration freed over a tenth of the file: every backup copies free
    pages too, so they would cost time on every backup from then on."""
    free = int(database.execute_sql("PRAGMA freelist_count").fetchone()[0])
    total = int(database.execute_sql("PRAGMA page_count").fetchone()[0])
    if total and free * 10 > total:
        database.execute_sql("VACUUM")


def _install_triggers() -> None:
    if is_sqlite():
        for sql in APPEND_ONLY_SQLITE:
            database.execute_sql(sql)
    elif is_postgres():
        database.execute_sql(APPEND_ONLY_PG_FUNCTION)
        _drop_triggers()
        for table, what in APPEND_ONLY_PG_TABLES:
            for name, when, each in (
                ("no_update", "UPDATE", "ROW"),
                ("no_delete", "DELETE", "ROW"),
                ("no_truncate", "TRUNCATE", "STATEMENT"),
            ):
                database.execute_sql(
                    f'CREATE TRIGGER {table}_{name} BEFORE {when} ON "{table}" '
                    f"FOR EACH {each} EXECUTE FUNCTION afterdesk_append_only('{what}')"
                )


def _drop_triggers() -> None:
    """Lift the append-only guards for a migration step (put back by `_install_triggers`)."""
    if is_sqlite():
        for name in APPEND_ONLY_TRIGGERS:
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif is_postgres():
        for table, _what in APPEND_ONLY_PG_TABLES:
            for name in ("no_update", "no_delete", "no_truncate"):
                database.execute_sql(f'DROP TRIGGER IF EXISTS {table}_{name} ON "{table}"')


def _ensure_system_user() -> None:
    if not User.select().where(User.name == "system").exists():
        User.create(
            name="system",
            display_name="System",
            role="owner",
            active=False,
            created_at=datetime.now(UTC),
        )
