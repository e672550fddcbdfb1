"""Spare parts and their stock: every movement one append-only row, stock on hand their sum.

Parts come in from a supplier (`stock_in`), leave through repairs (`repairs.add_part`), go back
to a supplier (`return_to_supplier`) and are corrected after a count, damage or loss
(`adjust_stock`). Each of these writes one `StockMovement` (signed quantity, the cost each unit
moved at, the supplier) through `_move`, which re-reads the count under the write lock and
refuses to go below zero, so two PCs taking the last unit at once cannot both have it. The count
kept on the part is the sum of its movements; the valuation at a date is the sum of
quantity × unit cost of the movements up to then. Booking and adjusting stock is the manager's
or the owner's step: the count is what the repair desk promises from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from app.domain.codes import ADJUST_REASONS, StockReason
from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import (
    Collector,
    validate_choice,
    validate_date,
    validate_qty,
    validate_text,
)
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.services.shop.suppliers import local_bounds, supplier_on_delivery, supplier_or_none
from app.store.db import write_transaction
from app.store.models import RepairTicket, SparePart, StockMovement, Supplier, User

MAX_QUANTITY = 10000
NOTE_LEN = 200
#: Editable fields of a part with their limits (text) — cost and price are money.
TEXT_FIELDS: dict[str, int] = {"name": 120, "fits": 200, "location": 40}


@dataclass(frozen=True)
class StockIn:
    """What one stock-in did: the part, how many came in and what is on hand now."""

    part_no: str
    name: str
    quantity: int
    stock: int
    cost: Decimal
    price: Decimal
    created: bool  # the part number was new and was created with this delivery


@dataclass(frozen=True)
class PartView:
    part_no: str
    name: str
    stock: int
    cost: Decimal
    price: Decimal
    fits: str
    reorder_level: int
    location: str
    active: bool

    @property
    def below_reorder(self) -> bool:
        return self.active and self.stock < self.reorder_level

    @property
    def value(self) -> Decimal:
        return self.cost * self.stock


@dataclass(frozen=True)
class MovementView:
    id: int
    at: datetime
    part_no: str
    qty: int
    reason: str  # codes.StockReason
    unit_cost: Decimal
    supplier: str
    ticket: str
    by: str
    note: str


@dataclass(frozen=True)
class ValuationLine:
    part_no: str
    name: str
    qty: int
    value: Decimal


@dataclass(frozen=True)
class Valuation:
    on: date
    lines: list[ValuationLine]

    @property
    def total(self) -> Decimal:
        return sum((ln.value for ln in self.lines), Decimal("0.00"))

    @property
    def units(self) -> int:
        return sum(ln.qty for ln in self.lines)


def _view(p: SparePart) -> PartView:
    return PartView(
        p.part_no,
        p.name,
        p.stock,
        p.cost,
        p.price,
        p.fits,
        p.reorder_level,
        p.location,
        bool(p.active),
    )


def find_part(part_no: object) -> SparePart:
    text = str(part_no or "").strip()
    if not text:
        raise DomainError("required", field="part_no")
    part = SparePart.get_or_none(SparePart.part_no == text)
    if part is None:
        raise NotFound("part", text)
    return part


def _move(
    ctx: Context,
    part: SparePart,
    qty: int,
    reason: StockReason,
    unit_cost: Decimal,
    *,
    supplier: Supplier | None = None,
    ticket: RepairTicket | None = None,
    note: str = "",
) -> int:
    """THE one write of stock: the movement row and the part's count; inside a write
    transaction. Re-reads the count under the write lock; refuses to go below zero."""
    on_hand = SparePart.select(SparePart.stock).where(SparePart.id == part.id).scalar()
    if on_hand + qty < 0:
        raise DomainError("out_of_stock", field="qty", part_no=part.part_no, stock=on_hand)
    done = (
        SparePart.update(stock=SparePart.stock + qty)
        .where((SparePart.id == part.id) & (SparePart.stock + qty >= 0))
        .execute()
    )
    if done != 1:  # another writer got there first (not possible under the write lock)
        raise DomainError("out_of_stock", field="qty", part_no=part.part_no, stock=on_hand)
    StockMovement.create(
        part=part.id,
        qty=qty,
        reason=reason.value,
        ticket=ticket,
        at=ctx.now(),
        by=ctx.actor.id,
        note=note[:NOTE_LEN],
        unit_cost=unit_cost,
        supplier=supplier,
    )
    part.stock = on_hand + qty
    return part.stock


def take_for_repair(ctx: Context, part: SparePart, qty: int, ticket: RepairTicket) -> int:
    """A part leaves stock for a repair ticket, valued at its current cost (`repairs.add_part`,
    inside its transaction). The part's own event seals its new count (app.store.seals)."""
    stock = _move(
        ctx, part, -qty, StockReason.REPAIR_USE, part.cost, ticket=ticket, note=ticket.number
    )
    audit.log(
        ctx,
        "part",
        part,
        "used_on_repair",
        {"qty": -qty, "reason": StockReason.REPAIR_USE.value, "stock": stock},
        ticket.number,
        number=part.part_no,
    )
    return stock


