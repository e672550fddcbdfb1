"""Return and money verbs: approve, lines, ship first, goods owed, freight, receipt, claims,
orders, money entries and their reversal. Each verb calls one service; a refusal exits 2 with
one line on stderr and writes nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, emit_json, print_status
from app.i18n import _
from app.i18n.labels import MONEY_KINDS, PAY_ROUTES, STATUSES, label


def register(add: AddVerb) -> None:
    p = add("approve", _("approve a return or exchange (checks the three guarantees)"), cmd_approve)
    p.add_argument("number")
    p.add_argument("--note", default="")
    p.add_argument(
        "--override-reason",
        default="",
        help=_("owner only: approve outside the three guarantees (window ended, gift) because …"),
    )
    p.add_argument("--json", action="store_true")

    p = add("add-line", _("add a line to a return authorisation"), cmd_add_line)
    p.add_argument("number")
    p.add_argument("--item", required=True, help=_("what is returned"))
    p.add_argument("--qty", required=True)
    p.add_argument("--price", required=True, help=_("unit price, e.g. 99.00"))
    p.add_argument("--spec", default="")
    p.add_argument("--json", action="store_true")

    p = add("ship-first", _("ship a replacement first (先补发); the old goods are owed"), cmd_ship)
    p.add_argument("number")
    p.add_argument("--note", default="", help=_("what was shipped, carrier, tracking number"))
    p.add_argument("--deposit", default=None, help=_("deposit taken (押金), e.g. 200.00"))
    p.add_argument("--route", default="", help="|".join(PAY_ROUTES))
    p.add_argument("--override-reason", default="")
    p.add_argument("--json", action="store_true")

    p = add("waive-goods", _("owner: the goods owed back are lost or waived"), cmd_waive)
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.add_argument("--lost", action="store_true", help=_("the goods were lost"))
    p.add_argument("--json", action="store_true")

    p = add("goods-owed", _("list replacements shipped first whose goods are not back"), cmd_owed)
    p.add_argument("--json", action="store_true")

    p = add("order", _("the cases of an order number, with paid and refunded totals"), cmd_order)
    p.add_argument("order_no")
    p.add_argument("--json", action="store_true")

    p = add(
        "book", _("book money that is not a refund (charge, recovery, freight refund…)"), cmd_book
    )
    p.add_argument("number")
    p.add_argument("--kind", required=True, help="|".join(MONEY_KINDS))
    p.add_argument("--amount", required=True)
    p.add_argument("--route", default="", help="|".join(PAY_ROUTES))
    p.add_argument("--party", default="", help="shop|customer|dealer|supplier|carrier")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")

    p = add("reverse", _("correct a money entry with a reversing entry"), cmd_reverse)
    p.add_argument("entry", help=_("the money entry's id (see show --json)"))
    p.add_argument("--note", required=True, help=_("why it is reversed"))
    p.add_argument("--json", action="store_true")

    p = add("freight", _("record the return freight and who pays it"), cmd_freight)
    p.add_argument("number")
    p.add_argument("--carrier", default="")
    p.add_argument("--tracking", default="")
    p.add_argument("--payer", default="", help="shop|customer|split")
    p.add_argument("--amount", default=None)
    p.add_argument("--agreed", action="store_true", help=_("the payer was agreed with them"))
    p.add_argument("--json", action="store_true")

    p = add("freight-payer", _("change who pays the freight, on purpose"), cmd_freight_payer)
    p.add_argument("number")
    p.add_argument("--payer", required=True, help="shop|customer|split")
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")

    p = add("receive", _("record the goods received per line"), cmd_receive)
    p.add_argument("number")
    p.add_argument("--line", action="append", default=[], help=_("LINE_ID=QTY received"))
    p.add_argument("--damaged", action="append", default=[], help=_("LINE_ID=QTY damaged"))
    p.add_argument("--package-damaged", action="store_true")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")

    p = add("claims", _("list carrier claims with their deadlines"), cmd_claims)
    p.add_argument("--overdue", action="store_true", help=_("only drafts past the deadline"))
    p.add_argument("--json", action="store_true")


def cmd_approve(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import approve

    return print_status(
        ctx, args, approve(ctx, args.number, args.note, args.override_reason).number
    )


def cmd_add_line(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import add_line

    add_line(ctx, args.number, args.item, args.qty, args.price, spec=args.spec)
    return print_status(ctx, args, args.number)


def cmd_ship(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import ship_first

    case = ship_first(
        ctx,
        args.number,
        args.note,
        deposit=args.deposit,
        route=args.route,
        override_reason=args.override_reason,
    )
    return print_status(ctx, args, case.number)


def cmd_waive(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import waive_goods

    return print_status(
        ctx, args, waive_goods(ctx, args.number, args.reason, lost=args.lost).number
    )


def cmd_owed(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import goods_owed

    rows = goods_owed(ctx)
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        late = _("{days} days overdue").format(days=r.days_overdue) if r.days_overdue else ""
        print(f"{r.number}  {r.rma_number}  {r.customer_name}  {r.due}  {late}".rstrip())
    return EXIT_OK


def cmd_order(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.return_help import order_summary

    s = order_summary(ctx, args.order_no)
    if args.json:
        emit_json(s)
        return EXIT_OK
    print(
        _("Order {order}: paid {paid}, refunded {refunded}").format(
            order=s.order_no, paid=s.paid if s.paid is not None else "—", refunded=s.refunded
        )
    )
    for number, status in s.cases:
        print(f"  {number}  {label(STATUSES, status)}")
    return EXIT_OK


def cmd_book(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.money import record_entry

    entry = record_entry(
        ctx, args.number, args.kind, args.amount, args.route, args.note, args.party
    )
    if args.json:
        emit_json({"entry": entry.id, "kind": entry.kind, "amount": str(entry.amount)})
    else:
        print(f"{entry.id}  {label(MONEY_KINDS, entry.kind)}  {entry.amount}")
    return EXIT_OK


def cmd_reverse(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.money import reverse_money

    entry = reverse_money(ctx, args.entry, args.note)
    if args.json:
        emit_json({"entry": entry.id, "reverses": entry.reverses_id, "amount": str(entry.amount)})
    else:
        print(f"{entry.id}  {label(MONEY_KINDS, entry.kind)}  -{entry.amount}")
    return EXIT_OK


def cmd_freight(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import FreightInput, set_freight

    data = FreightInput(
        carrier=args.carrier,
        tracking_no=args.tracking,
        payer=args.payer,
        amount=args.amount,
        agreed=args.agreed,
    )
    set_freight(ctx, args.number, data)
    return print_status(ctx, args, args.number)


def cmd_freight_payer(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import change_freight_payer

    return print_status(
        ctx, args, change_freight_payer(ctx, args.number, args.payer, args.reason).number
    )


def _pairs(values: list[str], option: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for v in values:
        key, sep, qty = v.partition("=")
        if not sep or not key.strip().isdigit():
            raise BadInput(
                _("{option} takes LINE_ID=QTY, not {value}").format(option=option, value=v)
            )
        out[int(key)] = qty.strip()
    return out


def cmd_receive(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.returns import receive

    case = receive(
        ctx,
        args.number,
        _pairs(args.line, "--line"),  # type: ignore[arg-type]
        package_damaged=args.package_damaged,
        damaged=_pairs(args.damaged, "--damaged"),  # type: ignore[arg-type]
        note=args.note,
    )
    return print_status(ctx, args, case.number)


def cmd_claims(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.return_help import list_claims

    rows = [c for c in list_claims(ctx) if c.overdue or not args.overdue]
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for c in rows:
        due = ctx.local(c.deadline_at).strftime("%Y-%m-%d %H:%M") if c.deadline_at else ""
        flag = "  " + _("OVERDUE") if c.overdue else ""
        print(f"{c.number}  {c.case_number or ''}  {label(STATUSES, c.status)}  {due}{flag}")
    return EXIT_OK
