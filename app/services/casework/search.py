"""One search box for the whole desk: cases, repairs, returns and customers as you type.

A scanned label types its code and Enter; `resolve_code` turns an exact record number into the
case it belongs to, so the window can open it directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from app.domain.numbering import parse_number
from app.domain.validation import mask_phone
from app.services.casework.cases import CaseFilter, list_cases
from app.services.casework.records import find_case
from app.services.casework.views import CaseRow
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
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


_NUMBER_PREFIX = re.compile(r"^[A-Z]{1,3}(-\d{0,4}(-\d*)?)?$")


def _is_number_prefix(series: str) -> Callable[[str], bool]:
    """Whether a query could be the start of a number of this series (SH, SH-2, SH-2019-00…)."""

    def shape(text: str) -> bool:
        return bool(_NUMBER_PREFIX.match(text)) and (
            series.startswith(text) or text.startswith(series + "-")
        )

    return shape


def _long(text: str) -> bool:
    return len(text) >= search_index.MIN_TRIGRAM


def _short(text: str) -> bool:
    return len(text) < search_index.MIN_TRIGRAM


def _always(text: str) -> bool:
    return True


def _number_shaped(text: str) -> bool:
    return any(k.shape(text) for k in IDENTIFIER_KINDS if k.number)


def _text_or_serial(text: str) -> bool:
    return _long(text) and not _number_shaped(text)


@dataclass(frozen=True)
class IdentifierKind:
    """One kind of thing a clerk types into the search box, and how its own index finds the
    newest `n` cases for it. A new searchable identifier is one more entry in IDENTIFIER_KINDS.

    `shape(text)`: whether the (upper-cased, stripped) query could be one; `cases(text, n)`:
    case ids, newest first, at most n, from a bounded walk of one index. `number`: a record
    number series (a number-shaped query skips the trigram text search).
    """

    name: str
    shape: Callable[[str], bool]
    cases: Callable[[str, int], list[int]]
    number: bool = False


def _prefix(table: str, column: str, link: str) -> Callable[[str, int], list[int]]:
    return lambda text, n: search_index.prefix_ids(table, column, link, text, n)


def _fts(fts: str, table: str, link: str) -> Callable[[str, int], list[int]]:
    if table == "case":
        return lambda text, n: search_index.fts_recent(fts, text, n)
    return lambda text, n: search_index.rows_of(table, link, search_index.fts_recent(fts, text, n))


def _customer_ids(text: str, n: int) -> list[int]:
    """The newest `n` customers whose name or phone matches (the hits after the cases)."""
    if len(text) < search_index.MIN_TRIGRAM:
        return search_index.gram_customers(text, n)
    return search_index.fts_recent("customer_fts", text, n)


IDENTIFIER_KINDS: tuple[IdentifierKind, ...] = (
    IdentifierKind("case number", _is_number_prefix("SH"), _prefix("case", "number", "id"), True),
    IdentifierKind(
        "repair number",
        _is_number_prefix("WX"),
        _prefix("repair_ticket", "number", "case_id"),
        True,
    ),
    IdentifierKind(
        "RMA number", _is_number_prefix("RMA"), _prefix("return_auth", "number", "case_id"), True
    ),
    IdentifierKind(
        "claim number", _is_number_prefix("SP"), _prefix("carrier_claim", "number", "case_id"), True
    ),
    IdentifierKind("customer name or phone", _always, search_index.customers_cases),
    IdentifierKind("case serial, number or fault", _text_or_serial, _fts("case_fts", "case", "id")),
    IdentifierKind(
        "repair serial", _text_or_serial, _fts("ticket_fts", "repair_ticket", "case_id")
    ),
    IdentifierKind(
        "return tracking number", _text_or_serial, _fts("rma_fts", "return_auth", "case_id")
    ),
    IdentifierKind("fault word (1-2 characters)", _short, search_index.short_word_cases),
    IdentifierKind("product name", _always, search_index.product_cases),
    IdentifierKind(
        "claim tracking number", _long, _prefix("carrier_claim", "tracking_no", "case_id")
    ),
)


def _indexed_search(ctx: Context, text: str, limit: int) -> list[Hit]:
    """Each identifier kind the query could be gives its newest `limit` cases from its own index;
    the union (a few dozen rows at most) is ordered newest first."""
    upper = text.upper()
    ids: set[int] = set()
    for kind in IDENTIFIER_KINDS:
        if kind.shape(upper):
            ids.update(kind.cases(upper if kind.number else text, limit))
    rows = list_cases(ctx, CaseFilter(ids=tuple(ids)), limit=limit) if ids else []
    hits = [_case_hit(r) for r in rows]
    room = max(0, limit - len(hits))
    if room:
        customers = Customer.select().where(
            Customer.id.in_(_customer_ids(text, room)) & Customer.merged_into.is_null()
        )
        for c in sorted(customers, key=lambda c: c.id, reverse=True):
            hits.append(_customer_hit(c))
    return hits


def _case_hit(r: CaseRow) -> Hit:
    return Hit(
        kind="case",
        number=r.number,
        case_kind=r.kind,
        status=r.status,
        title=f"{r.number}  {r.customer_name}",
        detail=" ".join(x for x in (r.product, r.serial) if x),
        phone=r.customer_phone or "",
    )


def _customer_hit(c: Customer) -> Hit:
    return Hit(
        kind="customer",
        number="",
        case_kind="",
        status="",
        title=c.name,
        detail=mask_phone(c.phone or ""),
        customer_id=c.id,
        phone=c.phone or "",
        cases=Case.select().where(Case.customer == c.id).count(),
    )


def search(ctx: Context, text: str, *, limit: int = 12) -> list[Hit]:
    """Cases first (newest first), then customers whose name or phone matches."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return []
    if search_index.available():
        return _indexed_search(ctx, text, limit)
    hits = [_case_hit(r) for r in list_cases(ctx, CaseFilter(search=text), limit=limit)]
    room = max(0, limit - len(hits))
    if room:
        customers = (
            Customer.select()
            .where(customer_condition(text) & Customer.merged_into.is_null())
            .order_by(Customer.updated_at.desc())
            .limit(room)
        )
        hits.extend(_customer_hit(c) for c in customers)
    return hits
