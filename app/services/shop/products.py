"""The shop's products catalogue: what it sells, with brand, barcode/SKU, price and warranty.

Intake picks from it (a scanned barcode fills the product line) and may add a product typed at
the desk; products typed at the desk without being added are kept inactive (the cases need a
row to point at) and show only when inactive products are asked for. Duplicates are merged:
every case, sale and return line of the duplicate moves to the kept product in one transaction,
and the duplicate stays as an inactive row marked `merged_into` so its events still resolve.
Products hold no personal data, so their events carry the values before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.codes import Category
from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import (
    Collector,
    to_halfwidth,
    validate_choice,
    validate_qty,
    validate_text,
)
from app.i18n import N_
from app.i18n.labels import CATEGORIES, label
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.list_cells import choice_code
from app.services.shop.permissions import Action, require
from app.services.shop.tables import Column, PlannedRow, SourceRow, Table
from app.store.db import write_transaction
from app.store.models import Case, Product, ReturnLine, SaleRef

NAME_LEN, MODEL_LEN, BRAND_LEN, BARCODE_LEN, UNIT_LEN = 120, 80, 40, 40, 8
MAX_WARRANTY_MONTHS = 120
LIST_LIMIT = 500
#: What the catalogue's form and its import can change (in this order).
EDITABLE = (
    "name",
    "model_spec",
    "brand",
    "category",
    "barcode",
    "price",
    "warranty_months",
    "unit",
    "active",
)
_BARCODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/+-]*")
# A long number Excel showed (and saved to CSV) as 6.94149E+12: its last digits are gone.
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+\d+")


@dataclass(frozen=True)
class ProductRow:
    """One product as the lists, the intake and the command line read it."""

    id: int
    name: str
    model_spec: str
    brand: str
    category: str
    barcode: str
    price: Decimal
    warranty_months: int | None
    unit: str
    active: bool
    merged_into: int | None = None
    cases: int = 0  # cases taken on it (filled by `get_product`; 0 in lists)

    @property
    def label(self) -> str:
        return branded(self.brand, self.name, self.model_spec)


def branded(brand: str, name: str, *more: str) -> str:
    """The brand, name and the rest in one line; the brand only when the name does not already
    begin with it ("三星 EVO Plus", never "三星 三星 EVO Plus")."""
    brand, name = (brand or "").strip(), (name or "").strip()
    said = brand and name.replace(" ", "").casefold().startswith(brand.replace(" ", "").casefold())
    return " ".join(x for x in ("" if said else brand, name, *more) if x)


@dataclass(frozen=True)
class ProductMerge:
    """What a merge moved onto the kept product."""

    kept: ProductRow
    merged_id: int
    cases: tuple[str, ...]
    sales: int
    return_lines: int


def _row(p: Product, cases: int = 0) -> ProductRow:
    return ProductRow(
        id=p.id,
        name=p.name,
        model_spec=p.model_spec,
        brand=p.brand,
        category=p.category,
        barcode=p.barcode,
        price=Decimal(p.price),
        warranty_months=p.warranty_months,
        unit=p.unit,
        active=bool(p.active),
        merged_into=p.merged_into_id,
        cases=cases,
    )


# --- validators (value, field) -> clean value ---------------------------------------------------


def validate_barcode(value: object, field: str = "barcode") -> str:
    """A barcode or SKU as scanned or typed: letters, digits and . _ / + -; "" when blank."""
    text = to_halfwidth(validate_text(value, field, max_len=BARCODE_LEN, multiline=False))
    text = text.replace(" ", "")
    if text and not _BARCODE.fullmatch(text):
        raise ValidationError.single(field, "barcode_invalid")
    if _SCIENTIFIC.fullmatch(text):
        raise ValidationError.single(field, "barcode_scientific", value=text)
    return text


def _months(value: object, field: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    return validate_qty(value, field, minimum=1, maximum=MAX_WARRANTY_MONTHS)


def _active(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().casefold()
    if text in ("1", "yes", "y", "true", "on", "是", "启用", "在售"):
        return True
    if text in ("0", "no", "n", "false", "off", "否", "停用", "停售"):
        return False
    raise ValidationError.single(field, "not_a_choice", choices=["yes", "no"])


def _clean(values: Mapping[str, Any], v: Collector, *, new: bool) -> dict[str, Any]:
    """The clean value of each given field (a new product needs its name)."""
    out: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in EDITABLE:
            v.add(name, "unknown_field")
        elif name == "name":
            out[name] = v.check(
                name, validate_text, raw, required=True, max_len=NAME_LEN, multiline=False
            )
        elif name == "model_spec":
            out[name] = v.check(name, validate_text, raw, max_len=MODEL_LEN, multiline=False)
        elif name == "brand":
            out[name] = v.check(name, validate_text, raw, max_len=BRAND_LEN, multiline=False)
        elif name == "unit":
            out[name] = v.check(name, validate_text, raw, max_len=UNIT_LEN, multiline=False)
        elif name == "category":
            got = v.check(name, validate_choice, raw or "other", Category)
            out[name] = got.value if got else None
        elif name == "barcode":
            out[name] = v.check(name, validate_barcode, raw)
        elif name == "price":
            out[name] = v.check(name, parse_money, raw if str(raw or "").strip() else "0")
        elif name == "warranty_months":
            out[name] = v.check(name, _months, raw)
        elif name == "active":
            out[name] = v.check(name, _active, raw)
    if new and "name" not in values:
        v.add("name", "required")
    return out


# --- reading --------------------------------------------------------------------------------------


def _live(p: Product) -> Product:
    """Follow a merged product to the one it was merged into."""
    seen = set()
    while p.merged_into_id and p.id not in seen:
        seen.add(p.id)
        p = Product.get_by_id(p.merged_into_id)
    return p


def _find(key: str | int) -> Product:
    """A product by #id (or a bare id number) or by its barcode."""
    text = to_halfwidth(str(key or "")).strip()
    if not text:
        raise ValidationError.single("product", "required")
    if text.startswith("#") and text[1:].isdigit():
        found = Product.get_or_none(Product.id == int(text[1:]))
    elif isinstance(key, int):
        found = Product.get_or_none(Product.id == key)
    else:
        found = (
            Product.select()
            .where(Product.barcode == text.replace(" ", ""))
            .order_by(Product.merged_into.is_null(False), Product.id)
            .first()
        )
    if found is None:
        raise NotFound("product", text)
    return found


