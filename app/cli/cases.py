"""Case verbs: demo, intake, list, show, move, refund, entitlement."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, BadInput, emit_json, print_status
from app.i18n import _
from app.i18n.event_texts import describe
from app.i18n.labels import CATEGORIES, KINDS, REASONS, STATUSES, label
from app.services.casework import intake_fields


def register(add: AddVerb) -> None:
    p = add("demo", _("fill the data folder with realistic demo data"), cmd_demo)
    p.add_argument(
        "--cases",
        type=int,
        default=None,
        help=_(
            "how many cases (default 300; 20 to 5000; never fewer than the ~120 that show "
            "every state)"
        ),
    )

    p = add("intake", _("take a new after-sales request"), cmd_intake)
    add_field_options(p, intake_fields.cli_fields())
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = add("list", _("list cases"), cmd_list)
    p.add_argument("--kind", default="")
    p.add_argument("--status", default="")
    p.add_argument("--search", default="")
    p.add_argument("--overdue", action="store_true", help=_("only overdue open cases"))
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")

    p = add("show", _("show one case with its history"), cmd_show)
    p.add_argument("number")
    p.add_argument("--json", action="store_true")

    p = add("move", _("move a case to another status"), cmd_move)
    p.add_argument("number")
    p.add_argument("status")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")

    p = add("refund", _("pay a refund on a case (checks the refund rules)"), cmd_refund)
    p.add_argument("number")
    p.add_argument("--amount", required=True)
    p.add_argument("--route", default="", help="original|alipay|wechat|cash|bank")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")

    p = add(
        "entitlement",
        _("three-guarantee entitlement for a purchase"),
        cmd_entitlement,
        anonymous_ok=True,  # a rule calculation: reads no one's data
    )
    p.add_argument("--category", required=True)
    p.add_argument("--sold", required=True)
    p.add_argument("--on", default=None)
    p.add_argument("--man-made", action="store_true")
    p.add_argument("--gift", action="store_true")
    p.add_argument("--unused", action="store_true", help=_("unused and resalable"))
    p.add_argument("--not-intact", action="store_true", help=_("appearance/accessories damaged"))
    p.add_argument("--json", action="store_true")


def cmd_demo(ctx: Any, args: argparse.Namespace) -> int:
    from app.demo import make_demo

    cases = getattr(args, "cases", None)
    if cases is not None and not 20 <= cases <= 5000:
        raise BadInput(_("--cases: between 20 and 5000"))
    summary = make_demo(ctx) if cases is None else make_demo(ctx, cases=cases)
    print(_("Demo data ready: {cases} cases, {customers} customers.").format(**summary))
    accounts = summary["accounts"]
    print(_("Demo accounts (PIN {pin} — change it before real use):").format(pin=summary["pin"]))
    for key, role in (("owner", _("owner")), ("desk", _("front desk")), ("tech", _("technician"))):
        print(f"  {accounts[key]}  ({role})")
    return EXIT_OK


def add_field_options(p: argparse.ArgumentParser, fields: Any) -> None:
    """One option per declared field: its name, its label and choices as help. Nothing is
    required or checked here: the service refuses what is wrong, naming the field (exit 2)."""
    for f in fields:
        if f.kind == "check":
            p.add_argument(f.option, dest=f.name, action="store_true", help=field_help(f))
        else:
            p.add_argument(f.option, dest=f.name, default=None, help=field_help(f))


def field_help(f: Any) -> str:
    """The option's help: label, "(required)", the codes it takes and the field's hint."""
    text = _(f.label)
    if f.required:
        text += " " + _("(required)")
    if f.choices:
        text += ": " + "|".join(code.replace("_", "-") for code, _label in f.choices)
    if f.hint:
        text += " — " + _(f.hint)
    return text


def cmd_intake(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.cases import show_case
    from app.services.casework.intake import IntakeForm, take_intake

    values = {f.name: getattr(args, f.name, None) for f in intake_fields.cli_fields()}
    form = IntakeForm.from_values({k: v for k, v in values.items() if v is not False})
    case = take_intake(ctx, form)
    from app.services.casework.cases import show_case as _show

    same = _show(ctx, case.number).same_order
    if same:
        import sys

        sys.stderr.write(
            _("Warning: order {order} already has case(s) {cases}: one order, one refund.").format(
                order=args.order_no, cases=", ".join(same)
            )
            + "\n"
        )
    if args.json:
        emit_json(show_case(ctx, case.number).to_dict())
    else:
        print(case.number)
    return EXIT_OK


def cmd_list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.cases import CaseFilter, list_cases

    if args.limit is not None and args.limit < 0:
        raise BadInput(_("--limit must be 0 or more"))
    rows = list_cases(
        ctx,
        CaseFilter(
            kind=args.kind.replace("-", "_"),
            status=args.status,
            search=args.search,
            overdue=args.overdue,
        ),
        limit=args.limit,
    )
    if args.json:
        emit_json(rows)
        return EXIT_OK
    for r in rows:
        flag = " !" if r.overdue else ""
        local = ctx.local(r.created_at).strftime("%Y-%m-%d %H:%M")
        print(
            f"{r.number}  {local}  {label(KINDS, r.kind)}  {label(STATUSES, r.status)}{flag}  "
            f"{r.customer_name}  {r.product}  {r.serial}".rstrip()
        )
    return EXIT_OK


def cmd_show(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.cases import show_case

    detail = show_case(ctx, args.number)
    if args.json:
        emit_json(detail.to_dict())
        return EXIT_OK
    print(_format_detail(ctx, detail))
    return EXIT_OK


def _format_detail(ctx: Any, d: Any) -> str:
    out = [
        f"{d.number}  {label(KINDS, d.kind)}  [{label(STATUSES, d.status)}]"
        + ("  " + _("OVERDUE") if d.overdue else ""),
        _("Customer: {name} {phone}").format(name=d.customer.name, phone=d.customer.phone or ""),
    ]
    if d.product:
        out.append(
            _("Product: {name} {spec}").format(name=d.product.name, spec=d.product.model_spec)
        )
    if d.serial:
        out.append(_("Serial/IMEI: {serial}").format(serial=d.serial))
    out.append(_("Reason: {reason}").format(reason=label(REASONS, d.reason)))
    if d.promise_date:
        out.append(_("Promised by: {date}").format(date=d.promise_date.isoformat()))
    if d.repair:
        out.append(_("Repair ticket: {number}").format(number=d.repair.number))
    if d.same_order:
        out.append(_("Same order: {cases}").format(cases=", ".join(d.same_order)))
    if d.rma:
        out.append(_("Return authorisation: {number}").format(number=d.rma.number))
        if d.rma.override_reason:
            out.append(_("Owner override: {reason}").format(reason=d.rma.override_reason))
        if d.rma.goods_due and d.rma.received_at is None and not d.rma.goods_waived_reason:
            out.append(_("Old goods owed back by {date}").format(date=d.rma.goods_due))
    if d.description:
        out.append(_("Description: {text}").format(text=d.description))
    if d.allowed:
        out.append(
            _("Next: {states}").format(
                states=", ".join(f"{label(STATUSES, s)} ({s})" for s in d.allowed)
            )
        )
    out.append(_("History:"))
    for e in d.events:
        when = ctx.local(e.at).strftime("%Y-%m-%d %H:%M")
        what = describe(e.action, e.note, e.data, e.from_state, e.to_state)
        out.append(f"  {when}  {e.actor}  {what}".rstrip())
    return "\n".join(out)


def cmd_move(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.cases import move

    return print_status(ctx, args, move(ctx, args.number, args.status, args.note).number)


def cmd_refund(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.remedies.money import refund

    return print_status(
        ctx, args, refund(ctx, args.number, args.amount, args.note, args.route).number
    )


def cmd_entitlement(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.casework.rules import entitlement_for

    ent = entitlement_for(
        ctx,
        category=args.category,
        sold=args.sold,
        on=args.on,
        man_made=args.man_made,
        gift=args.gift,
        unused=args.unused,
        intact=not args.not_intact,
    )
    if args.json:
        emit_json(ent.to_dict())
        return EXIT_OK
    from app.i18n.rule_texts import entitlement_lines

    print(label(CATEGORIES, str(ent.category)))
    for line in entitlement_lines(ent):
        print(line)
    return EXIT_OK
