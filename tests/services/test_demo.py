"""The demo batch: realistic, complete (every workflow state), consistent and quick.

One demo run is shared by the module (it takes a few seconds); the last test adds a second batch
to the same folder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from app import i18n
from app.demo import DEMO_DAYS, make_demo
from app.domain import workflows
from app.domain.codes import CaseKind, Category, Role
from app.domain.validation import luhn_ok, validate_phone
from app.services.casework.cases import CaseFilter, count_cases
from app.services.remedies.repairs import validate_strokes
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store.history import verify_chain
from app.store.models import (
    CarrierClaim,
    Case,
    Customer,
    DealerMovement,
    Event,
    MoneyEntry,
    Product,
    RepairTicket,
    ReturnAuth,
    SaleRef,
    SparePart,
    StockMovement,
    User,
)
from tests.conftest import Clock, make_user

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # as the `clock` fixture: 10:00 in Shanghai
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Iterator[tuple[Context, dict[str, Any]]]:
    """One demo batch in a fresh data folder, made as the owner at a fixed `now`."""
    i18n.setup("en")
    folder = open_data_folder(Path(tmp_path_factory.mktemp("demo")) / "data")
    make_user("boss", "owner")
    ctx = context_for(folder, "boss", clock=Clock(NOW))
    summary = make_demo(ctx)
    yield ctx, summary
    close_data_folder()


def test_batch_size_and_summary(demo: tuple[Context, dict[str, Any]]) -> None:
    ctx, summary = demo
    n = Case.select().count()
    assert 250 <= n <= 350
    assert summary["cases"] == n == summary["total_cases"]
    assert summary["customers"] == len({c.customer_id for c in Case.select(Case.customer)})
    assert sum(summary["kinds"].values()) == n


def test_staff_act_in_their_roles(demo: tuple[Context, dict[str, Any]]) -> None:
    _, summary = demo
    staff = {u.name: u for u in User.select().where(User.name.in_(summary["users"]))}
    assert {u.role for u in staff.values()} == {r.value for r in Role}
    # Every demo account signs in with the published demo PIN, flagged so the window urges a change.
    assert all(u.active and u.demo_pin for u in staff.values())
    assert len({u.secret_hash for u in staff.values()}) == 1  # hashed once for the batch
    assert PasswordHasher().verify(next(iter(staff.values())).secret_hash, summary["pin"])
    assert any(u.role == Role.FRONT_DESK and u.is_manager for u in staff.values())
    assert all(CJK.search(u.display_name) for u in staff.values())
    # Repair work is the technicians', approvals above the threshold the owner's.
    roles = {u.id: u.role for u in User.select()}
    estimates = Event.select().where((Event.entity == "repair") & (Event.action == "estimate"))
    assert estimates.count() > 0
    assert {roles[e.actor_id] for e in estimates} == {Role.TECHNICIAN.value}
    for rma in ReturnAuth.select().where(ReturnAuth.approval_level == "owner"):
        assert roles[rma.approved_by_id] == Role.OWNER.value
    assert ReturnAuth.select().where(ReturnAuth.approval_level == "manager").count() > 0


def test_every_kind_and_every_state_is_on_some_case(demo: tuple[Context, dict[str, Any]]) -> None:
    now_in: dict[str, set[str]] = {}
    for case in Case.select(Case.kind, Case.status):
        now_in.setdefault(workflows.workflow_for(case.kind).name, set()).add(case.status)
    now_in["carrier_claim"] = {c.status for c in CarrierClaim.select(CarrierClaim.status)}
    for wf in workflows.ALL:
        assert set(wf.states) <= now_in.get(wf.name, set()), wf.name
    assert {c.kind for c in Case.select(Case.kind)} == {k.value for k in CaseKind}
    # The on-site path and "ship first" were walked end to end.
    moved = {
        (e.from_state, e.to_state)
        for e in Event.select(Event.from_state, Event.to_state).where(Event.action == "moved")
    }
    for edge in [
        ("scheduled", "visited"),
        ("visited", "revisit_scheduled"),
        ("revisit_scheduled", "visited"),
        ("visited", "done"),
        ("requested", "replacement_shipped"),
        ("approved", "replacement_shipped"),
        ("replacement_shipped", "awaiting_goods"),
        ("quality_check", "repairing"),
        ("follow_up", "investigating"),
        ("rejected", "filed"),
    ]:
        assert edge in moved, edge


def test_imeis_and_people_look_real(demo: tuple[Context, dict[str, Any]]) -> None:
    serials = [c.serial for c in Case.select(Case.serial) if c.serial]
    serials += [t.serial for t in RepairTicket.select(RepairTicket.serial) if t.serial]
    serials += [s.serial for s in SaleRef.select(SaleRef.serial) if s.serial]
    assert len(serials) > 100
    assert all(len(s) == 15 and luhn_ok(s) for s in serials)
    handsets_in = (
        Case.select()
        .join(Product)
        .where(
            (Product.category == Category.PHONE.value)
            & Case.kind.in_(("repair", "return", "exchange"))
        )
    )
    assert all(luhn_ok(c.serial) for c in handsets_in)
    customers = list(Customer.select())
    assert all(CJK.search(c.name) and validate_phone(c.phone) == c.phone for c in customers)
    assert len({c.name[0] for c in customers}) > 40  # varied surnames
    assert {c.service_class for c in customers} == {"A", "B", "C"}
    assert {c.kind for c in customers} == {"consumer", "dealer", "business"}
    repeat = Counter(c.customer_id for c in Case.select(Case.customer))
    assert sum(1 for n in repeat.values() if n >= 3) >= 3
    products = list(Product.select())
    assert {p.category for p in products} >= {c.value for c in Category} - {"other"}
    brands = ("iPhone", "OPPO", "vivo", "Redmi")
    assert all(CJK.search(p.name) or p.name.startswith(brands) for p in products)
    handsets = [p for p in products if p.category == Category.PHONE.value]
    assert all(Decimal("999") <= p.price <= Decimal("12000") for p in handsets)
    # Each product's price is the unit price, also for goods returned by the batch.
    assert all(p.price < Decimal("2000") for p in products if p.category != "phone")


def test_audit_chain_and_times(demo: tuple[Context, dict[str, Any]]) -> None:
    ctx, _ = demo
    ok, broken, checked = verify_chain()
    assert ok and broken is None and checked > 1000
    assert ctx.now() == NOW
    first = Case.select().order_by(Case.created_at).first().created_at
    last = Case.select().order_by(Case.created_at.desc()).first().created_at
    assert NOW - timedelta(days=DEMO_DAYS + 1) <= first and last <= NOW
    assert Event.select().where(Event.at > NOW).count() == 0
    months = {c.created_at.astimezone(ctx.tz).strftime("%Y-%m") for c in Case.select()}
    assert len(months) >= 6
    # Every step of a case comes after its intake, and cases are taken in shop hours.
    for case in Case.select():
        assert case.updated_at >= case.created_at
        assert 9 <= case.created_at.astimezone(ctx.tz).hour < 21
    numbers = [c.number for c in Case.select().order_by(Case.created_at, Case.id)]
    assert numbers == sorted(numbers, key=lambda n: (n[3:7], n))


def test_stock_and_money(demo: tuple[Context, dict[str, Any]]) -> None:
    parts = list(SparePart.select())
    assert len(parts) >= 10
    for part in parts:
        moved = sum(m.qty for m in StockMovement.select().where(StockMovement.part == part))
        assert part.stock == moved >= 0
    reasons = Counter(m.reason for m in StockMovement.select())
    assert reasons["purchase"] > len(parts) and reasons["repair_use"] > 10
    kinds = Counter(m.kind for m in MoneyEntry.select())
    for kind in ("refund", "parts", "labour", "charge", "freight", "dealer_deduction", "credit"):
        assert kinds[kind] > 0, kind
    assert kinds["claim_recovery"] > 0 and kinds["supplier_recovery"] > 0
    dealers = list(Customer.select().where(Customer.kind == "dealer"))
    assert dealers and all(d.dealer_balance > 0 for d in dealers)
    for d in dealers:
        total = sum(m.amount for m in DealerMovement.select().where(DealerMovement.customer == d))
        assert d.dealer_balance == total
    assert DealerMovement.select().where(DealerMovement.amount < 0).count() >= 2


def test_repairs_returns_complaints_are_complete(demo: tuple[Context, dict[str, Any]]) -> None:
    ctx, summary = demo
    tickets = list(RepairTicket.select())
    assert {t.estimate_approved for t in tickets} == {None, True, False}
    signed = [t for t in tickets if t.signed_at is not None]
    assert len(signed) > 50
    for t in signed:
        validate_strokes(t.signature["strokes"])
        assert len(t.signature["strokes"]) >= 2
    assert any(t.scrap_approved_by_id for t in tickets)
    assert any(t.factory_tag for t in tickets)
    assert any(t.on_site and t.visits.count() >= 2 for t in tickets)
    assert all(CJK.search(t.fault) for t in tickets)
    rmas = list(ReturnAuth.select())
    assert any(r.capa_corrective and r.report_sent_at and r.customer_reply for r in rmas)
    assert {r.liability for r in rmas} >= {"shop", "dealer", "customer", "carrier", "supplier"}
    assert {r.disposition for r in rmas} >= {
        "restock",
        "discount",
        "repair_restock",
        "scrap",
        "ship_back",
    }
    assert any(r.disposition == "scrap" and r.scrap_approved_by_id for r in rmas)
    assert any(r.sample_pct for r in rmas)
    rated = Case.select().where((Case.kind == "complaint") & Case.satisfaction.is_null(False))
    assert rated.count() >= 10
    assert Case.select().where(Case.parent.is_null(False)).count() >= 2
    assert CarrierClaim.select().count() >= 10
    overdue = count_cases(ctx, CaseFilter(overdue=True))
    assert 3 <= overdue <= 15
    assert summary["overdue"] == overdue


def test_second_run_adds_a_batch(demo: tuple[Context, dict[str, Any]]) -> None:
    ctx, first = demo
    before = Case.select().count()
    users = User.select().count()
    last_number = max(c.number for c in Case.select(Case.number))
    second = make_demo(ctx, cases=0)  # only the cases that show every state: quicker
    assert second["cases"] > 100
    assert Case.select().count() == before + second["cases"] == second["total_cases"]
    assert User.select().count() == users  # the staff are reused
    assert second["users"] == first["users"]
    new = Case.select().order_by(Case.id.desc()).limit(second["cases"])
    assert all(c.number > last_number for c in new if c.number[3:7] == last_number[3:7])
    assert len({c.number for c in Case.select(Case.number)}) == Case.select().count()
    assert verify_chain()[0]
    assert SparePart.select().where(SparePart.stock < 0).count() == 0
