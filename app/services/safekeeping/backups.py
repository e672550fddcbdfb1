"""Backups the shop never has to think about: on close, every half hour after a change, before
any migration, restore or erase; thinned to 12 daily, 10 weekly and 9 monthly copies; optionally
mirrored to a second folder (a USB drive). Restoring makes a backup of the current state first.

The shop's signing keys go with each backup as ``<name>.keys.zip`` beside ``<name>.db``
(`app.services.paper.key_archive`): mirrored and thinned with their database, put back by a restore.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from app import paths
from app.domain.errors import DomainError
from app.services.paper import key_archive
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store import db as store_db
from app.store.backup import (
    BACKUP_PATTERN,
    backup_name,
    backup_time,
    backup_to,
    has_event,
    head_of,
    holds_cases,
    owner_hashes,
    probe,
    recorded_time,
    restore_into,
    schema_shape,
)
from app.store.db import StoreError
from app.store.history import chain_head, check_chain, record_event
from app.store.models import User
from app.store.schema import SCHEMA_VERSION
from app.store.server import snapshot_to

log = logging.getLogger("afterdesk")

SAFETY_PREFIX = "before-"  # backups taken before a migration, restore or erase
FUTURE_SLACK = timedelta(hours=1)  # a PC clock a little ahead is not a planted file


@dataclass(frozen=True)
class BackupInfo:
    """One backup file, as listed for the window and the `backup list` command."""

    path: Path
    taken_at: datetime  # UTC, from the file name
    reason: str
    size: int
    second: bool = False  # lies in the second folder


@dataclass(frozen=True)
class BackupReport:
    """Where a backup went; a second folder that could not be written is reported, not fatal."""

    path: Path
    copies: tuple[Path, ...] = ()
    problems: tuple[DomainError, ...] = ()
    removed: tuple[Path, ...] = field(default=(), repr=False)
    keys: Path | None = None  # the signing keys' archive beside the backup (None: no keys yet)

    def __fspath__(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class Health:
    """The start-up check: is the database usable, and if not, which backup to offer."""

    ok: bool
    db_path: Path
    problem: str = ""  # "", damaged, not_afterdesk, locked (another program), read_only
    detail: str = ""
    offer: BackupInfo | None = None


# --- taking backups --------------------------------------------------------------------------


def main_folder(data_dir: Path) -> Path:
    return paths.backups_dir(data_dir)


def second_folder(ctx: Context) -> Path | None:
    text = ctx.settings.backup.second_folder.strip()
    return Path(text).expanduser() if text else None


def backup_now(
    ctx: Context, reason: str = "manual", *, out: Path | None = None, thin_old: bool = True
) -> BackupReport:
    """Back up now to the backups folder (and the second folder), then thin both.

    With `out` the copy goes to exactly that file instead, and nothing is thinned or mirrored;
    that copy leaves the shop's folders with every record and the signing keys, so it is the
    owner's (Action.RESTORE) to make.
    """
    live = paths.db_path(ctx.data_dir)
    problems: list[DomainError] = []
    if out is not None:
        require(ctx, Action.RESTORE)
        path = _checked_copy(live, Path(out))
        return BackupReport(path, (), tuple(problems), keys=_keys_beside(ctx, path, problems))
    now = ctx.now()
    folder = main_folder(ctx.data_dir)
    target = _free_name(folder, _clean_reason(reason), now)
    path = _checked_copy(live, target)
    keys = _keys_beside(ctx, path, problems)
    removed = list(thin_by_settings(ctx, folder)) if thin_old else []
    copies: list[Path] = []
    second = second_folder(ctx)
    if second is not None:
        try:
            copies.append(_mirror(path, second))
            if keys is not None:
                _mirror(keys, second)
            if thin_old:
                removed += thin_by_settings(ctx, second)
        except OSError as exc:
            log.warning("second backup folder %s not written: %s", second, exc)
            problems.append(
                DomainError("second_folder_unreachable", folder=str(second), error=_os_text(exc))
            )
    return BackupReport(path, tuple(copies), tuple(problems), tuple(removed), keys)


def _keys_beside(ctx: Context, path: Path, problems: list[DomainError]) -> Path | None:
    """The keys' archive next to a finished database backup. A failure here is reported, not
    fatal: the database copy is good and the keys are still in the live folder."""
    target = key_archive.archive_for(path)
    try:
        return key_archive.write_archive(ctx.data_dir, target)
    except OSError as exc:
        log.warning("signing keys not backed up beside %s: %s", path, exc)
        problems.append(DomainError("keys_not_backed_up", file=str(target), error=_os_text(exc)))
        return None


def _checked_copy(live: Path, target: Path) -> Path:
    try:
        if store_db.is_postgres():  # the shop server: a SQLite snapshot of every row
            return snapshot_to(store_db.database.obj, target)
        return backup_to(live, target)
    except StoreError as exc:  # the store's refusal, as a code the desk can read
        raise DomainError(exc.code, file=str(target), **exc.params) from exc


def _clean_reason(reason: str) -> str:
    text = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-")[:30]
    return text or "manual"


def _free_name(folder: Path, reason: str, now: datetime) -> Path:
    target = folder / backup_name(reason, now)
    n = 2
    while target.exists():  # two backups in one second keep both
        target = folder / backup_name(f"{reason}-{n}", now)
        n += 1
    return target


def _mirror(path: Path, folder: Path) -> Path:
    """Copy a checked backup to the second folder: temp file, fsync, atomic rename.

    The copy is created with the source's permission bits, so the keys' archive (0600: it
    holds the private keys and their passphrase) is not readable by others on the USB drive.
    """
    if not folder.is_dir():
        raise FileNotFoundError(2, "folder not found", str(folder))
    target = folder / path.name
    tmp = target.with_name(target.name + ".part")
    try:
        tmp.unlink(missing_ok=True)
        mode = path.stat().st_mode & 0o777
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with open(path, "rb") as src, os.fdopen(os.open(tmp, flags, mode), "wb") as fh:
            shutil.copyfileobj(src, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _os_text(exc: OSError) -> str:
    return exc.strerror or str(exc)


# --- thinning --------------------------------------------------------------------------------


def select_keep(
    stamps: Iterable[datetime],
    *,
    keep_daily: int = 12,
    keep_weekly: int = 10,
    keep_monthly: int = 9,
    tz: tzinfo = UTC,
    now: datetime | None = None,
    recent: timedelta = timedelta(hours=24),
) -> set[datetime]:
    """Which backup times to keep: the newest of each of the last `keep_daily` days that have a
    backup, of the last `keep_weekly` ISO weeks and of the last `keep_monthly` months (days,
    weeks and months in the shop's time zone). Every backup of the last `recent` (a day) is
    kept too, so the half-hourly copies of today and a manual one are there to go back to.
    """
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    if now is not None:
        keep.update(s for s in ordered if s >= now - recent)
    buckets: tuple[tuple[Callable[[date], object], int], ...] = (
        (lambda d: d, keep_daily),
        (lambda d: d.isocalendar()[:2], keep_weekly),
        (lambda d: (d.year, d.month), keep_monthly),
    )
    for key_of, limit in buckets:
        seen: set[object] = set()
        for stamp in ordered:
            key = key_of(stamp.astimezone(tz).date())
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.add(key)
            keep.add(stamp)
    return keep


def thin(
    folder: Path,
    now: datetime,
    keep_daily: int = 12,
    keep_weekly: int = 10,
    keep_monthly: int = 9,
    *,
    tz: tzinfo = UTC,
) -> list[Path]:
    """Delete the backups `select_keep` does not keep; returns what was deleted.

    Safety backups (before a migration, restore or erase) younger than `keep_daily` days stay
    even when a later backup the same day would replace them: they are the way back from a
    wrong restore. Only files named like our backups are ever touched.
    """
    files: dict[datetime, list[Path]] = {}
    newest_good: tuple[datetime, Path] | None = None
    for path in _backup_files(folder):
        named = backup_time(path.name)
        if named is None:
            continue
        # Thinned by the time recorded inside the file (its newest event), not by its name;
        # a file whose time lies in the future was not written by this PC's backups: it is
        # neither counted nor deleted (planted names once pushed every real backup out).
        recorded = recorded_time(path)
        stamp = min(recorded, named) if recorded is not None else named
        if stamp > now + FUTURE_SLACK:
            continue
        files.setdefault(stamp, []).append(path)
        if recorded is not None and (newest_good is None or stamp > newest_good[0]):
            newest_good = (stamp, path)
    keep = select_keep(
        files,
        keep_daily=keep_daily,
        keep_weekly=keep_weekly,
        keep_monthly=keep_monthly,
        tz=tz,
        now=now,
    )
    young = now - timedelta(days=keep_daily)
    removed = []
    for stamp, group in sorted(files.items()):
        # Files recording the same newest event hold the same history: of a kept time, the
        # one taken last stays and the earlier copies go like any other thinned backup.
        last = max(group, key=lambda p: p.name)
        for path in group:
            if (stamp in keep and path == last) or (stamp >= young and _is_safety(path)):
                continue
            if newest_good is not None and path == newest_good[1]:
                continue  # the newest backup that is a real database always stays
            try:
                path.unlink()
                removed.append(path)
            except OSError as exc:
                log.warning("could not remove old backup %s: %s", path, exc)
                continue
            keys = key_archive.archive_for(path)
            try:
                keys.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not remove old keys backup %s: %s", keys, exc)
    return removed


def thin_by_settings(ctx: Context, folder: Path) -> list[Path]:
    s = ctx.settings.backup
    return thin(folder, ctx.now(), s.keep_daily, s.keep_weekly, s.keep_monthly, tz=ctx.tz)


def _is_safety(path: Path) -> bool:
    m = BACKUP_PATTERN.match(path.name)
    return bool(m and m.group(3).startswith(SAFETY_PREFIX))


def _backup_files(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file() and BACKUP_PATTERN.match(p.name)]
    except OSError:
        return []


# --- when to back up -------------------------------------------------------------------------


def due(
    last_backup_at: datetime | None,
    last_change_at: datetime | None,
    now: datetime,
    interval: timedelta,
) -> bool:
    """A timed backup is due when something changed since the last one and `interval` passed."""
    if last_change_at is None:
        return False
    if last_backup_at is None:
        return True
    return last_change_at > last_backup_at and now - last_backup_at >= interval


def newest_backup(ctx: Context) -> BackupInfo | None:
    found = list_backups(ctx, include_second=False)
    return found[0] if found else None


def changed_since_backup(ctx: Context, newest: BackupInfo | None = None) -> bool:
    """Compare the live history's head with the newest backup's: every change writes an event."""
    newest = newest if newest is not None else newest_backup(ctx)
    last_id, live_head = chain_head()
    if newest is None:
        return last_id > 0
    return head_of(newest.path) != live_head


def backup_if_due(ctx: Context) -> BackupReport | None:
    """For the window's timer (every minute is fine): backs up every `interval_minutes` when
    something changed since the newest backup, else does nothing and returns None.
    """
    newest = newest_backup(ctx)
    now = ctx.now()
    changed_at = now if changed_since_backup(ctx, newest) else None
    interval = timedelta(minutes=ctx.settings.backup.interval_minutes)
    if not due(newest.taken_at if newest else None, changed_at, now, interval):
        return None
    return backup_now(ctx, "auto")


def backup_on_close(ctx: Context) -> BackupReport | None:
    """On closing the program: back up when anything changed since the newest backup."""
    if not changed_since_backup(ctx):
        return None
    return backup_now(ctx, "close")


def uses_server(data_dir: Path) -> bool:
    """Whether the folder's database is the shop's server (several PCs), not its SQLite file."""
    from app.services.safekeeping.server import folder_address

    try:
        return folder_address(data_dir) is not None
    except DomainError:  # a server file that cannot be read: opening the folder says so
        return True


# --- listing, checking, restoring -------------------------------------------------------------


def list_backups(ctx: Context, *, include_second: bool = True) -> list[BackupInfo]:
    """Backups in the backups folder (and the second folder), newest first."""
    folders = [(main_folder(ctx.data_dir), False)]
    second = second_folder(ctx)
    if include_second and second is not None:
        folders.append((second, True))
    return _list(folders)


def _list(folders: list[tuple[Path, bool]]) -> list[BackupInfo]:
    out = []
    for folder, is_second in folders:
        for path in _backup_files(folder):
            stamp = backup_time(path.name)
            m = BACKUP_PATTERN.match(path.name)
            if stamp is None or m is None:
                continue
            try:
                size = path.stat().st_size
            except OSError:
                continue
            out.append(BackupInfo(path, stamp, m.group(3), size, is_second))
    out.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return out


# Not damage: the database cannot be used just now. Never replaced by a backup.
HELD = {"locked": "db_locked", "read_only": "db_read_only"}


def held_error(health: Health) -> DomainError:
    """The message for a database another program holds, or one on a read-only drive."""
    code = "db_locked" if health.problem == "locked" else "db_read_only"
    return DomainError(code, file=str(health.db_path))


def check_database(data_dir: Path, second: str = "") -> Health:
    """At start, before opening: quick_check the database; when damaged, offer the newest
    backup that passes its own check (backups folder first, then the second folder).
    """
    live = paths.db_path(Path(data_dir))
    if uses_server(Path(data_dir)):  # the server checks its own files; none here to look at
        return Health(True, live)
    if not live.exists():
        return Health(True, live)
    found = probe(live, read_only=False)
    if found.ok:
        return Health(True, live)
    if found.problem in ("locked", "read_only"):  # not damage: never offer to replace it
        return Health(False, live, found.problem, found.detail)
    folders = [(main_folder(Path(data_dir)), False)]
    if second.strip():
        folders.append((Path(second.strip()).expanduser(), True))
    offer = next((b for b in _list(folders) if probe(b.path).ok), None)
    return Health(False, live, found.problem, found.detail, offer)


def restore(ctx: Context, file: Path | str, *, accept_keys: str | None = None) -> Path:
    """Replace the database with a backup; returns the backup of the current state made first.

    The file must be an AfterDesk database passing integrity_check with a schema this version
    knows (an older one is migrated after the restore). The restore is written into the event log
    of the restored database. Build a new Context afterwards: settings and users are the backup's.
    Signing keys saved with the backup that differ from the shop's replace them only when
    `accept_keys` is their certificate's fingerprint (DomainError keys_need_acceptance shows it).
    """
    require(ctx, Action.RESTORE)
    if store_db.is_postgres():  # every PC's data at once: done on the server (docs/MULTI-PC.md)
        raise DomainError("server_restore_refused", host=store_db.server_label())
    source = Path(file).expanduser()
    live = paths.db_path(ctx.data_dir)
    if not source.is_file():
        raise DomainError("backup_missing", file=str(source))
    if source.resolve() == live.resolve():
        raise DomainError("backup_is_live", file=str(source))
    info = probe(source, full=True)
    if not info.ok:
        code = "backup_damaged" if info.problem == "damaged" else "not_a_backup"
        raise DomainError(code, file=str(source), detail=info.detail)
    if info.version > SCHEMA_VERSION:
        raise DomainError("backup_too_new", file=str(source), version=info.version)
    keys = key_archive.archive_for(source)
    has_keys = keys.is_file()
    if has_keys:
        key_archive.check_archive(keys)  # refused before anything is replaced
        key_archive.check_acceptance(ctx.data_dir, keys, accept_keys)
    from app.services.shop.setup import open_data_folder

    replaced = chain_head()[1]
    try:
        check_restorable(source, ctx.data_dir, live)
    finally:
        open_data_folder(ctx.data_dir, check_rows=False)
    # Not thinned now: the file being restored may itself be one thinning would remove.
    safety = backup_now(ctx, "before-restore", thin_old=False).path
    store_db.close()
    try:
        restore_into(source, live)
    except StoreError as exc:
        raise DomainError(exc.code, file=str(source), **exc.params) from exc
    finally:
        open_data_folder(ctx.data_dir, check_rows=False)
    keys_restored = has_keys and key_archive.restore_archive(ctx.data_dir, keys, ctx.now())
    _log_restore(ctx, source, safety, keys.name if keys_restored else "", replaced)
    return safety


_REFERENCE_SHAPE: dict[int, frozenset[tuple[object, ...]]] = {}


def _reference_shape(scratch: Path) -> frozenset[tuple[object, ...]]:
    """The schema this program creates, from a new database made in `scratch` (once a run)."""
    if SCHEMA_VERSION not in _REFERENCE_SHAPE:
        from app.services.shop.setup import open_data_folder

        folder = scratch / "reference"
        open_data_folder(folder, local=True)
        store_db.close()
        _REFERENCE_SHAPE[SCHEMA_VERSION] = schema_shape(paths.db_path(folder))
    return _REFERENCE_SHAPE[SCHEMA_VERSION]


def check_restorable(
    source: Path, data_dir: Path, live: Path | None = None, *, damaged: bool = False
) -> None:
    """Refuse a file this program did not write, before anything is replaced.

    A copy is opened with the real program (migrated if older) in a scratch folder; its schema
    must equal the one this program creates, table by table, column by column, index and
    trigger alike (none missing, none extra: a hidden trigger that doubles refunds is refused);
    its whole event chain must verify; and when the live database `live` can be read, the file's
    newest event must be in the live log, or be a head an earlier restore replaced (a backup of
    this shop, not a file from elsewhere with a rebuilt chain). Closes the open database; the
    caller opens the folder again. A DomainError naming what is wrong otherwise.
    """
    import tempfile

    from app.services.shop.setup import open_data_folder

    info = probe(source, full=True)
    if not info.ok:
        code = {"missing": "backup_missing", "not_afterdesk": "not_a_backup"}
        raise DomainError(code.get(info.problem, "backup_corrupt"), file=str(source))
    if live is not None and live.is_file():
        # An empty log is the start of every history (its rows are checked by their seals).
        # Over a damaged database only a clear contradiction refuses: its log may be cut short.
        # A live log that does not reach the file's head anchors nothing: allowed only into a
        # folder without a case yet (a new PC getting the shop's backup back).
        anchored = has_event(live, info.last_id, info.head) if info.head else True
        if anchored is None and not damaged and not holds_cases(live):
            anchored = True
        if anchored is False or (anchored is None and not damaged):
            raise DomainError("backup_not_ours", file=str(source))
    store_db.close()
    scratch = Path(tempfile.mkdtemp(prefix=".restore-check-", dir=data_dir))
    try:
        copy = scratch / "copy"
        try:
            backup_to(source, paths.db_path(copy))
            open_data_folder(copy, local=True)
            found = check_chain()
            from app.store.seals import check_seals

            rows_changed = bool(found.ok and check_seals())
        except (StoreError, DomainError) as exc:
            raise DomainError("backup_cannot_open", file=str(source)) from exc
        except Exception as exc:  # noqa: BLE001 - whatever the file does to the program: refused
            log.warning("test-open of %s failed: %s", source, exc)
            raise DomainError("backup_cannot_open", file=str(source)) from exc
        finally:
            store_db.close()
        if not found.ok:
            raise DomainError("backup_chain_broken", file=str(source))
        if rows_changed:
            raise DomainError("backup_rows_changed", file=str(source))
        if schema_shape(paths.db_path(copy)) != _reference_shape(scratch):
            raise DomainError("backup_schema_differs", file=str(source))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _log_restore(
    ctx: Context, source: Path, safety: Path, keys: str = "", replaced: str = ""
) -> None:
    """The restored history records that it was restored, by whom, and where the old state is."""
    user = User.get_or_none((User.id == ctx.actor.id) & (User.name == ctx.actor.name))
    if user is None:
        user = User.get(User.name == "system")
    with store_db.write_transaction():
        record_event(
            at=ctx.now(),
            actor_id=user.id,
            entity="database",
            entity_id=0,
            action="restored",
            data={
                "file": source.name,
                "safety_backup": safety.name,
                "by": ctx.actor.name,
                # The head of the history this restore replaced (kept in the safety backup):
                # that backup stays restorable although its head is no longer in this log.
                "replaced_head": replaced,
                **({"keys": keys} if keys else {}),
            },
        )


def replace_damaged(
    data_dir: Path,
    file: Path | str,
    owner: str = "",
    pin: str = "",
    *,
    accept_keys: str | None = None,
) -> Path:
    """Put a good backup in place of a damaged database nobody can open. The owner's PIN is
    checked against the damaged file's account table when it can still be read, else against
    the backup's: a shop with an owner is never restored by someone without the PIN. A locked
    or read-only database is not damaged and is refused. The damaged file and its -wal/-shm are
    moved aside, never deleted; returns where the damaged database now lies.
    """
    data_dir = Path(data_dir)
    if uses_server(data_dir):
        raise DomainError("server_restore_refused", host="")
    health = check_database(data_dir)
    if health.ok:
        raise DomainError("db_not_damaged", file=str(health.db_path))
    if health.problem in HELD:
        raise held_error(health)
    source = Path(file).expanduser()
    info = probe(source, full=True)
    if not info.ok:
        code = "backup_missing" if info.problem == "missing" else "not_a_backup"
        raise DomainError(code, file=str(source), detail=info.detail)
    if info.version > SCHEMA_VERSION:
        raise DomainError("backup_too_new", file=str(source), version=info.version)
    owners = owner_hashes(health.db_path)
    if not owners:
        owners = owner_hashes(source) or {}
    _check_owner_pin(owners, owner, pin)
    check_restorable(source, data_dir, health.db_path, damaged=True)
    keys = key_archive.archive_for(source)
    if keys.is_file():
        key_archive.check_archive(keys)
        key_archive.check_acceptance(data_dir, keys, accept_keys)
    store_db.close()
    live = health.db_path
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = live.with_name(f"{live.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = live.with_name(live.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    _checked_copy(source, live)
    if keys.is_file():
        key_archive.restore_archive(data_dir, keys, datetime.now(UTC))
    return aside


def _check_owner_pin(owners: dict[str, str], owner: str, pin: str) -> None:
    """Refused unless `owner`/`pin` is one of `owners` (no owner anywhere: nothing to check)."""
    if not owners:
        return
    from app.services.shop.accounts import normalise_secret, verify_hash

    key = normalise_secret(owner).lower()
    if not verify_hash(owners.get(key), normalise_secret(pin)):
        raise DomainError("owner_pin_required")
