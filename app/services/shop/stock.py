"""Spare parts bought in: a supplier's delivery booked into stock.

Parts leave stock through `repairs.add_part`; they come in here. A delivery of a part number the
shop has never stocked creates the part (its name and prices) in the same transaction, so the
stock count, the purchase movement and their events are always written together. Booking stock
is the manager's or the owner's step: the count is what the repair desk promises from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.codes import StockReason
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_qty, validate_text
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import SparePart, StockMovement

MAX_QUANTITY = 10000
# StockMovement.note holds 200 characters: the supplier and the note share it.
SUPPLIER_LEN, NOTE_LEN = 80, 110


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
    """Book `quantity` of a part bought from `supplier` at the unit `cost` into stock.

    A known part keeps its name; a given cost or price becomes its current one. A new part
    number needs its name and cost (and takes price 0 until one is given). One transaction: the
    part, the stock, the purchase movement and the events, or nothing.
    """
    v = Collector()
    pn = v.check("part_no", validate_text, part_no, required=True, max_len=40)
    qty = v.check("qty", validate_qty, quantity, maximum=MAX_QUANTITY)
    unit_cost = v.check("cost", parse_money, cost, optional=True)
    sell = v.check("price", parse_money, price, optional=True)
    label = v.check("part_name", validate_text, name, max_len=120) or ""
    source = v.check("supplier", validate_text, supplier, max_len=SUPPLIER_LEN) or ""
    text = v.check("note", validate_text, note, max_len=NOTE_LEN) or ""
    v.raise_if_errors()
    require(ctx, Action.STOCK)
    with write_transaction():
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
            if unit_cost is not None:
                part.cost = unit_cost
            if sell is not None:
                part.price = sell
        part.stock += qty
        part.save()
        StockMovement.create(
            part=part,
            qty=qty,
            reason=StockReason.PURCHASE.value,
            at=ctx.now(),
            by=ctx.actor.id,
            note=" · ".join(t for t in (source, text) if t),
        )
        audit.log(
            ctx,
            "part",
            part,
            "stock_in",
            {
                "qty": qty,
                "reason": StockReason.PURCHASE.value,
                "stock": part.stock,
                "cost": str(part.cost),
                "supplier": source,
            },
            text,
            number=pn,
        )
    return StockIn(
        part_no=part.part_no,
        name=part.name,
        quantity=qty,  # type: ignore[arg-type]
        stock=part.stock,
        cost=part.cost,
        price=part.price,
        created=created,
    )
