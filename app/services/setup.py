"""Opening a data folder: database, schema, settings and the acting user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app import paths
from app.domain.errors import DomainError
from app.domain.settings import Settings
from app.services import server
from app.services.context import Actor, Context, utc_now
from app.services.errors import NotFound
from app.services.network_drive import refuse_network_folder
from app.store import db as store_db
from app.store.backup import backup_name, backup_to
from app.store.models import Setting, User
from app.store.schema import ensure_schema
from app.store.server import snapshot_to

SETTINGS_KEY = "settings"


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


def load_settings() -> Settings:
    row = Setting.get_or_none(Setting.key == SETTINGS_KEY)
    return Settings.from_dict(row.value if row else {})


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
