"""Staff accounts against a real database: first owner, PIN rules, sign-in, lockout, confirmation.

argon2id at its production cost takes ~0.1 s a hash on an idle machine and many times that while
other suites run, and the lockout tests verify a dozen PINs each. So this module swaps in a cheap
argon2id hasher (the module-level setting, no test flag in any signature); the production
parameters are checked by their own tests here, and the CLI tests sign in with them.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app.domain.errors import DomainError, ValidationError
from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies import returns
from app.services.shop import accounts
from app.services.shop.accounts import (
    add_user,
    change_own_pin,
    confirm_owner,
    create_owner,
    deactivate,
    demo_pins_in_use,
    list_users,
    login,
    needs_owner_setup,
    set_pin,
    unlock,
    uses_demo_pin,
    validate_secret,
)
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, open_data_folder
from app.store.models import Event, User
from tests.conftest import Clock, refused, row_counts, unsealed

PIN = "24681357"  # an owner's PIN has 8 digits or more
PRODUCTION = accounts.HASHER


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def owner(data_dir: Path, clock: Clock) -> Context:
    """The shop's first owner, signed in."""
    create_owner("Boss", "王店长", PIN, clock=clock)
    return login(data_dir, "boss", PIN, clock=clock)


def _events(action: str) -> list[Event]:
    return list(Event.select().where(Event.action == action).order_by(Event.id))


def _fail(data_dir: Path, clock: Clock, name: str, times: int, code: str = "login_failed") -> None:
    for _ in range(times):
        with pytest.raises(DomainError) as info:
            login(data_dir, name, "000000x1", clock=clock)
        assert info.value.code == code