# --- parts -----------------------------------------------------------------------------------


def list_parts(
    ctx: Context,
    text: str = "",
    *,
    below_reorder: bool = False,
    include_inactive: bool = True,
) -> list[PartView]:
    """Parts by number; `text` matches number, name, fits-products or location;
    `below_reorder`: only active parts with less on hand than their reorder level."""
    query = SparePart.select().order_by(SparePart.part_no)
    needle = str(text or "").strip()
    if needle:
        query = query.where(
            SparePart.part_no.contains(needle)
            | SparePart.name.contains(needle)
            | SparePart.fits.contains(needle)
            | SparePart.location.contains(needle)
        )
    if below_reorder:
        query = query.where(
            (SparePart.active == True) & (SparePart.stock < SparePart.reorder_level)  # noqa: E712
        )
    elif not include_inactive:
        query = query.where(SparePart.active == True)  # noqa: E712
    return [_view(p) for p in query]


def reorder_list(ctx: Context) -> list[PartView]:
    """Active parts below their reorder level, the emptiest first."""
    return sorted(
        list_parts(ctx, below_reorder=True), key=lambda p: (p.stock - p.reorder_level, p.part_no)
    )


def part_view(ctx: Context, part_no: str) -> PartView:
    return _view(find_part(part_no))


def _clean_part(values: dict[str, Any], *, new: bool) -> dict[str, Any]:
    v = Collector()
    out: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        if name in values:
            key = "part_name" if name == "name" else name
            out[name] = v.check(
                key, validate_text, values[name], required=name == "name", max_len=limit
            )
        elif new and name == "name":
            v.add("part_name", "required")
    for name in ("cost", "price"):
        if name in values and values[name] not in (None, ""):
            out[name] = v.check(name, parse_money, values[name])
    if "reorder_level" in values and values["reorder_level"] not in (None, ""):
        out["reorder_level"] = v.check(
            "reorder_level", validate_qty, values["reorder_level"], minimum=0, maximum=MAX_QUANTITY
        )
    if "active" in values:
        out["active"] = bool(values["active"])
    for name in sorted(set(values) - set(TEXT_FIELDS) - {"cost", "price", "reorder_level"}):
        if name != "active":
            v.add(name, "invalid")
    v.raise_if_errors()
    return out


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def create_part(ctx: Context, part_no: str, name: str, **values: Any) -> PartView:
    """A new part with no stock yet (stock comes in through `stock_in`, an import's opening
    count or an adjustment)."""
    v = Collector()
    pn = v.check("part_no", validate_text, part_no, required=True, max_len=40, multiline=False)
    try:
        data = _clean_part({"name": name, **values}, new=True)
    except DomainError as exc:
        v.errors.extend(getattr(exc, "errors", []))
        data = {}
    v.raise_if_errors()
    require(ctx, Action.STOCK)
    with write_transaction():
        if SparePart.select().where(SparePart.part_no == pn).exists():
            raise ValidationError.single("part_no", "part_exists", part_no=pn)
        part = SparePart.create(part_no=pn, stock=0, **data)
        audit.log(ctx, "part", part, "created", {k: _plain(x) for k, x in data.items()}, number=pn)
    return _view(part)


def edit_part(ctx: Context, part_no: str, note: str = "", **values: Any) -> PartView:
    """Change a part's name, fits, cost, price, reorder level, location or active flag (only
    those given); the event keeps each change. The count changes only through movements."""
    data = _clean_part(values, new=False)
    text = validate_text(note, "note", max_len=NOTE_LEN)
    require(ctx, Action.STOCK)
    with write_transaction():
        part = find_part(part_no)
        changed = {
            k: [_plain(getattr(part, k)), _plain(x)]
            for k, x in data.items()
            if getattr(part, k) != x
        }
        if changed:
            for k in changed:
                setattr(part, k, data[k])
            part.save()
            audit.log(ctx, "part", part, "updated", {"changed": changed}, text, number=part.part_no)
    return _view(part)


# --- movements -------------------------------------------------------------------------------


