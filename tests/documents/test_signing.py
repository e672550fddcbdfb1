"""The shop's digital signature: sign → verify, and every way a slip can be tampered with.

Real keys (EC P-256, made once per module), real pyHanko signatures, real `python main.py`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from app.documents import shop_identity, signing
from app.documents.shop_identity import keys_dir
from app.domain.errors import DomainError
from app.i18n.messages import describe

REPO = Path(__file__).resolve().parents[2]
SHOP = "测试手机店"
NUMBER = b"SH-2026-000123"


def slip_pdf(text: str = "SH-2026-000123", pages: int = 1) -> bytes:
    """A small uncompressed A5 PDF, so the case number can be found and changed in it."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5, pageCompression=0, invariant=1)
    for n in range(pages):
        c.drawString(50, 500, f"{text} page {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shop")
    signing.ensure_identity(folder, SHOP)
    return folder


@pytest.fixture(scope="module")
def other_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("other")
    signing.ensure_identity(folder, "别的手机店")
    return folder


@pytest.fixture(scope="module")
def signed(shop: Path) -> bytes:
    return signing.sign_pdf(slip_pdf(), shop, signer="Boss", reason="intake receipt")


def code(pdf: bytes | Path, folder: Path) -> str:
    return signing.verify_pdf(pdf, folder).code


# --- the good case ---------------------------------------------------------------------------


def test_signed_slip_verifies_with_who_and_when(shop: Path, signed: bytes) -> None:
    v = signing.verify_pdf(signed, shop, tz=dt.UTC)
    assert (v.ok, v.code) == (True, "ok")
    assert v.signer == SHOP
    assert v.params["staff"] == "Boss"
    assert v.signed_at is not None
    assert abs(dt.datetime.now(dt.UTC) - v.signed_at) < dt.timedelta(minutes=5)
    assert v.params["at"] == v.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M (UTC)")
    text = describe(v.as_error())
    assert SHOP in text and "Boss" in text and "intact" in text


