"""The shop's slip-signing certificate as a use case: import the owner's PKCS#12, export it.

Importing changes whose name every later slip is signed with, so it is an owner's settings
decision and goes into the event log (the fingerprints, never the password or the key).
Exporting hands out only public certificates, so any signed-in member of staff may do it.
"""

from __future__ import annotations

from pathlib import Path

from app.documents import signing
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.history import record_event


def certificate_warning(ctx: Context) -> str | None:
    """ "certificate_expiring" when the signing certificate ends within 60 days and cannot be
    renewed here (imported): printing then warns, in the window and on the command line."""
    from app.documents.shop_identity import certificate_warning as warning

    return warning(ctx.data_dir)


def certificate_info(ctx: Context) -> dict[str, str] | None:
    """What the settings page and `certificate show` print; None before the first slip."""
    return signing.identity_info(ctx.data_dir)


def import_certificate(ctx: Context, p12: bytes, password: str | bytes | None) -> dict[str, str]:
    """Sign slips from now on with the owner's own certificate; returns its details.

    The old identity is retired (its root stays trusted, so older slips still verify). Refusals
    are DomainErrors (p12_unreadable, p12_wrong_password, p12_expired …) and write nothing.
    """
    require(ctx, Action.SETTINGS)
    before = signing.identity_info(ctx.data_dir) or {}
    # Inside the write lock: a refused file writes nothing, and the event follows the change.
    with write_transaction():
        signing.import_pkcs12(ctx.data_dir, p12, password)
        info = signing.identity_info(ctx.data_dir) or {}
        data = {
            "subject": info.get("subject", ""),
            "fingerprint": info.get("fingerprint", ""),
            "root_fingerprint": info.get("root_fingerprint", ""),
            "replaced": before.get("fingerprint", ""),
        }
        record_event(
            at=ctx.now(),
            actor_id=ctx.actor.id,
            entity="setting",
            entity_id=0,
            action="certificate_imported",
            data=audit.stamp(ctx, data),
        )
    return info


def check_guide(ctx: Context, *, lang: str | None = None) -> bytes:
    """The one-page "How to check our slips" guide (forms/check_guide.toml) with this shop's
    root certificate: its name, fingerprints (the short one printed on every slip), validity.

    Makes the shop's identity first when no slip has been signed yet, as printing would.
    """
    from cryptography.hazmat.primitives import hashes

    from app.documents.fonts import cjk_font
    from app.documents.layout import load_form
    from app.documents.render import render
    from app.documents.shop_identity import fingerprint, short_fingerprint, signer_name

    ident = signing.ensure_identity(ctx.data_dir, ctx.settings.shop.name)
    root = ident.root
    sha1 = root.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - Windows' thumbprint
    shop = ctx.settings.shop
    language = lang if lang in ("zh", "en") else ctx.settings.printing.slip_language
    data = {
        "shop_name": shop.name,
        "shop_address": shop.address,
        "shop_hotline": shop.hotline,
        "printed_at": ctx.local(ctx.now()).strftime("%Y-%m-%d %H:%M"),
        "root_name": signer_name(root),
        "cert_fingerprint": short_fingerprint(root),
        "root_sha256": fingerprint(root),
        "root_sha1": ":".join(sha1[i : i + 2] for i in range(0, len(sha1), 2)),
        "root_valid_until": root.not_valid_after_utc.date().isoformat(),
    }
    spec = load_form("check_guide", ctx.data_dir / "forms")
    return render(
        spec,
        data,
        language,
        font=cjk_font(ctx.settings.printing.font_path),
        logo_path=ctx.settings.printing.logo_path,
        author=shop.name,
    )


def export_certificate(ctx: Context, out: Path | str) -> Path:
    """Write the shop's root (and signing) certificate for others to check slips with.

    Makes the shop's identity first when no slip has been signed yet, as printing would.
    """
    signing.ensure_identity(ctx.data_dir, ctx.settings.shop.name)
    return signing.export_certificate(ctx.data_dir, Path(out))