def stock_in(
    ctx: Context,
    part_no: str,
    quantity: int | str,
    cost: str | Decimal | None = None,
    supplier: str = "",
    note: str = "",
    *,
    name: str = "",
    price: str | Decimal | None = None,
) -> StockIn:
    """Book `quantity` of a part bought from `supplier` (its name: one not on the suppliers
    list yet is added to it; or blank) at the unit `cost` into stock.

    A known part keeps its name; a given cost or price becomes its current one. A new part
    number needs its name and cost (and takes price 0 until one is given). One transaction: the
    part, the stock, the purchase movement and the events, or nothing.
    """
    v = Collector()
    pn = v.check("part_no", validate_text, part_no, required=True, max_len=40, multiline=False)
    qty = v.check("qty", validate_qty, quantity, maximum=MAX_QUANTITY)
    unit_cost = v.check("cost", parse_money, cost, optional=True)
    sell = v.check("price", parse_money, price, optional=True)
    label = v.check("part_name", validate_text, name, max_len=120) or ""
    source = v.check("supplier", validate_text, supplier, max_len=80) or ""
    text = v.check("note", validate_text, note, max_len=NOTE_LEN) or ""
    v.raise_if_errors()
    require(ctx, Action.STOCK)
    with write_transaction():
        seller = supplier_on_delivery(ctx, source)
        part = SparePart.get_or_none(SparePart.part_no == pn)
        created = part is None
        if part is None:
            if not label:
                v.add("part_name", "required")
            if unit_cost is None:
                v.add("cost", "required")
            v.raise_if_errors()
            part = SparePart.create(
                part_no=pn, name=label, stock=0, cost=unit_cost, price=sell or Decimal("0.00")
            )
            audit.log(
                ctx,
                "part",
                part,
                "created",
                {"name": label, "cost": str(part.cost), "price": str(part.price)},
                number=pn,
            )
        else:
            changed = False
            if unit_cost is not None and unit_cost != part.cost:
                part.cost, changed = unit_cost, True
            if sell is not None and sell != part.price:
                part.price, changed = sell, True
            if changed:
                part.save()
        stock = _move(
            ctx,
            part,
            qty,  # type: ignore[arg-type]
            StockReason.PURCHASE,
            part.cost if unit_cost is None else unit_cost,
            supplier=seller,
            note=text,
        )
        audit.log(
            ctx,
            "part",
            part,
            "stock_in",
            {
                "qty": qty,
                "reason": StockReason.PURCHASE.value,
                "stock": stock,
                "cost": str(part.cost),
                "supplier": seller.name if seller else "",
            },
            text,
            number=pn,
        )
    return StockIn(
        part_no=part.part_no,
        name=part.name,
        quantity=qty,  # type: ignore[arg-type]
        stock=stock,
        cost=part.cost,
        price=part.price,
        created=created,
    )


def adjust_stock(
    ctx: Context, part_no: str, change: int | str, reason: str, note: str = ""
) -> PartView:
    """Correct the count by `change` (signed: "+2" found, "-1" damaged) with a reason (count,
    damage, loss) and a note. The manager on duty or the owner only; never below zero."""
    v = Collector()
    delta = v.check("qty", _signed_qty, change)
    why = v.check("reason", _adjust_reason, reason)
    text = v.check("note", validate_text, note, required=True, max_len=NOTE_LEN)
    v.raise_if_errors()
    require(ctx, Action.STOCK)
    with write_transaction():
        part = find_part(part_no)
        stock = _move(ctx, part, delta, why, part.cost, note=text)  # type: ignore[arg-type]
        audit.log(
            ctx,
            "part",
            part,
            "stock_adjusted",
            {"qty": delta, "reason": why.value, "stock": stock},  # type: ignore[union-attr]
            text,
            number=part.part_no,
        )
        return _view(part)


def _signed_qty(value: object, field: str) -> int:
    text = str(value if value is not None else "").strip().replace("＋", "+").replace("－", "-")
    sign = -1 if text.startswith("-") else 1
    qty = validate_qty(text.lstrip("+-"), field, maximum=MAX_QUANTITY)
    return sign * qty


def _adjust_reason(value: object, field: str) -> StockReason:
    reason = validate_choice(value, field, StockReason)
    if reason not in ADJUST_REASONS:
        raise ValidationError.single(
            field, "not_a_choice", choices=[r.value for r in ADJUST_REASONS]
        )
    return reason


