"""A stranger can check a slip: given only the shop's exported root certificate, pyHanko's own
validator and poppler's pdfsig (an NSS database holding that root alone) accept the signature,
and the slip prints the root's short fingerprint; the one-page guide explains how."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import main
from app.services.paper import certificates, documents
from app.services.shop.context import Context
from tests.documents.slipdata import have_poppler, squash

pytestmark = pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils")


def _shop(ctx: Context) -> Context:
    shop = dataclasses.replace(
        ctx.settings.shop,
        name="鑫达手机通讯",
        address="杭州市文三路 398 号",
        hotline="0571-8888 6666",
    )
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, shop=shop))


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "t.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout


def _short(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture(name="signed")
def signed_fixture(ctx: Context, tmp_path: Path) -> tuple[Context, Path, Path]:
    """A signed slip and the shop's root exported as .cer (DER), nothing else."""
    ctx = _shop(ctx)
    slip = documents.make_slip(ctx, None, "intake", blank=True)
    root = certificates.export_certificate(ctx, tmp_path / "root.cer")
    return ctx, slip.path, root


def test_every_slip_prints_the_roots_short_fingerprint(
    signed: tuple[Context, Path, Path], tmp_path: Path
) -> None:
    _ctx, slip, root = signed
    text = _text(slip.read_bytes(), tmp_path)
    assert "签名证书" in text
    assert _short(root.read_bytes()) in text


def test_pyhankos_own_validator_accepts_the_slip_with_only_the_root(
    signed: tuple[Context, Path, Path], tmp_path: Path
) -> None:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _ctx, slip, root = signed
    sig = PdfFileReader(io.BytesIO(slip.read_bytes())).embedded_signatures[0]
    trusted = ValidationContext(
        trust_roots=[x509.Certificate.load(root.read_bytes())], allow_fetching=False
    )
    status = validate_pdf_signature(sig, trusted)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    stranger = validate_pdf_signature(sig, ValidationContext(trust_roots=[], allow_fetching=False))
    assert stranger.intact and not stranger.trusted  # without our root: not trusted
    assert _short(root.read_bytes()) in _text(slip.read_bytes(), tmp_path)


@pytest.mark.skipif(shutil.which("certutil") is None, reason="needs libnss3-tools (certutil)")
def test_pdfsig_accepts_the_slip_given_only_the_exported_root(
    signed: tuple[Context, Path, Path], tmp_path: Path
) -> None:
    _ctx, slip, root = signed

    def pdfsig(nss: Path) -> str:
        # (no -no-ocsp: poppler 22 then reports "Unknown issue"; our certificates name no
        # OCSP responder, so nothing is fetched)
        args = ["pdfsig", "-nssdir", f"sql:{nss}", str(slip)]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    empty = tmp_path / "empty"
    only_root = tmp_path / "nss"
    for db in (empty, only_root):
        db.mkdir()
        subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    add = ["certutil", "-A", "-d", f"sql:{only_root}", "-n", "shop", "-t", "C,C,C"]
    subprocess.run([*add, "-i", str(root)], check=True)
    listed = subprocess.run(
        ["certutil", "-L", "-d", f"sql:{only_root}"], check=True, capture_output=True, text=True
    ).stdout
    assert listed.count("C,C,C") == 1  # the root and nothing else
    out = pdfsig(only_root)
    assert "Signature is Valid." in out
    assert "Certificate is Trusted." in out
    assert "Total document signed" in out
    assert "Certificate is Trusted." not in pdfsig(empty)
    # and the stranger compares the fingerprint printed on the slip with the root imported
    assert _short(root.read_bytes()) in _text(slip.read_bytes(), tmp_path)


def test_the_how_to_check_guide_is_one_page_with_the_fingerprints(
    signed: tuple[Context, Path, Path], tmp_path: Path
) -> None:
    ctx, _slip, root = signed
    pdf = certificates.check_guide(ctx)
    (tmp_path / "guide.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "guide.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert "Pages:           1" in info
    text = squash(_text(pdf, tmp_path))
    der = root.read_bytes()
    assert squash(_short(der)) in text
    full = hashlib.sha256(der).hexdigest().upper()
    assert ":".join(full[i : i + 2] for i in range(0, 64, 2)) in text
    for needle in ("导入本店根证书", "比对指纹", "AdobeReader", "WPS", "受信任的根证书颁发机构"):
        assert needle in text, needle
    english = squash(_text(certificates.check_guide(ctx, lang="en"), tmp_path))
    assert "Howtocheckourslips" in english and "TrustedRootCertificationAuthorities" in english


def test_the_guide_verb_writes_the_pdf(
    signed: tuple[Context, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services.shop.accounts import set_pin

    ctx, _slip, _root = signed
    set_pin(ctx, "boss", "24681357")
    monkeypatch.setenv("AFTERDESK_PIN", "24681357")
    out = tmp_path / "guide.pdf"
    args = ["--data-dir", str(ctx.data_dir), "--user", "boss", "certificate", "guide"]
    assert main([*args, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
