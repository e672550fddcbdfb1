"""Account and privacy verbs: user add/list/pin/disable/unlock, owner-setup, customer export/erase.

Secrets never go on the command line (they would land in the shell history): the acting user's
PIN comes from AFTERDESK_PIN or a prompt, a new PIN from AFTERDESK_NEW_PIN or a prompt asked
twice.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, Parser, emit_json, global_options
from app.i18n import _

PIN_ENV = "AFTERDESK_PIN"
NEW_PIN_ENV = "AFTERDESK_NEW_PIN"
ROLE_ALIASES = {"desk": "front_desk", "tech": "technician", "owner": "owner"}


def sign_in(data_dir: Path, name: str) -> Any:
    """The context for `--user NAME`: the PIN from AFTERDESK_PIN, else asked for."""
    from app.services.shop.accounts import login

    secret = os.environ.get(PIN_ENV)
    if secret is None:
        secret = _prompt(_("PIN for {name}: ").format(name=name))
    return login(data_dir, name, secret)


def _prompt(text: str) -> str:
    try:
        return getpass.getpass(text)
    except (EOFError, KeyboardInterrupt):
        raise BadInput(_("No PIN given.")) from None


def _new_secret(name: str) -> str:
    secret = os.environ.get(NEW_PIN_ENV)
    if secret is not None:
        return secret
    first = _prompt(_("New PIN or password for {name}: ").format(name=name))
    if _prompt(_("Again, to confirm: ")) != first:
        raise BadInput(_("The two entries differ; nothing was changed."))
    return first


def _nested(p: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return p.add_subparsers(dest=dest, required=True, parser_class=Parser, metavar="ACTION")


def _sub(subs: argparse._SubParsersAction, name: str, help_text: str, handler: Any) -> Any:
    p = subs.add_parser(name, help=help_text, description=help_text)
    global_options(p, top=False)  # `user add bob --data-dir X` works as everywhere else
    p.set_defaults(action=handler)
    return p


def register(add: AddVerb) -> None:
    p = add("user", _("staff accounts: add, list, set a PIN, disable, unlock"), _dispatch)
    subs = _nested(p, "user_action")
    a = _sub(subs, "add", _("add a staff account (PIN from AFTERDESK_NEW_PIN or a prompt)"), _add)
    a.add_argument("name")
    a.add_argument("--role", required=True, help=_("desk|tech|owner"))
    a.add_argument("--display", default="", help=_("name shown on records and slips"))
    a.add_argument("--manager", action="store_true", help=_("front desk: manager on duty"))
    a = _sub(subs, "list", _("list staff accounts"), _list)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "pin", _("set someone's PIN (owner; also lifts a lock)"), _pin)
    a.add_argument("name")
    a = _sub(subs, "disable", _("stop an account signing in"), _disable)
    a.add_argument("name")
    a = _sub(subs, "unlock", _("lift a sign-in lock now"), _unlock)
    a.add_argument("name")

    p = add(
        "owner-setup",
        _("first run: create the owner's account"),
        cmd_owner_setup,
        anonymous_ok=True,  # refused by the service once an owner exists
    )
    p.add_argument("name")
    p.add_argument("--display", default="", help=_("name shown on records and slips"))
    p.add_argument("--shop-name", default=None, help=_("the shop's name, printed on every slip"))
    p.add_argument("--address", default=None, help=_("the shop's address"))
    p.add_argument("--hotline", default=None, help=_("the shop's service hotline"))
    p.add_argument(
        "--return-address",
        default=None,
        help=_("where customers send devices (default: the shop's address)"),
    )

    p = add("customer", _("one customer's personal data: export or erase"), _dispatch)
    subs = _nested(p, "customer_action")
    a = _sub(subs, "export", _("write everything about one customer to a JSON file"), _export)
    a.add_argument("key", metavar="PHONE_OR_ID")
    a.add_argument("--out", required=True, metavar="FILE.json")
    a = _sub(subs, "erase", _("anonymise a customer on request (keeps money and history)"), _erase)
    a.add_argument("key", metavar="PHONE_OR_ID")
    a.add_argument("--yes", action="store_true", help=_("confirm: this cannot be undone"))


def _dispatch(ctx: Any, args: argparse.Namespace) -> int:
    return args.action(ctx, args)


# --- accounts ------------------------------------------------------------------------------------


def _add(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import add_user

    role = ROLE_ALIASES.get(args.role.strip().lower(), args.role)
    user = add_user(
        ctx, args.name, args.display, role, _new_secret(args.name), is_manager=args.manager
    )
    print(_("Account {name} added.").format(name=user.name))
    return EXIT_OK


def _role_label(code: str) -> str:
    return {"owner": _("owner"), "front_desk": _("front desk"), "technician": _("technician")}.get(
        code, code
    )


def _list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import list_users

    users = list_users(ctx)
    if args.json:
        emit_json(users)
        return EXIT_OK
    now = ctx.now()
    for u in users:
        flags = []
        if u.is_manager:
            flags.append(_("manager"))
        if not u.active:
            flags.append(_("disabled"))
        if u.demo_pin:
            flags.append(_("demo PIN"))
        if u.locked_until and u.locked_until > now:
            until = ctx.local(u.locked_until).strftime("%Y-%m-%d %H:%M")
            flags.append(_("locked until {until}").format(until=until))
        extra = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{u.name}  {u.display_name}  {_role_label(u.role)}{extra}")
    return EXIT_OK


def _pin(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import set_pin

    user = set_pin(ctx, args.name, _new_secret(args.name))
    print(_("PIN of {name} changed.").format(name=user.name))
    return EXIT_OK


def _disable(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import deactivate

    user = deactivate(ctx, args.name)
    print(_("Account {name} disabled.").format(name=user.name))
    return EXIT_OK


def _unlock(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import unlock

    user = unlock(ctx, args.name)
    print(_("Account {name} unlocked.").format(name=user.name))
    return EXIT_OK


def cmd_owner_setup(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.accounts import create_owner

    given = {
        "shop_name": args.shop_name,
        "shop_address": args.address,
        "shop_hotline": args.hotline,
        "shop_return_address": args.return_address,
    }
    shop = {k: v or "" for k, v in given.items()} if any(given.values()) else None
    user = create_owner(args.name, args.display, _new_secret(args.name), shop=shop, clock=ctx.clock)
    print(_("Owner account {name} created.").format(name=user.name))
    if shop is None:
        sys.stderr.write(
            _(
                "Warning: the shop's name, address and hotline are not set: slips print them "
                "empty. Give --shop-name, --address, --hotline and --return-address, or set "
                "shop.* in the settings."
            )
            + "\n"
        )
    print(
        _(
            "Recovery code: {code}. Write it down and keep it away from the PC: it signs the "
            "owner in when the PIN is forgotten or the account is locked. It is shown only now."
        ).format(code=user.recovery_code)
    )
    return EXIT_OK


# --- privacy -------------------------------------------------------------------------------------


def _export(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.safekeeping.privacy import export_customer

    data = export_customer(ctx, args.key)
    out = Path(args.out)
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(_("Cannot write {file}: {error}").format(file=out, error=exc)) from None
    print(
        _("Customer #{id}: {cases} cases written to {file}.").format(
            id=data["customer"]["id"], cases=len(data["cases"]), file=out
        )
    )
    return EXIT_OK


def _erase(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.safekeeping.privacy import erase_customer

    done = erase_customer(ctx, args.key, confirm_owner=args.yes)
    print(
        _("Customer #{id} erased (now “{name}”); backup first: {backup}").format(
            id=done["customer"], name=done["name"], backup=done["backup"]
        )
    )
    return EXIT_OK