def list_products(
    ctx: Context, text: str = "", *, inactive: bool = False, limit: int = LIST_LIMIT
) -> list[ProductRow]:
    """Products whose name, model or brand contains `text`, or whose barcode starts with it;
    active ones only unless `inactive` (merged duplicates never show)."""
    query = Product.select().where(Product.merged_into.is_null())
    if not inactive:
        query = query.where(Product.active == True)  # noqa: E712 - peewee expression
    words = to_halfwidth(text or "").strip()[:60]
    if words:
        query = query.where(
            Product.name.contains(words)
            | Product.model_spec.contains(words)
            | Product.brand.contains(words)
            | Product.barcode.startswith(words.replace(" ", ""))
        )
    query = query.order_by(Product.active.desc(), Product.name, Product.model_spec)
    return [_row(p) for p in query.limit(max(1, min(limit, LIST_LIMIT)))]


def get_product(ctx: Context, key: str | int) -> ProductRow:
    """One product (#id or barcode) with how many cases were taken on it."""
    p = _find(key)
    return _row(p, Case.select().where(Case.product == p.id).count())


def product_by_barcode(ctx: Context, code: str) -> ProductRow | None:
    """The catalogue's product with this barcode (a merged one gives the product it became);
    None when no product has it or the text is not a barcode."""
    try:
        text = validate_barcode(code)
    except ValidationError:
        return None
    if not text:
        return None
    found = (
        Product.select()
        .where(Product.barcode == text)
        .order_by(Product.merged_into.is_null(False), Product.id)
        .first()
    )
    return _row(_live(found)) if found is not None else None


# --- writing --------------------------------------------------------------------------------------


