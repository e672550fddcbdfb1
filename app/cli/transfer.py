"""`import` and `export`: a shop's lists from and to spreadsheets (XLSX, or CSV in UTF-8 or GBK).

`import KIND FILE` only previews: every row's outcome and every bad row in plain words, and
exit 2 when any row is bad. `--commit` writes the whole file in one transaction, or nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import EXIT_BAD_INPUT, EXIT_OK, AddVerb, emit_json
from app.i18n import _, ngettext

ACTION_LABELS = {"add": "+", "update": "~", "same": "="}


def register(add: AddVerb) -> None:
    from app.services.shop.tables import kinds

    choices = "|".join(kinds())
    p = add(
        "import",
        _("preview or import a list from an XLSX or CSV file (UTF-8 or GBK)"),
        cmd_import,
    )
    p.add_argument("kind", help=choices)
    p.add_argument("file", help=_("the XLSX or CSV file"))
    p.add_argument(
        "--commit", action="store_true", help=_("write it (without this: only the preview)")
    )
    p.add_argument("--json", action="store_true")

    p = add("export", _("write a list to an XLSX file"), cmd_export)
    p.add_argument("kind", help=choices)
    p.add_argument("out", help=_("the XLSX file to write"))


def cmd_import(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.tables import commit, preview

    result = (commit if args.commit else preview)(ctx, args.kind, args.file)
    if args.json:
        emit_json(result.as_dict())
    else:
        for row in result.rows:
            print(f"{row.line:>5} {ACTION_LABELS[row.action]} {row.label}")
        for error in result.errors:
            print(_("line {line}: {message}").format(line=error.line, message=error.message))
        counts = result.counts
        summary = _("{add} new, {update} changed, {same} already there").format(**counts)
        if result.ignored_columns:
            summary += " · " + _("columns not read: {columns}").format(
                columns=", ".join(result.ignored_columns)
            )
        print(summary if args.commit else _("Preview: {summary}").format(summary=summary))
    if result.errors:
        count = len(result.errors)
        print(
            ngettext(
                "{count} row has errors: nothing is imported until it is fixed.",
                "{count} rows have errors: nothing is imported until they are fixed.",
                count,
            ).format(count=count),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def cmd_export(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.tables import export

    out = export(ctx, args.kind, args.out)
    print(out)
    return EXIT_OK
