"""Issue 19 §7: the shop's certificate lasts (renewed before its end and when the shop is
renamed, old slips still verify), the owner is told 60 days ahead, `verify` says plainly when a
slip's certificate has expired since (in the shop's zone), every PC of a shop server signs with
the shop's ONE certificate kept encrypted on the server, and `print --form check-guide` prints
the one-page guide. Real signed PDFs, pyHanko's own validation, an injected clock for expiry."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.cli import main
from app.documents import shop_identity, signing
from app.domain.errors import DomainError
from app.i18n.messages import describe
from app.services.paper import certificates, documents, shared_keys
from app.services.shop.accounts import set_pin
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store import db as store_db
from app.store.models import Event, Setting
from tests.conftest import make_user, prepare_folder
from tests.documents.slipdata import have_poppler, squash

REPO = Path(__file__).resolve().parents[2]
PIN = "24681357"
NOW = dt.datetime.now(dt.UTC)


def _named(ctx: Context, name: str, timezone: str | None = None) -> Context:
    shop = dataclasses.replace(ctx.settings.shop, name=name)
    if timezone:
        shop = dataclasses.replace(shop, timezone=timezone)
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, shop=shop))


def _signing_cert(pdf: bytes):  # noqa: ANN202 - a cryptography Certificate
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return x509.load_der_x509_certificate(sig.signer_cert.dump())


def _pyhanko_trusts(pdf: bytes, root_der: bytes) -> bool:
    """pyHanko's own validator, given only the shop's root, at the slip's signing time."""
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(
        trust_roots=[x509.Certificate.load(root_der)],
        allow_fetching=False,
        moment=sig.self_reported_timestamp,
    )
    status = validate_pdf_signature(sig, context)
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


def _text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "t.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real program in its own process (its server.json decides the database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env["AFTERDESK_PIN"] = PIN
    argv = [sys.executable, "main.py", "--data-dir", str(folder), "--user", "boss", *args]
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


# --- renewal -----------------------------------------------------------------------------------


def test_a_renamed_shop_signs_under_its_new_name_and_old_slips_still_verify(
    ctx: Context, tmp_path: Path
) -> None:
    from app.services.shop.setup import write_settings

    def rename(name: str) -> Context:  # as Settings → Shop saves it
        stored = write_settings(ctx, {"shop.name": name}, action="settings", data={})
        return dataclasses.replace(ctx, settings=stored)

    old = documents.make_slip(rename("鑫达手机通讯"), None, "intake", blank=True)
    new = documents.make_slip(rename("鑫达数码（新店名）"), None, "intake", blank=True)
    if shared_keys.active():  # a PC still open with the old name does not rename it back
        documents.make_slip(_named(ctx, "鑫达手机通讯"), None, "intake", blank=True)
        current = shop_identity.load_identity(ctx.data_dir).signing_cert
        assert shop_identity.signer_name(current) == "鑫达数码（新店名）"
    assert shop_identity.signer_name(_signing_cert(new.pdf)) == "鑫达数码（新店名）"
    assert shop_identity.signer_name(_signing_cert(old.pdf)) == "鑫达手机通讯"
    for slip, name in ((old, "鑫达手机通讯"), (new, "鑫达数码（新店名）")):
        verdict = signing.verify_pdf(slip.pdf, ctx.data_dir)
        assert verdict.ok and verdict.signer == name, verdict
    # the same root: whoever imported it checks both without anything new
    root = certificates.export_certificate(ctx, tmp_path / "root.cer").read_bytes()
    assert _pyhanko_trusts(old.pdf, root) and _pyhanko_trusts(new.pdf, root)


def test_the_certificate_is_renewed_60_days_before_its_end_on_an_injected_clock(
    ctx: Context,
) -> None:
    first = certificates.signing_identity(ctx)
    ends = first.signing_cert.not_valid_after_utc
    kept = certificates.signing_identity(ctx, now=ends - dt.timedelta(days=61))
    assert kept.signing_cert == first.signing_cert
    renewed = certificates.signing_identity(ctx, now=ends - dt.timedelta(days=59))
    assert renewed.signing_cert != first.signing_cert and renewed.root == first.root
    assert renewed.signing_cert.not_valid_after_utc > ends + dt.timedelta(days=300)


