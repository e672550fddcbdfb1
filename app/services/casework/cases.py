"""Finding, listing and showing cases, and moving them along their workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import peewee as pw

from app.domain import workflows
from app.domain.kinds import validate_kind
from app.domain.validation import Collector, validate_date, validate_text
from app.services.casework.records import case_detail, find_case, is_overdue
from app.services.casework.transitions import move
from app.services.casework.views import CaseDetail, CaseRow
from app.services.safekeeping.privacy import log_view
from app.services.shop.context import Context
from app.store import search_index
from app.store.models import Case, Customer, Product, RepairTicket, ReturnAuth, SaleRef, User

FINAL_STATUSES = frozenset(s for wf in workflows.ALL for s in wf.final)

__all__ = ["CaseFilter", "list_cases", "show_case", "move", "count_cases", "staff"]


@dataclass(frozen=True)
class CaseFilter:
    kind: str = ""
    kinds: tuple[str, ...] = ()  # several kinds (a tab's); ignored when `kind` is set
    status: str = ""
    search: str = ""
    overdue: bool = False
    open_only: bool = False
    assignee: str = ""
    date_from: str | date | None = None
    date_to: str | date | None = None
    ids: tuple[int, ...] = ()  # only these cases (the search box's hits)


def _where(ctx: Context, f: CaseFilter) -> list[pw.Expression]:
    v = Collector()
    kind = v.check("kind", validate_kind, f.kind, optional=True)
    kinds = [v.check("kinds", validate_kind, k) for k in f.kinds]
    status = v.check("status", validate_text, f.status, max_len=24) or ""
    text = v.check("search", validate_text, f.search, max_len=100) or ""
    start = v.check("date_from", validate_date, f.date_from, optional=True)
    end = v.check("date_to", validate_date, f.date_to, optional=True)
    if status and status.replace("-", "_") not in workflows.all_statuses():
        v.add("status", "not_a_choice", choices=list(workflows.all_statuses()))
    v.raise_if_errors()
    conds: list[pw.Expression] = []
    if kind:
        conds.append(Case.kind == kind)
    elif kinds and all(kinds):
        conds.append(Case.kind.in_(kinds))
    if status:
        conds.append(Case.status == status.replace("-", "_"))
    if f.open_only or f.overdue:
        conds.append(Case.status.not_in(FINAL_STATUSES))
    if f.overdue:
        now = ctx.now()
        today = ctx.local(now).date()
        conds.append(
            (Case.promise_date < today)
            | (Case.first_answered_at.is_null() & (Case.first_answer_due < now))
        )
    if f.assignee:
        conds.append(Case.assignee.in_(User.select(User.id).where(User.name == f.assignee)))
    if start:
        conds.append(Case.created_at >= datetime.combine(start, time.min, ctx.tz))
    if end:
        conds.append(Case.created_at <= datetime.combine(end, time.max, ctx.tz))
    if text:
        conds.append(_search_condition(text))
    if f.ids:
        conds.append(Case.id.in_([int(i) for i in f.ids]))
    return conds


def _search_condition(text: str) -> pw.Expression:
    """Number, name, phone (or its tail), serial/IMEI, tracking number, repair or RMA number.

    Answered from the search index when the database has one (3+ characters: trigram FTS; 1–2:
    customer name grams and phone tails); otherwise by LIKE scans.
    """
    upper = text.upper()
    # Order and platform refund numbers and a buyer's platform ID are typed or pasted whole:
    # exact, from their indexes.
    orders = (Case.platform_refund_no == text) | Case.sale.in_(
        SaleRef.select(SaleRef.id).where((SaleRef.order_no == text) | (SaleRef.buyer_id == text))
    )
    if search_index.available():
        tickets = RepairTicket.select(RepairTicket.case).where(RepairTicket.number == upper)
        rmas = ReturnAuth.select(ReturnAuth.case).where(ReturnAuth.number == upper)
        # Many hits: "+ 0" keeps SQLite from collecting every hit through the indexes, so it
        # walks cases newest-first and stops at the page; few hits: look them up and sort them.
        dense = search_index.is_dense(text)
        case_id = Case.id + 0 if dense else Case.id
        customer = Case.customer + 0 if dense else Case.customer
        if len(text) < search_index.MIN_TRIGRAM:
            return (
                (Case.number == upper)
                | customer.in_(search_index.short_customer_ids(text))
                | orders
            )
        fts_tickets = RepairTicket.select(RepairTicket.case).where(
            RepairTicket.id.in_(search_index.fts_ids("ticket_fts", text))
        )
        fts_rmas = ReturnAuth.select(ReturnAuth.case).where(
            ReturnAuth.id.in_(search_index.fts_ids("rma_fts", text))
        )
        return (
            (Case.number == upper)
            | case_id.in_(search_index.fts_ids("case_fts", text))
            | customer.in_(search_index.fts_ids("customer_fts", text))
            | case_id.in_(tickets)
            | case_id.in_(rmas)
            | case_id.in_(fts_tickets)
            | case_id.in_(fts_rmas)
            | orders
        )
    like = f"%{text}%"
    customers = Customer.select(Customer.id).where(
        Customer.name.contains(text) | Customer.phone.contains(text)
    )
    tickets = RepairTicket.select(RepairTicket.case).where(
        (RepairTicket.number == upper) | RepairTicket.serial.contains(text)
    )
    rmas = ReturnAuth.select(ReturnAuth.case).where(
        (ReturnAuth.number == upper) | ReturnAuth.tracking_no.contains(text)
    )
    return (
        (Case.number == upper)
        | Case.number.contains(text)
        | Case.serial.contains(text)
        | Case.customer.in_(customers)
        | Case.id.in_(tickets)
        | Case.id.in_(rmas)
        | Case.description**like
        | orders
    )


def _rows(ctx: Context, query: pw.ModelSelect) -> list[CaseRow]:
    now = ctx.now()
    out = []
    for c in query:
        product = c.product.name if c.product_id else ""
        out.append(
            CaseRow(
                number=c.number,
                kind=c.kind,
                status=c.status,
                customer_name=c.customer.name,
                customer_phone=c.customer.phone,
                product=product,
                serial=c.serial,
                created_at=c.created_at,
                promise_date=c.promise_date,
                overdue=is_overdue(c, ctx, now),
                assignee=c.assignee.display_name if c.assignee_id else None,
                amount=c.amount,
            )
        )
    return out


def list_cases(
    ctx: Context, f: CaseFilter | None = None, *, limit: int | None = None, offset: int = 0
) -> list[CaseRow]:
    """Newest first; pages in SQL so a long history never loads at once."""
    conds = _where(ctx, f or CaseFilter())
    q = (
        Case.select(Case, Customer, Product, User)
        .join(Customer, on=(Case.customer == Customer.id))
        .switch(Case)
        .join(Product, pw.JOIN.LEFT_OUTER, on=(Case.product == Product.id))
        .switch(Case)
        .join(User, pw.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
        .order_by(Case.created_at.desc(), Case.id.desc())
    )
    if conds:
        q = q.where(*conds)
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return _rows(ctx, q)


def count_cases(ctx: Context, f: CaseFilter | None = None) -> int:
    conds = _where(ctx, f or CaseFilter())
    q = Case.select()
    if conds:
        q = q.where(*conds)
    return q.count()


def show_case(ctx: Context, number: str) -> CaseDetail:
    """One case in full; opening it shows the customer's data, so the access is logged."""
    case = find_case(number)
    detail = case_detail(case, ctx)
    log_view(ctx, case.customer_id, "view", case.number)
    return detail


def staff(ctx: Context, roles: tuple[str, ...] = ()) -> list[str]:
    """Names of active staff (optionally of some roles), for assignee choices."""
    q = User.select(User.name).where((User.active == True) & (User.name != "system"))  # noqa: E712
    if roles:
        q = q.where(User.role.in_(roles))
    return [u.name for u in q.order_by(User.name)]
