"""The shop's slip-signing certificate as a use case: import the owner's PKCS#12, export it.

Importing changes whose name every later slip is signed with, so it is an owner's settings
decision and goes into the event log (the fingerprints, never the password or the key).
Exporting hands out only public certificates, so any signed-in member of staff may do it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.documents import signing
from app.documents.shop_identity import Identity
from app.domain.errors import DomainError
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, allowed, require
from app.store.db import write_transaction
from app.store.history import record_event


def signing_identity(ctx: Context, *, now: dt.datetime | None = None) -> Identity:
    """The identity the next slip is signed with, made on first use and renewed when due (60
    days before its end, or the shop renamed). With a shop server it is the shop's one
    identity kept on the server (`shared_keys`), the same on every PC. `now` is for tests; the
    signature itself carries the computer's clock, so that is the default here too."""
    from app.services.paper import shared_keys

    if shared_keys.active():
        from app.services.shop.setup import load_settings

        # The name stored now, not this PC's copy from sign-in: a PC still open from before the
        # shop was renamed must not renew the shared certificate back to the old name.
        name = load_settings().shop.name
        when = now or dt.datetime.now(dt.UTC)
        return shared_keys.sync(ctx.data_dir, name, now=when, actor_id=ctx.actor.id)
    return signing.ensure_identity(ctx.data_dir, ctx.settings.shop.name, now=now)


def certificate_warning(ctx: Context, *, now: dt.datetime | None = None) -> str | None:
    """ "certificate_expiring" (or "certificate_expired") when the signing certificate ends
    within 60 days and cannot be renewed here (imported): printing then warns, in the window and
    on the command line."""
    from app.documents.shop_identity import certificate_warning as warning

    return warning(ctx.data_dir, now=now)


def sign_in_notice(ctx: Context, *, now: dt.datetime | None = None) -> DomainError | None:
    """What the owner is told at sign-in about the signing certificate (a message with its
    parameters, for `describe`), or None. With a shop server this PC first takes the shop's
    identity when another PC renewed or replaced it, so `verify` here knows it. Never makes
    keys; never fails the sign-in."""
    from app.services.paper import shared_keys

    when = now or dt.datetime.now(dt.UTC)
    if shared_keys.active():
        try:
            shared_keys.pull(ctx.data_dir, now=when)
        except DomainError as exc:
            return exc if allowed(ctx, Action.SETTINGS) else None
    if not allowed(ctx, Action.SETTINGS):
        return None  # the owner's to act on; the print tab shows it to everyone who prints
    code = certificate_warning(ctx, now=when)
    return DomainError(code) if code else None


def share_certificate(ctx: Context) -> dict[str, str]:
    """Shop server: make this PC's identity the one on the server again (after the server's
    password changed, the row could no longer be opened). Owner only; logged."""
    from app.services.paper import shared_keys

    require(ctx, Action.SETTINGS)
    if not shared_keys.active():
        raise DomainError("shared_keys_single_pc")
    if not signing.has_identity(ctx.data_dir):
        raise DomainError("no_shop_identity", folder=str(ctx.data_dir))
    now = dt.datetime.now(dt.UTC)
    shared_keys.sync(
        ctx.data_dir, ctx.settings.shop.name, now=now, actor_id=ctx.actor.id, share=True
    )
    return signing.identity_info(ctx.data_dir) or {}


def certificate_info(ctx: Context) -> dict[str, str] | None:
    """What the settings page and `certificate show` print; None before the first slip."""
    from app.services.paper import shared_keys

    if shared_keys.active():
        shared_keys.pull(ctx.data_dir, now=dt.datetime.now(dt.UTC))
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
        from app.services.paper import shared_keys

        if shared_keys.active():  # every PC signs with the imported certificate from now on
            when = dt.datetime.now(dt.UTC)
            shared_keys.sync(
                ctx.data_dir, ctx.settings.shop.name, now=when, actor_id=ctx.actor.id, share=True
            )
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

    ident = signing_identity(ctx)
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


def shop_timezone(data_dir: Path) -> str | None:
    """The shop's time zone setting, read without opening the data folder for work (`verify`
    writes nothing and makes no keys): from its SQLite database read-only, or with one query to
    its shop server. None when there is no database or it cannot be read (the default zone)."""
    import json
    import sqlite3

    from app import paths
    from app.domain.settings import Settings
    from app.services.shop.setup import SETTINGS_KEY

    folder = Path(data_dir)
    db = paths.db_path(folder)
    try:
        if paths.server_file(folder).exists():
            row = _server_setting(folder, SETTINGS_KEY)
        elif db.is_file():
            con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
            try:
                query = "SELECT value FROM setting WHERE key = ?"
                row = con.execute(query, (SETTINGS_KEY,)).fetchone()
            finally:
                con.close()
        else:
            return None
        stored = json.loads(row[0]) if row else {}
        return Settings.from_dict(stored).shop.timezone
    except Exception:  # noqa: BLE001 - any failure to read: the default zone, never a refusal
        return None


def _server_setting(folder: Path, key: str) -> tuple[str] | None:
    from app.services.safekeeping import server
    from app.store import db as store_db

    address = server.folder_address(folder)
    if address is None:
        return None
    database = store_db.server_database(**address.connect_params())  # type: ignore[arg-type]
    try:
        database.connect()
        cursor = database.execute_sql("SELECT value FROM setting WHERE key = %s", (key,))
        return cursor.fetchone()
    finally:
        database.close()


def print_check_guide(ctx: Context, pdf: bytes, printer: str | None) -> str:
    """Send the guide to `printer` ("" / None: the system's default); returns the job id.
    Refusals are the printing DomainErrors (no_printer, printer_unavailable, print_failed)."""
    from app.documents import printing

    name = (printer or "").strip() or printing.default_printer() or None
    return printing.print_pdf(pdf, name, title="check-guide")


def export_certificate(ctx: Context, out: Path | str) -> Path:
    """Write the shop's root (and signing) certificate for others to check slips with.

    Makes the shop's identity first when no slip has been signed yet, as printing would.
    """
    signing_identity(ctx)
    return signing.export_certificate(ctx.data_dir, Path(out))