def _check_unique(clean: dict[str, Any], current: Product | None) -> None:
    """Name and model together, and a barcode, belong to one product each."""
    name = clean.get("name", current.name if current else "")
    model = clean.get("model_spec", current.model_spec if current else "")
    same = Product.select().where((Product.name == name) & (Product.model_spec == model))
    if current is not None:
        same = same.where(Product.id != current.id)
    other = same.first()
    if other is not None:
        raise DomainError("product_exists", field="name", product=f"#{other.id}")
    code = clean.get("barcode")
    if code:
        taken = Product.select().where(Product.barcode == code)
        if current is not None:
            taken = taken.where(Product.id != current.id)
        other = taken.first()
        if other is not None:
            raise DomainError("barcode_taken", field="barcode", product=f"#{other.id} {other.name}")


def _defaults(clean: dict[str, Any]) -> dict[str, Any]:
    category = clean.get("category") or Category.OTHER.value
    return {
        "model_spec": "",
        "brand": "",
        "barcode": "",
        "price": Decimal("0.00"),
        "warranty_months": None,
        "unit": "台" if category == Category.PHONE.value else "件",
        "active": True,
        **{k: v for k, v in clean.items() if v is not None or k == "warranty_months"},
        "category": category,
    }


def create_product(ctx: Context, clean: dict[str, Any], *, source: str = "") -> Product:
    """Insert a checked product and its event; call inside the caller's write transaction."""
    _check_unique(clean, None)
    product = Product.create(**_defaults(clean))
    data = {k: _jsonable(getattr(product, k)) for k in EDITABLE}
    if source:
        data["source"] = source
    audit.log(ctx, "product", product, "created", data, number="")
    return product


def add_product(ctx: Context, name: str, model_spec: str = "", **fields: Any) -> ProductRow:
    """Add a product to the catalogue (brand, category, barcode, price, warranty_months, unit,
    active may be given). Name and model together are unique, and so is a barcode."""
    v = Collector()
    clean = _clean({"name": name, "model_spec": model_spec, **fields}, v, new=True)
    v.raise_if_errors()
    require(ctx, Action.CASE_CREATE)  # the desk adds what it sells; changing it is the manager's
    with write_transaction():
        return _row(create_product(ctx, clean))


def edit_product(ctx: Context, key: str | int, changes: Mapping[str, Any]) -> ProductRow:
    """Change a product's fields; the event holds each changed value before and after."""
    v = Collector()
    clean = _clean(changes, v, new=False)
    v.raise_if_errors()
    require(ctx, Action.CATALOGUE)
    with write_transaction():
        product = _find(key)
        if product.merged_into_id:
            raise DomainError("product_merged", product=f"#{product.merged_into_id}")
        changed = _apply(product, clean)
        if changed:
            _check_unique(clean, product)
            product.save()
            audit.log(ctx, "product", product, "edited", changed, number="")
        return _row(product, Case.select().where(Case.product == product.id).count())


def _apply(product: Product, clean: dict[str, Any]) -> dict[str, Any]:
    """Set the clean values on the row; returns {"field": [before, after]} of what changed."""
    changed: dict[str, Any] = {}
    for name, value in clean.items():
        before = getattr(product, name)
        if name == "price":
            before = Decimal(before)
        if value != before:
            changed[name] = [_jsonable(before), _jsonable(value)]
            setattr(product, name, value)
    return changed


def deactivate_product(ctx: Context, key: str | int) -> ProductRow:
    """Take a product off the catalogue (no longer sold); its cases keep pointing at it."""
    return edit_product(ctx, key, {"active": False})


