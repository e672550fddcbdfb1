"""Slip signature verbs: verify FILE; certificate show / export --out FILE / import FILE.p12.

`verify` exits 0 only for a slip signed by this shop's certificate with nothing changed or added
since; 1 with the reason otherwise. It never opens the database for work nor creates keys (it
only reads the shop's time zone setting, read-only, for the times it shows), so it can be run on
any copy of a slip against any data folder. The PKCS#12 password comes from
AFTERDESK_P12_PASSWORD or a prompt, never from the command line (shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAIL, EXIT_OK, AddVerb, BadInput, emit_json
from app.i18n import N_, _
from app.i18n.messages import describe

P12_PASSWORD_ENV = "AFTERDESK_P12_PASSWORD"
INFO_LABELS = {
    "subject": N_("Issued to"),
    "issuer": N_("Issued by"),
    "serial": N_("Serial number"),
    "not_before": N_("Valid from"),
    "not_after": N_("Valid until"),
    "fingerprint": N_("SHA-256 fingerprint"),
    "root_fingerprint": N_("Root SHA-256 fingerprint"),
    "source": N_("Source"),
}


def register(add: AddVerb) -> None:
    p = add(
        "verify",
        _("check a signed slip: exit 0 only if this shop signed it and nothing changed since"),
        cmd_verify,
        needs_data=False,
        anonymous_ok=True,  # reads only the slip and the public certificates
    )
    p.add_argument("file")
    p.add_argument(
        "--tz",
        default=None,
        help=_("time zone for the times shown (default: the shop's setting, else Asia/Shanghai)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add("certificate", _("the shop's signing certificate: show, export or import"), cmd_cert)
    p.add_argument(
        "action",
        choices=("show", "export", "import", "guide", "share"),
        help=_(
            "show: print it; export: save it for others to check slips; import: use a .p12; "
            "guide: a one-page PDF “How to check our slips”; share: with a shop server, make "
            "this PC's certificate the one every PC signs with"
        ),
    )
    p.add_argument("file", nargs="?", help=_("the PKCS#12 file (.p12 / .pfx) to import"))
    p.add_argument("--out", help=_("file to export to (.pem, or .cer for the root alone)"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_verify(ctx: Any, args: argparse.Namespace) -> int:
    from app import paths
    from app.documents.signing import verify_pdf
    from app.services.paper.certificates import shop_timezone

    folder = Path(args.data_dir) if args.data_dir else paths.default_data_dir()
    verdict = verify_pdf(Path(args.file), folder, tz=_zone(args.tz or shop_timezone(folder)))
    text = describe(verdict.as_error())
    if args.json:
        emit_json(
            {
                "ok": verdict.ok,
                "code": verdict.code,
                "message": text,
                "signer": verdict.signer,
                "signed_at": verdict.signed_at.isoformat() if verdict.signed_at else None,
                "params": verdict.params,
            }
        )
    elif verdict.ok:
        print(text)
        if verdict.params.get("form"):
            print(_("Printed with the form: {form}").format(form=verdict.params["form"]))
    else:
        sys.stderr.write(text + "\n")
    return EXIT_OK if verdict.ok else EXIT_FAIL


def _zone(name: str | None) -> Any:
    """The zone for the times shown: --tz, else the shop's setting, else the shop default."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from app.domain.settings import ShopSettings

    try:
        return ZoneInfo(name or ShopSettings().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(_("Unknown time zone: {zone}").format(zone=name)) from None


def cmd_cert(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.paper import certificates

    if args.action == "show":
        info = certificates.certificate_info(ctx)
        if args.json:
            emit_json(info)
        elif info is None:
            print(_("No certificate yet: one is made when the first slip is signed."))
        else:
            for key, value in info.items():
                label = INFO_LABELS.get(key)
                print(f"{_(label) if label else key}: {value}")
        return EXIT_OK
    if args.action == "guide":
        if not args.out:
            raise BadInput(_("certificate guide needs --out FILE.pdf"))
        pdf = certificates.check_guide(ctx)
        try:
            Path(args.out).write_bytes(pdf)
        except OSError as exc:
            raise BadInput(
                _("{file} could not be written: {error}").format(
                    file=args.out, error=exc.strerror or str(exc)
                )
            ) from None
        print(_("Guide saved to {path}.").format(path=args.out))
        return EXIT_OK
    if args.action == "share":
        info = certificates.share_certificate(ctx)
        print(
            _("Every PC now signs as “{subject}” (SHA-256 {fingerprint}).").format(
                subject=info.get("subject", ""), fingerprint=info.get("fingerprint", "")
            )
        )
        return EXIT_OK
    if args.action == "export":
        if not args.out:
            raise BadInput(_("certificate export needs --out FILE"))
        out = certificates.export_certificate(ctx, Path(args.out))
        print(_("Certificate saved to {path}.").format(path=out))
        return EXIT_OK
    return _import(ctx, args)


def _import(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.paper.certificates import import_certificate
    from app.services.shop.permissions import Action, require

    require(ctx, Action.SETTINGS)  # before asking for a password the clerk cannot use
    if not args.file:
        raise BadInput(_("certificate import needs the .p12 file"))
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise BadInput(
            _("{file} cannot be read: {error}").format(
                file=args.file, error=exc.strerror or str(exc)
            )
        ) from exc
    password = os.environ.get(P12_PASSWORD_ENV)
    if password is None:
        try:
            password = getpass.getpass(_("Password for {file}: ").format(file=args.file))
        except (EOFError, KeyboardInterrupt):
            raise BadInput(_("No password given.")) from None
    info = import_certificate(ctx, data, password)
    if args.json:
        emit_json(info)
    else:
        print(
            _("Slips are now signed as “{subject}” (SHA-256 {fingerprint}).").format(
                subject=info.get("subject", ""), fingerprint=info.get("fingerprint", "")
            )
        )
    return EXIT_OK
