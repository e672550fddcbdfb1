"""Spare parts, suppliers and dealers' statements on the command line.

`parts list|show|add|edit|adjust|return-to-supplier|reorder|valuation`,
`suppliers list|add|edit|recovery|statement` and `dealer-statement DEALER --from --to --out`. Each
changing verb is one service call in one transaction (the manager on duty or the owner); a
refusal exits 2 with one line and writes nothing. Deliveries stay `stock-in` (app.cli.incoming).
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, Parser, emit_json, global_options
from app.domain.money import format_money
from app.i18n import _, ngettext
from app.i18n.labels import STOCK_REASONS, label


def _nested(p: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return p.add_subparsers(dest=dest, required=True, parser_class=Parser, metavar="ACTION")


def _sub(
    subs: argparse._SubParsersAction,
    name: str,
    help_text: str,
    handler: Any,
    aliases: tuple[str, ...] = (),
) -> Any:
    p = subs.add_parser(name, help=help_text, description=help_text, aliases=list(aliases))
    global_options(p, top=False)
    p.set_defaults(action=handler)
    return p


def _part_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fits", default=None, help=_("the products it fits"))
    p.add_argument("--cost", default=None, help=_("unit cost, e.g. 120.00"))
    p.add_argument("--price", default=None, help=_("selling price, e.g. 199.00"))
    p.add_argument("--reorder-level", default=None, help=_("order more below this many"))
    p.add_argument("--location", default=None, help=_("shelf or bin"))


def _supplier_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contact", default=None, help=_("the person to ask for"))
    p.add_argument("--phone", default=None)
    p.add_argument("--address", default=None)
    p.add_argument("--terms", default=None, help=_("payment terms, e.g. 月结30天"))
    p.add_argument("--notes", default=None)


def register(add: AddVerb) -> None:
    p = add(
        "parts",
        _("spare parts and stock: list, show, add, edit, adjust, return, reorder, valuation"),
        _dispatch,
    )
    subs = _nested(p, "parts_action")
    a = _sub(subs, "list", _("list the parts with their stock"), _parts_list)
    a.add_argument("search", nargs="?", default="")
    a.add_argument("--below-reorder", action="store_true", help=_("only parts to order"))
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "show", _("one part and its movements"), _parts_show)
    a.add_argument("part_no")
    a.add_argument("--on", default=None, help=_("stock on hand at the end of this day"))
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "add", _("add a part (no stock yet: stock-in or an import brings it)"), _add)
    a.add_argument("part_no")
    a.add_argument("--name", required=True)
    _part_fields(a)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "edit", _("change a part's details (only those given)"), _edit)
    a.add_argument("part_no")
    a.add_argument("--name", default=None)
    _part_fields(a)
    a.add_argument("--active", choices=("yes", "no"), default=None)
    a.add_argument("--note", default="", help=_("why (kept in the history)"))
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "adjust", _("correct the count: count, damage or loss"), _adjust)
    a.add_argument("part_no")
    a.add_argument("--qty", required=True, help=_("the change, e.g. -1 or +2"))
    a.add_argument("--reason", required=True, help="count|damage|loss")
    a.add_argument("--note", required=True, help=_("what happened"))
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "return-to-supplier", _("send parts back to a supplier"), _return, ("return",))
    a.add_argument("part_no")
    a.add_argument("--qty", required=True)
    a.add_argument("--supplier", required=True)
    a.add_argument("--cost", default=None, help=_("unit value (default: the part's cost)"))
    a.add_argument("--note", default="")
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "reorder", _("parts below their reorder level"), _reorder)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "valuation", _("the stock's value at the end of a day"), _valuation)
    a.add_argument("--on", default=None, help=_("the day (default: today)"))
    a.add_argument("--json", action="store_true")

    p = add("suppliers", _("suppliers: list, add, edit, recovery, statement"), _dispatch)
    subs = _nested(p, "suppliers_action")
    a = _sub(subs, "list", _("list the suppliers"), _suppliers_list)
    a.add_argument("search", nargs="?", default="")
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "add", _("add a supplier"), _supplier_add)
    a.add_argument("name")
    _supplier_fields(a)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "edit", _("change a supplier's details (only those given)"), _supplier_edit)
    a.add_argument("supplier", help=_("its name or #id"))
    a.add_argument("--name", default=None, help=_("a new name"))
    _supplier_fields(a)
    a.add_argument("--active", choices=("yes", "no"), default=None)
    a.add_argument("--json", action="store_true")
    a = _sub(
        subs,
        "recovery",
        _("book money a supplier paid back on a supplier-liable return"),
        _recovery,
    )
    a.add_argument("supplier", help=_("its name or #id"))
    a.add_argument("number", help=_("the return's case or RMA number"))
    a.add_argument("--amount", required=True)
    a.add_argument("--route", required=True, help="original|alipay|wechat|cash|bank")
    a.add_argument("--note", default="")
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "statement", _("what went back to a supplier and what it paid back"), _statement)
    a.add_argument("supplier", help=_("its name or #id"))
    a.add_argument("--from", dest="date_from", default=None, help=_("first day (YYYY-MM-DD)"))
    a.add_argument("--to", dest="date_to", default=None, help=_("last day (YYYY-MM-DD)"))
    a.add_argument("--json", action="store_true")

    p = add(
        "dealer-statement",
        _("a dealer's account statement for a period, as a signed PDF"),
        cmd_dealer_statement,
    )
    p.add_argument("dealer", help=_("the dealer: #id, phone or one of their case numbers"))
    p.add_argument("--from", dest="date_from", default=None, help=_("first day (YYYY-MM-DD)"))
    p.add_argument("--to", dest="date_to", default=None, help=_("last day (YYYY-MM-DD)"))
    p.add_argument("--out", default=None, help=_("also write the PDF here"))
    p.add_argument(
        "--slip-lang",
        choices=("zh", "en"),
        default=None,
        help=_("language of the slip (default: the printing.slip_language setting)"),
    )
    p.add_argument("--json", action="store_true")


def _dispatch(ctx: Any, args: argparse.Namespace) -> int:
    return int(args.action(ctx, args))


def _given(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    values = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    if getattr(args, "active", None) is not None:
        values["active"] = args.active == "yes"
    return values


PART_FIELDS = ("name", "fits", "cost", "price", "reorder_level", "location")
SUPPLIER_FIELDS = ("contact", "phone", "address", "terms", "notes")


def _money(ctx: Any, value: Any) -> str:
    return format_money(value, ctx.settings.shop.currency)


def _part_line(ctx: Any, p: Any) -> str:
    flag = "  ↓" if p.below_reorder else ""
    off = "" if p.active else "  " + _("(inactive)")
    return (
        f"{p.part_no:<14} {p.name}  {_('stock')} {p.stock}/{p.reorder_level}  "
        f"{_money(ctx, p.cost)}  {p.location}{flag}{off}"
    ).rstrip()


def _parts_list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import list_parts

    parts = list_parts(ctx, args.search, below_reorder=args.below_reorder)
    if args.json:
        emit_json(parts)
    else:
        for p in parts:
            print(_part_line(ctx, p))
    return EXIT_OK


def _reorder(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import reorder_list

    parts = reorder_list(ctx)
    if args.json:
        emit_json(parts)
    else:
        for p in parts:
            print(
                _("{part_no} {name}: {stock} in stock, reorder level {level}").format(
                    part_no=p.part_no, name=p.name, stock=p.stock, level=p.reorder_level
                )
            )
    return EXIT_OK


def _parts_show(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import movements, part_view, stock_on_hand

    part = part_view(ctx, args.part_no)
    moves = movements(ctx, args.part_no)
    on = stock_on_hand(ctx, args.part_no, args.on) if args.on else part.stock
    if args.json:
        emit_json({"part": part, "on_hand": on, "movements": moves})
        return EXIT_OK
    print(_part_line(ctx, part))
    if args.on:
        print(_("On hand at the end of {day}: {qty}").format(day=args.on, qty=on))
    for m in moves:
        when = ctx.local(m.at).strftime("%Y-%m-%d %H:%M")
        extra = "  ".join(t for t in (m.supplier, m.ticket, m.note) if t)
        print(
            f"{when}  {m.qty:+d}  {label(STOCK_REASONS, m.reason)}  "
            f"{_money(ctx, m.unit_cost)}  {m.by}  {extra}".rstrip()
        )
    return EXIT_OK


def _done(ctx: Any, args: argparse.Namespace, part: Any) -> int:
    if args.json:
        emit_json(part)
    else:
        print(_part_line(ctx, part))
    return EXIT_OK


def _add(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import create_part

    values = _given(args, *PART_FIELDS[1:])
    return _done(ctx, args, create_part(ctx, args.part_no, args.name, **values))


def _edit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import edit_part

    return _done(ctx, args, edit_part(ctx, args.part_no, args.note, **_given(args, *PART_FIELDS)))


def _adjust(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import adjust_stock

    return _done(ctx, args, adjust_stock(ctx, args.part_no, args.qty, args.reason, args.note))


def _return(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import return_to_supplier

    part = return_to_supplier(
        ctx, args.part_no, args.qty, args.supplier, args.note, unit_cost=args.cost
    )
    return _done(ctx, args, part)


def _valuation(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.stock import valuation

    v = valuation(ctx, args.on)
    if args.json:
        emit_json({"on": v.on, "lines": v.lines, "units": v.units, "total": v.total})
        return EXIT_OK
    for ln in v.lines:
        print(f"{ln.part_no:<14} {ln.name}  {ln.qty}  {_money(ctx, ln.value)}")
    print(
        _("Stock on {day}: {units} units, valued {total}").format(
            day=v.on.isoformat(), units=v.units, total=_money(ctx, v.total)
        )
    )
    return EXIT_OK


# --- suppliers -------------------------------------------------------------------------------


def _supplier_line(s: Any) -> str:
    off = "" if s.active else "  " + _("(inactive)")
    text = "  ".join(t for t in (s.contact, s.phone, s.terms) if t)
    return f"#{s.id} {s.name}  {text}{off}".rstrip()


def _suppliers_list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.suppliers import list_suppliers

    found = list_suppliers(ctx, args.search)
    if args.json:
        emit_json(found)
    else:
        for s in found:
            print(_supplier_line(s))
    return EXIT_OK


def _supplier_done(args: argparse.Namespace, s: Any) -> int:
    if args.json:
        emit_json(s)
    else:
        print(_supplier_line(s))
    return EXIT_OK


def _supplier_add(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.suppliers import add_supplier

    return _supplier_done(args, add_supplier(ctx, args.name, **_given(args, *SUPPLIER_FIELDS)))


def _supplier_edit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.suppliers import edit_supplier

    values = _given(args, "name", *SUPPLIER_FIELDS)
    return _supplier_done(args, edit_supplier(ctx, args.supplier, **values))


def _recovery(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.suppliers import book_recovery

    done = book_recovery(ctx, args.supplier, args.number, args.amount, args.route, args.note)
    if args.json:
        emit_json(done)
    else:
        print(
            _("{number}: recovered {amount} from {supplier}").format(
                number=done.case_number, amount=_money(ctx, done.amount), supplier=args.supplier
            )
        )
    return EXIT_OK


def _statement(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.suppliers import supplier_statement

    st = supplier_statement(ctx, args.supplier, args.date_from, args.date_to)
    if args.json:
        emit_json(
            {
                "supplier": st.supplier,
                "from": st.date_from,
                "to": st.date_to,
                "lots": st.lots,
                "recoveries": st.recoveries,
                "returned_value": st.returned_value,
                "recovered": st.recovered,
                "outstanding": st.outstanding,
            }
        )
        return EXIT_OK
    print(f"{st.supplier.name}  {st.date_from.isoformat()} – {st.date_to.isoformat()}")
    for lot in st.lots:
        when = ctx.local(lot.at).strftime("%Y-%m-%d")
        print(f"  {when}  {lot.reference}  {lot.description}  ×{lot.qty}  {_money(ctx, lot.value)}")
    for r in st.recoveries:
        when = ctx.local(r.at).strftime("%Y-%m-%d")
        print(f"  {when}  {r.case_number}  {_('recovered')} {_money(ctx, r.amount)}  {r.note}")
    print(
        _("Returned {returned}, recovered {recovered}, outstanding {outstanding}").format(
            returned=_money(ctx, st.returned_value),
            recovered=_money(ctx, st.recovered),
            outstanding=_money(ctx, st.outstanding),
        )
    )
    return EXIT_OK


# --- dealers ---------------------------------------------------------------------------------


def cmd_dealer_statement(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.paper.statements import make_dealer_statement

    made = make_dealer_statement(
        ctx, args.dealer, args.date_from, args.date_to, out=args.out, lang=args.slip_lang
    )
    s = made.statement
    if args.json:
        emit_json(
            {
                "dealer": s.name,
                "from": s.date_from,
                "to": s.date_to,
                "opening": s.opening,
                "closing": s.closing,
                "lines": s.lines,
                "file": str(made.out or made.path),
            }
        )
        return EXIT_OK
    print(
        ngettext(
            "{name} {first} – {last}: opening {opening}, closing {closing}, {n} movement",
            "{name} {first} – {last}: opening {opening}, closing {closing}, {n} movements",
            len(s.lines),
        ).format(
            name=s.name,
            first=s.date_from.isoformat(),
            last=s.date_to.isoformat(),
            opening=_money(ctx, s.opening),
            closing=_money(ctx, s.closing),
            n=len(s.lines),
        )
    )
    print(str(made.out or made.path))
    return EXIT_OK
