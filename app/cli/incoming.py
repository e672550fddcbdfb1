"""What comes into the shop outside a case: parts bought in (`stock-in`) and the deposits dealers
pay onto their accounts (`dealer-deposit`). The manager on duty or the owner books them; each
verb is one service call in one transaction, and a refusal exits 2 and writes nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, emit_json
from app.i18n import _


def register(add: AddVerb) -> None:
    p = add(
        "stock-in", _("book spare parts bought in (a new part number is created)"), cmd_stock_in
    )
    p.add_argument("part_no", help=_("the part number"))
    p.add_argument("--qty", required=True, help=_("how many came in"))
    p.add_argument("--cost", default=None, help=_("unit cost, e.g. 120.00 (needed for a new part)"))
    p.add_argument("--supplier", default="", help=_("who delivered them"))
    p.add_argument("--name", default="", help=_("the part's name (needed for a new part)"))
    p.add_argument("--price", default=None, help=_("selling price, e.g. 199.00"))
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")

    p = add("dealer-deposit", _("book a dealer's deposit onto their account"), cmd_dealer_deposit)
    p.add_argument("dealer", help=_("the dealer: #id, phone or one of their case numbers"))
    p.add_argument("--amount", required=True)
    p.add_argument("--route", required=True, help="cash|bank|wechat|alipay")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")


def cmd_stock_in(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import stock_in

    done = stock_in(
        ctx,
        args.part_no,
        args.qty,
        args.cost,
        args.supplier,
        args.note,
        name=args.name,
        price=args.price,
    )
    if args.json:
        emit_json(done)
    else:
        print(
            _("{part_no} {name}: +{quantity}, {stock} in stock").format(
                part_no=done.part_no, name=done.name, quantity=done.quantity, stock=done.stock
            )
        )
    return EXIT_OK


def cmd_dealer_deposit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.dealers import dealer_deposit

    account = dealer_deposit(ctx, args.dealer, args.amount, args.route, args.note)
    if args.json:
        emit_json(account)
    else:
        print(_("{name}: balance {balance}").format(name=account.name, balance=account.balance))
    return EXIT_OK
