"""`act NUMBER ACTION [--FIELD VALUE …]` and `act NUMBER --list`: every step of the record view.

The steps and their fields come from `app.services.actions`, so the command line takes exactly
the steps the window's buttons take, with the same checks and the same single event.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, emit_json, print_status
from app.i18n import _


def register(add: AddVerb) -> None:
    p = add(
        "act",
        _("take one step on a record (the record view's buttons); --list shows the steps now"),
        cmd_act,
    )
    p.add_argument("number", help=_("case, repair or RMA number"))
    p.add_argument("action", nargs="?", default="", help=_("the step, e.g. approve, inspect"))
    p.add_argument("--list", action="store_true", help=_("list the steps allowed now"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("fields", nargs=argparse.REMAINDER, help=_("--FIELD VALUE for each field"))


def _options(action: Any, words: list[str]) -> dict[str, object]:
    """`--field value` pairs by the action's fields; a check field may stand alone."""
    by_option = {f.option: f for f in action.fields if f.option}
    raw: dict[str, object] = {}
    i = 0
    while i < len(words):
        word = words[i]
        key, eq, inline = word.partition("=")
        spec = by_option.get(key)
        if spec is None:
            known = " ".join(sorted(by_option)) or _("none")
            raise BadInput(
                _("{action}: unknown option {option} (options: {known})").format(
                    action=action.name, option=word, known=known
                )
            )
        if eq:
            raw[spec.name] = inline
            i += 1
        elif spec.kind == "check" and (i + 1 == len(words) or words[i + 1].startswith("--")):
            raw[spec.name] = True
            i += 1
        elif i + 1 < len(words):
            raw[spec.name] = words[i + 1]
            i += 2
        else:
            raise BadInput(_("{option}: a value is missing").format(option=key))
    return raw


def _describe(action: Any) -> dict[str, Any]:
    return {
        "name": action.name,
        "label": _(action.label),
        "moves_to": action.target or "",
        "help": _(action.help) if action.help else "",
        "fields": [
            {
                "name": f.name,
                "option": f.option,
                "label": _(f.label),
                "kind": f.kind,
                "required": f.required,
                "choices": [code for code, _label in f.choices],
            }
            for f in action.fields
        ],
    }


def cmd_act(ctx: Any, args: argparse.Namespace) -> int:
    from app.services import actions
    from app.services.casework.cases import show_case

    # Options after NUMBER land among the fields (argparse's remainder): take ours back.
    args.list = args.list or "--list" in args.fields
    args.json = args.json or "--json" in args.fields
    if args.list or not args.action or args.action == "--list":
        detail = show_case(ctx, args.number)
        found = [_describe(a) for a in actions.allowed(ctx, detail)]
        if args.json:
            emit_json({"number": detail.number, "status": detail.status, "actions": found})
            return EXIT_OK
        for a in found:
            options = " ".join(
                f"{f['option']}{'' if f['kind'] == 'check' else ' …'}"
                + ("*" if f["required"] else "")
                for f in a["fields"]
            )
            print(f"{a['name']:<18} {a['label']}  {options}".rstrip())
        return EXIT_OK
    action = actions.get(args.action)
    words = [w for w in args.fields if w not in ("--json", "--list")]
    json_out = args.json
    result = actions.run(ctx, args.number, action.name, _options(action, words))
    if isinstance(result, str) and result and result != args.number:
        # A step that opens a new case (spawn-case) answers with the new case's number.
        if json_out:
            emit_json({"number": result})
        else:
            print(result)
        return EXIT_OK
    args.json = json_out
    return print_status(ctx, args, args.number)
