"""The owner's monthly summary: `report --month YYYY-MM --out FILE.pdf [--xlsx FILE.xlsx]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, emit_json
from app.i18n import _


def register(add: AddVerb) -> None:
    p = add("report", _("monthly summary (signed PDF, optional XLSX workbook)"), cmd_report)
    p.add_argument("--month", default=None, help=_("YYYY-MM (default: last month)"))
    p.add_argument("--from", dest="date_from", default=None, help=_("first day, YYYY-MM-DD"))
    p.add_argument("--to", dest="date_to", default=None, help=_("last day, YYYY-MM-DD"))
    p.add_argument("--out", default=None, help=_("write the signed PDF to this file"))
    p.add_argument("--xlsx", default=None, help=_("also write the workbook to this file"))
    p.add_argument("--printer", default=None, help=_("send the summary to this printer"))
    p.add_argument(
        "--send",
        nargs="?",
        const="all",
        default=None,
        metavar="WHO",
        help=_(
            "copy the signed PDF to the recipients' folders (settings report.folder_*): all, "
            "or a comma list of qc, technical, sales, management"
        ),
    )
    p.add_argument("--json", action="store_true", help=_("print the figures as JSON"))


def cmd_report(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.paper import exports, report
    from app.services.paper.figures import current_month, previous_month

    ranged = args.date_from or args.date_to
    if ranged and args.month:
        raise BadInput(_("Give --month or --from/--to, not both."))
    if ranged:
        if not (args.date_from and args.date_to):
            raise BadInput(_("--from and --to go together."))
        rep = report.range_report(ctx, args.date_from, args.date_to)
    else:
        year, month = (
            report.parse_month(args.month) if args.month else previous_month(*current_month(ctx))
        )
        rep = report.month_report(ctx, year, month)
    who: list[str] = []
    if args.send:
        from app.services.paper.delivery import recipient_targets

        who = [] if args.send.strip().lower() == "all" else args.send.split(",")
        recipient_targets(ctx, who)  # a wrong folder stops here, before anything is made
    made = exports.make_report_pdf(ctx, rep)
    out = Path(args.out) if args.out else None
    if out is not None:
        exports.write_atomic(out, made.pdf)
    xlsx = Path(args.xlsx) if args.xlsx else None
    if xlsx is not None:
        exports.write_report_xlsx(ctx, rep, xlsx)
    sent = []
    if args.send:
        from app.services.paper.delivery import send_to_recipients

        sent = send_to_recipients(ctx, made, who)
    if args.printer:
        from app.documents.printing import print_pdf

        print_pdf(made.path, args.printer, title=f"report {rep.current.period.label}")
    if not rep.chain_ok:
        sys.stderr.write(
            _("Warning: the event log check failed (tampering?): run “audit verify”.") + "\n"
        )
    if args.json:
        emit_json(
            {
                "period": rep.current.period.label,
                "file": str(made.path),
                "out": str(out) if out else None,
                "xlsx": str(xlsx) if xlsx else None,
                "sent": {d.recipient: str(d.path) for d in sent},
                "chain_head": rep.chain_head,
                "chain_ok": rep.chain_ok,
                "current": rep.current,
                "previous": rep.previous,
            }
        )
    else:
        for path in (out or made.path, xlsx, *(d.path for d in sent)):
            if path is not None:
                sys.stdout.write(str(path) + "\n")
    return EXIT_OK
