"""The role x action matrix of app.services.shop.permissions, checked against real service calls.

Every Action has one or more probes: a setup run as the owner, then the guarded call run as the
role under test. Where the matrix allows it the call succeeds; otherwise it is refused with
"permission_denied" and nothing is written. A new Action without a probe fails this module.
Owner-only actions are also tried at a desk session through the owner's PIN (`confirm_owner`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher

from app.domain.codes import Role
from app.domain.errors import DomainError
from app.services.casework import cases, corrections
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.rules import update_settings
from app.services.paper import report
from app.services.remedies import money as money_svc
from app.services.remedies import repairs, returns
from app.services.remedies.dealers import dealer_deposit
from app.services.safekeeping import audit_check, backups, privacy
from app.services.shop import accounts, products
from app.services.shop.context import Context
from app.services.shop.permissions import MANAGER_EXTRA, MATRIX, Action, allowed, require
from app.services.shop.setup import context_for
from app.services.shop.stock import stock_in
from app.store.models import CarrierClaim, MoneyEntry, User
from tests.conftest import make_user, seal_user
from tests.conftest import row_counts as counts

A = Action
FRONT_DESK = {A.CASE_CREATE, A.CASE_MOVE, A.MONEY, A.CLAIM, A.CUSTOMER_EDIT}
OWNER_ONLY = {
    A.APPROVE_OWNER,
    A.SCRAP_APPROVE,
    A.SETTINGS,
    A.USERS,
    A.PRIVACY,
    A.ERASE,
    A.RESTORE,
}
EXPECTED: dict[str, frozenset[Action]] = {
    "owner": frozenset(Action),
    "front_desk": frozenset(FRONT_DESK),
    "manager": frozenset(
        FRONT_DESK
        | {
            A.APPROVE_MANAGER,
            A.SHIP_FIRST,
            A.QC,
            A.CASE_CORRECT,
            A.STOCK,
            A.DEALER_DEPOSIT,
            A.CATALOGUE,
            A.REPORT,
            A.AUDIT,
        }
    ),
    "technician": frozenset({A.CASE_CREATE, A.CASE_MOVE, A.REPAIR_WORK, A.QC}),
}
USERS = {
    "owner": ("boss", None),
    "front_desk": ("desk", ("front_desk", False)),
    "manager": ("mgr", ("front_desk", True)),
    "technician": ("tech", ("technician", False)),
}


def as_role(ctx: Context, role: str) -> Context:
    name, spec = USERS[role]
    if spec is not None:
        make_user(name, spec[0], is_manager=spec[1])
    return context_for(ctx.data_dir, name, clock=ctx.clock)


# --- setups (run as the owner) -------------------------------------------------------------------

PERSON = {"name": "周敏", "phone": "13300001111"}


def _intake(ctx: Context, **fields: Any) -> str:
    return take_intake(ctx, IntakeForm(**{**PERSON, **fields})).number


def complaint(ctx: Context) -> str:
    return _intake(ctx, kind="complaint")


def repair(ctx: Context) -> str:
    number = _intake(ctx, kind="repair", product="vivo Y100", category="phone")
    cases.move(ctx, number, "diagnosing")
    return number


def onsite(ctx: Context) -> str:
    return _intake(
        ctx, kind="repair", product="vivo Y100", on_site=True, site_address="宝山区 9 号"
    )


def ready_repair(ctx: Context) -> str:
    number = repair(ctx)
    cases.move(ctx, number, "ready_for_pickup", "无法修复")
    return number


def return_case(amount: str) -> Callable[[Context], str]:
    def setup(ctx: Context) -> str:
        return _intake(
            ctx,
            kind="return",
            product="vivo Y100",
            category="phone",
            sold="2026-02-28",
            reason="quality",
            amount=amount,
        )

    return setup


def inspected_return(ctx: Context) -> str:
    number = return_case("300.00")(ctx)
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    returns.inspect(ctx, number, "confirmed_defect")
    returns.decide_liability(ctx, number, "supplier")
    return number


def received_return(ctx: Context) -> str:
    number = return_case("300.00")(ctx)
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    return number


def disposed_return(ctx: Context) -> str:
    number = inspected_return(ctx)
    returns.set_disposition(ctx, number, "repair_restock")
    return number


def refund_only(ctx: Context) -> str:
    number = _intake(ctx, kind="refund", product="贴膜", amount="30.00")
    money_svc.set_shipping_status(ctx, number, "not_shipped")
    return number


def refunded_entry(ctx: Context) -> int:
    number = refund_only(ctx)
    money_svc.refund(ctx, number, "30.00")
    return MoneyEntry.get(MoneyEntry.kind == "refund").id


def claim(ctx: Context) -> str:
    number = _intake(ctx, kind="refund", product="贴膜", amount="30.00")
    money_svc.set_shipping_status(ctx, number, "lost")
    return CarrierClaim.get().number


def nothing(ctx: Context) -> None:
    return None


def staff_member(ctx: Context) -> str:
    make_user("zhou", "technician")
    return "zhou"


def a_customer(ctx: Context) -> str:
    return f"#{take_intake(ctx, IntakeForm(kind='complaint', **PERSON)).customer_id}"


def a_backup(ctx: Context) -> str:
    return str(backups.backup_now(ctx, "probe").path)


def a_part(ctx: Context) -> str:
    return "SCREEN-1"


def a_product(ctx: Context) -> str:
    return f"#{products.add_product(ctx, '华为 Mate 60', 'BRA-AL00', price='5999').id}"


def a_dealer(ctx: Context) -> str:
    case = take_intake(ctx, IntakeForm(kind="complaint", **{**PERSON, "customer_kind": "dealer"}))
    return f"#{case.customer_id}"


# --- probes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    name: str
    setup: Callable[[Context], Any]
    call: Callable[[Context, Any], Any]


def _restore(ctx: Context, file: object) -> None:
    """On the shop server the owner restores with pg_restore: refused after the permission check
    (which comes first, so the other roles still get permission_denied)."""
    try:
        backups.restore(ctx, file)  # type: ignore[arg-type]
    except DomainError as exc:
        if exc.code != "server_restore_refused":
            raise


PROBES: dict[Action, tuple[Probe, ...]] = {
    A.CASE_CREATE: (Probe("intake", nothing, lambda c, _: complaint(c)),),
    A.CASE_MOVE: (
        Probe("move", complaint, lambda c, n: cases.move(c, n, "acknowledged")),
        Probe("sign", ready_repair, lambda c, n: repairs.sign(c, n, [[[0, 0], [1, 1]]])),
    ),
    A.REPAIR_WORK: (
        Probe("labour", repair, lambda c, n: repairs.add_labour(c, n, "检测", "30.00")),
        Probe("part", repair, lambda c, n: repairs.add_part(c, n, description="螺丝")),
        Probe("estimate", repair, lambda c, n: repairs.set_estimate(c, n, "200.00")),
        Probe("diagnosis", repair, lambda c, n: repairs.update_ticket(c, n, diagnosis="进水")),
        Probe("visit", onsite, lambda c, n: repairs.record_visit(c, n, "已上门")),
    ),
    A.APPROVE_MANAGER: (
        Probe("approve_300", return_case("300.00"), lambda c, n: returns.approve(c, n)),
        # A refund-only case has no approval step: paying it is the manager's approval.
        Probe("refund_only", refund_only, lambda c, n: money_svc.refund(c, n, "30.00")),
    ),
    A.APPROVE_OWNER: (
        Probe("approve_800", return_case("800.00"), lambda c, n: returns.approve(c, n)),
    ),
    A.SHIP_FIRST: (
        Probe(
            "replacement",
            return_case("300.00"),
            lambda c, n: cases.move(c, n, "replacement_shipped"),
        ),
    ),
    A.MONEY: (
        Probe("record", complaint, lambda c, n: money_svc.record_money(c, n, "charge", "5")),
        Probe("reverse", refunded_entry, lambda c, e: money_svc.reverse_money(c, e, "录错")),
        Probe("credit", disposed_return, lambda c, n: returns.settle(c, n, "credited", "300")),
        Probe("refund_rma", disposed_return, lambda c, n: returns.settle(c, n, "refunded", "1")),
    ),
    A.SCRAP_APPROVE: (
        Probe("repair_scrap", ready_repair, lambda c, n: repairs.approve_scrap(c, n, "报废")),
        Probe(
            "return_scrap",
            inspected_return,
            lambda c, n: returns.set_disposition(c, n, "scrap", scrap_report="报废"),
        ),
    ),
    A.QC: (
        Probe("inspect", received_return, lambda c, n: returns.inspect(c, n, "confirmed_defect")),
    ),
    A.CASE_CORRECT: (
        Probe(
            "correct",
            repair,
            lambda c, n: corrections.correct_case(c, n, {"serial": "SN-1"}, "录错"),
        ),
    ),
    A.CLAIM: (Probe("claim", claim, lambda c, n: money_svc.move_claim(c, n, "filed")),),
    A.SETTINGS: (
        Probe(
            "settings",
            nothing,
            lambda c, _: update_settings(c, {"approval.owner_threshold": "600"}),
        ),
    ),
    A.USERS: (
        Probe(
            "add",
            nothing,
            lambda c, _: accounts.add_user(c, "li", "", "front_desk", "97531086"),
        ),
        Probe("list", nothing, lambda c, _: accounts.list_users(c)),
        Probe("disable", staff_member, lambda c, n: accounts.deactivate(c, n)),
        Probe("unlock", staff_member, lambda c, n: accounts.unlock(c, n)),
    ),
    A.PRIVACY: (
        Probe("export", a_customer, lambda c, k: privacy.export_customer(c, k)),
        Probe("access_log", a_customer, lambda c, k: privacy.access_log(c, k)),
    ),
    A.ERASE: (
        Probe("erase", a_customer, lambda c, k: privacy.erase_customer(c, k, confirm_owner=True)),
    ),
    A.RESTORE: (Probe("restore", a_backup, lambda c, f: _restore(c, f)),),
    A.REPORT: (Probe("summary", nothing, lambda c, _: report.month_report(c, 2026, 3)),),
    A.AUDIT: (Probe("verify", nothing, lambda c, _: audit_check.verify_history(c)),),
    A.CUSTOMER_EDIT: (
        Probe(
            "correct",
            a_customer,
            lambda c, k: privacy.correct_customer(c, k, {"address": "宝山区 9 号"}),
        ),
    ),
    A.STOCK: (
        Probe(
            "new_part",
            a_part,
            lambda c, n: stock_in(c, n, 2, Decimal("80"), "供应商", name="屏幕总成", price="150"),
        ),
    ),
    A.CATALOGUE: (
        Probe("price", a_product, lambda c, k: products.edit_product(c, k, {"price": "5799"})),
    ),
    A.DEALER_DEPOSIT: (
        Probe("deposit", a_dealer, lambda c, k: dealer_deposit(c, k, "5000", "bank", "保证金")),
    ),
}
UNPROBED = set(Action) - set(PROBES)

CASES = [
    (role, action, probe) for role in USERS for action, probes in PROBES.items() for probe in probes
]


def test_matrix_matches_the_roles() -> None:
    assert {Role.OWNER, Role.FRONT_DESK, Role.TECHNICIAN} == set(MATRIX)
    assert MATRIX[Role.OWNER] == EXPECTED["owner"]
    assert MATRIX[Role.FRONT_DESK] == EXPECTED["front_desk"]
    assert MATRIX[Role.TECHNICIAN] == EXPECTED["technician"]
    assert EXPECTED["front_desk"] | MANAGER_EXTRA == EXPECTED["manager"]
    assert set(Action) - EXPECTED["front_desk"] - EXPECTED["technician"] - MANAGER_EXTRA == (
        OWNER_ONLY
    )
    assert not UNPROBED, "every action needs a probe through a real service"


@pytest.mark.parametrize("role", list(USERS))
def test_allowed_agrees_with_the_matrix(ctx: Context, role: str) -> None:
    who = as_role(ctx, role)
    for action in Action:
        expect = action in EXPECTED[role]
        assert allowed(who, action) is expect, (role, action)
        if expect:
            require(who, action)
        else:
            with pytest.raises(DomainError) as info:
                require(who, action)
            assert info.value.code == "permission_denied"
            assert info.value.params["action"] == action.value


OWNER_CASES = [(a, p) for a, probes in PROBES.items() if a in OWNER_ONLY for p in probes]


@pytest.mark.parametrize(
    ("action", "probe"), OWNER_CASES, ids=[f"{a.value}-{p.name}" for a, p in OWNER_CASES]
)
def test_owner_only_actions_at_the_desk_with_the_owners_pin(
    ctx: Context, action: Action, probe: Probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    User.update(secret_hash=accounts.hash_secret("24680135")).where(User.name == "boss").execute()
    seal_user(User.get(User.name == "boss"), "pin_reset")  # as set_pin would have logged it
    key = probe.setup(ctx)
    desk = as_role(ctx, "manager")
    before = counts()
    with pytest.raises(DomainError) as info:
        probe.call(desk, key)
    assert info.value.code == "permission_denied"
    assert counts() == before
    probe.call(accounts.confirm_owner(desk, "boss", "24680135"), key)


def test_technician_with_manager_flag_gains_nothing(ctx: Context) -> None:
    make_user("tm", "technician", is_manager=True)
    who = context_for(ctx.data_dir, "tm", clock=ctx.clock)
    assert {a for a in Action if allowed(who, a)} == EXPECTED["technician"]


@pytest.mark.parametrize(
    ("role", "action", "probe"),
    CASES,
    ids=[f"{r}-{a.value}-{p.name}" for r, a, p in CASES],
)
def test_service_enforces_the_matrix(ctx: Context, role: str, action: Action, probe: Probe) -> None:
    key = probe.setup(ctx)
    who = as_role(ctx, role)
    if action in EXPECTED[role]:
        probe.call(who, key)
        return
    before = counts()
    with pytest.raises(DomainError) as info:
        probe.call(who, key)
    assert info.value.code == "permission_denied", info.value.params
    assert counts() == before


def test_owner_walks_a_whole_return_alone(ctx: Context) -> None:
    number = return_case("900.00")(ctx)
    returns.approve(ctx, number)
    cases.move(ctx, number, "replacement_shipped")
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    money_svc.refund(ctx, number, "900.00")  # shipped first: once the goods are back
    returns.inspect(ctx, number, "transit_damage")
    returns.decide_liability(ctx, number, "carrier")
    returns.set_disposition(ctx, number, "scrap", scrap_report="运输摔坏,报废")
    cases.move(ctx, number, "closed")
    assert CarrierClaim.select().count() == 1


def test_technician_cannot_charge_a_dealer_account(ctx: Context) -> None:
    number = return_case("300.00")(ctx)
    take_intake(ctx, IntakeForm(kind="complaint", customer_kind="dealer", **PERSON))
    returns.approve(ctx, number)
    cases.move(ctx, number, "awaiting_goods")
    cases.move(ctx, number, "received")
    returns.inspect(ctx, number, "man_made_damage")
    tech = as_role(ctx, "technician")
    before = counts()
    with pytest.raises(DomainError) as info:
        returns.decide_liability(tech, number, "dealer")
    assert info.value.code == "permission_denied"
    assert counts() == before
