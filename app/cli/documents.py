"""Printed slips: the print verb (to a PDF file, the slips folder, or a printer)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, emit_json
from app.i18n import _

#: Not a record's slip: the one-page "How to check our slips" guide (forms/check_guide.toml).
GUIDE_FORM = "check-guide"


def register(add: AddVerb) -> None:
    from app.services.paper.documents import FORMS

    p = add("print", _("print a form to PDF or a printer"), cmd_print)
    p.add_argument("number", nargs="?", default=None, help=_("case, repair, RMA or claim number"))
    p.add_argument("--form", required=True, help="|".join((*FORMS, GUIDE_FORM)))
    p.add_argument("--out", default=None, help=_("write the signed PDF to this file"))
    p.add_argument("--printer", default=None, help=_("send the slip to this printer"))
    p.add_argument("--blank", action="store_true", help=_("an empty form to fill in by hand"))
    p.add_argument(
        "--slip-lang",
        choices=("zh", "en"),
        default=None,
        help=_("language of the slip (default: the printing.slip_language setting)"),
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add("sale", _("register a sale at the counter, to print its warranty card"), cmd_sale)
    p.add_argument("--customer", required=True, help=_("the buyer's name"))
    p.add_argument("--phone", required=True, help=_("the buyer's phone"))
    p.add_argument("--product", required=True, help=_("product name"))
    p.add_argument("--spec", default="", help=_("model/spec (规格型号)"))
    p.add_argument(
        "--category",
        default="phone",
        help="phone|battery|headset|memory-card|charger|bluetooth-headset|accessory|other",
    )
    p.add_argument("--imei", default="", help=_("IMEI or serial number"))
    p.add_argument("--date", default=None, help=_("sale date (default: today)"))
    p.add_argument("--price", default=None, help=_("price paid"))
    p.add_argument("--invoice", default="", help=_("invoice number"))
    p.add_argument("--order", default="", help=_("order number"))
    p.add_argument(
        "--print-card",
        action="store_true",
        help=_("also make the warranty card (a signed PDF in the slips folder, ready to print)"),
    )

    p = add(
        "form",
        _("the shop's own form files in <data folder>/forms: list, or approve one (owner)"),
        cmd_form,
    )
    p.add_argument("action", choices=("list", "approve"))
    p.add_argument("name", nargs="?", default=None, help=_("the file to approve, e.g. intake.toml"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_sale(ctx: Any, args: argparse.Namespace) -> int:
    """Register a sale without a case; the card is printed by its IMEI (or invoice number)."""
    from app.services.casework.sales import register_sale
    from app.services.paper.documents import make_slip

    sale = register_sale(
        ctx,
        customer=args.customer,
        phone=args.phone,
        product=args.product,
        model_spec=args.spec,
        category=args.category,
        serial=args.imei,
        sale_date=args.date,
        price=args.price,
        invoice_no=args.invoice,
        order_no=args.order,
    )
    sys.stdout.write(
        _("Sale registered: {key}. Print its card: print {key} --form warranty-card").format(
            key=sale.card_key
        )
        + "\n"
    )
    if args.print_card:
        # A signed PDF in the slips folder, not a printer's job: the history says "saved".
        slip = make_slip(ctx, sale.card_key, "warranty-card", event="slip_saved")
        sys.stdout.write(str(slip.path) + "\n")
    return EXIT_OK


def cmd_form(ctx: Any, args: argparse.Namespace) -> int:
    """A form file in the data folder changes what every slip of that form says, under the
    shop's signature: only the version the owner approved (logged with its hash) is used."""
    from app.services.paper.documents import approve_form, list_form_files

    if args.action == "approve":
        if not args.name:
            raise BadInput(_("Give the form file to approve, e.g. intake.toml."))
        done = approve_form(ctx, args.name)
        print(_("Approved forms/{file} (sha256 {sha}).").format(file=done.name, sha=done.sha256))
        return EXIT_OK
    files = list_form_files(ctx)
    if args.json:
        emit_json(files)
        return EXIT_OK
    for f in files:
        state = _("approved") if f.approved else _("NOT approved: not used")
        print(f"forms/{f.name}  {f.sha256[:16]}  {state}")
    if not files:
        print(_("No form files of the shop's own: every slip uses the program's forms."))
    return EXIT_OK


def cmd_print(ctx: Any, args: argparse.Namespace) -> int:
    from app.i18n.messages import describe
    from app.i18n.setting_labels import shop_blanks_warning
    from app.services.paper.documents import (
        font_warning,
        make_slip,
        missing_shop_details,
        print_slip,
    )

    if args.form.strip().lower().replace("_", "-") == GUIDE_FORM:
        return _print_guide(ctx, args)
    if args.blank and args.number:
        raise BadInput(_("--blank prints an empty form: leave out the number."))
    if not args.blank and not args.number:
        raise BadInput(_("Give the record's number, or --blank for an empty form."))
    lang = args.slip_lang  # None: the shop's slip language setting
    warning = font_warning(ctx)
    if warning:
        from app.domain.errors import DomainError

        sys.stderr.write(describe(DomainError(warning)) + "\n")
    if args.printer:  # "printed" in the history only once the printer accepted the job
        slip = print_slip(
            ctx, args.number, args.form, printer=args.printer, lang=lang, blank=args.blank
        ).slip
    else:
        slip = make_slip(
            ctx, args.number, args.form, lang=lang, blank=args.blank, event="slip_saved"
        )
    blanks = shop_blanks_warning(missing_shop_details(ctx, slip.form))
    if blanks:
        sys.stderr.write(_("Warning: {text}").format(text=blanks) + "\n")
    from app.services.paper.certificates import certificate_warning

    expiring = certificate_warning(ctx)
    if expiring:
        from app.domain.errors import DomainError

        sys.stderr.write(_("Warning: {text}").format(text=describe(DomainError(expiring))) + "\n")
    out = Path(args.out) if args.out else None
    if out is not None:
        _write(out, slip.pdf)
    if args.json:
        emit_json(
            {
                "number": slip.number,
                "form": slip.form,
                "file": str(slip.path),
                "out": str(out) if out else None,
                "printer": args.printer,
            }
        )
    else:
        sys.stdout.write(str(out or slip.path) + "\n")
    return EXIT_OK


def _print_guide(ctx: Any, args: argparse.Namespace) -> int:
    """`print --form check-guide`: the guide for customers, with this shop's root fingerprints,
    to a file (--out) or a printer; it belongs to no record, so no number."""
    from app.services.paper.certificates import check_guide, print_check_guide

    if args.number:
        raise BadInput(_("The guide belongs to no record: leave out the number."))
    if not args.out and args.printer is None:
        raise BadInput(_("Give --out FILE.pdf or --printer for the guide."))
    pdf = check_guide(ctx, lang=args.slip_lang)
    out = Path(args.out) if args.out else None
    if out is not None:
        _write(out, pdf)
    job = print_check_guide(ctx, pdf, args.printer) if args.printer is not None else None
    if args.json:
        emit_json({"form": GUIDE_FORM, "out": str(out) if out else None, "job": job})
    else:
        if out is not None:
            sys.stdout.write(str(out) + "\n")
        if job is not None:
            sys.stdout.write(_("Sent to the printer (job {job}).").format(job=job) + "\n")
    return EXIT_OK


def _write(path: Path, content: bytes) -> None:
    """Write the whole file or nothing (temp file in the same folder, then rename)."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise BadInput(_("No such folder: {folder}").format(folder=folder))
    fd, tmp = tempfile.mkstemp(prefix=".afterdesk-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
