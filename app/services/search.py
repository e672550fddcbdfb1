"""One search box for the whole desk: cases, repairs, returns and customers as you type.

A scanned label types its code and Enter; `resolve_code` turns an exact record number into the
case it belongs to, so the window can open it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from app.domain.numbering import parse_number
from app.domain.validation import mask_phone
from app.services.cases import CaseFilter, list_cases
from app.services.context import Context
from app.services.errors import NotFound
from app.services.records import find_case
from app.store import search_index
from app.store.models import Case, Customer

MAX_QUERY = 100


@dataclass(frozen=True)
class Hit:
    """One search result: a case (number set) or a customer (customer_id set)."""

    kind: str  # "case" or "customer"
    number: str
    case_kind: str
    status: str
    title: str
    detail: str
    customer_id: int | None = None
    phone: str = ""
    cases: int = 0


def resolve_code(text: str) -> str | None:
    """The case number behind an exact SH/WX/RMA/SP code, or None when it is not one."""
    if parse_number(text or "") is None:
        return None
    try:
        return find_case(text).number
    except NotFound:
        return None


def customer_condition(text: str) -> pw.Expression:
    """Customers whose name or phone contains `text` (from the index when there is one)."""
    if not search_index.available():
        return Customer.name.contains(text) | Customer.phone.contains(text)
    if len(text) < search_index.MIN_TRIGRAM:
        return Customer.id.in_(search_index.short_customer_ids(text))
    return Customer.id.in_(search_index.fts_ids("customer_fts", text))


def search(ctx: Context, text: str, *, limit: int = 12) -> list[Hit]:
    """Cases first (newest first), then customers whose name or phone matches."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return []
    hits = [
        Hit(
            kind="case",
            number=r.number,
            case_kind=r.kind,
            status=r.status,
            title=f"{r.number}  {r.customer_name}",
            detail=" ".join(x for x in (r.product, r.serial) if x),
            phone=r.customer_phone or "",
        )
        for r in list_cases(ctx, CaseFilter(search=text), limit=limit)
    ]
    room = max(0, limit - len(hits))
    if room:
        customers = (
            Customer.select()
            .where(customer_condition(text))
            .order_by(Customer.updated_at.desc())
            .limit(room)
        )
        for c in customers:
            count = Case.select().where(Case.customer == c.id).count()
            hits.append(
                Hit(
                    kind="customer",
                    number="",
                    case_kind="",
                    status="",
                    title=c.name,
                    detail=mask_phone(c.phone or ""),
                    customer_id=c.id,
                    phone=c.phone or "",
                    cases=count,
                )
            )
    return hits
