"""A dealer's account (services.dealers): deposits booked by the manager or the owner with the way
they were paid; damage the dealer is liable for is deducted from the same account."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies.dealers import dealer_account, dealer_deposit
from app.services.remedies.return_help import deduct_dealer
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.history import verify_chain
from app.store.models import Customer, DealerMovement, Event
from tests.conftest import Clock, make_user, refused
from tests.conftest import row_counts as counts

DEALER = {"name": "鑫达通讯（刘总）", "phone": "13906571288", "customer_kind": "dealer"}


@pytest.fixture
def manager(data_dir: Path, clock: Clock, ctx: Context) -> Context:
    make_user("mgr", "front_desk", is_manager=True)
    return context_for(data_dir, "mgr", clock=clock)


def _dealer_case(ctx: Context) -> str:
    return take_intake(ctx, IntakeForm(kind="complaint", **DEALER)).number


def test_deposit_then_deduction_on_the_dealers_account(manager: Context) -> None:
    number = _dealer_case(manager)
    account = dealer_deposit(manager, "13906571288", "30000", "bank", "预存售后保证金")
    assert (account.balance, account.deposited) == (Decimal("30000.00"), Decimal("30000.00"))
    again = dealer_deposit(manager, number, "5000.00", "WeChat")  # by one of their cases too
    assert again.balance == Decimal("35000.00")
    deduct_dealer(manager, number, "800.00", "人为损坏")
    after = dealer_account(manager, f"#{again.customer_id}")
    assert (after.balance, after.deposited) == (Decimal("34200.00"), Decimal("35000.00"))
    dealer = Customer.get_by_id(after.customer_id)
    rows = DealerMovement.select().where(DealerMovement.customer == dealer)
    assert dealer.dealer_balance == sum(m.amount for m in rows)
    events = Event.select().where(Event.action == "dealer_deposit").order_by(Event.id)
    assert [(e.data["amount"], e.data["route"]) for e in events] == [
        ("30000.00", "bank"),
        ("5000.00", "wechat"),
    ]
    assert verify_chain()[0]


def test_bad_deposit_names_the_fields_and_writes_nothing(manager: Context) -> None:
    _dealer_case(manager)
    err = refused(lambda: dealer_deposit(manager, "", "0", "original"), "invalid_input")
    assert isinstance(err, ValidationError)
    assert {e.field for e in err.errors} == {"dealer", "amount", "route"}
    consumer = take_intake(
        manager, IntakeForm(kind="complaint", name="张三", phone="13800138000")
    ).number
    refused(lambda: dealer_deposit(manager, consumer, "100", "cash"), "not_a_dealer")
    refused(lambda: dealer_deposit(manager, "#999", "100", "cash"), "not_found")


def test_only_the_manager_or_owner_books_a_deposit(desk_ctx: Context) -> None:
    number = _dealer_case(desk_ctx)
    before = counts()
    refused(lambda: dealer_deposit(desk_ctx, number, "100", "cash"), "permission_denied")
    assert counts() == before
