"""A real version-1 database (as the first release wrote it) migrates to version 2: accounts.

`data/schema_v1.sql` is the dump of a v1 data folder holding an owner, one repair case and its
events, made with the v1 program before the schema changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import paths
from app.services.casework.cases import show_case
from app.services.shop import accounts
from app.services.shop.accounts import login, set_pin
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema
from app.store.db import database
from app.store.history import verify_chain
from app.store.models import Case, CustomerAccess, User
from tests.conftest import Clock

V1_DUMP = Path(__file__).parent / "data" / "schema_v1.sql"


@pytest.fixture
def v1_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    con = sqlite3.connect(paths.db_path(folder))
    try:
        con.executescript(V1_DUMP.read_text(encoding="utf-8"))
        assert con.execute("SELECT version FROM schema_info").fetchall() == [(1,)]
    finally:
        con.close()
    yield folder
    close_data_folder()


def _columns(table: str) -> set[str]:
    return {r[1] for r in database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


def test_v1_database_migrates_to_accounts(v1_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert schema.SCHEMA_VERSION >= 2
    open_data_folder(v1_folder)
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert {"recent_failures", "locked_until", "lockouts", "demo_pin", "last_login_at"} <= (
        _columns("user")
    )
    assert "customer_access" in database.get_tables()
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert verify_chain()[0]
    # The old rows are all there, with the new columns' defaults.
    boss = User.get(User.name == "boss")
    assert (boss.display_name, boss.lockouts, boss.demo_pin, boss.locked_until) == (
        "老板",
        0,
        False,
        None,
    )
    assert Case.select().count() == 1
    # A backup at version 1 was taken before the step.
    (backup,) = paths.backups_dir(v1_folder).glob("*before-v2.db")
    con = sqlite3.connect(backup)
    try:
        assert con.execute("SELECT version FROM schema_info").fetchall() == [(1,)]
    finally:
        con.close()
    # The migrated database works: the owner gets a PIN, signs in and views a case (logged).
    clock = Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    monkeypatch.setattr(
        accounts, "HASHER", accounts.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    assert accounts.needs_owner_setup()  # the v1 owner has no PIN yet
    set_pin(context_for(v1_folder, "system", clock=clock), "boss", "24680135")
    ctx = login(v1_folder, "boss", "24680135", clock=clock)
    show_case(ctx, Case.get().number)
    assert CustomerAccess.select().count() == 1
    # The access log is append-only from the migration on.
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM customer_access")


def _index_sql() -> dict[str, str]:
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    return {name: " ".join(sql.split()) for name, sql in rows}


def test_a_migrated_database_has_the_indexes_of_a_new_one(v1_folder: Path, tmp_path: Path) -> None:
    """Version 4 dropped the unused event indexes and added the summary's; both paths agree."""
    open_data_folder(v1_folder)
    migrated = _index_sql()
    close_data_folder()
    open_data_folder(tmp_path / "fresh")
    fresh = _index_sql()
    assert migrated == fresh
    assert "event_hash" not in fresh and "event_actor_id" not in fresh
    assert {"case_closed_at", "repair_ticket_technician_id_received_at"} <= fresh.keys()
