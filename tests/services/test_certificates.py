"""Importing the owner's certificate is an owner's decision written to the event log."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509

from app.documents import signing
from app.services.paper.certificates import certificate_info, export_certificate, import_certificate
from app.services.shop.context import Context
from app.store.history import verify_chain
from app.store.models import Event
from tests.conftest import refused, unsealed
from tests.documents.test_signing import _p12


def test_import_is_the_owners_and_is_logged_with_the_fingerprint(
    ctx: Context, desk_ctx: Context
) -> None:
    signing.ensure_identity(ctx.data_dir, "示例手机店")
    before = certificate_info(ctx)
    assert before is not None
    p12 = _p12(b"pw")
    refused(lambda: import_certificate(desk_ctx, p12, "pw"), "permission_denied")
    refused(lambda: import_certificate(ctx, p12, "wrong"), "p12_wrong_password")
    assert certificate_info(ctx) == before  # neither refusal changed the keys
    info = import_certificate(ctx, p12, "pw")
    assert info["subject"] == "王老板的手机店" and info["source"] == "imported"
    event = Event.get(Event.action == "certificate_imported")
    assert event.actor.name == "boss" and event.entity == "setting"
    assert unsealed(event.data) == {
        "subject": "王老板的手机店",
        "fingerprint": info["fingerprint"],
        "root_fingerprint": info["root_fingerprint"],
        "replaced": before["fingerprint"],
    }
    assert "pw" not in str(event.data.values())
    assert verify_chain()[0]


def test_export_makes_the_identity_when_there_is_none(ctx: Context, tmp_path: Path) -> None:
    assert certificate_info(ctx) is None
    out = export_certificate(ctx, tmp_path / "shop.pem")
    certs = x509.load_pem_x509_certificates(out.read_bytes())
    assert len(certs) == 2
    assert certificate_info(ctx) is not None