def test_the_root_is_renewed_too_and_the_owner_is_told_60_days_ahead(
    ctx: Context, tmp_path: Path
) -> None:
    old_slip = documents.make_slip(ctx, None, "intake", blank=True)
    first = certificates.signing_identity(ctx)
    root_ends = first.root.not_valid_after_utc
    assert certificates.sign_in_notice(ctx, now=root_ends - dt.timedelta(days=121)) is None
    notice = certificates.sign_in_notice(ctx, now=root_ends - dt.timedelta(days=119))
    assert notice is not None and notice.code == "certificate_new_root_soon"
    assert "print --form check-guide" in describe(notice)
    make_user("clerk", "front_desk")
    clerk = dataclasses.replace(context_for(ctx.data_dir, "clerk"), settings=ctx.settings)
    assert certificates.sign_in_notice(clerk, now=root_ends - dt.timedelta(days=119)) is None
    # 59 days before the root's end the next signature starts a new root
    new = certificates.signing_identity(ctx, now=root_ends - dt.timedelta(days=59))
    assert new.root != first.root
    new.signing_cert.verify_directly_issued_by(new.root)
    assert signing.verify_pdf(old_slip.pdf, ctx.data_dir).ok  # the old root stays trusted


def test_an_imported_certificate_near_its_end_warns_on_the_command_line_at_sign_in(
    ctx: Context, tmp_path: Path
) -> None:
    set_pin(ctx, "boss", PIN)
    # a certificate that ends in 30 days which this PC cannot renew (as after an import)
    past = NOW - dt.timedelta(days=3 * 365 - 30)
    shop_identity.ensure_identity(ctx.data_dir, ctx.settings.shop.name, now=past)
    (shop_identity.keys_dir(ctx.data_dir) / shop_identity.ROOT_KEY).unlink()
    notice = certificates.sign_in_notice(ctx)
    assert notice is not None and notice.code == "certificate_expiring"
    prepare_folder(ctx.data_dir)
    done = _cli(ctx.data_dir, "certificate", "show")
    assert done.returncode == 0, done.stderr
    assert "Warning:" in done.stderr and "expires within 60 days" in done.stderr
    ends = shop_identity.load_identity(ctx.data_dir).signing_cert.not_valid_after_utc
    assert certificates.certificate_warning(ctx, now=ends) == "certificate_expired"


# --- verify, offline -----------------------------------------------------------------------------


def test_verify_says_plainly_the_certificate_expired_since_in_the_shops_zone(
    ctx: Context, tmp_path: Path
) -> None:
    from app.services.shop.setup import write_settings

    write_settings(
        ctx, {"shop.timezone": "Asia/Urumqi"}, action="settings", data={"keys": ["shop"]}
    )
    # a certificate made almost three years ago, ending within a day; a slip signed with it
    past = NOW - dt.timedelta(days=3 * 365 - 1)
    shop_identity.ensure_identity(ctx.data_dir, ctx.settings.shop.name, now=past)
    slip = signing.sign_pdf(documents.blank_form(ctx, "intake"), ctx.data_dir, now=past)
    assert signing.verify_pdf(slip, ctx.data_dir).params.get("expired") is None
    assert certificates.shop_timezone(ctx.data_dir) == "Asia/Urumqi"
    later = NOW + dt.timedelta(days=40)  # checked offline, after the certificate ended
    from zoneinfo import ZoneInfo

    verdict = signing.verify_pdf(slip, ctx.data_dir, tz=ZoneInfo("Asia/Urumqi"), now=later)
    assert verdict.ok and verdict.params["expired"].endswith("(Asia/Urumqi)")
    text = describe(verdict.as_error())
    assert "was valid then and has expired since" in text and "(Asia/Urumqi)" in text
    # the command line reads the shop's zone from the folder (no --tz)
    path = tmp_path / "slip.pdf"
    path.write_bytes(slip)
    done = subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(ctx.data_dir), "verify", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "(Asia/Urumqi)" in done.stdout


