"""The shop's digital signature on every slip, and checking a slip someone hands back.

`sign_pdf` adds one signature in an incremental update (pyHanko) with the shop's signing
certificate (see `app.documents.shop_identity` for where keys live and what protects them). The
signed bytes are final: nothing re-saves them afterwards, because any byte added later shows up
as a change.

`verify_pdf` accepts a slip only when pyHanko's validation says all of: the signature matches the
bytes it covers (intact, valid), the certificate chains to THIS shop's root (the only trust
root; no network fetching), the key usage fits, and the signature covers the entire file. The
last point is what poppler's pdfsig misses: an incremental update appended after signing (a new
page, a changed field) leaves the signed revision intact but no longer covers the whole file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from app.documents.shop_identity import (
    Identity,
    ensure_identity,
    export_certificate,
    fingerprint,
    has_identity,
    identity_info,
    import_pkcs12,
    load_identity,
    own_signers,
    signer_name,
    trusted_roots,
)
from app.domain.errors import DomainError

__all__ = [
    "FIELD_NAME",
    "Identity",
    "Verdict",
    "ensure_identity",
    "export_certificate",
    "identity_info",
    "import_pkcs12",
    "sign_pdf",
    "verify_pdf",
]

FIELD_NAME = "AfterDesk"
#: How far into the file the PDF header may start (the PDF spec allows leading junk).
HEADER_WINDOW = 1024


@dataclass(frozen=True)
class Verdict:
    """The answer to "is this our slip, untouched?"; `code` names the reason (a message code)."""

    ok: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    signer: str = ""
    signed_at: dt.datetime | None = None

    def as_error(self) -> DomainError:
        """The verdict as a code + parameters for `app.i18n.messages.describe` (also when ok)."""
        if self.ok:
            expired = "expired" in self.params
            return DomainError(
                "slip_verified_expired" if expired else "slip_verified", **self.params
            )
        return DomainError(self.code, **self.params)


# --- signing ---------------------------------------------------------------------------------


def _asn1_cert(cert: Any) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _simple_signer(ident: Identity) -> Any:
    """A pyHanko SimpleSigner built from objects already loaded (so failures raise here)."""
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = ident.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certs = [_asn1_cert(c) for c in (ident.root, *ident.chain)]
    return SimpleSigner(
        signing_cert=_asn1_cert(ident.signing_cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(certs),
    )


#: Hex digits reserved in the PDF for the CMS signature (about 2.7 times what ours needs).
SIGNATURE_ROOM = 8192


def preload() -> None:
    """Import the signing libraries (~0.4 s) without signing anything: a folder with no
    certificate yet still signs its first slip as fast as its tenth."""
    from asn1crypto import keys, x509  # noqa: F401
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
    from pyhanko.sign import fields, signers  # noqa: F401
    from pyhanko.sign.general import SigningError  # noqa: F401
    from pyhanko_certvalidator.registry import SimpleCertificateStore  # noqa: F401


def sign_pdf(
    pdf: bytes,
    data_dir: Path,
    *,
    signer: str = "",
    reason: str = "",
    shop_name: str = "",
    now: dt.datetime | None = None,
) -> bytes:
    """Sign a freshly rendered PDF with the shop's certificate; returns the final bytes.

    `signer` (the member of staff) and `reason` go into the signature dictionary; `shop_name`
    names the certificate when this is the very first signature of this data folder.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:HEADER_WINDOW]):
        raise DomainError("not_a_pdf")
    ident = ensure_identity(data_dir, shop_name, now=now)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        name=signer or None,
        reason=reason or None,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf)), strict=False)
        if writer.prev.embedded_signatures:
            raise DomainError("already_signed")
        pdf_signer = signers.PdfSigner(meta, signer=_simple_signer(ident))
        try:
            # A fixed room for the signature spares pyHanko a whole trial signature to measure
            # it (a third of the signing time); ours is ~3,000 hex digits with the chain.
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=SIGNATURE_ROOM)
        except SigningError:  # a longer chain than ever seen: let pyHanko measure it
            writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf)), strict=False)
            out = io.BytesIO()
            pdf_signer.sign_pdf(writer, output=out)
    except (PdfError, ValueError, KeyError) as exc:
        raise DomainError("pdf_damaged", error=str(exc)) from exc
    return out.getvalue()


# --- verifying -------------------------------------------------------------------------------


def _fail(code: str, **params: Any) -> Verdict:
    return Verdict(ok=False, code=code, params=params)


# A slip is about 100 KB; the PDF parser needs ten times a file's size in memory (a 300 MB
# file took 3.1 GB), so anything much larger than a slip is refused before it is read.
MAX_SLIP_BYTES = 20 * 1024 * 1024


