"""The shop's signing keys travel with every backup: ``<backup>.keys.zip`` beside the ``.db``.

Without ``keys/`` (and ``keys-retired/``, whose roots make older slips verify) a restored shop
could no longer sign slips as itself nor check the ones it printed. The archive holds the
encrypted private keys together with their passphrase, so it is as sensitive as the database
next to it: written owner-only (0600 on POSIX), atomically (temp file, fsync, rename).

Restoring never loses an identity: when the archive's ``keys/`` differs from the live one, the
live one is moved to ``keys-retired/<stamp>/`` (its root stays trusted) before the archive's is
put in place; retired identities are only ever added.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from app.documents.key_files import KEYS, RETIRED
from app.domain.errors import DomainError

SUFFIX = ".keys.zip"
FOLDERS = (KEYS, RETIRED)


def archive_for(db_backup: Path) -> Path:
    """Where the keys of a database backup lie: ``x.db`` → ``x.keys.zip``."""
    db_backup = Path(db_backup)
    stem = db_backup.name[:-3] if db_backup.name.endswith(".db") else db_backup.name
    return db_backup.with_name(stem + SUFFIX)


def has_keys(data_dir: Path) -> bool:
    return any((Path(data_dir) / name).is_dir() for name in FOLDERS)


def write_archive(data_dir: Path, target: Path) -> Path | None:
    """Zip keys/ and keys-retired/ to `target`; None when the shop has no keys yet."""
    data_dir = Path(data_dir)
    files = [
        p
        for name in FOLDERS
        if (data_dir / name).is_dir()
        for p in sorted((data_dir / name).rglob("*"))
        if p.is_file()
    ]
    if not files:
        return None
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in files:
                    zf.write(path, path.relative_to(data_dir).as_posix())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    return target


def check_archive(archive: Path) -> list[str]:
    """The archive's member names, refused (DomainError backup_keys_damaged) when it is not a
    whole zip or names anything outside keys/ and keys-retired/."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            bad = zf.testzip()
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DomainError("backup_keys_damaged", file=str(archive), detail=str(exc)) from exc
    if bad is not None:
        raise DomainError("backup_keys_damaged", file=str(archive), detail=bad)
    for name in names:
        parts = PurePosixPath(name).parts
        if (
            not parts
            or parts[0] not in FOLDERS
            or name.startswith("/")
            or ".." in parts
            or "\\" in name
            or ":" in name
        ):
            raise DomainError("backup_keys_damaged", file=str(archive), detail=name)
    return names


def _member_bytes(zf: zipfile.ZipFile, folder: str) -> dict[str, bytes]:
    return {
        n[len(folder) + 1 :]: zf.read(n)
        for n in zf.namelist()
        if n.startswith(folder + "/") and not n.endswith("/")
    }


def _live_bytes(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def incoming_identity(data_dir: Path, archive: Path) -> dict[str, str] | None:
    """The signing identity the archive would make the shop's own, as fingerprints to show the
    owner (None: the archive's keys/ is the live one, or it has none)."""
    from cryptography import x509

    from app.documents.shop_identity import fingerprint, signer_name

    check_archive(archive)
    with zipfile.ZipFile(archive) as zf:
        keys = _member_bytes(zf, KEYS)
    if not keys or keys == _live_bytes(Path(data_dir) / KEYS):
        return None
    try:
        cert = x509.load_pem_x509_certificate(keys["signing-cert.pem"])
        root = x509.load_pem_x509_certificate(keys["root-cert.pem"])
    except (KeyError, ValueError) as exc:
        raise DomainError("backup_keys_damaged", file=str(archive), detail=str(exc)) from exc
    return {
        "subject": signer_name(cert),
        "fingerprint": fingerprint(cert),
        "root_fingerprint": fingerprint(root),
    }


def _plain_fp(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")


def check_acceptance(data_dir: Path, archive: Path, accept: str | None) -> None:
    """Keys from a backup become the shop's own only when the owner accepted exactly those:
    DomainError keys_need_acceptance (with the fingerprints to read out) otherwise. Call before
    anything is replaced."""
    incoming = incoming_identity(data_dir, archive)
    if incoming is None:
        return
    if accept and _plain_fp(accept) == _plain_fp(incoming["fingerprint"]):
        return
    raise DomainError("keys_need_acceptance", file=str(archive), **incoming)


def _signed(cert_path: Path, issuers: list[Path]) -> bool:
    """Whether the certificate in `cert_path` was issued by one of the certificates in
    `issuers` (PEM files; a chain file may hold several)."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return False
    for path in issuers:
        try:
            candidates = x509.load_pem_x509_certificates(path.read_bytes())
        except (OSError, ValueError):
            continue
        for issuer in candidates:
            try:
                cert.verify_directly_issued_by(issuer)
                return True
            except (ValueError, TypeError, Exception):  # noqa: BLE001 - InvalidSignature too
                continue
    return False


def restore_archive(data_dir: Path, archive: Path, now: datetime) -> bool:
    """Put the archive's keys in place (see the module docstring); True when anything changed.

    Call `check_acceptance` first. A root from the archive is trusted only if it signed the
    shop's current signing certificate: a foreign root slipped into keys-retired/ (that made
    another shop's slips verify as ours) is dropped, never added."""
    data_dir = Path(data_dir)
    check_archive(archive)
    staged = Path(tempfile.mkdtemp(prefix=".keys-restore-", dir=data_dir))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staged)
            for info in zf.infolist():  # extractall drops the modes: keep private keys 0600
                mode = (info.external_attr >> 16) & 0o600  # never looser than owner-only
                if not info.is_dir():
                    os.chmod(staged / info.filename, mode or 0o600)
        keys = staged / KEYS
        if keys.is_dir() and not _signed(
            keys / "signing-cert.pem", [keys / "root-cert.pem", keys / "chain.pem"]
        ):
            raise DomainError("backup_keys_damaged", file=str(archive), detail="root")
        installed = _install_keys(keys, data_dir, now)
        current = data_dir / KEYS / "signing-cert.pem"
        changed = _merge_retired(staged / RETIRED, data_dir / RETIRED, current)
        return installed or changed
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _merge_retired(source: Path, target: Path, current: Path) -> bool:
    if not source.is_dir():
        return False
    changed = False
    for sub in sorted(source.iterdir()):
        if not _signed(current, [sub / "root-cert.pem"]):
            continue  # a root that never signed this shop's certificate: not trusted from a file
        if not (target / sub.name).exists():
            target.mkdir(parents=True, exist_ok=True)
            os.rename(sub, target / sub.name)
            changed = True
    return changed


def _install_keys(source: Path, data_dir: Path, now: datetime) -> bool:
    live = data_dir / KEYS
    if not source.is_dir():
        return False
    if live.is_dir() and _same_tree(source, live):
        return False
    if live.exists():
        retired = data_dir / RETIRED / now.strftime("%Y%m%dT%H%M%S%fZ")
        retired.parent.mkdir(parents=True, exist_ok=True)
        os.rename(live, retired)
    os.rename(source, live)
    return True


def _same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(a / d, b / d) for d in cmp.common_dirs)