# --- the guide through the print verb ------------------------------------------------------------


@pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils")
def test_print_verb_prints_the_one_page_guide_with_the_fingerprint(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    set_pin(ctx, "boss", PIN)
    monkeypatch.setenv("AFTERDESK_PIN", PIN)
    slip = documents.make_slip(ctx, None, "intake", blank=True)
    out = tmp_path / "guide.pdf"
    base = ["--data-dir", str(ctx.data_dir), "--user", "boss", "print"]
    assert main([*base, "--form", "check-guide", "--out", str(out)]) == 0
    pdf = out.read_bytes()
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True)
    assert "Pages:           1" in info.stdout
    short = certificates.certificate_info(ctx)["short_fingerprint"]  # type: ignore[index]
    guide = squash(_text(pdf, tmp_path))
    assert squash(short) in guide and "导入本店根证书" in guide and "比对指纹" in guide
    assert squash(short) in squash(_text(slip.pdf, tmp_path))  # the slip prints the same one
    # nothing cut: no ink within the printer's 5 mm unprintable edge (A4 at 80 dpi)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(out), str(tmp_path / "g")], check=True)
    page = Image.open(next(tmp_path.glob("g*.png"))).convert("L")
    edge = round(5 / 25.4 * 80)
    w, h = page.size
    for box in ((0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)):
        assert page.crop(box).getextrema()[0] > 200, box
    english = tmp_path / "guide-en.pdf"
    args = ["--form", "check-guide", "--slip-lang", "en", "--out", str(english)]
    assert main([*base, *args]) == 0
    assert "Howtocheckourslips" in squash(_text(english.read_bytes(), tmp_path))
    assert main([*base, "SH-2026-000001", "--form", "check-guide", "--out", str(out)]) == 2


# --- several PCs, one server ---------------------------------------------------------------------


def _pdfsig_trusts_with_only_the_root(slip: Path, root: Path, tmp: Path) -> None:
    """poppler's pdfsig, its NSS database holding the exported root and nothing else."""
    if shutil.which("certutil") is None:
        return
    nss = tmp / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    add = ["certutil", "-A", "-d", f"sql:{nss}", "-n", "shop", "-t", "C,C,C", "-i", str(root)]
    subprocess.run(add, check=True)
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(slip)], check=True, capture_output=True, text=True
    ).stdout
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out