def merge_products(ctx: Context, keep: str | int, duplicate: str | int) -> ProductMerge:
    """Move every case, sale and return line of `duplicate` onto `keep`, in one transaction.

    The duplicate stays, inactive and marked merged into the kept one; the kept product takes
    the duplicate's brand, barcode and warranty where it has none. Both are logged, and each
    moved case gets an event of its own, so its history says which product it was taken on.
    """
    require(ctx, Action.CATALOGUE)
    with write_transaction():
        kept, dup = _find(keep), _find(duplicate)
        if kept.id == dup.id:
            raise DomainError("merge_same", field="duplicate")
        for p in (kept, dup):
            if p.merged_into_id:
                raise DomainError("product_merged", product=f"#{p.merged_into_id}")
        cases = [
            c.number
            for c in Case.select(Case.number).where(Case.product == dup.id).order_by(Case.id)
        ]
        for number in cases:
            case = Case.get(Case.number == number)
            audit.log(
                ctx,
                "case",
                case,
                "product_merged",
                {"from": dup.id, "to": kept.id, "product": kept.name},
            )
        Case.update(product=kept.id).where(Case.product == dup.id).execute()
        sales = SaleRef.update(product=kept.id).where(SaleRef.product == dup.id).execute()
        lines = ReturnLine.update(product=kept.id).where(ReturnLine.product == dup.id).execute()
        taken = {}
        for name in ("brand", "barcode", "warranty_months"):
            if not getattr(kept, name) and getattr(dup, name):
                taken[name] = getattr(dup, name)
        dup_barcode = dup.barcode
        dup.barcode = "" if "barcode" in taken else dup.barcode
        dup.active = False
        dup.merged_into = kept.id
        dup.save()
        for name, value in taken.items():
            setattr(kept, name, value)
        kept.save()
        audit.log(
            ctx,
            "product",
            kept,
            "merged",
            {
                "from": dup.id,
                "name": dup.name,
                "model_spec": dup.model_spec,
                "barcode": dup_barcode,
                "cases": cases,
                "sales": sales,
                "return_lines": lines,
                "taken": {k: _jsonable(v) for k, v in taken.items()},
            },
            number="",
        )
        audit.log(ctx, "product", dup, "merged_into", {"into": kept.id}, number="")
        return ProductMerge(
            kept=_row(kept, Case.select().where(Case.product == kept.id).count()),
            merged_id=dup.id,
            cases=tuple(cases),
            sales=sales,
            return_lines=lines,
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return value


# --- intake ---------------------------------------------------------------------------------------


def intake_product(
    ctx: Context,
    name: str,
    model_spec: str,
    *,
    category: str | None,
    barcode: str = "",
    price: Decimal | None = None,
    warranty_months: int | None = None,
    add: bool = False,
) -> Product | None:
    """The product row an intake points at (inside its write transaction).

    A barcode picks the catalogue's product; else the typed name and model find it, or a new
    row is made. A product typed at the desk stays off the catalogue (inactive) unless `add`,
    which adds it (or puts an inactive one back) with the barcode, price and warranty given.
    """
    if barcode:
        by_code = (
            Product.select()
            .where(Product.barcode == barcode)
            .order_by(Product.merged_into.is_null(False), Product.id)
            .first()
        )
        if by_code is not None:
            found = _live(by_code)
            if name and name != found.name:
                raise DomainError("barcode_other_product", field="barcode", product=found.name)
            return _intake_update(ctx, found, warranty_months, add=add)
        if not name:
            raise ValidationError.single("barcode", "barcode_unknown")
    if not name:
        return None
    found = Product.get_or_none((Product.name == name) & (Product.model_spec == model_spec))
    if found is None:
        clean = {
            "name": name,
            "model_spec": model_spec,
            "category": category or Category.OTHER.value,
            "barcode": barcode,
            "price": price if price is not None else Decimal("0.00"),
            "warranty_months": warranty_months,
            "active": add,
        }
        if not add:
            return Product.create(**_defaults(clean))  # as intake always did: no event
        return create_product(ctx, clean, source="intake")
    found = _live(found)
    extra: dict[str, Any] = {}
    if add and barcode and not found.barcode:
        _check_unique({"barcode": barcode}, found)
        extra["barcode"] = barcode
    if add and not found.active and price is not None and not found.price:
        extra["price"] = price
    return _intake_update(ctx, found, warranty_months, add=add, extra=extra)


def _intake_update(
    ctx: Context,
    product: Product,
    warranty_months: int | None,
    *,
    add: bool,
    extra: dict[str, Any] | None = None,
) -> Product:
    clean = dict(extra or {})
    if warranty_months and product.warranty_months != warranty_months:
        clean["warranty_months"] = warranty_months  # the maker's, as the desk gave it
    if add and not product.active:
        clean["active"] = True
    changed = _apply(product, clean)
    if changed:
        product.save()
        if add:
            audit.log(ctx, "product", product, "edited", {**changed, "source": "intake"}, number="")
    return product


# --- import and export ----------------------------------------------------------------------------

_YES_NO = {"yes": N_("Yes"), "no": N_("No")}


class ProductsTable(Table):
    """The catalogue in and out of Excel. A row is the product with its barcode when it has
    one, else the one with its name and model: importing the same file again changes nothing.
    A blank cell leaves the product's value as it is."""

    kind = "products"
    title = N_("Products")
    columns = (
        Column("name", N_("Product name"), ("商品名称", "品名", "名称", "产品名称"), required=True),
        Column("model_spec", N_("Model/spec"), ("型号", "规格", "规格型号", "model")),
        Column("brand", N_("Brand"), ("品牌",)),
        Column("category", N_("Category"), ("类别", "分类", "品类")),
        Column(
            "barcode", N_("Barcode/SKU"), ("条码", "条形码", "SKU", "商品编码", "货号"), whole=True
        ),
        Column("price", N_("Selling price"), ("售价", "价格", "单价", "零售价")),
        Column(
            "warranty_months",
            N_("Warranty (months)"),
            ("保修月数", "保修期", "质保月数"),
            whole=True,
        ),
        Column("unit", N_("Unit"), ("单位",)),
        Column("active", N_("In the catalogue"), ("在售", "启用", "状态")),
    )
    action = Action.CATALOGUE
    export_action = None

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        given = {k: v for k, v in row.values.items() if v != ""}
        v = Collector()
        if "category" in given:
            given["category"] = v.check("category", choice_code, given["category"], CATEGORIES)
        if "active" in given:
            given["active"] = v.check("active", choice_code, given["active"], _YES_NO) == "yes"
        clean = _clean({"name": row.get("name"), **given}, v, new=True)
        v.raise_if_errors()
        name, model, code = clean["name"], clean.get("model_spec") or "", clean.get("barcode")
        for other in earlier:
            key, their_code = other.data["key"], other.data["clean"].get("barcode")
            if code and their_code == code:
                raise ValidationError.single("barcode", "duplicate_row", line=other.line)
            if key == (name, model):
                raise ValidationError.single("name", "duplicate_row", line=other.line)
        found = None
        if code:
            found = Product.select().where(Product.barcode == code).order_by(Product.id).first()
        if found is None:
            found = Product.get_or_none((Product.name == name) & (Product.model_spec == model))
            if found is not None and code and found.barcode and found.barcode != code:
                raise DomainError("product_exists", field="name", product=f"#{found.id}")
        label = " ".join(x for x in (code, name, model) if x)
        data = {"key": (name, model), "clean": clean}
        if found is None:
            _check_unique(clean, None)
            return PlannedRow(row.line, "add", label, data)
        found = _live(found)
        changes = {k: val for k, val in clean.items() if _differs(getattr(found, k), val)}
        if not changes:
            return PlannedRow(row.line, "same", label, data)
        _check_unique(changes, found)
        return PlannedRow(row.line, "update", label, {**data, "id": found.id, "changes": changes})

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        if row.action == "add":
            create_product(ctx, row.data["clean"], source="import")
            return
        product = Product.get_by_id(row.data["id"])
        changed = _apply(product, row.data["changes"])
        if changed:
            product.save()
            audit.log(ctx, "product", product, "edited", {**changed, "source": "import"}, number="")

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        query = Product.select().where(Product.merged_into.is_null())
        for p in query.order_by(Product.active.desc(), Product.name, Product.model_spec):
            yield {
                "name": p.name,
                "model_spec": p.model_spec,
                "brand": p.brand,
                "category": label(CATEGORIES, p.category),
                "barcode": p.barcode,
                "price": Decimal(p.price),
                "warranty_months": p.warranty_months,
                "unit": p.unit,
                "active": label(_YES_NO, "yes" if p.active else "no"),
            }


def _differs(current: object, value: object) -> bool:
    if isinstance(value, Decimal):
        return Decimal(str(current or 0)) != value
    return (current or "") != (value or "") if isinstance(value, str) else current != value


PRODUCTS = ProductsTable()