def _read(pdf: bytes | Path) -> bytes | Verdict:
    if isinstance(pdf, bytes | bytearray):
        if len(pdf) > MAX_SLIP_BYTES:
            return _fail("pdf_too_large", size_mb=len(pdf) // 2**20, max_mb=MAX_SLIP_BYTES // 2**20)
        return bytes(pdf)
    try:
        size = Path(pdf).stat().st_size
        if size > MAX_SLIP_BYTES:
            return _fail("pdf_too_large", size_mb=size // 2**20, max_mb=MAX_SLIP_BYTES // 2**20)
        with open(pdf, "rb") as fh:
            return fh.read(MAX_SLIP_BYTES + 1)
    except OSError as exc:
        return _fail("file_unreadable", file=str(pdf), error=exc.strerror or str(exc))


def _when(at: dt.datetime | None, tz: dt.tzinfo | None) -> str:
    """A time in the given zone, naming the zone (the shop's, not this computer's)."""
    if at is None:
        return "?"
    local = at.astimezone(tz)
    zone = getattr(tz, "key", "") or local.tzname() or ""
    return f"{local.strftime('%Y-%m-%d %H:%M')} ({zone})"


def verify_pdf(
    pdf: bytes | Path,
    data_dir: Path,
    *,
    tz: dt.tzinfo | None = None,
    now: dt.datetime | None = None,
) -> Verdict:
    """Is this a slip signed by this shop, intact, with nothing changed or added since?

    Never creates keys: a data folder without an identity answers "no_shop_identity". `tz`
    is the zone for the time in the message (default: this computer's).
    """
    data = _read(pdf)
    if isinstance(data, Verdict):
        return data
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        return _fail("not_a_pdf")
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parser
        return _fail("pdf_damaged", error=str(exc))
    if not sigs:
        return _fail("not_signed")
    if not has_identity(data_dir):
        return _fail("no_shop_identity")
    if len(sigs) > 1:
        return _fail("modified_after_signing", signatures=len(sigs))
    if not _contents_canonical(data, sigs[0]):
        return _fail("signature_broken", error="signature value padding changed")
    try:
        return _check(sigs[0], trusted_roots(data_dir), tz, own_signers(data_dir), now)
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parser
        return _fail("pdf_damaged", error=str(exc))


def _contents_canonical(data: bytes, sig: Any) -> bool:
    """The one gap in the byte range (the signature value) must hold exactly what pyHanko
    wrote: the signature's DER in upper-case hex, then zero padding. Otherwise a byte changed
    in the padding would go unnoticed, since the signature cannot cover its own value."""
    try:
        from asn1crypto import parser

        start, length, second, _rest = (int(x) for x in sig.sig_object["/ByteRange"])
        value = bytes(sig.pkcs7_content)
        _cls, _method, _tag, header, body, _trailer = parser.parse(value)
    except Exception:  # noqa: BLE001 - any malformed range or value: not one of our slips
        return False
    der_len = len(header) + len(body)
    expected = value[:der_len].hex().upper().encode("ascii")
    expected += b"0" * (2 * (len(value) - der_len))
    if data[start + length : second] != b"<" + expected + b">":
        return False
    return _canonical_cms(value[:der_len])


def _canonical_cms(der: bytes) -> bool:
    """The signature value is strict DER with the versions pyHanko writes: its envelope
    (lengths, versions) is not covered by the signature itself."""
    from asn1crypto import cms

    if not _strict_der(der, 0, len(der), depth=0):
        return False
    try:
        signed = cms.ContentInfo.load(der, strict=True)["content"]
        if signed["version"].native != "v1":
            return False
        return all(si["version"].native == "v1" for si in signed["signer_infos"])
    except Exception:  # noqa: BLE001 - anything unparsable is not what we wrote
        return False


def _strict_der(data: bytes, start: int, end: int, *, depth: int) -> bool:
    """Every element from start to end is DER: minimal definite lengths, no end-of-contents
    padding, constructed contents made exactly of their children."""
    pos = start
    while pos < end:
        tag = data[pos]
        if tag == 0 or tag & 0x1F == 0x1F or depth > 40:  # EOC padding / long tags / too deep
            return False
        if pos + 1 >= end:
            return False
        first = data[pos + 1]
        if first < 0x80:
            length, body = first, pos + 2
        else:
            count = first & 0x7F
            raw = data[pos + 2 : pos + 2 + count]
            if count == 0 or count > 4 or len(raw) != count or raw[0] == 0:
                return False  # indefinite, absurd or non-minimal length
            length, body = int.from_bytes(raw, "big"), pos + 2 + count
            if length < 0x80:
                return False
        if body + length > end:
            return False
        if tag & 0x20 and not _strict_der(data, body, body + length, depth=depth + 1):
            return False
        pos = body + length
    return pos == end


def _check(
    sig: Any,
    roots: list[Any],
    tz: dt.tzinfo | None,
    own: tuple[list[Any], list[Any]] = ([], []),
    now: dt.datetime | None = None,
) -> Verdict:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    claimed = sig.self_reported_timestamp
    context = ValidationContext(
        trust_roots=[_asn1_cert(r) for r in roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=claimed,
    )
    usage = KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )
    try:
        status = validate_pdf_signature(sig, context, key_usage_settings=usage)
    except SignatureValidationError as exc:
        return _fail("signature_broken", error=str(exc))
    cert = status.signing_cert
    who = str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly
    staff = str(sig.sig_object.get("/Name", "") or "")
    params = {"signer": who, "staff": staff or "-", "at": _when(claimed, tz)}
    reason = str(sig.sig_object.get("/Reason", "") or "")
    if reason.startswith("AfterDesk form "):  # which form files the slip was made from
        params["form"] = reason.removeprefix("AfterDesk form ")
    params["fingerprint"] = _asn1_fingerprint(cert)
    base = {"signer": who, "signed_at": claimed}
    if not (status.intact and status.valid):
        return Verdict(False, "signature_broken", params, **base)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        level = status.modification_level.name.lower() if status.modification_level else "other"
        return Verdict(False, "modified_after_signing", {**params, "level": level}, **base)
    if not _only_path_certificates(sig, status):
        return Verdict(False, "signature_broken", {**params, "why": "certificates"}, **base)
    if not status.trusted:
        known = _issued_by_us(cert, roots)
        code = "signature_untrusted" if known else "not_our_certificate"
        why = status.trust_problem_indic.name.lower() if status.trust_problem_indic else ""
        return Verdict(False, code, {**params, "why": why}, **base)
    if not status.bottom_line:
        return Verdict(False, "signature_untrusted", {**params, "why": "policy"}, **base)
    if not _signed_by_us(cert, *own):
        return Verdict(False, "not_our_certificate", {**params, "why": "other_holder"}, **base)
    ends = cert["tbs_certificate"]["validity"]["not_after"].native
    if ends < (now or dt.datetime.now(dt.UTC)):
        # No trusted time stamp (offline): the signing time is the shop computer's own clock,
        # so say plainly that the certificate has expired since.
        params = {**params, "expired": _when(ends, tz)}
    return Verdict(True, "ok", params, **base)


def _signed_by_us(cert: Any, certs: list[Any], issuers: list[Any]) -> bool:
    """Trusted is not enough when the root is an imported CA's: the certificate must be one this
    shop signed with, or issued by a root whose key the shop holds (its own CA)."""
    der = cert.dump()
    if any(c.public_bytes(serialization.Encoding.DER) == der for c in certs):
        return True
    return bool(issuers) and _issued_by_us(cert, issuers)


def _only_path_certificates(sig: Any, status: Any) -> bool:
    """Every certificate carried in the signature must be one the check used (the signer's
    and its chain). They sit outside what the signature covers, so a byte changed in a spare
    copy would otherwise pass unnoticed."""
    path = status.validation_path
    if path is None:
        return True  # untrusted anyway; the trust check below names the reason
    used = {c.dump() for c in path.iter_certs(include_root=True)} | {status.signing_cert.dump()}
    carried = sig.signed_data["certificates"]
    if not all(c.chosen.dump() in used for c in (carried or [])):
        return False
    # The digest algorithm list is also outside the signed attributes: it must name exactly
    # the algorithm the signer used.
    listed = [a.dump() for a in sig.signed_data["digest_algorithms"]]
    return listed == [sig.signer_info["digest_algorithm"].dump()]


def _asn1_fingerprint(cert: Any) -> str:
    from cryptography import x509

    return fingerprint(x509.load_der_x509_certificate(cert.dump()))


def _issued_by_us(cert: Any, roots: list[Any]) -> bool:
    """Was this certificate really issued by one of our roots? Then trust failed for another
    reason (expired, wrong key usage) rather than "someone else's certificate"."""
    from cryptography import x509

    mine = x509.load_der_x509_certificate(cert.dump())
    for root in roots:
        try:
            mine.verify_directly_issued_by(root)
            return True
        except Exception:  # noqa: BLE001, S112 - not issued by this root: try the next
            continue
    return False


def describe_signer(data_dir: Path) -> str:
    """The name slips of this data folder are signed with ("" when there is no identity)."""
    if not has_identity(data_dir):
        return ""
    return signer_name(load_identity(data_dir).signing_cert)