@pytest.mark.pg_only
def test_two_new_pcs_signing_their_first_slip_at_once_end_up_with_one_certificate(
    ctx: Context, tmp_path: Path
) -> None:
    set_pin(ctx, "boss", PIN)
    pcs = []
    for n in (1, 2):
        folder = tmp_path / f"pc{n}"
        folder.mkdir()
        shutil.copy(paths.server_file(ctx.data_dir), paths.server_file(folder))
        pcs.append(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env["AFTERDESK_PIN"] = PIN
    running = [
        subprocess.Popen(
            [sys.executable, "main.py", "--data-dir", str(folder), "--user", "boss", "print"]
            + ["--blank", "--form", "intake", "--out", str(folder / "slip.pdf")],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in pcs
    ]
    for proc in running:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    certs = [_signing_cert((folder / "slip.pdf").read_bytes()) for folder in pcs]
    assert certs[0] == certs[1]
    value = Setting.get(Setting.key == shared_keys.ROW).value
    assert value["fingerprint"] == shop_identity.fingerprint(certs[0])


@pytest.mark.pg_only
@pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils")
def test_two_pcs_on_the_server_sign_with_the_shops_one_certificate(
    ctx: Context, tmp_path: Path
) -> None:
    set_pin(ctx, "boss", PIN)
    pc1 = ctx.data_dir
    pc2 = tmp_path / "pc2"
    pc2.mkdir()
    shutil.copy(paths.server_file(pc1), paths.server_file(pc2))  # `server connect` on PC 2
    assert not shop_identity.has_identity(pc1) and not shop_identity.has_identity(pc2)

    slip1 = documents.make_slip(ctx, None, "intake", blank=True)  # PC 1 signs first
    done = _cli(pc2, "print", "--blank", "--form", "intake", "--out", str(tmp_path / "pc2.pdf"))
    assert done.returncode == 0, done.stderr
    slip2 = (tmp_path / "pc2.pdf").read_bytes()

    cert1, cert2 = _signing_cert(slip1.pdf), _signing_cert(slip2)
    assert cert1 == cert2  # one certificate, not one per PC
    root1 = shop_identity.load_identity(pc1).root
    root2 = shop_identity.load_identity(pc2).root
    assert shop_identity.fingerprint(root1) == shop_identity.fingerprint(root2)
    der = shop_identity.export_certificate(pc1, tmp_path / "root.cer").read_bytes()
    assert _pyhanko_trusts(slip1.pdf, der) and _pyhanko_trusts(slip2, der)
    assert signing.verify_pdf(slip2, pc1).ok and signing.verify_pdf(slip1.pdf, pc2).ok
    short = shop_identity.short_fingerprint(root1)
    assert short in _text(slip1.pdf, tmp_path) and short in _text(slip2, tmp_path)

    # on the server: one row, encrypted (no key, no certificate, not even the zip in the clear)
    value = Setting.get(Setting.key == shared_keys.ROW).value
    assert value["root_fingerprint"] == shop_identity.fingerprint(root1)
    blob = base64.b64decode(value["data"])
    key_pem = (shop_identity.keys_dir(pc1) / shop_identity.SIGNING_KEY).read_bytes()
    assert b"PRIVATE KEY" not in blob and key_pem not in blob and not blob.startswith(b"PK")
    assert Event.select().where(Event.action == "certificate_shared").count() == 1
    _pdfsig_trusts_with_only_the_root(tmp_path / "pc2.pdf", tmp_path / "root.cer", tmp_path)
    # without the server's password the row does not open; after the password changed, the
    # owner's `certificate share` locks it with the new one
    params = store_db.database.obj.connect_params
    real = params["password"]
    try:
        params["password"] = real + "-changed"
        with pytest.raises(DomainError) as refused:
            shared_keys._open(value)
        assert refused.value.code == "shared_keys_locked"
        notice = certificates.sign_in_notice(dataclasses.replace(ctx, data_dir=pc2 / "x"))
        assert notice is not None and notice.code == "shared_keys_locked"
        assert certificates.share_certificate(ctx)["fingerprint"] == value["fingerprint"]
        shared_keys._open(Setting.get(Setting.key == shared_keys.ROW).value)
    finally:
        params["password"] = real
    relocked = Setting.get(Setting.key == shared_keys.ROW).value
    with pytest.raises(DomainError):
        shared_keys._open(relocked)
    certificates.share_certificate(ctx)  # back to the real password for the rest

    # PC 1 renews (60 days before the end): PC 2 takes the new certificate at its next sign-in
    ends = cert1.not_valid_after_utc
    renewed = certificates.signing_identity(ctx, now=ends - dt.timedelta(days=59))
    assert renewed.signing_cert != shop_identity.load_identity(pc2).signing_cert
    pc2_ctx = dataclasses.replace(ctx, data_dir=pc2)
    assert certificates.sign_in_notice(pc2_ctx, now=ends - dt.timedelta(days=59)) is None
    assert shop_identity.load_identity(pc2).signing_cert == renewed.signing_cert
    assert signing.verify_pdf(slip2, pc2).ok  # signed under the old one: still verifies

    # years later the root itself is replaced; a PC connected after that still checks old slips
    root_ends = root1.not_valid_after_utc
    rolled = certificates.signing_identity(ctx, now=root_ends - dt.timedelta(days=59))
    assert rolled.root != root1
    pc3 = tmp_path / "pc3"
    pc3.mkdir()
    certificates.sign_in_notice(dataclasses.replace(ctx, data_dir=pc3))
    assert shop_identity.load_identity(pc3).root == rolled.root
    assert signing.verify_pdf(slip1.pdf, pc3).ok and signing.verify_pdf(slip2, pc3).ok
