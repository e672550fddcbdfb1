"""A device's passcode or unlock pattern, kept only while the shop has the device.

The technician needs it to test the phone; nobody else should ever read it. It is stored
encrypted (AES-256-GCM), never printed (slips say only that one was given), shown on request to
a technician with an event naming who looked, and erased when the device leaves the shop (the
repair's final state).

The key: on one PC a random key in the data folder's ``secrets/`` (not in the database, so a
database file or backup carried off alone does not reveal passcodes); with a shop server a key
derived from the server login's password, which every PC of the shop holds and the database does
not (as for the shared signing identity, `paper.shared_keys`). A changed server password leaves
the passcodes of devices already in the shop unreadable: the technician asks the customer again.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from app.domain.errors import DomainError
from app.store import db as store_db


def _aesgcm() -> type:
    """The cipher, imported when a passcode is sealed or read, not when the window starts
    (the cryptography package costs ~10 ms of every start)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM


PREFIX = "v1:"
_AAD = b"afterdesk-device-passcode-v1"
_SALT = b"afterdesk-device-passcode"  # the password is the secret; the salt only separates uses


def _key(data_dir: Path) -> bytes:
    if store_db.is_postgres():
        params = getattr(store_db.database.obj, "connect_params", {}) or {}
        password = str(params.get("password") or os.environ.get("AFTERDESK_DB_PASSWORD") or "")
        if not password:
            raise DomainError("passcode_key_missing")
        return hashlib.scrypt(password.encode(), salt=_SALT, n=2**14, r=8, p=1, dklen=32)
    path = data_dir / "secrets" / "device-passcodes.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(_aesgcm().generate_key(bit_length=256))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    return path.read_bytes()


def seal(data_dir: Path, text: str) -> str:
    """The passcode, encrypted for the database ("" stays "")."""
    if not text:
        return ""
    nonce = os.urandom(12)
    sealed = _aesgcm()(_key(data_dir)).encrypt(nonce, text.encode("utf-8"), _AAD)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(data_dir: Path, token: str) -> str:
    if not token:
        return ""
    try:
        raw = base64.b64decode(token.removeprefix(PREFIX))
        return _aesgcm()(_key(data_dir)).decrypt(raw[:12], raw[12:], _AAD).decode("utf-8")
    except (ValueError, TypeError) as exc:
        raise DomainError("passcode_unreadable") from exc
    except Exception as exc:  # noqa: BLE001 - InvalidTag: another key (a changed password)
        raise DomainError("passcode_unreadable") from exc
