"""The shop's signing identity: its own root certificate, the signing certificate and key.

Where things are (``<data folder>/keys/``):

- ``root-cert.pem``: the shop's root CA, "<shop> AfterDesk Root", valid 10 years. This is what a
  third party trusts (``export_certificate``) and the only trust root `verify` accepts.
- ``signing-cert.pem``: the certificate slips are signed with, issued by the root (3 years, key
  usage digitalSignature + nonRepudiation); ``chain.pem`` holds intermediates of an imported
  PKCS#12 (empty for the shop's own).
- ``signing-key.pem`` / ``root-key.pem``: the private keys (EC P-256), PKCS#8 encrypted with
  the passphrase in ``passphrase``.
- ``passphrase``: 32 random bytes (base64), owner read/write only (0600 on POSIX; on Windows
  the data folder lives in the user's own profile, whose ACL already keeps other users out).
- ``identity.json``: where the identity came from (created here or imported) and when.

What protects what: the passphrase stops a key file copied on its own (a mail attachment, a
support upload) from being usable. It does not stop someone who can read the whole folder as
the shop's user account: on an offline shop PC that account (and the disk) is the boundary, as it
is for the database itself. A human-typed passphrase would have to be typed at every print,
which a busy counter will not do. The root key stays so the shop's own signing certificate
is renewed before it expires (`ensure_identity`) without third parties having to trust a new
root; the old signing certificate goes to ``keys-retired/`` with the rest of the old folder.

A new identity is written to a temporary folder and renamed into place in one step, so two
windows signing their first slip at once end up with one identity, never a mix. Importing a
PKCS#12 moves the previous identity to ``keys-retired/<stamp>/``; its root stays trusted so
slips signed before the import still verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.documents.key_files import KEYS, RETIRED
from app.domain.errors import DomainError

ROOT_CERT = "root-cert.pem"
ROOT_KEY = "root-key.pem"
SIGNING_CERT = "signing-cert.pem"
SIGNING_KEY = "signing-key.pem"
CHAIN = "chain.pem"
PASSPHRASE = "passphrase"
INFO = "identity.json"

ROOT_YEARS = 10
SIGNING_YEARS = 3
#: A signing certificate this close to its end is renewed (same root) on the next signature;
#: one that cannot be renewed here (imported) is warned about from then on.
RENEW_BEFORE = dt.timedelta(days=60)
DEFAULT_SHOP = "AfterDesk Shop"


@dataclass(frozen=True)
class Identity:
    """The loaded signing identity (keys decrypted in memory only)."""

    folder: Path
    root: x509.Certificate
    signing_cert: x509.Certificate
    key: Any
    chain: tuple[x509.Certificate, ...] = ()
    source: str = "created"
    extra_roots: tuple[x509.Certificate, ...] = field(default=(), repr=False)


def keys_dir(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS


def has_identity(data_dir: Path) -> bool:
    """True when the data folder holds a signing identity (never creates one)."""
    folder = keys_dir(data_dir)
    return all((folder / name).is_file() for name in (ROOT_CERT, SIGNING_CERT, SIGNING_KEY))


# --- creating --------------------------------------------------------------------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, (common_name or DEFAULT_SHOP)[:64]),
        ]
    )


def _years(start: dt.datetime, years: int) -> dt.datetime:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


def _make_root(shop: str, now: dt.datetime) -> tuple[x509.Certificate, Any]:
    """The shop's self-signed root CA, "<shop> AfterDesk Root", 10 years."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{shop} AfterDesk Root"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, shop[:64]),
        ]
    )
    start = now - dt.timedelta(minutes=5)
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(_years(start, ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    return root, root_key


def _issue_signing(
    subject: x509.Name, root: x509.Certificate, root_key: Any, now: dt.datetime
) -> tuple[x509.Certificate, Any]:
    """A signing certificate (3 years, never past the root) and its new key."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = now - dt.timedelta(minutes=5)
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(_years(start, SIGNING_YEARS), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any, passphrase: bytes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def _write(path: Path, content: bytes, *, private: bool = False) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def _stage(
    data_dir: Path,
    *,
    root: x509.Certificate,
    root_key: Any | None,
    signing: x509.Certificate,
    key: Any,
    chain: list[x509.Certificate],
    source: str,
    now: dt.datetime,
) -> Path:
    """Write a complete identity into a fresh temporary folder next to keys/."""
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".keys-", dir=data_dir))
    passphrase = base64.b64encode(secrets.token_bytes(32))
    _write(tmp / PASSPHRASE, passphrase, private=True)
    _write(tmp / ROOT_CERT, _pem(root))
    _write(tmp / SIGNING_CERT, _pem(signing))
    _write(tmp / CHAIN, b"".join(_pem(c) for c in chain))
    _write(tmp / SIGNING_KEY, _key_pem(key, passphrase), private=True)
    if root_key is not None:
        _write(tmp / ROOT_KEY, _key_pem(root_key, passphrase), private=True)
    info = {"source": source, "created_at": now.isoformat(timespec="seconds")}
    _write(tmp / INFO, json.dumps(info).encode("utf-8"))
    return tmp


def _install(tmp: Path, target: Path) -> bool:
    """Rename the staged folder into place; False when another process was first."""
    try:
        os.rename(tmp, target)
        return True
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if has_identity(target.parent):
            return False
        raise


def ensure_identity(
    data_dir: Path, shop_name: str = "", *, now: dt.datetime | None = None
) -> Identity:
    """The shop's identity, created (root + signing certificate) on first use; idempotent.

    A signing certificate of the shop's own that is about to expire is renewed under the same
    root, so third parties who trust the root need nothing new. `now` is for tests.
    """
    data_dir = Path(data_dir)
    now = now or dt.datetime.now(dt.UTC)
    if not has_identity(data_dir):
        target = keys_dir(data_dir)
        if target.exists() and not any(target.iterdir()):
            target.rmdir()
        elif target.exists():
            raise DomainError("identity_damaged", folder=str(target))
        shop = " ".join((shop_name or "").split()) or DEFAULT_SHOP
        root, root_key = _make_root(shop, now)
        signing, key = _issue_signing(_name(shop), root, root_key, now)
        staged = _stage(
            data_dir,
            root=root,
            root_key=root_key,
            signing=signing,
            key=key,
            chain=[],
            source="created",
            now=now,
        )
        _install(staged, target)
    ident = load_identity(data_dir)
    shop = " ".join((shop_name or "").split())[:64]
    renamed = bool(shop) and shop != signer_name(ident.signing_cert)
    if ident.signing_cert.not_valid_after_utc - now < RENEW_BEFORE or renamed:
        ident = _renew(data_dir, ident, now, shop if renamed else "")
    return ident


def certificate_warning(data_dir: Path, *, now: dt.datetime | None = None) -> str | None:
    """What the owner must be told about the signing certificate (a message code), or None:

    - "certificate_expiring" / "certificate_expired": an imported certificate ends within
      RENEW_BEFORE (or has ended) and cannot be renewed here: the owner imports a new PKCS#12;
    - "certificate_new_root_soon": the shop's own root ends within 2 × RENEW_BEFORE; at
      RENEW_BEFORE the next signature starts a new root, which those who check our slips must
      import (so they are told 60 days ahead, as for any certificate).

    The shop's own signing certificate needs no warning: the next signature renews it."""
    if not has_identity(data_dir):
        return None
    now = now or dt.datetime.now(dt.UTC)
    ident = load_identity(data_dir)
    if (keys_dir(data_dir) / ROOT_KEY).is_file():
        if ident.root.not_valid_after_utc - now < 2 * RENEW_BEFORE:
            return "certificate_new_root_soon"
        return None  # renewed by the next signature
    ends = ident.signing_cert.not_valid_after_utc
    if ends <= now:
        return "certificate_expired"
    if ends - now < RENEW_BEFORE:
        return "certificate_expiring"
    return None


def _renew(data_dir: Path, ident: Identity, now: dt.datetime, shop: str = "") -> Identity:
    """Issue a fresh signing certificate from the shop's root (kept key), under the shop's new
    name when it changed, from a new root when the root itself ends within RENEW_BEFORE; the old
    folder is retired (its slips still verify: its root stays trusted). An imported identity has
    no root key here: the owner imports a new PKCS#12."""
    folder = keys_dir(data_dir)
    if not (folder / ROOT_KEY).is_file():
        return ident
    passphrase = (folder / PASSPHRASE).read_bytes().strip()
    root, root_key = (
        ident.root,
        serialization.load_pem_private_key((folder / ROOT_KEY).read_bytes(), passphrase),
    )
    subject = _name(shop) if shop else ident.signing_cert.subject
    if root.not_valid_after_utc - now < RENEW_BEFORE:
        # The root itself ends: a new root (the old one stays trusted in keys-retired/, so
        # every slip signed under it still verifies); the owner was warned 60 days before.
        root, root_key = _make_root(shop or signer_name(ident.signing_cert), now)
    signing, key = _issue_signing(subject, root, root_key, now)
    staged = _stage(
        data_dir,
        root=root,
        root_key=root_key,
        signing=signing,
        key=key,
        chain=[],
        source=ident.source,
        now=now,
    )
    _retire(data_dir, now)
    if not _install(staged, folder):
        raise DomainError("identity_busy")
    return load_identity(data_dir)


def _retire(data_dir: Path, now: dt.datetime) -> None:
    """Move the current keys/ aside to keys-retired/<stamp>/ (its root stays trusted)."""
    target = keys_dir(data_dir)
    if target.exists():
        retired = data_dir / RETIRED / now.strftime("%Y%m%dT%H%M%S%fZ")
        retired.parent.mkdir(parents=True, exist_ok=True)
        os.rename(target, retired)


# --- loading ---------------------------------------------------------------------------------


def _certs(path: Path) -> list[x509.Certificate]:
    if not path.is_file():
        return []
    data = path.read_bytes()
    return x509.load_pem_x509_certificates(data) if data.strip() else []


def retired_roots(data_dir: Path) -> list[x509.Certificate]:
    """Roots of identities replaced by an import: slips they signed still verify."""
    folder = Path(data_dir) / RETIRED
    if not folder.is_dir():
        return []
    roots: list[x509.Certificate] = []
    for sub in sorted(folder.iterdir()):
        try:
            roots.extend(_certs(sub / ROOT_CERT))
        except ValueError:
            continue
    return roots


def load_identity(data_dir: Path) -> Identity:
    """Read the identity; DomainError no_shop_identity / identity_damaged when unusable."""
    folder = keys_dir(data_dir)
    if not has_identity(data_dir):
        raise DomainError("no_shop_identity", folder=str(folder))
    try:
        passphrase = (folder / PASSPHRASE).read_bytes().strip()
        root = _certs(folder / ROOT_CERT)[0]
        signing = _certs(folder / SIGNING_CERT)[0]
        chain = tuple(_certs(folder / CHAIN))
        key = serialization.load_pem_private_key(
            (folder / SIGNING_KEY).read_bytes(), password=passphrase
        )
        info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError, IndexError, TypeError) as exc:
        raise DomainError("identity_damaged", folder=str(folder), error=str(exc)) from exc
    return Identity(
        folder=folder,
        root=root,
        signing_cert=signing,
        key=key,
        chain=chain,
        source=str(info.get("source", "created")),
        extra_roots=tuple(retired_roots(data_dir)),
    )


def _identity_folders(data_dir: Path) -> list[Path]:
    retired = Path(data_dir) / RETIRED
    subs = sorted(p for p in retired.iterdir() if p.is_dir()) if retired.is_dir() else []
    return [keys_dir(data_dir), *subs]


def own_signers(data_dir: Path) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """What makes a signature this shop's own: (signing certificates it has used, roots it
    issues from). A root counts only while its key is here (the shop's own CA); an imported
    PKCS#12's CA may have issued certificates to anyone, so there only its leaf counts."""
    certs: list[x509.Certificate] = []
    issuers: list[x509.Certificate] = []
    for folder in _identity_folders(data_dir):
        try:
            certs.extend(_certs(folder / SIGNING_CERT))
            if (folder / ROOT_KEY).is_file():
                issuers.extend(_certs(folder / ROOT_CERT))
        except (OSError, ValueError):
            continue
    return certs, issuers


def trusted_roots(data_dir: Path) -> list[x509.Certificate]:
    """The roots `verify` accepts: this shop's current root and any it replaced by import."""
    roots = _certs(keys_dir(data_dir) / ROOT_CERT) if has_identity(data_dir) else []
    return roots + retired_roots(data_dir)


# --- importing -------------------------------------------------------------------------------


def _looks_like_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content_type"].native  # noqa: B018 - forces parsing
        return True
    except (ValueError, TypeError, KeyError):
        return False


def _same_key(cert: x509.Certificate, key: Any) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(*fmt) == key.public_key().public_bytes(*fmt)


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
        return True
    except Exception:  # noqa: BLE001 - any failure means: not self-signed
        return False


def _signing_usage_ok(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False  # pyHanko's validation (and Acrobat's) wants the usage stated
    return bool(usage.digital_signature or usage.content_commitment)


def _order_chain(
    signing: x509.Certificate, others: list[x509.Certificate]
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The trust anchor (topmost certificate found) and the intermediates below it."""
    path = [signing]
    pool = [c for c in others if c != signing]
    while not _is_self_signed(path[-1]):
        issuer = next((c for c in pool if c.subject == path[-1].issuer), None)
        if issuer is None:
            break
        path.append(issuer)
        pool.remove(issuer)
    return path[-1], path[1:-1]


def import_pkcs12(data_dir: Path, p12_bytes: bytes, password: str | bytes | None) -> Identity:
    """Use the owner's own certificate and key (a PKCS#12 file) to sign slips from now on."""
    data_dir = Path(data_dir)
    pw = password.encode("utf-8") if isinstance(password, str) else password
    if not isinstance(p12_bytes, bytes | bytearray) or not _looks_like_pkcs12(bytes(p12_bytes)):
        raise DomainError("p12_unreadable")
    try:
        key, cert, others = pkcs12.load_key_and_certificates(bytes(p12_bytes), pw or None)
    except (ValueError, TypeError) as exc:
        raise DomainError("p12_wrong_password") from exc
    if key is None or cert is None:
        raise DomainError("p12_no_key")
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise DomainError("p12_key_type")
    if not _same_key(cert, key):
        raise DomainError("p12_key_mismatch")
    now = dt.datetime.now(dt.UTC)
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise DomainError(
            "p12_expired",
            valid_from=cert.not_valid_before_utc.date().isoformat(),
            valid_to=cert.not_valid_after_utc.date().isoformat(),
        )
    if not _signing_usage_ok(cert):
        raise DomainError("p12_key_usage")
    root, chain = _order_chain(cert, list(others))
    staged = _stage(
        data_dir,
        root=root,
        root_key=None,
        signing=cert,
        key=key,
        chain=chain,
        source="imported",
        now=now,
    )
    _retire(data_dir, now)
    if not _install(staged, keys_dir(data_dir)):
        raise DomainError("identity_busy")
    return load_identity(data_dir)


# --- showing and exporting -------------------------------------------------------------------


def _common_name(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else name.rfc4514_string()


def signer_name(cert: x509.Certificate) -> str:
    """The name a certificate was issued to, for "signed by …"."""
    return _common_name(cert.subject)


def fingerprint(cert: x509.Certificate) -> str:
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def short_fingerprint(cert: x509.Certificate) -> str:
    """The first 16 hex digits of the SHA-256 fingerprint in groups of four, as printed on
    every signed slip: enough to compare by eye with the root a customer imported."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def identity_info(data_dir: Path) -> dict[str, str] | None:
    """What the window shows about the signing identity; None when there is none yet."""
    if not has_identity(data_dir):
        return None
    ident = load_identity(data_dir)
    cert = ident.signing_cert
    return {
        "subject": signer_name(cert),
        "issuer": _common_name(cert.issuer),
        "serial": format(cert.serial_number, "X"),
        "not_before": cert.not_valid_before_utc.strftime("%Y-%m-%d"),
        "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%d"),
        "fingerprint": fingerprint(cert),
        "root_fingerprint": fingerprint(ident.root),
        "short_fingerprint": short_fingerprint(ident.root),
        "source": ident.source,
    }


def export_certificate(data_dir: Path, out: Path) -> Path:
    """Write the root and signing certificates as PEM (.der/.cer: the root alone, DER)."""
    ident = load_identity(data_dir)
    out = Path(out)
    if out.suffix.lower() in (".der", ".cer"):
        content = ident.root.public_bytes(serialization.Encoding.DER)
    else:
        content = b"".join(_pem(c) for c in (ident.root, *ident.chain, ident.signing_cert))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, out)
    except OSError as exc:
        raise DomainError(
            "file_not_written", file=str(out), error=exc.strerror or str(exc)
        ) from exc
    return out


# --- signing small records (the event log's checkpoints) -------------------------------------


def _sign_with(key: Any, payload: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        from cryptography.hazmat.primitives.asymmetric import padding

        return key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(payload, ec.ECDSA(hashes.SHA256()))


def sign_record(data_dir: Path, payload: bytes, shop_name: str = "") -> str:
    """A signature of `payload` by the shop's signing key (created on first use), base64.

    Someone who can change the database but not read the key folder cannot make one: that is
    what makes a signed checkpoint of the event log worth more than a row in the database."""
    ident = ensure_identity(data_dir, shop_name)
    return base64.b64encode(_sign_with(ident.key, payload)).decode("ascii")


def record_signed(data_dir: Path, payload: bytes, signature: str) -> bool:
    """Whether `signature` is the shop's (any signing certificate it has used) over `payload`."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
    except (ValueError, UnicodeError):
        return False
    certs, _issuers = own_signers(data_dir)
    for cert in certs:
        public = cert.public_key()
        try:
            if isinstance(public, rsa.RSAPublicKey):
                from cryptography.hazmat.primitives.asymmetric import padding

                public.verify(raw, payload, padding.PKCS1v15(), hashes.SHA256())
            elif isinstance(public, ec.EllipticCurvePublicKey):
                public.verify(raw, payload, ec.ECDSA(hashes.SHA256()))
            else:
                continue
            return True
        except InvalidSignature:
            continue
    return False
