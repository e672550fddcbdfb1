"""Several PCs, one shop, ONE signing certificate: the shop's identity kept on the server.

On one PC the shop's keys live in the data folder (`app.documents.shop_identity`). With a shop
server every PC would otherwise make its own root the first time it signs, and a customer who
imported "the shop's root" could check only the slips of one counter. So in server mode the
identity (``keys/`` and ``keys-retired/`` of the data folder, zipped) is kept in one settings row
on the server, encrypted, and every PC signs with that one:

- before a PC signs (or shows, exports, prints the guide), `shop_identity` brings its
  ``keys/`` in line with the server's: a different local identity is retired (its root stays
  trusted locally, so slips it signed still verify there) and the server's is put in place;
- the first PC to sign when the server holds none puts its own (or a new) identity there; a
  renewal (60 days before the end, or the shop renamed) and an imported PKCS#12 are put there
  too, so the next PC picks them up. All of this runs under the server's write lock, so two
  PCs signing their first slip at once end up with one identity.

Encryption: AES-256-GCM with a key derived (scrypt) from the server login's password, which
every PC of the shop holds (``server.json`` or AFTERDESK_DB_PASSWORD) and which is not in the
database: a pg_dump, or one of the SQLite snapshots the PCs back up to, carried off alone does
not give anyone the shop's signing key. Whoever has the server login can sign, exactly as they
can change the records. A changed server password leaves the row locked: the owner runs
`certificate share` on a PC that still holds the keys (see docs/MULTI-PC.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from app.documents import shop_identity
from app.documents.key_files import KEYS, RETIRED
from app.domain.errors import DomainError
from app.services.paper import key_archive
from app.store import db as store_db
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import Setting, put_setting

#: The settings row that holds the shared identity (sealed like every settings row).
ROW = "shop_identity"
VERSION = 1
_AAD = b"afterdesk-shop-identity-v1"
#: scrypt cost: about 50 ms once per change of identity (never per slip).
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def active() -> bool:
    """Whether this run uses a shop server (then the identity is the server's)."""
    return store_db.is_postgres()


def _password() -> bytes:
    """The server login's password this run connected with (the file's or the environment's)."""
    params = getattr(store_db.database.obj, "connect_params", {}) or {}
    password = str(params.get("password") or "")
    if not password:
        raise DomainError("shared_keys_no_password", host=store_db.server_label())
    return password.encode("utf-8")


def _key(salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **_SCRYPT).derive(_password())


def _zip_identity(data_dir: Path) -> bytes:
    """keys/ and keys-retired/ of the data folder as zip bytes (the same layout as a backup's
    ``.keys.zip``, so the same checks apply when it is put in place)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in (KEYS, RETIRED):
            folder = data_dir / name
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        zf.write(path, path.relative_to(data_dir).as_posix())
    return buf.getvalue()


def _seal(data_dir: Path) -> dict[str, Any]:
    """The row's value: public fingerprints in the clear (to compare cheaply), keys encrypted."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ident = shop_identity.load_identity(data_dir)
    salt, nonce = os.urandom(16), os.urandom(12)
    blob = AESGCM(_key(salt)).encrypt(nonce, _zip_identity(data_dir), _AAD)
    return {
        "v": VERSION,
        "subject": shop_identity.signer_name(ident.signing_cert),
        "fingerprint": shop_identity.fingerprint(ident.signing_cert),
        "root_fingerprint": shop_identity.fingerprint(ident.root),
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "data": base64.b64encode(blob).decode("ascii"),
    }


def _open(value: dict[str, Any]) -> bytes:
    """The zip bytes of the row; DomainError shared_keys_locked when the password does not fit
    (changed since) or the row was tampered with."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        salt = base64.b64decode(value["salt"])
        nonce = base64.b64decode(value["nonce"])
        blob = base64.b64decode(value["data"])
        return AESGCM(_key(salt)).decrypt(nonce, blob, _AAD)
    except (InvalidTag, KeyError, ValueError, TypeError) as exc:
        raise DomainError("shared_keys_locked", host=store_db.server_label()) from exc


def _row() -> dict[str, Any] | None:
    row = Setting.get_or_none(Setting.key == ROW)
    value = row.value if row is not None else None
    return value if isinstance(value, dict) and value.get("v") == VERSION else None


def _local_fingerprint(data_dir: Path) -> str:
    """The fingerprint of the certificate this folder signs with ("" when none or unreadable)."""
    from cryptography import x509

    path = shop_identity.keys_dir(data_dir) / shop_identity.SIGNING_CERT
    try:
        return shop_identity.fingerprint(x509.load_pem_x509_certificate(path.read_bytes()))
    except (OSError, ValueError):
        return ""


def _take(data_dir: Path, value: dict[str, Any], now: dt.datetime) -> None:
    """Put the server's identity in this data folder (the local one, if different, retired)."""
    content = _open(value)
    fd, tmp = tempfile.mkstemp(prefix=".shared-keys-", suffix=".zip", dir=data_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        key_archive.restore_archive(data_dir, Path(tmp), now)
    finally:
        Path(tmp).unlink(missing_ok=True)
    _add_retired(data_dir, content)


def _add_retired(data_dir: Path, content: bytes) -> None:
    """Every retired identity of the server's row that this folder lacks, also those whose root
    did not issue the current certificate (a root that ended and was replaced): unlike a backup
    file, the row is authenticated (only the server password opens it), and those roots signed
    older slips. (Names were checked by `restore_archive` just before.)"""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        subs: dict[str, list[str]] = {}
        for name in zf.namelist():
            parts = name.split("/")
            if len(parts) == 3 and parts[0] == RETIRED and parts[2]:
                subs.setdefault(parts[1], []).append(name)
        for sub, names in subs.items():
            target = data_dir / RETIRED / sub
            if target.exists():
                continue
            target.mkdir(parents=True)
            for name in names:
                path = target / name.split("/")[2]
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(zf.read(name))


def _put(ctx_actor: int | None, data_dir: Path, now: dt.datetime, replaced: str) -> None:
    value = _seal(data_dir)
    put_setting(ROW, value, now, ctx_actor)
    record_event(
        at=now,
        actor_id=ctx_actor,
        entity="setting",
        entity_id=0,
        action="certificate_shared",
        data={
            "subject": value["subject"],
            "fingerprint": value["fingerprint"],
            "root_fingerprint": value["root_fingerprint"],
            "replaced": replaced,
        },
    )


def sync(
    data_dir: Path, shop_name: str, *, now: dt.datetime, actor_id: int | None, share: bool = False
) -> shop_identity.Identity:
    """The shop's one identity, in this data folder, in line with the server (see the module
    docstring); `share`: this folder's identity becomes the server's (after an import)."""
    data_dir = Path(data_dir)
    with write_transaction():
        value = _row()
        mine = _local_fingerprint(data_dir)
        if value is not None and not share and value.get("fingerprint") != mine:
            _take(data_dir, value, now)
        ident = shop_identity.ensure_identity(data_dir, shop_name, now=now)
        mine = shop_identity.fingerprint(ident.signing_cert)
        if value is None or share or value.get("fingerprint") != mine:
            _put(actor_id, data_dir, now, str((value or {}).get("fingerprint", "")))
    return ident


def pull(data_dir: Path, *, now: dt.datetime) -> None:
    """Only take the server's identity when it differs (never creates nor renews): what a PC
    does at sign-in, so that `verify` on it knows the certificates the other PCs sign with."""
    value = _row()
    if value is not None and value.get("fingerprint") != _local_fingerprint(Path(data_dir)):
        _take(Path(data_dir), value, now)


def shared_info() -> dict[str, str] | None:
    """The fingerprints of the identity the server holds (None: none yet, or not server mode)."""
    if not active():
        return None
    value = _row()
    if value is None:
        return None
    keys = ("subject", "fingerprint", "root_fingerprint")
    return {k: str(value.get(k, "")) for k in keys}