def test_a_signature_larger_than_its_room_is_measured_instead(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixed room is a speed-up, never a limit: too small, and pyHanko measures it."""
    monkeypatch.setattr(signing, "SIGNATURE_ROOM", 64)
    pdf = signing.sign_pdf(slip_pdf(), shop, signer="Boss", reason="intake receipt")
    assert signing.verify_pdf(pdf, shop).ok


def test_signature_is_an_incremental_update_over_the_whole_file(signed: bytes) -> None:
    original = slip_pdf()
    assert signed.startswith(original)  # the rendered bytes are untouched, the signature appended
    ranges = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    assert ranges is not None
    a, b, c, d = (int(x) for x in ranges.groups())
    assert a == 0 and c + d == len(signed)
    assert b"/AfterDesk" in signed or b"(AfterDesk)" in signed


def test_signing_a_slip_is_fast(shop: Path) -> None:
    pdf = slip_pdf()
    signing.sign_pdf(pdf, shop)  # warm (imports)
    start = time.perf_counter()
    for _ in range(5):
        out = signing.sign_pdf(pdf, shop)
    per_slip = (time.perf_counter() - start) / 5
    assert signing.verify_pdf(out, shop).ok
    assert per_slip < 1.0, f"{per_slip:.3f} s per slip"


def test_a_signed_slip_is_not_signed_again(shop: Path, signed: bytes) -> None:
    with pytest.raises(DomainError) as info:
        signing.sign_pdf(signed, shop)
    assert info.value.code == "already_signed"
    with pytest.raises(DomainError) as info:
        signing.sign_pdf(b"not a pdf", shop)
    assert info.value.code == "not_a_pdf"


# --- tampering -------------------------------------------------------------------------------


def test_one_changed_byte_in_the_content_fails(shop: Path, signed: bytes) -> None:
    at = signed.index(NUMBER)
    forged = bytearray(signed)
    forged[at + len(NUMBER) - 1] = ord("4")  # SH-2026-000123 → SH-2026-000124
    v = signing.verify_pdf(bytes(forged), shop)
    assert not v.ok
    assert v.code == "signature_broken"
    assert "changed after it was signed" in describe(v.as_error())


def test_no_single_flipped_byte_anywhere_passes(shop: Path, signed: bytes) -> None:
    """Also in the signature value itself and its padding, which the signature cannot cover."""
    gap = re.search(rb"/Contents\s*<", signed)
    assert gap is not None
    positions = list(range(0, len(signed), max(1, len(signed) // 150)))
    positions += list(range(gap.end(), gap.end() + 300))  # CMS header, versions, lengths
    positions += [len(signed) - 2]
    passed = []
    for pos in positions:
        forged = bytearray(signed)
        forged[pos] ^= 0x01
        if signing.verify_pdf(bytes(forged), shop).ok:
            passed.append(pos)
    assert passed == []


def _append_page(signed: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 50 300 Td (FORGED) Tj ET")
    page = PageObject(
        contents=writer.add_object(stream),
        media_box=generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 420, 595)]),
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_page_appended_after_signing_fails(shop: Path, signed: bytes) -> None:
    forged = _append_page(signed)
    assert forged.startswith(signed)  # the signed revision itself is intact
    v = signing.verify_pdf(forged, shop)
    assert not v.ok
    assert v.code == "modified_after_signing"
    assert "added to the file after it was signed" in describe(v.as_error())


def test_anything_appended_after_signing_fails(shop: Path, signed: bytes) -> None:
    assert code(signed + b"\n", shop) == "modified_after_signing"
    assert code(signed + b"%% a note\n", shop) == "modified_after_signing"


def test_a_second_signature_on_top_fails(shop: Path, other_shop: Path) -> None:
    """Our slips are certified "no changes", so pyHanko itself refuses to sign on top; a slip
    signed by our key without that flag still must not pass once someone else signs after."""
    from pyhanko.sign import signers

    from app.documents.shop_identity import load_identity
    from app.documents.signing import _simple_signer

    def sign(pdf: bytes, folder: Path, field: str) -> bytes:
        out = io.BytesIO()
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name=field)
        signers.PdfSigner(meta, signer=_simple_signer(load_identity(folder))).sign_pdf(
            writer, output=out
        )
        return out.getvalue()

    ours = sign(slip_pdf(), shop, "AfterDesk")
    assert code(ours, shop) == "ok"
    assert code(sign(ours, other_shop, "Other"), shop) == "modified_after_signing"


def test_signed_by_another_shop_fails(shop: Path, other_shop: Path) -> None:
    theirs = signing.sign_pdf(slip_pdf(), other_shop)
    assert signing.verify_pdf(theirs, other_shop).ok
    v = signing.verify_pdf(theirs, shop)
    assert (v.ok, v.code) == (False, "not_our_certificate")
    assert "别的手机店" in describe(v.as_error())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not_a_pdf"),
        (b"PK\x03\x04 a zip file", "not_a_pdf"),
        ("%PDF-1.4\n垃圾\n".encode(), "pdf_damaged"),
    ],
    ids=["empty", "zip", "garbage-pdf"],
)
def test_files_that_are_no_slip_fail_cleanly(shop: Path, content: bytes, expected: str) -> None:
    assert code(content, shop) == expected


def test_unsigned_truncated_and_missing_files_fail_cleanly(
    shop: Path, signed: bytes, tmp_path: Path
) -> None:
    assert code(slip_pdf(), shop) == "not_signed"
    assert code(signed[: len(signed) // 2], shop) != "ok"
    v = signing.verify_pdf(tmp_path / "nowhere.pdf", shop)
    assert v.code == "file_unreadable"
    assert "nowhere.pdf" in describe(v.as_error())
    f = tmp_path / "slip.pdf"
    f.write_bytes(signed)
    assert code(f, shop) == "ok"


def test_verify_never_creates_keys(tmp_path: Path, signed: bytes) -> None:
    empty = tmp_path / "fresh"
    empty.mkdir()
    assert code(signed, empty) == "no_shop_identity"
    assert not keys_dir(empty).exists()
    assert signing.identity_info(empty) is None


# --- the identity ----------------------------------------------------------------------------


def test_identity_files_and_protection(shop: Path) -> None:
    folder = keys_dir(shop)
    key_pem = (folder / "signing-key.pem").read_bytes()
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert (folder / "root-key.pem").read_bytes().startswith(b"-----BEGIN ENCRYPTED")
    with pytest.raises(TypeError):  # useless without the passphrase
        serialization.load_pem_private_key(key_pem, password=None)
    if os.name == "posix":
        for name in ("signing-key.pem", "root-key.pem", "passphrase"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_ensure_identity_is_idempotent_and_race_free(tmp_path: Path) -> None:
    folder = tmp_path / "race"
    results: list[str] = []
    errors: list[BaseException] = []

    def first_use() -> None:
        try:
            ident = signing.ensure_identity(folder, SHOP)
            results.append(ident.signing_cert.fingerprint(hashes.SHA256()).hex())
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    again = signing.ensure_identity(folder, SHOP)
    assert again.signing_cert.fingerprint(hashes.SHA256()).hex() == results[0]
    assert [p.name for p in tmp_path.iterdir()] == ["race"]
    assert sorted(p.name for p in folder.iterdir()) == ["keys"]


def test_signing_certificate_is_renewed_under_the_same_root(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    first = signing.ensure_identity(folder, SHOP)
    old_slip = signing.sign_pdf(slip_pdf("old"), folder)
    near_end = first.signing_cert.not_valid_after_utc - dt.timedelta(days=10)
    renewed = signing.ensure_identity(folder, now=near_end)
    assert renewed.root == first.root
    assert renewed.signing_cert != first.signing_cert
    assert renewed.signing_cert.subject == first.signing_cert.subject
    assert renewed.signing_cert.not_valid_after_utc > near_end + dt.timedelta(days=365)
    renewed.signing_cert.verify_directly_issued_by(first.root)
    assert signing.ensure_identity(folder, now=near_end).signing_cert == renewed.signing_cert
    assert signing.verify_pdf(old_slip, folder).ok  # signed while the old one was valid


def test_the_certificate_is_renewed_60_days_ahead_and_when_the_shop_is_renamed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "shop"
    first = signing.ensure_identity(folder, SHOP)
    old_slip = signing.sign_pdf(slip_pdf("old"), folder, shop_name=SHOP)
    ends = first.signing_cert.not_valid_after_utc
    kept = signing.ensure_identity(folder, SHOP, now=ends - dt.timedelta(days=61))
    assert kept.signing_cert == first.signing_cert
    renewed = signing.ensure_identity(folder, SHOP, now=ends - dt.timedelta(days=59))
    assert renewed.signing_cert != first.signing_cert and renewed.root == first.root
    # renamed: the next slip is signed with the new name, under the same root
    new_slip = signing.sign_pdf(slip_pdf("new"), folder, shop_name="鑫达通讯（新名）")
    new = signing.verify_pdf(new_slip, folder)
    assert new.ok and new.signer == "鑫达通讯（新名）"
    old = signing.verify_pdf(old_slip, folder)
    assert old.ok and old.signer == SHOP  # old slips still verify


def test_verify_says_when_the_certificate_has_expired_since_in_the_shops_zone(
    tmp_path: Path,
) -> None:
    from zoneinfo import ZoneInfo

    from app.i18n.messages import describe

    folder = tmp_path / "shop"
    today = dt.datetime.now(dt.UTC)
    # a certificate made three years ago (it ends tomorrow), a slip signed with it today
    past = today - dt.timedelta(days=3 * 365 - 1)
    signing.ensure_identity(folder, SHOP, now=past)
    slip = signing.sign_pdf(slip_pdf("old"), folder, now=past)
    ends = signing.load_identity(folder).signing_cert.not_valid_after_utc
    assert today < ends < today + dt.timedelta(days=3)
    assert "expired" not in signing.verify_pdf(slip, folder).params
    later = today + dt.timedelta(days=30)  # checked a month later, offline (no time stamp)
    v = signing.verify_pdf(slip, folder, tz=ZoneInfo("Asia/Shanghai"), now=later)
    assert v.ok and "expired" in v.params
    assert v.params["at"].endswith("(Asia/Shanghai)")
    assert v.params["expired"].endswith("(Asia/Shanghai)")
    text = describe(v.as_error())
    assert "was valid then and has expired since" in text and "trusted time stamp" in text


def test_identity_info_for_the_window(shop: Path) -> None:
    info = signing.identity_info(shop)
    assert info is not None
    assert info["subject"] == SHOP
    assert info["issuer"] == f"{SHOP} AfterDesk Root"
    assert info["source"] == "created"
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", info["fingerprint"])
    start = dt.date.fromisoformat(info["not_before"])
    end = dt.date.fromisoformat(info["not_after"])
    assert 3 * 365 <= (end - start).days <= 3 * 366


def test_exported_certificate_is_readable_and_shaped_right(shop: Path, tmp_path: Path) -> None:
    pem = signing.export_certificate(shop, tmp_path / "out" / "shop.pem")
    root, cert = x509.load_pem_x509_certificates(pem.read_bytes())
    assert root.subject == root.issuer
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        f"{SHOP} AfterDesk Root"
    )
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    years = (root.not_valid_after_utc - root.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1
    cert.verify_directly_issued_by(root)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    der = signing.export_certificate(shop, tmp_path / "shop-root.cer")
    assert x509.load_der_x509_certificate(der.read_bytes()) == root


# --- importing the owner's own PKCS#12 -------------------------------------------------------


def _p12(
    password: bytes,
    *,
    name: str = "王老板的手机店",
    days: tuple[int, int] = (-1, 365),
    usage: bool = True,
) -> bytes:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Owner CA")])
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
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
    )
    cert = builder
    if usage:
        flags = dict.fromkeys(
            (
                "key_encipherment",
                "data_encipherment",
                "key_agreement",
                "key_cert_sign",
                "crl_sign",
                "encipher_only",
                "decipher_only",
                "content_commitment",
            ),
            False,
        )
        cert = cert.add_extension(x509.KeyUsage(digital_signature=True, **flags), critical=True)
    cert = cert.sign(ca_key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        b"owner", key, cert, [ca], serialization.BestAvailableEncryption(password)
    )


def test_pkcs12_import_round_trip_keeps_old_slips_valid(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    signing.ensure_identity(folder, SHOP)
    old_slip = signing.sign_pdf(slip_pdf("old"), folder)
    ident = signing.import_pkcs12(folder, _p12(b"s3cret"), "s3cret")
    assert ident.source == "imported"
    new_slip = signing.sign_pdf(slip_pdf("new"), folder)
    v = signing.verify_pdf(new_slip, folder)
    assert v.ok and v.signer == "王老板的手机店"
    assert signing.verify_pdf(old_slip, folder).ok  # the replaced root is still ours
    info = signing.identity_info(folder)
    assert info is not None and info["source"] == "imported" and info["issuer"] == "Owner CA"
    exported = signing.export_certificate(folder, tmp_path / "owner.pem")
    assert len(x509.load_pem_x509_certificates(exported.read_bytes())) == 2


def test_pkcs12_wrong_password_and_bad_files_say_why(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    signing.ensure_identity(folder, SHOP)
    before = signing.identity_info(folder)
    cases = [
        (_p12(b"right"), "wrong", "p12_wrong_password"),
        (b"this is no certificate", "x", "p12_unreadable"),
        (_p12(b"pw", days=(-400, -30)), "pw", "p12_expired"),
        (_p12(b"pw", usage=False), "pw", "p12_key_usage"),
    ]
    for data, password, expected in cases:
        with pytest.raises(DomainError) as info:
            signing.import_pkcs12(folder, data, password)
        assert info.value.code == expected
    assert describe(DomainError("p12_wrong_password")) == "Wrong password for this PKCS#12 file."
    assert signing.identity_info(folder) == before  # nothing changed by a refused import


# --- the command line ------------------------------------------------------------------------


def run(
    *args: str, data_dir: Path, env_extra: dict[str, str] | None = None
) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env.update({"PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1", **(env_extra or {})})
    cmd = [sys.executable, "main.py", "--data-dir", str(data_dir), "--lang", "en", *args]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_cli_verify_exit_codes(shop: Path, signed: bytes, tmp_path: Path) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_append_page(signed))
    rc, out, err = run("verify", str(good), data_dir=shop)
    assert rc == 0, err
    assert len(out.strip().splitlines()) == 1 and SHOP in out and "intact" in out
    rc, out, err = run("verify", str(bad), data_dir=shop)
    assert rc == 1 and out == ""
    assert "added to the file after it was signed" in err
    empty = tmp_path / "empty"
    rc, _out, err = run("verify", str(good), data_dir=empty)
    assert rc == 1 and "no shop certificate" in err
    assert not empty.exists()  # verify neither creates a database nor keys


def test_cli_certificate_export_and_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rc, out, err = run("certificate", "export", "--out", str(tmp_path / "c.pem"), data_dir=data)
    assert rc == 0, err
    assert len(x509.load_pem_x509_certificates((tmp_path / "c.pem").read_bytes())) == 2
    p12 = tmp_path / "owner.p12"
    p12.write_bytes(_p12(b"pw"))
    env = {"AFTERDESK_P12_PASSWORD": "nope"}
    rc, out, err = run("certificate", "import", str(p12), data_dir=data, env_extra=env)
    assert rc == 2 and "Wrong password" in err
    env = {"AFTERDESK_P12_PASSWORD": "pw"}
    rc, out, err = run("certificate", "import", str(p12), data_dir=data, env_extra=env)
    assert rc == 0, err
    assert "王老板的手机店" in out
    con = sqlite3.connect(data / "afterdesk.db")  # the import is in the event log, once
    try:
        rows = con.execute("SELECT data FROM event WHERE action = 'certificate_imported'")
        logged = [json.loads(r[0]) for r in rows]
    finally:
        con.close()
    info = signing.identity_info(data)
    assert info is not None
    assert [e["fingerprint"] for e in logged] == [info["fingerprint"]]
    rc, out, err = run("certificate", "show", data_dir=data)
    assert rc == 0 and "Issued by: Owner CA" in out


def test_an_imported_certificate_near_its_end_is_warned_about(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    ident = signing.ensure_identity(folder, SHOP)
    ends = ident.signing_cert.not_valid_after_utc
    near = ends - dt.timedelta(days=30)
    # our own root: renewed by the next signature, nothing to warn about
    assert shop_identity.certificate_warning(folder, now=near) is None
    (shop_identity.keys_dir(folder) / shop_identity.ROOT_KEY).unlink()  # as after an import
    assert shop_identity.certificate_warning(folder, now=near) == "certificate_expiring"
    assert shop_identity.certificate_warning(folder, now=ends - dt.timedelta(days=61)) is None
    assert shop_identity.certificate_warning(folder, now=ends) == "certificate_expired"


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
