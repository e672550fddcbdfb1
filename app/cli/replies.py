"""`replies`: returns whose report went to the customer and whose reply is awaited (002)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, emit_json
from app.i18n import _


def register(add: AddVerb) -> None:
    p = add(
        "replies",
        _("returns awaiting the customer's reply to the report, with the days left"),
        cmd_replies,
    )
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_replies(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.replies import awaiting_reply

    rows = awaiting_reply(ctx)
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        print(
            f"{r.number}  {r.rma_number}  {r.customer_name}  "
            + _("{days} days left (closes as accepted on {date})").format(
                days=r.days_left, date=r.closes_on.isoformat()
            )
        )
    return EXIT_OK