def return_to_supplier(
    ctx: Context,
    part_no: str,
    quantity: int | str,
    supplier: str,
    note: str = "",
    *,
    unit_cost: str | Decimal | None = None,
) -> PartView:
    """Send `quantity` of a part back to a supplier (faulty or surplus); valued at `unit_cost`
    (default: the part's cost), which is what the supplier's statement shows as returned."""
    v = Collector()
    qty = v.check("qty", validate_qty, quantity, maximum=MAX_QUANTITY)
    cost = v.check("cost", parse_money, unit_cost, optional=True)
    name = v.check("supplier", validate_text, supplier, required=True, max_len=80)
    text = v.check("note", validate_text, note, max_len=NOTE_LEN) or ""
    v.raise_if_errors()
    require(ctx, Action.STOCK)
    with write_transaction():
        seller = supplier_or_none(name)
        part = find_part(part_no)
        value = part.cost if cost is None else cost
        stock = _move(
            ctx,
            part,
            -qty,  # type: ignore[operator]
            StockReason.TO_SUPPLIER,
            value,
            supplier=seller,
            note=text,
        )
        audit.log(
            ctx,
            "part",
            part,
            "returned_to_supplier",
            {"qty": qty, "supplier": seller.name, "unit_cost": str(value), "stock": stock},  # type: ignore[union-attr]
            text,
            number=part.part_no,
        )
        return _view(part)


def opening_stock(ctx: Context, part: SparePart, qty: int, note: str = "") -> int:
    """The count a part starts with (an import's opening stock), once: a part that already has
    an opening movement keeps it. Inside the caller's write transaction."""
    if qty <= 0 or has_opening(part):
        return part.stock
    stock = _move(ctx, part, qty, StockReason.OPENING, part.cost, note=note)
    audit.log(
        ctx,
        "part",
        part,
        "stock_opening",
        {"qty": qty, "reason": StockReason.OPENING.value, "stock": stock},
        note,
        number=part.part_no,
    )
    return stock


def has_opening(part: SparePart) -> bool:
    return (
        StockMovement.select()
        .where(
            (StockMovement.part == part.id) & (StockMovement.reason == StockReason.OPENING.value)
        )
        .exists()
    )


# --- reading ---------------------------------------------------------------------------------


def movements(ctx: Context, part_no: str, *, limit: int = 500) -> list[MovementView]:
    """A part's movements, newest first."""
    part = find_part(part_no)
    query = (
        StockMovement.select(StockMovement, Supplier, RepairTicket, User)
        .join(Supplier, pw.JOIN.LEFT_OUTER, on=StockMovement.supplier == Supplier.id)
        .switch(StockMovement)
        .join(RepairTicket, pw.JOIN.LEFT_OUTER, on=StockMovement.ticket == RepairTicket.id)
        .switch(StockMovement)
        .join(User, on=StockMovement.by == User.id)
        .where(StockMovement.part == part.id)
        .order_by(StockMovement.at.desc(), StockMovement.id.desc())
        .limit(limit)
    )
    return [
        MovementView(
            m.id,
            m.at,
            part.part_no,
            m.qty,
            m.reason,
            m.unit_cost,
            m.supplier.name if m.supplier_id else "",
            m.ticket.number if m.ticket_id else "",
            m.by.display_name,
            m.note,
        )
        for m in query
    ]


def _until(ctx: Context, on: object) -> tuple[date, datetime]:
    day = validate_date(on, "date") if on not in (None, "") else ctx.today()
    return day, local_bounds(ctx, day, day)[1]


def stock_on_hand(ctx: Context, part_no: str, on: object = None) -> int:
    """How many of a part were on hand at the end of day `on` (today by default): the sum of
    its movements up to then."""
    part = find_part(part_no)
    _day, end = _until(ctx, on)
    total = (
        StockMovement.select(pw.fn.COALESCE(pw.fn.SUM(StockMovement.qty), 0))
        .where((StockMovement.part == part.id) & (StockMovement.at < end))
        .scalar()
    )
    return int(total or 0)


def valuation(ctx: Context, on: object = None) -> Valuation:
    """The stock's value at the end of day `on` (today by default): per part, the sum of its
    movements' quantity × unit cost up to then (parts with nothing on hand and no value left
    are not listed)."""
    day, end = _until(ctx, on)
    # MoneyField stores fen: qty × unit_cost is summed in fen in the database, exactly.
    rows = (
        StockMovement.select(
            SparePart.part_no,
            SparePart.name,
            pw.fn.SUM(StockMovement.qty).coerce(False),
            pw.fn.SUM(StockMovement.qty * StockMovement.unit_cost).coerce(False),
        )
        .join(SparePart)
        .where(StockMovement.at < end)
        .group_by(SparePart.id, SparePart.part_no, SparePart.name)
        .order_by(SparePart.part_no)
        .tuples()
    )
    cent = Decimal("0.01")
    lines = [
        ValuationLine(pn, name, int(qty or 0), (Decimal(int(fen or 0)) / 100).quantize(cent))
        for pn, name, qty, fen in rows
        if qty or fen
    ]
    return Valuation(day, lines)
