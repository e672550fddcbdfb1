"""`server import`: copy a SQLite shop onto an empty shop server, all or nothing.

Above both `server` (the address and the connection) and `setup` (opening a data folder), which
it uses; kept apart so that those two need not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.domain.errors import DomainError
from app.services.safekeeping.server import ServerAddress
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.services.shop.setup import open_data_folder
from app.store import db as store_db
from app.store import server as store_server
from app.store.db import StoreError
from app.store.history import check_chain
from app.store.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class ImportReport:
    """What `server import` copied, and the chain it checked on the server afterwards."""

    address: str  # label, no password
    rows: dict[str, int]
    events: int
    head: str


def import_folder(
    ctx: Context,
    address: ServerAddress,
    source: Path | None = None,
    progress: Callable[[str, int], object] | None = None,
) -> ImportReport:
    """Copy every row of a SQLite shop (the folder's own database, or `source`: a backup) into
    an empty server database, keeping ids, numbering counters and the event chain; then walk the
    chain on the server and compare every table's rows. All or nothing: one transaction.

    Call with the SQLite folder open as `ctx` (its owner acts); leaves that folder open.
    """
    require(ctx, Action.RESTORE)
    path = Path(source) if source else paths.db_path(ctx.data_dir)
    if not path.is_file():
        raise DomainError("backup_missing", file=str(path))
    src = store_server.open_sqlite_read_only(path)
    try:
        version = src.execute_sql("SELECT max(version) FROM schema_info").fetchone()[0]
        if int(version or 0) != SCHEMA_VERSION:
            raise DomainError("server_import_old", file=str(path), version=version)
        store_db.close()
        target = store_db.open_postgres(**address.connect_params())  # type: ignore[arg-type]
        try:
            from app.store.schema import ensure_schema

            ensure_schema(lambda _reason: None)  # a new server database: tables, no migration
            with store_db.write_transaction(), src.atomic():
                try:
                    store_server.clear_for_import(target)
                except StoreError as exc:
                    raise DomainError(exc.code, host=address.host_port, **exc.params) from exc
                rows = store_server.copy_rows(src, target, store_server.MODELS, progress=progress)
                store_server.reset_sequences(target)
                # Checked before the commit: a copy that differs is rolled back whole.
                chain = check_chain()
                same = store_server.row_counts(target) == store_server.row_counts(src)
                if not chain.ok or not same:
                    raise DomainError("server_import_mismatch", host=address.host_port)
            target.execute_sql("ANALYZE")
        finally:
            store_db.close()
    finally:
        src.close()
        open_data_folder(ctx.data_dir, local=True)
    return ImportReport(address.label, rows, chain.checked, chain.head)
