"""The shop's suppliers: who parts are bought from and who takes faulty goods back.

A supplier is named on stock movements (parts bought in, parts sent back), on supplier-liable
returns (`returns.name_supplier`) and so on the recoveries booked on those returns' cases. Its
statement lists, for a period, what went back to it and what it paid back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from app.domain.codes import MoneyKind, StockReason
from app.domain.errors import DomainError, ValidationError
from app.domain.validation import Collector, validate_date, validate_text
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import Case, MoneyEntry, ReturnAuth, SparePart, StockMovement, Supplier

#: The editable fields with their limits (name is required and unique).
FIELDS: dict[str, int] = {
    "name": 80,
    "contact": 40,
    "phone": 24,
    "address": 200,
    "terms": 120,
    "notes": 2000,
}


@dataclass(frozen=True)
class SupplierView:
    id: int
    name: str
    contact: str
    phone: str
    address: str
    terms: str
    notes: str
    active: bool


def _view(s: Supplier) -> SupplierView:
    return SupplierView(
        s.id, s.name, s.contact, s.phone, s.address, s.terms, s.notes, bool(s.active)
    )


def find_supplier(key: object, field_name: str = "supplier") -> Supplier:
    """A supplier by its exact name or `#id`; NotFound otherwise."""
    text = str(key or "").strip()
    if not text:
        raise DomainError("required", field=field_name)
    found = None
    if text.startswith("#") and text[1:].isdigit():
        found = Supplier.get_or_none(Supplier.id == int(text[1:]))
    if found is None:
        found = Supplier.get_or_none(Supplier.name == text)
    if found is None:
        raise NotFound("supplier", text)
    return found


def supplier_or_none(key: object, field_name: str = "supplier") -> Supplier | None:
    """`find_supplier`, or None for a blank key."""
    return find_supplier(key, field_name) if str(key or "").strip() else None


def supplier_on_delivery(ctx: Context, name: str) -> Supplier | None:
    """The supplier a delivery names; a name not on the list yet is added to it (with its
    event), so the first delivery from a new supplier needs no separate step. Inside the
    caller's write transaction; None for a blank name."""
    text = str(name or "").strip()
    if not text:
        return None
    if text.startswith("#"):
        return find_supplier(text)
    found = Supplier.get_or_none(Supplier.name == text)
    if found is None:
        found = Supplier.create(name=text, created_at=ctx.now())
        audit.log(ctx, "supplier", found, "created", {"name": text}, number=text)
    return found


def list_suppliers(
    ctx: Context, text: str = "", *, include_inactive: bool = True
) -> list[SupplierView]:
    """Suppliers by name; `text` matches name, contact or phone."""
    query = Supplier.select().order_by(Supplier.name)
    needle = str(text or "").strip()
    if needle:
        query = query.where(
            Supplier.name.contains(needle)
            | Supplier.contact.contains(needle)
            | Supplier.phone.contains(needle)
        )
    if not include_inactive:
        query = query.where(Supplier.active == True)  # noqa: E712 - SQL comparison
    return [_view(s) for s in query]


def supplier_view(ctx: Context, key: str) -> SupplierView:
    return _view(find_supplier(key))


