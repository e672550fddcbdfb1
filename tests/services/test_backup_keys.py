"""The shop's signing keys go with every backup, are thinned with it and come back on restore."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from app.documents.shop_identity import ensure_identity, fingerprint, trusted_roots
from app.domain.errors import DomainError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.rules import update_settings, with_settings
from app.services.paper.key_archive import archive_for, check_archive
from app.services.safekeeping.backups import (
    backup_now,
    list_backups,
    replace_damaged,
    restore,
    thin,
)
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder
from app.store.models import Event
from tests.conftest import Clock, refused


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _intake(ctx: Context) -> None:
    take_intake(ctx, IntakeForm(kind="complaint", name="客户", phone="13800138000"))


def test_backup_carries_the_keys_and_the_second_folder_too(ctx: Context, tmp_path: Path) -> None:
    assert backup_now(ctx, "manual").keys is None  # no slip signed yet: no keys to keep
    ensure_identity(ctx.data_dir, "示例手机店")
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = with_settings(ctx, update_settings(ctx, {"backup.second_folder": str(usb)}))
    report = backup_now(ctx, "manual")
    assert report.keys == archive_for(report.path)
    assert report.keys.name == report.path.name.removesuffix(".db") + ".keys.zip"
    with zipfile.ZipFile(report.keys) as zf:
        stored = {n: zf.read(n) for n in zf.namelist()}
    live = {f"keys/{k}": v for k, v in _files(ctx.data_dir / "keys").items()}
    assert stored == live and "keys/signing-key.pem" in stored and "keys/passphrase" in stored
    if os.name == "posix":  # it holds the keys and their passphrase: owner-only
        assert report.keys.stat().st_mode & 0o077 == 0
    assert (usb / report.keys.name).read_bytes() == report.keys.read_bytes()
    # The archive is not mistaken for a database backup.
    assert all(b.path.suffix == ".db" for b in list_backups(ctx))
    out = backup_now(ctx, "manual", out=tmp_path / "copy.db")
    assert out.keys == tmp_path / "copy.keys.zip" and out.keys.is_file()


def test_thinning_removes_the_keys_with_their_database(ctx: Context, clock: Clock) -> None:
    ensure_identity(ctx.data_dir, "示例手机店")
    old = backup_now(ctx, "auto", thin_old=False)
    clock.advance(hours=1)
    new = backup_now(ctx, "auto", thin_old=False)
    assert old.keys and old.keys.is_file() and new.keys and new.keys.is_file()
    removed = thin(old.path.parent, clock.now + timedelta(days=3), keep_daily=1, keep_weekly=0,
                   keep_monthly=0)  # fmt: skip
    assert removed == [old.path]
    assert not old.keys.exists() and not old.path.exists()
    assert new.keys.is_file() and new.path.is_file()


@pytest.mark.sqlite_only
def test_restore_brings_the_keys_back_and_keeps_the_newer_ones_trusted(
    ctx: Context, clock: Clock
) -> None:
    first = ensure_identity(ctx.data_dir, "示例手机店")
    _intake(ctx)
    saved = backup_now(ctx, "manual")
    before = _files(ctx.data_dir / "keys")
    # The keys folder is lost and a new identity made (say, on a reinstalled PC).
    shutil.rmtree(ctx.data_dir / "keys")
    second = ensure_identity(ctx.data_dir, "示例手机店")
    assert fingerprint(second.root) != fingerprint(first.root)
    clock.advance(minutes=5)
    # Keys that are not the shop's current ones come back only when the owner accepts them.
    info = refused(lambda: restore(ctx, saved.path), "keys_need_acceptance")
    assert info.params["fingerprint"] == fingerprint(first.signing_cert)
    safety = restore(ctx, saved.path, accept_keys=fingerprint(first.signing_cert))
    assert _files(ctx.data_dir / "keys") == before  # the backup's identity signs again
    roots = {fingerprint(r) for r in trusted_roots(ctx.data_dir)}
    assert {fingerprint(first.root), fingerprint(second.root)} <= roots  # nothing lost
    last = Event.select().order_by(Event.id.desc()).first()
    assert (last.action, last.data["keys"]) == ("restored", saved.keys.name)
    assert archive_for(safety).is_file()  # the state before, keys included
    # Restoring the same backup again changes no key file.
    retired = _files(ctx.data_dir / "keys-retired")
    clock.advance(minutes=5)
    restore(ctx, saved.path)
    assert _files(ctx.data_dir / "keys") == before
    assert _files(ctx.data_dir / "keys-retired") == retired


@pytest.mark.sqlite_only
def test_a_damaged_keys_archive_stops_the_restore_before_anything_changes(
    ctx: Context, tmp_path: Path
) -> None:
    ensure_identity(ctx.data_dir, "示例手机店")
    saved = backup_now(ctx, "manual")
    assert saved.keys is not None
    saved.keys.write_bytes(saved.keys.read_bytes()[:100])
    refused(lambda: restore(ctx, saved.path), "backup_keys_damaged")
    evil = tmp_path / "evil.keys.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("keys/../../outside.txt", b"x")
    with pytest.raises(Exception) as info:
        check_archive(evil)
    assert getattr(info.value, "code", "") == "backup_keys_damaged"
    assert not list((ctx.data_dir / "backups").glob("*before-restore*"))


@pytest.mark.sqlite_only
def test_replacing_a_damaged_database_restores_its_keys(ctx: Context, data_dir: Path) -> None:
    ident = ensure_identity(ctx.data_dir, "示例手机店")
    saved = backup_now(ctx, "manual")
    before = _files(data_dir / "keys")
    close_data_folder()
    shutil.rmtree(data_dir / "keys")
    (data_dir / "afterdesk.db").write_bytes(b"\xa5" * 8192)  # damaged beyond opening
    with pytest.raises(DomainError) as info:  # no keys here now: the backup's need accepting
        replace_damaged(data_dir, saved.path)
    assert info.value.code == "keys_need_acceptance"
    replace_damaged(data_dir, saved.path, accept_keys=fingerprint(ident.signing_cert))
    assert _files(data_dir / "keys") == before


def test_a_copy_out_of_the_shop_is_the_owners(
    ctx: Context, desk_ctx: Context, tmp_path: Path
) -> None:
    from app.services.safekeeping.backups import backup_now
    from tests.conftest import refused

    refused(lambda: backup_now(desk_ctx, out=tmp_path / "copy.db"), "permission_denied")
    assert not (tmp_path / "copy.db").exists()
    assert backup_now(ctx, out=tmp_path / "copy.db").path.exists()


def test_a_crafted_archive_cannot_loosen_the_key_files(data_dir: Path, tmp_path: Path) -> None:
    import stat
    import zipfile
    from datetime import UTC, datetime

    from app.services.paper.key_archive import restore_archive

    archive = tmp_path / "k.keys.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("keys/signing.key.pem")
        info.external_attr = (stat.S_IFREG | 0o777) << 16
        zf.writestr(info, "not really a key")
    with pytest.raises(DomainError) as refusal:  # no certificate its root signed: not keys
        restore_archive(data_dir, archive, datetime.now(UTC))
    assert refusal.value.code == "backup_keys_damaged"
    for f in (data_dir / "keys").rglob("*"):
        if f.is_file():
            assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f
