"""`customers`: the customer list from the command line (list, show, edit, merge).

Showing a customer is written to the access log, as in the window. Edits and merges need a
reason (--reason), which goes into the history.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, emit_json
from app.cli.products import _dispatch, _nested, _sub
from app.i18n import _
from app.i18n.labels import KINDS, MONEY_KINDS, STATUSES, label

FIELDS = (
    ("--name", "name"),
    ("--phone", "phone"),
    ("--phone2", "phone2"),
    ("--address", "address"),
    ("--notes", "notes"),
    ("--kind", "kind"),
    ("--class", "service_class"),
)


def register(add: AddVerb) -> None:
    p = add("customers", _("the customer list: list, show, add, edit, merge"), _dispatch)
    subs = _nested(p, "customers_action")
    a = _sub(
        subs, "list", _("list customers (search by name or the first digits of a phone)"), _list
    )
    a.add_argument("search", nargs="?", default="")
    a.add_argument("--kind", default="", help="consumer|business|dealer")
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "show", _("one customer's details, cases and money (logged)"), _show)
    a.add_argument("customer", metavar="PHONE_OR_ID")
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "add", _("add a customer who has no case yet (a business, a dealer)"), _add)
    for option, name in FIELDS:
        a.add_argument(option, dest=name, default=None)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "edit", _("change a customer's details, kind or class (with a reason)"), _edit)
    a.add_argument("customer", metavar="PHONE_OR_ID")
    for option, name in FIELDS:
        a.add_argument(option, dest=name, default=None)
    a.add_argument("--reason", default="", help=_("why (required; kept in the history)"))
    a.add_argument("--json", action="store_true")
    a = _sub(
        subs,
        "merge",
        _("merge a duplicate customer into the one kept (cases, sales, dealer account move)"),
        _merge,
    )
    a.add_argument("keep", metavar="KEEP")
    a.add_argument("duplicate", metavar="DUPLICATE")
    a.add_argument("--reason", default="", help=_("why (required; kept in the history)"))
    a.add_argument("--json", action="store_true")


def _list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.customers import list_customers

    rows = list_customers(ctx, args.search, kind=args.kind)
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for c in rows:
        balance = f"¥{c.dealer_balance}" if c.kind == "dealer" else ""
        cases = _("{count} cases").format(count=c.cases)
        parts = (f"#{c.id}", c.name, c.phone, c.phone2, c.kind, c.service_class, cases, balance)
        print("  ".join(x for x in parts if x))
    return EXIT_OK


def _print_detail(d: Any) -> None:
    print(f"#{d.id} {d.name}  {d.phone} {d.phone2}".rstrip())
    if d.address:
        print(d.address)
    print(
        _("Kind {kind}, class {service_class}").format(kind=d.kind, service_class=d.service_class)
    )
    if d.kind == "dealer":
        print(_("Dealer balance: ¥{balance}").format(balance=d.dealer_balance))
    for c in d.cases:
        when = c.created_at.date().isoformat()
        what = (c.number, label(KINDS, c.kind), label(STATUSES, c.status), when, c.product)
        print("  " + "  ".join(x for x in what if x))
    for kind, amount in d.money.items():
        print(f"  {label(MONEY_KINDS, kind)}: ¥{amount}")


def _show(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.customers import show_customer

    detail = show_customer(ctx, args.customer)
    if args.json:
        emit_json(detail)
    else:
        _print_detail(detail)
    return EXIT_OK


def _add(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.customers import add_customer

    values = {name: getattr(args, name) for _o, name in FIELDS if getattr(args, name) is not None}
    detail = add_customer(ctx, values)
    if args.json:
        emit_json(detail)
    else:
        _print_detail(detail)
    return EXIT_OK


def _edit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.customers import edit_customer

    changes = {name: getattr(args, name) for _o, name in FIELDS if getattr(args, name) is not None}
    detail = edit_customer(ctx, args.customer, changes, args.reason)
    if args.json:
        emit_json(detail)
    else:
        _print_detail(detail)
    return EXIT_OK


def _merge(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.customers import merge_customers

    done = merge_customers(ctx, args.keep, args.duplicate, args.reason)
    if args.json:
        emit_json(done)
    else:
        print(
            _("#{merged} merged into #{kept} {name}: {cases} cases moved").format(
                merged=done.merged_id, kept=done.kept.id, name=done.kept.name, cases=len(done.cases)
            )
        )
    return EXIT_OK
