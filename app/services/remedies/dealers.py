"""A dealer's account at the shop: deposits paid in, read back with what is on it.

Dealer-liable damage is deducted from this account (`return_help.deduct_dealer`, and a liability
decided for the dealer); a return settled as credit adds to it. The money a dealer pays onto it
is booked here, by the manager or the owner, with the way it was paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import peewee as pw

from app.domain.codes import CustomerKind, PayRoute
from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import Collector, validate_text
from app.services.casework.records import find_customer
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.services.shop.suppliers import local_bounds, period
from app.store.db import write_transaction
from app.store.models import Case, Customer, DealerMovement

# A deposit is money handed over now: "back the way it was paid" names no way.
DEPOSIT_ROUTES = tuple(r.value for r in PayRoute if r is not PayRoute.ORIGINAL)
DEPOSIT = "deposit"


@dataclass(frozen=True)
class DealerAccount:
    customer_id: int
    name: str
    balance: Decimal
    deposited: Decimal  # every deposit so far (the balance also moves with deductions and credit)


def _route(value: object, field: str) -> str:
    text = validate_text(value, field, required=True, max_len=10).lower()
    if text not in DEPOSIT_ROUTES:
        raise ValidationError.single(field, "not_a_choice", choices=list(DEPOSIT_ROUTES))
    return text


def _dealer(key: str) -> Customer:
    customer = find_customer(key)
    if customer.kind != CustomerKind.DEALER.value:
        raise DomainError("not_a_dealer", field="dealer")
    return customer


def _account(customer: Customer) -> DealerAccount:
    deposits = (
        DealerMovement.select()
        .where((DealerMovement.customer == customer) & (DealerMovement.reason == DEPOSIT))
        .order_by(DealerMovement.id)
    )
    return DealerAccount(
        customer_id=customer.id,
        name=customer.name,
        balance=customer.dealer_balance,
        deposited=sum((m.amount for m in deposits), Decimal("0.00")),
    )


def dealer_account(ctx: Context, dealer: str) -> DealerAccount:
    """A dealer's balance and deposits (`dealer`: #id, phone or one of their case numbers)."""
    return _account(_dealer(dealer))


def dealer_deposit(
    ctx: Context, dealer: str, amount: str | Decimal, route: str, note: str = ""
) -> DealerAccount:
    """Book a dealer's deposit (预存保证金) onto their account; returns the account after it.

    `dealer` is a customer of kind dealer (#id, phone or one of their case numbers); `route`
    how the money came in (cash, bank, wechat, alipay). The movement, the balance and the event
    are written in one transaction.
    """
    v = Collector()
    value = v.check("amount", parse_money, amount, allow_zero=False)
    how = v.check("route", _route, route)
    text = v.check("note", validate_text, note, max_len=200) or ""
    if not str(dealer or "").strip():
        v.add("dealer", "required")
    v.raise_if_errors()
    require(ctx, Action.DEALER_DEPOSIT)
    with write_transaction():
        customer = _dealer(dealer)
        DealerMovement.create(
            customer=customer,
            amount=value,
            reason=DEPOSIT,
            at=ctx.now(),
            by=ctx.actor.id,
            note=text,
        )
        customer.dealer_balance = customer.dealer_balance + value  # type: ignore[operator]
        customer.updated_at = ctx.now()
        customer.save()
        audit.log(
            ctx,
            "customer",
            customer,
            "dealer_deposit",
            {"amount": str(value), "route": how, "balance": str(customer.dealer_balance)},
            text,
        )
        return _account(customer)


# --- the dealers' list and statements -----------------------------------------------------------


@dataclass(frozen=True)
class DealerRow:
    """One dealer in the list: who, how to reach them, what is on the account."""

    customer_id: int
    name: str
    phone: str
    balance: Decimal


def list_dealers(ctx: Context, text: str = "") -> list[DealerRow]:
    """Dealers by name; `text` matches name or phone."""
    query = (
        Customer.select()
        .where((Customer.kind == CustomerKind.DEALER.value) & Customer.merged_into.is_null())
        .order_by(Customer.name, Customer.id)
    )
    needle = str(text or "").strip()
    if needle:
        query = query.where(Customer.name.contains(needle) | Customer.phone.contains(needle))
    return [DealerRow(c.id, c.name, c.phone or "", c.dealer_balance) for c in query]


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    reason: str  # deposit, deduction, liability, credit, freight, freight_reversed
    case_number: str
    note: str
    amount: Decimal  # signed: + paid in or credited, - deducted
    balance: Decimal  # the balance after this movement


@dataclass(frozen=True)
class DealerStatement:
    """A dealer's account over a period: the opening balance, each movement, the closing one."""

    customer_id: int
    name: str
    phone: str
    date_from: date
    date_to: date
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal
    balance_now: Decimal

    @property
    def paid_in(self) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.amount > 0), Decimal("0.00"))

    @property
    def deducted(self) -> Decimal:
        return -sum((ln.amount for ln in self.lines if ln.amount < 0), Decimal("0.00"))


def dealer_statement(
    ctx: Context, dealer: str, date_from: object = None, date_to: object = None
) -> DealerStatement:
    """A dealer's statement for the days `date_from`..`date_to` in the shop's time zone.

    Worked back from the balance on the account: the closing balance is today's balance less
    what moved after the period, the opening one the closing less what moved in it, so the
    statement always agrees with the account.
    """
    first, last = period(ctx, date_from, date_to)
    if not str(dealer or "").strip():
        raise DomainError("required", field="dealer")
    customer = _dealer(dealer)
    start, end = local_bounds(ctx, first, last)
    moves = list(
        DealerMovement.select(DealerMovement, Case)
        .join(Case, pw.JOIN.LEFT_OUTER, on=DealerMovement.case == Case.id)
        .where((DealerMovement.customer == customer) & (DealerMovement.at >= start))
        .order_by(DealerMovement.at, DealerMovement.id)
    )
    inside = [m for m in moves if m.at < end]
    after = sum((m.amount for m in moves if m.at >= end), Decimal("0.00"))
    closing = customer.dealer_balance - after
    opening = closing - sum((m.amount for m in inside), Decimal("0.00"))
    lines, running = [], opening
    for m in inside:
        running += m.amount
        number = m.case.number if m.case_id else ""
        lines.append(StatementLine(m.at, m.reason, number, m.note, m.amount, running))
    return DealerStatement(
        customer.id,
        customer.name,
        customer.phone or "",
        first,
        last,
        opening,
        lines,
        closing,
        customer.dealer_balance,
    )
