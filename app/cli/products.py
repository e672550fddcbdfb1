"""`products`: the catalogue from the command line (list, add, edit, merge).

Each action is one service call; bad input exits 2 with one line and writes nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_OK, AddVerb, Parser, emit_json, global_options
from app.i18n import _

#: option -> field of services.shop.products.EDITABLE
FIELDS = (
    ("--name", "name"),
    ("--model", "model_spec"),
    ("--brand", "brand"),
    ("--category", "category"),
    ("--barcode", "barcode"),
    ("--price", "price"),
    ("--warranty-months", "warranty_months"),
    ("--unit", "unit"),
)


def _nested(p: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    return p.add_subparsers(dest=dest, required=True, parser_class=Parser, metavar="ACTION")


def _sub(subs: argparse._SubParsersAction, name: str, help_text: str, handler: Any) -> Any:
    p = subs.add_parser(name, help=help_text, description=help_text)
    global_options(p, top=False)  # `products list --data-dir X` works as everywhere else
    p.set_defaults(action=handler)
    return p


def _dispatch(ctx: Any, args: argparse.Namespace) -> int:
    return args.action(ctx, args)


def register(add: AddVerb) -> None:
    p = add("products", _("the products catalogue: list, add, edit, merge"), _dispatch)
    subs = _nested(p, "products_action")
    a = _sub(subs, "list", _("list products (search by name, model, brand or barcode)"), _list)
    a.add_argument("search", nargs="?", default="")
    a.add_argument("--all", action="store_true", help=_("also products off the catalogue"))
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "add", _("add a product to the catalogue"), _add)
    a.add_argument("name")
    for option, _field in FIELDS[1:]:
        a.add_argument(option, default=None)
    a.add_argument("--json", action="store_true")
    a = _sub(subs, "edit", _("change a product (manager or owner)"), _edit)
    a.add_argument("product", metavar="#ID_OR_BARCODE")
    for option, _field in FIELDS:
        a.add_argument(option, default=None)
    state = a.add_mutually_exclusive_group()
    state.add_argument("--deactivate", action="store_true", help=_("take it off the catalogue"))
    state.add_argument("--activate", action="store_true", help=_("put it back"))
    a.add_argument("--json", action="store_true")
    a = _sub(
        subs,
        "merge",
        _("merge a duplicate into the product kept (its cases, sales, return lines move)"),
        _merge,
    )
    a.add_argument("keep", metavar="KEEP")
    a.add_argument("duplicate", metavar="DUPLICATE")
    a.add_argument("--json", action="store_true")


def _line(p: Any) -> str:
    price = f"¥{p.price}"
    months = _("{months} months").format(months=p.warranty_months) if p.warranty_months else ""
    state = "" if p.active else _("(off the catalogue)")
    parts = (f"#{p.id}", p.barcode, p.label, price, months, state)
    return "  ".join(x for x in parts if x)


def _list(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.products import list_products

    rows = list_products(ctx, args.search, inactive=args.all)
    if args.json:
        emit_json(rows)
    else:
        for p in rows:
            print(_line(p))
    return EXIT_OK


def _values(args: argparse.Namespace, fields: Any) -> dict[str, Any]:
    out = {}
    for option, name in fields:
        value = getattr(args, option[2:].replace("-", "_"))
        if value is not None:
            out[name] = value
    return out


def _add(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.products import add_product

    values = _values(args, FIELDS[1:])
    p = add_product(ctx, args.name, values.pop("model_spec", ""), **values)
    if args.json:
        emit_json(p)
    else:
        print(_("Added: {product}").format(product=_line(p)))
    return EXIT_OK


def _edit(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.products import edit_product

    changes = _values(args, FIELDS)
    if args.deactivate or args.activate:
        changes["active"] = bool(args.activate)
    p = edit_product(ctx, args.product, changes)
    if args.json:
        emit_json(p)
    else:
        print(_line(p))
    return EXIT_OK


def _merge(ctx: Any, args: argparse.Namespace) -> int:
    from app.services.shop.products import merge_products

    done = merge_products(ctx, args.keep, args.duplicate)
    if args.json:
        emit_json(done)
    else:
        print(
            _("#{merged} merged into {product}: {cases} cases, {sales} sales moved").format(
                merged=done.merged_id,
                product=_line(done.kept),
                cases=len(done.cases),
                sales=done.sales,
            )
        )
    return EXIT_OK