def _clean(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Collector()
    out: dict[str, Any] = {}
    for name, limit in FIELDS.items():
        if name not in values:
            if not partial and name == "name":
                v.add("name", "required")
            continue
        out[name] = v.check(
            name if name != "name" else "supplier",
            validate_text,
            values[name],
            required=name == "name",
            max_len=limit,
            multiline=name == "notes",
        )
    if "active" in values:
        out["active"] = bool(values["active"])
    unknown = set(values) - set(FIELDS) - {"active"}
    for name in sorted(unknown):
        v.add(name, "invalid")
    v.raise_if_errors()
    return out


def _name_taken(name: str, but: int | None = None) -> None:
    query = Supplier.select().where(Supplier.name == name)
    if but is not None:
        query = query.where(Supplier.id != but)
    if query.exists():
        raise ValidationError.single("supplier", "supplier_exists", name=name)


def add_supplier(ctx: Context, name: str, **values: Any) -> SupplierView:
    """A new supplier (its name unique). The manager on duty or the owner keeps the list."""
    data = _clean({"name": name, **values}, partial=False)
    require(ctx, Action.STOCK)
    with write_transaction():
        _name_taken(data["name"])
        s = Supplier.create(**data, created_at=ctx.now())
        audit.log(ctx, "supplier", s, "created", dict(data), number=s.name)
    return _view(s)


def edit_supplier(ctx: Context, key: str, **values: Any) -> SupplierView:
    """Change a supplier's fields (only those given); the event keeps what changed."""
    data = _clean(values, partial=True)
    require(ctx, Action.STOCK)
    with write_transaction():
        s = find_supplier(key)
        if "name" in data:
            _name_taken(data["name"], s.id)
        changed = {k: [getattr(s, k), v] for k, v in data.items() if getattr(s, k) != v}
        if changed:
            for k, (_old, new) in changed.items():
                setattr(s, k, new)
            s.save()
            audit.log(ctx, "supplier", s, "updated", {"changed": changed}, number=s.name)
    return _view(s)


# --- statement ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedLot:
    """One lot that went back to the supplier: parts from stock or a return's goods."""

    at: datetime
    what: str  # "parts" | "goods"
    reference: str  # part number or RMA number
    description: str
    qty: int
    value: Decimal  # qty × unit cost for parts; the goods' value on the return


@dataclass(frozen=True)
class Recovery:
    at: datetime
    case_number: str
    amount: Decimal  # signed: a reversal is negative
    note: str


@dataclass(frozen=True)
class SupplierStatement:
    supplier: SupplierView
    date_from: date
    date_to: date
    lots: list[ReturnedLot] = field(default_factory=list)
    recoveries: list[Recovery] = field(default_factory=list)

    @property
    def returned_value(self) -> Decimal:
        return sum((lot.value for lot in self.lots), Decimal("0.00"))

    @property
    def recovered(self) -> Decimal:
        return sum((r.amount for r in self.recoveries), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        """Returned but not (yet) paid back, within the period."""
        return self.returned_value - self.recovered


def local_bounds(ctx: Context, first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC moments [start of `first`, start of the day after `last`) in the shop's zone."""
    start = datetime.combine(first, time(0), tzinfo=ctx.tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ctx.tz)
    return start, end


def period(ctx: Context, date_from: object, date_to: object) -> tuple[date, date]:
    """A checked period: both dates, from not after to (defaults: this month so far)."""
    v = Collector()
    today = ctx.today()
    first = v.check("date_from", validate_date, date_from, optional=True) or today.replace(day=1)
    last = v.check("date_to", validate_date, date_to, optional=True) or today
    v.raise_if_errors()
    if first > last:
        raise DomainError("period_reversed", field="date_from")
    return first, last


def supplier_statement(
    ctx: Context, key: str, date_from: object = None, date_to: object = None
) -> SupplierStatement:
    """What went back to a supplier in a period (parts and returned goods) and what it paid
    back (supplier recoveries on the returns naming it)."""
    first, last = period(ctx, date_from, date_to)
    s = find_supplier(key)
    start, end = local_bounds(ctx, first, last)
    lots: list[ReturnedLot] = []
    moves = (
        StockMovement.select(StockMovement, SparePart)
        .join(SparePart)
        .where(
            (StockMovement.supplier == s)
            & (StockMovement.reason == StockReason.TO_SUPPLIER.value)
            & (StockMovement.at >= start)
            & (StockMovement.at < end)
        )
        .order_by(StockMovement.at, StockMovement.id)
    )
    for m in moves:
        lots.append(
            ReturnedLot(m.at, "parts", m.part.part_no, m.part.name, -m.qty, -m.qty * m.unit_cost)
        )
    rmas = (
        ReturnAuth.select(ReturnAuth, Case)
        .join(Case)
        .where(
            (ReturnAuth.supplier == s)
            & (ReturnAuth.qc_to_supplier > 0)
            & (Case.created_at < end)
            & ((ReturnAuth.received_at.is_null()) | (ReturnAuth.received_at < end))
        )
        .order_by(ReturnAuth.id)
    )
    for rma in rmas:
        at = rma.received_at or rma.case.created_at
        if at < start:
            continue
        lines = list(rma.lines)
        received = sum(ln.qty_received or 0 for ln in lines) or 1
        goods = sum(((ln.qty_received or 0) * ln.unit_price for ln in lines), Decimal("0.00"))
        value = (goods * rma.qc_to_supplier / received).quantize(Decimal("0.01"))
        text = ", ".join(ln.description for ln in lines)[:120]
        lots.append(ReturnedLot(at, "goods", rma.number, text, rma.qc_to_supplier, value))
    lots.sort(key=lambda lot: lot.at)
    entries = (
        MoneyEntry.select(MoneyEntry, Case)
        .join(Case)
        .join(ReturnAuth, on=ReturnAuth.case == Case.id)
        .where(
            (ReturnAuth.supplier == s)
            & (MoneyEntry.kind == MoneyKind.SUPPLIER_RECOVERY.value)
            & (MoneyEntry.at >= start)
            & (MoneyEntry.at < end)
        )
        .order_by(MoneyEntry.at, MoneyEntry.id)
    )
    recoveries = [
        Recovery(e.at, e.case.number, -e.amount if e.reverses_id else e.amount, e.note)
        for e in entries
    ]
    return SupplierStatement(_view(s), first, last, lots, recoveries)


def book_recovery(
    ctx: Context,
    supplier: str,
    number: str,
    amount: object,
    route: str,
    note: str = "",
) -> Recovery:
    """Book money a supplier paid back on a supplier-liable return (a supplier recovery on the
    case). A return that names no supplier yet is named this one; one naming another supplier
    is refused."""
    from app.domain.codes import Liability, Party, PayRoute
    from app.domain.money import parse_money
    from app.domain.validation import validate_choice
    from app.services.casework.records import find_case, rma_of
    from app.services.remedies.ledger import book_entry

    v = Collector()
    value = v.check("amount", parse_money, amount, allow_zero=False)
    how = v.check("route", validate_choice, route, PayRoute)
    text = v.check("note", validate_text, note, max_len=200) or ""
    if not str(supplier or "").strip():
        v.add("supplier", "required")
    v.raise_if_errors()
    require(ctx, Action.MONEY)
    with write_transaction():
        s = find_supplier(supplier)
        case = find_case(number)
        rma = rma_of(case)
        if rma is None:
            raise NotFound("rma", number)
        if rma.liability != Liability.SUPPLIER.value:
            raise DomainError("supplier_not_liable", field="supplier")
        if rma.supplier_id is None:
            rma.supplier = s
            rma.save()
            audit.log(ctx, "rma", rma, "supplier_named", {"supplier": ["", s.name]})
        elif rma.supplier_id != s.id:
            raise DomainError("supplier_differs", field="supplier", named=rma.supplier.name)
        entry = book_entry(
            ctx,
            case,
            MoneyKind.SUPPLIER_RECOVERY,
            value,  # type: ignore[arg-type]
            note=text,
            route=how or "",  # type: ignore[arg-type]
            party=Party.SUPPLIER,
        )
    return Recovery(entry.at, case.number, entry.amount, entry.note)
