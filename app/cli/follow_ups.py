"""`follow-ups`: the follow-up calls (回访) due today or late, for the kinds that must have one."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, emit_json
from app.i18n import _
from app.i18n.labels import KINDS, label


def register(add: AddVerb) -> None:
    p = add("follow-ups", _("follow-up calls due today or late, oldest first"), cmd_follow_ups)
    p.add_argument("--json", action="store_true", help=_("print JSON"))


def cmd_follow_ups(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.follow_ups import follow_ups_due

    rows = follow_ups_due(ctx)
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        late = _("{days} day(s) late").format(days=r.days_late) if r.days_late else _("due today")
        print(f"{r.number}  {label(KINDS, r.kind)}  {r.customer}  {r.phone}  {late}")
    return EXIT_OK