# --- secrets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("246810", "246810"),
        ("２４６８１０", "246810"),  # full-width digits from a Chinese input method
        (" 8642097 ", "8642097"),
        ("correct horse", "correct horse"),
        ("密码是八个字符吧", "密码是八个字符吧"),
    ],
)
def test_good_secrets(typed: str, clean: str) -> None:
    assert validate_secret(typed) == clean


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "required"),
        (None, "required"),
        ("12345", "pin_too_short"),
        ("１２３４５", "pin_too_short"),
        ("123456", "pin_too_simple"),
        ("654321", "pin_too_simple"),
        ("000000", "pin_too_simple"),
        ("890123", "pin_too_simple"),  # a run that wraps round 9 → 0
        ("abc12", "password_too_short"),
        ("x" * 129, "too_long"),
    ],
)
def test_bad_secrets(typed: str | None, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_secret(typed)
    assert info.value.errors[0].code == code


def test_production_hashing_is_argon2id_at_a_measured_cost() -> None:
    start = time.perf_counter()
    stored = PRODUCTION.hash(PIN)
    took = time.perf_counter() - start
    assert stored.startswith("$argon2id$v=19$m=65536,t=2,p=2$")
    assert PIN not in stored
    assert 0.01 < took < 5.0, took  # ~0.1 s idle; generous bounds for a busy CI machine


def test_an_old_hash_is_upgraded_at_sign_in(
    owner: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "m=1024,t=1,p=1" in User.get(User.name == "boss").secret_hash
    monkeypatch.setattr(accounts, "HASHER", PRODUCTION)
    login(owner.data_dir, "boss", PIN, clock=clock)
    assert User.get(User.name == "boss").secret_hash.startswith("$argon2id$v=19$m=65536,t=2,p=2$")
    assert login(owner.data_dir, "boss", PIN, clock=clock).actor.name == "boss"


def test_lock_delay_grows_and_is_capped() -> None:
    assert [accounts._lock_minutes(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


# --- first run and sign-in -----------------------------------------------------------------------


def test_first_run_creates_the_owner_once(data_dir: Path, clock: Clock) -> None:
    assert needs_owner_setup()
    view = create_owner(" Boss ", "王店长", "２４６８１３５７", clock=clock)
    assert (view.name, view.role, view.display_name, view.has_secret) == (
        "boss",
        "owner",
        "王店长",
        True,
    )
    assert not needs_owner_setup()
    stored = User.get(User.name == "boss").secret_hash
    assert stored.startswith("$argon2id$") and PIN not in stored
    refused(lambda: create_owner("second", "", "13579135", clock=clock), "owner_exists")
    ctx = login(data_dir, "BOSS", PIN, clock=clock)  # names are case-insensitive
    assert (ctx.actor.name, ctx.actor.role) == ("boss", "owner")
    assert [e.actor_id for e in _events("login")] == [ctx.actor.id]
    assert len(_events("owner_created")) == 1


def test_bad_first_owner_input_writes_nothing(data_dir: Path, clock: Clock) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        create_owner("a b", "", "1234", clock=clock)
    assert {e.field: e.code for e in info.value.errors} == {
        "login": "login_invalid",
        "pin": "pin_too_short",
    }
    with pytest.raises(ValidationError):
        create_owner("system", "", PIN, clock=clock)
    assert row_counts() == before
    assert needs_owner_setup()


def test_wrong_pin_writes_only_the_failure_record(owner: Context, clock: Clock) -> None:
    before = row_counts()
    with pytest.raises(DomainError) as wrong:
        login(owner.data_dir, "boss", "135792", clock=clock)
    after = row_counts()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"Event": 1}
    failure = _events("login_failed")[-1]
    assert (failure.entity, failure.entity_id) == ("user", owner.actor.id)
    assert User.get(User.name == "boss").recent_failures == [clock.now.isoformat()]
    # An unknown name gets exactly the same answer: nothing tells whether the name exists.
    with pytest.raises(DomainError) as unknown:
        login(owner.data_dir, "nobody", "135792", clock=clock)
    assert (unknown.value.code, unknown.value.params) == (wrong.value.code, wrong.value.params)
    assert _events("login_failed")[-1].entity == "login"
    # The built-in system user and disabled accounts cannot sign in at all.
    with pytest.raises(DomainError) as system:
        login(owner.data_dir, "system", "", clock=clock)
    assert system.value.code == "login_failed"


def test_five_failures_lock_and_the_lock_survives_a_restart(owner: Context, clock: Clock) -> None:
    folder = owner.data_dir
    _fail(folder, clock, "boss", 4)
    clock.advance(minutes=14)
    _fail(folder, clock, "boss", 1, "account_locked")  # the 5th within 15 minutes
    locked = User.get(User.name == "boss")
    assert locked.locked_until == clock.now + timedelta(minutes=1)
    assert [unsealed(e.data) for e in _events("locked")] == [{"minutes": 1}]
    # Even the right PIN is refused while locked, and the message names the time (shop's zone).
    with pytest.raises(DomainError) as info:
        login(folder, "boss", PIN, clock=clock)
    assert info.value.code == "account_locked"
    assert info.value.params == {"until": "2026-03-02 10:15"}  # 02:14 UTC + 1 min, Shanghai
    # Closing and reopening the data folder (a restart) keeps the lock.
    close_data_folder()
    open_data_folder(folder)
    with pytest.raises(DomainError) as again:
        login(folder, "boss", PIN, clock=clock)
    assert again.value.code == "account_locked"
    # When it runs out, the right PIN works; the next lock lasts twice as long.
    clock.advance(minutes=1, seconds=1)
    _fail(folder, clock, "boss", 4)
    _fail(folder, clock, "boss", 1, "account_locked")
    assert User.get(User.name == "boss").locked_until == clock.now + timedelta(minutes=2)
    clock.advance(minutes=2, seconds=1)
    assert login(folder, "boss", PIN, clock=clock).actor.name == "boss"
    fresh = User.get(User.name == "boss")
    assert (fresh.lockouts, fresh.recent_failures, fresh.locked_until) == (0, None, None)
    assert fresh.last_login_at == clock.now


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    owner: Context, clock: Clock
) -> None:
    _fail(owner.data_dir, clock, "boss", 4)
    clock.advance(minutes=15, seconds=1)
    _fail(owner.data_dir, clock, "boss", 1)
    assert User.get(User.name == "boss").locked_until is None
    assert len(User.get(User.name == "boss").recent_failures) == 1


# --- managing accounts ---------------------------------------------------------------------------


def test_owner_manages_staff(owner: Context, clock: Clock) -> None:
    view = add_user(owner, "Li", "李前台", "front_desk", "97531086", is_manager=True)
    assert (view.name, view.role, view.is_manager, view.active) == ("li", "front_desk", True, True)
    desk = login(owner.data_dir, "li", "97531086", clock=clock)
    assert desk.actor.is_manager
    with pytest.raises(ValidationError) as info:
        add_user(owner, "li", "", "technician", "12", is_manager=True)
    assert {e.field: e.code for e in info.value.errors} == {
        "login": "login_taken",
        "pin": "pin_too_short",
        "is_manager": "manager_needs_front_desk",
    }
    # Staff cannot manage accounts: refused in the service, nothing written.
    refused(lambda: add_user(desk, "zhao", "", "technician", "97531086"), "permission_denied")
    refused(lambda: set_pin(desk, "boss", "97531086"), "permission_denied")
    refused(lambda: deactivate(desk, "boss"), "permission_denied")
    refused(lambda: list_users(desk), "permission_denied")
    # The owner resets a forgotten PIN (which also lifts a lock) and disables an account.
    _fail(owner.data_dir, clock, "li", 4)
    _fail(owner.data_dir, clock, "li", 1, "account_locked")
    set_pin(owner, "li", "86420975")
    assert login(owner.data_dir, "li", "86420975", clock=clock).actor.name == "li"
    deactivate(owner, "li")
    with pytest.raises(DomainError) as gone:
        login(owner.data_dir, "li", "86420975", clock=clock)
    assert gone.value.code == "login_failed"
    assert [u.name for u in list_users(owner)] == ["boss", "li"]
    refused(lambda: deactivate(owner, "boss"), "cannot_disable_self")


def test_last_owner_cannot_be_disabled(owner: Context, clock: Clock) -> None:
    add_user(owner, "boss2", "", "owner", "97531086")
    other = login(owner.data_dir, "boss2", "97531086", clock=clock)
    deactivate(other, "boss")
    refused(lambda: deactivate(owner, "boss2"), "last_owner")  # boss is disabled now


def test_unlock_lifts_a_lock(owner: Context, clock: Clock) -> None:
    add_user(owner, "tech", "", "technician", "97531086")
    _fail(owner.data_dir, clock, "tech", 4)
    _fail(owner.data_dir, clock, "tech", 1, "account_locked")
    assert list_users(owner)[1].locked_until is not None
    unlock(owner, "tech")
    assert login(owner.data_dir, "tech", "97531086", clock=clock).actor.name == "tech"


def test_change_own_pin(owner: Context, clock: Clock) -> None:
    refused(lambda: change_own_pin(owner, PIN, PIN), "invalid_input")
    with pytest.raises(DomainError) as wrong:
        change_own_pin(owner, "111111x", "97531086")
    assert wrong.value.code == "login_failed"
    change_own_pin(owner, PIN, "97531086")
    assert login(owner.data_dir, "boss", "97531086", clock=clock).actor.name == "boss"
    with pytest.raises(DomainError):
        login(owner.data_dir, "boss", PIN, clock=clock)


def test_demo_pins_are_flagged_until_changed(owner: Context, clock: Clock) -> None:
    User.create(
        name="desk",
        display_name="李前台",
        role="front_desk",
        secret_hash=accounts.HASHER.hash(accounts.DEMO_PIN),  # demo_hash() is cached: not here
        demo_pin=True,
        created_at=clock.now,
    )
    assert demo_pins_in_use() == ["desk"]
    assert uses_demo_pin("desk") and not uses_demo_pin("boss")
    desk = login(owner.data_dir, "desk", accounts.DEMO_PIN, clock=clock)
    change_own_pin(desk, accounts.DEMO_PIN, "97531086")
    assert demo_pins_in_use() == []


# --- owner confirmation --------------------------------------------------------------------------


def test_owner_confirms_one_action_at_the_desk(owner: Context, clock: Clock) -> None:
    add_user(owner, "li", "", "front_desk", "97531086", is_manager=True)
    desk = login(owner.data_dir, "li", "97531086", clock=clock)
    number = take_intake(
        desk,
        IntakeForm(
            kind="return",
            name="周敏",
            phone="13300001111",
            product="vivo Y100",
            category="phone",
            sold="2026-02-28",
            reason="quality",
            amount="800.00",
        ),
    ).number
    refused(lambda: returns.approve(desk, number), "permission_denied")  # above the threshold
    # The wrong PIN, or a name that is not an owner's, counts as a failed sign-in.
    for name, pin in (("boss", "13579246"), ("li", "97531086")):
        with pytest.raises(DomainError) as info:
            confirm_owner(desk, name, pin)
        assert info.value.code == "login_failed"
    confirmed = confirm_owner(desk, "boss", PIN)
    assert (confirmed.actor.name, confirmed.actor.on_behalf_of) == ("boss", "li")
    returns.approve(confirmed, number)
    approval = Event.select().order_by(Event.id.desc()).first()
    assert approval.actor_id == owner.actor.id
    assert approval.data["confirmed_for"] == "li"
    assert unsealed(_events("owner_confirmed")[-1].data) == {"for": "li"}
    assert desk.actor.role == "front_desk"  # the desk's own session is unchanged


# --- a PIN typed into the name field never reaches the permanent log ----------------------------


def test_a_pin_typed_as_the_name_is_not_kept_in_the_event_log(ctx: Context, clock: Clock) -> None:
    for name in ("13579246", "ab135792", "张三 13800138000"):
        with pytest.raises(DomainError):
            login(ctx.data_dir, name, "whatever1", clock=clock)
    with pytest.raises(DomainError):
        login(ctx.data_dir, "admin", "whatever1", clock=clock)
    logged = [e.data["name"] for e in Event.select().where(Event.action == "login_failed")]
    assert logged == ["?", "?", "?", "admin"]  # a plain unknown name is still written down
