"""Opening a data folder: database, schema, settings and the acting user."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from app import paths
from app.domain.errors import DomainError
from app.domain.settings import Settings
from app.services.safekeeping import server
from app.services.safekeeping.network_drive import refuse_network_folder
from app.services.shop.context import Actor, Context, utc_now
from app.services.shop.errors import NotFound
from app.store import db as store_db
from app.store.backup import backup_name, backup_to
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import Setting, User, put_setting
from app.store.schema import SETTINGS_ROW, ensure_schema
from app.store.server import snapshot_to

SETTINGS_KEY = SETTINGS_ROW  # one key for the migration and the services


def open_data_folder(
    data_dir: Path | None = None, *, local: bool = False, check_rows: bool = True
) -> Path:
    """Open (and create or migrate) the database of `data_dir`; returns the folder used.

    The folder's server file (or `--db`) names the shop's PostgreSQL server when several PCs
    share one database; otherwise, or with `local`, the folder's own SQLite file is used. A
    SQLite folder on a network drive is refused (DomainError "network_drive"): SQLite over a
    share corrupts; several PCs use the server instead. An unreachable server is a
    StorageProblem("server_unreachable") naming the host.

    Accounts and settings changed outside the program (their rows no longer match the seals in
    the event log) refuse the folder: DomainError "rows_changed_outside". `check_rows=False`
    opens it anyway, for a restore (the way back) and the start-up check.
    """
    folder = Path(data_dir) if data_dir else paths.default_data_dir()
    address = None if local else server.folder_address(folder)
    if address is None:
        refuse_network_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths.tighten(folder)
    store_db.close()
    if address is not None:
        store_db.open_postgres(**address.connect_params())  # type: ignore[arg-type]
        db_file = None
    else:
        db_file = paths.db_path(folder)
        store_db.open_sqlite(db_file)

    def backup_first(reason: str) -> object:
        target = paths.backups_dir(folder) / backup_name(reason)
        if db_file is None:
            return snapshot_to(store_db.database.obj, target)
        return backup_to(db_file, target)

    ensure_schema(backup_first)
    if check_rows:
        refuse_changed_rows()
    return folder


def refuse_changed_rows() -> None:
    """Accounts or settings that differ from what their newest event sealed: someone edited
    the database file directly (a new owner, a changed role or PIN, a lower approval limit)."""
    from app.store.seals import AT_START, check_seals

    found = check_seals(AT_START)
    if found:
        store_db.close()
        which = ", ".join(
            f"{m.entity} #{m.entity_id}" if m.entity != "setting" else m.entity for m in found
        )
        raise DomainError("rows_changed_outside", which=which)


def close_data_folder() -> None:
    store_db.close()


def sqlite_pragmas(*names: str) -> dict[str, str]:
    """The open SQLite database's PRAGMA values (lower case), for the self-check."""
    return {
        name: str(store_db.database.execute_sql(f"PRAGMA {name}").fetchone()[0]).lower()
        for name in names
    }


def load_settings() -> Settings:
    """The stored settings: the shipped defaults with the shop's overrides on top."""
    row = Setting.get_or_none(Setting.key == SETTINGS_KEY)
    return Settings.from_dict(row.value if row else {})


def write_settings(
    ctx: Context, changes: Mapping[str, Any], *, action: str, data: Mapping[str, Any]
) -> Settings:
    """Write settings as the context's user at its clock (see `store_settings`)."""
    return store_settings(changes, at=ctx.now(), by=ctx.actor.id, action=action, data=data)


def store_settings(
    changes: Mapping[str, Any],
    *,
    at: datetime,
    by: int | None,
    action: str,
    data: Mapping[str, Any],
) -> Settings:
    """The one writer of the shop's settings; returns the settings now stored.

    `changes` (dotted path -> value) go on top of the settings stored at the time, never on a
    caller's possibly older copy. Only the values that differ from the defaults are stored
    (`Settings.overrides`), so a default changed in a new version reaches this shop. The row and
    its event (`action`, `data`) are written in one transaction (or in the caller's); nothing is
    written when no value changes. Callers check permissions and validate first.
    """
    with write_transaction():
        stored = load_settings()
        settings = stored
        for path, value in changes.items():
            settings = settings.replace_path(path, value)
        if settings == stored:
            return stored
        put_setting(SETTINGS_KEY, settings.overrides(), at, by)
        record_event(
            at=at,
            actor_id=by,
            entity="setting",
            entity_id=0,
            action=action,
            data=dict(data),
        )
    return settings


def actor_for(user: User) -> Actor:
    return Actor(
        id=user.id,
        name=user.name,
        display_name=user.display_name,
        role=user.role,
        is_manager=user.is_manager,
    )


def context_for(
    data_dir: Path,
    user_name: str = "system",
    clock: Callable[[], datetime] = utc_now,
) -> Context:
    """A context acting as `user_name` with the stored settings."""
    user = User.get_or_none(User.name == user_name)
    if user is None:
        raise NotFound("user", user_name)
    return Context(actor=actor_for(user), settings=load_settings(), data_dir=data_dir, clock=clock)


def thread_connection() -> object:
    """This thread's own connection to the open database (peewee keeps one per thread), so a
    reader thread's query can be interrupted from the window's thread."""
    return store_db.database.connection()


def thread_done() -> None:
    """Close this thread's own connection: a reader thread that ends leaves none open (on a
    shop server each one is a session)."""
    obj = store_db.database.obj
    if obj is not None and not obj.is_closed():
        obj.close()
