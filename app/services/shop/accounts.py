"""Staff accounts: the first owner, PINs and passwords, signing in, lockout, owner confirmation.

Secrets are hashed with argon2id (argon2-cffi). A PIN is 6 or more digits (full-width digits typed
by a Chinese input method count as digits); anything else is a password of 8 or more characters.
Failed sign-ins are counted in the database, not in memory, so restarting the program does not
reset a lock: 5 failures within 15 minutes lock the account for 1, 2, 4 … minutes (at most 60),
growing with each lock until a sign-in succeeds. A failure never says whether the name exists.

The window builds on this module: `needs_owner_setup` → `create_owner` on first run, `login` for
the sign-in dialog and the idle lock, `confirm_owner` for the owner-PIN prompt before one
owner-only action, `demo_pins_in_use` for the "change the demo PINs" banner.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.codes import Role
from app.domain.errors import DomainError, ValidationError
from app.domain.validation import Collector, validate_choice, validate_text
from app.services.shop import audit
from app.services.shop.context import Actor, Context, utc_now
from app.services.shop.demo_folder import is_demo_folder
from app.services.shop.errors import NotFound
from app.services.shop.permissions import Action, require
from app.services.shop.setup import actor_for, context_for, load_settings, store_settings
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import Event, User

PIN_MIN_DIGITS = 6
# The owner's PIN opens everything (money, accounts, restore): 8 digits make a stolen hash
# 100 times slower to guess than 6 (about 110 days on one core at ~100 ms a try, instead of a
# day), without making every sign-in of the desk slower (see docs/RELIABILITY.md).
OWNER_PIN_MIN_DIGITS = 8
PASSWORD_MIN_CHARS = 8
SECRET_MAX_CHARS = 128
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_CAP_MINUTES = 60
DEMO_PIN = "123456"
SYSTEM = "system"

# argon2id, 64 MiB, 2 passes, 2 lanes: about 100 ms on the shop's kind of PC (measured 90-130 ms
# on a 2-core test machine). A stored hash with older parameters is upgraded at the next sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=65536, parallelism=2)

_NAME = re.compile(r"[\w.\-]{2,40}")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class UserView:
    """One staff account as the user-management screen shows it (never the hash)."""

    name: str
    display_name: str
    role: str
    is_manager: bool
    active: bool
    has_secret: bool
    demo_pin: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    recovery_code: str = ""  # only from create_owner: shown once, never stored in clear


# --- secrets -------------------------------------------------------------------------------------


def normalise_secret(value: object) -> str:
    """NFKC folds full-width digits and letters to ASCII, so ９８７６５４ is the PIN 987654."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip()


def _too_simple(digits: str) -> bool:
    """One digit repeated, or a straight run up or down (123456, 987654): guessed first."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return len(steps) == 1 and steps <= {0, 1, 9}


def validate_secret(value: object, field: str = "pin", *, owner: bool = False) -> str:
    """A new PIN (≥ 6 digits, ≥ 8 for an owner, not a simple run) or password (≥ 8 chars)."""
    secret = normalise_secret(value)
    if not secret:
        raise ValidationError.single(field, "required")
    if len(secret) > SECRET_MAX_CHARS:
        raise ValidationError.single(field, "too_long", max=SECRET_MAX_CHARS, length=len(secret))
    if _DIGITS.fullmatch(secret):
        least = OWNER_PIN_MIN_DIGITS if owner else PIN_MIN_DIGITS
        if len(secret) < least:
            raise ValidationError.single(field, "pin_too_short", min=least)
        if _too_simple(secret):
            raise ValidationError.single(field, "pin_too_simple")
    elif len(secret) < PASSWORD_MIN_CHARS:
        raise ValidationError.single(field, "password_too_short", min=PASSWORD_MIN_CHARS)
    return secret


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


@cache
def demo_hash() -> str:
    """The demo PIN's hash, made once per process and shared by every demo account."""
    return HASHER.hash(DEMO_PIN)


@cache
def _decoy_hash() -> str:
    # Verified against when the name is unknown, so both answers take the same time.
    return HASHER.hash("no such user: decoy")


def _verify(stored: str | None, secret: str) -> bool:
    if not secret or len(secret) > SECRET_MAX_CHARS:
        return False
    try:
        return HASHER.verify(stored or _decoy_hash(), secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def verify_hash(stored: str | None, secret: str) -> bool:
    """Check a secret against a stored hash (a decoy when None, so both take the same time)."""
    return _verify(stored, secret)


# --- names and views -----------------------------------------------------------------------------


def validate_login(value: object, field: str = "login") -> str:
    """Sign-in names are case-insensitive: letters (any script), digits, '.', '-', '_'."""
    text = validate_text(value, field, max_len=40)
    if not text:
        raise ValidationError.single(field, "required")
    name = unicodedata.normalize("NFKC", text).lower()
    if not _NAME.fullmatch(name):
        raise ValidationError.single(field, "login_invalid")
    if name == SYSTEM:
        raise ValidationError.single(field, "login_reserved")
    return name


def _login_key(value: object) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower() if isinstance(value, str) else ""


def user_view(u: User) -> UserView:
    return UserView(
        name=u.name,
        display_name=u.display_name,
        role=u.role,
        is_manager=u.is_manager,
        active=u.active,
        has_secret=u.secret_hash is not None,
        demo_pin=u.demo_pin,
        locked_until=u.locked_until,
        last_login_at=u.last_login_at,
        created_at=u.created_at,
    )


def _staff() -> object:
    return User.name != SYSTEM


def _system_id() -> int:
    return User.get(User.name == SYSTEM).id


def _user(name: str) -> User:
    user = User.get_or_none((User.name == _login_key(name)) & _staff())
    if user is None:
        raise NotFound("user", name)
    return user


def _local(when: datetime) -> str:
    return when.astimezone(ZoneInfo(load_settings().shop.timezone)).strftime("%Y-%m-%d %H:%M")


# --- first run -----------------------------------------------------------------------------------


def needs_owner_setup() -> bool:
    """True until an active owner who can sign in exists: the first-run screen asks for one."""
    return not (
        User.select()
        .where(
            _staff()
            & (User.role == Role.OWNER.value)
            & (User.active == True)  # noqa: E712
            & User.secret_hash.is_null(False)
        )
        .exists()
    )


#: What owner setup asks about the shop (printed on every slip); the return address may be left
#: out (slips then print the shop's address).
SHOP_FIELDS = ("shop_name", "shop_address", "shop_hotline", "shop_return_address")


def _shop_details(v: Collector, shop: dict[str, str]) -> dict[str, str]:
    """The shop's details checked for owner setup: name, address and hotline are required."""
    out = {}
    for key in SHOP_FIELDS:
        required = key != "shop_return_address"
        max_len = 40 if key in ("shop_name", "shop_hotline") else 120
        out[key] = v.check(
            key,
            validate_text,
            shop.get(key, ""),
            required=required,
            max_len=max_len,
            multiline=False,
        )
    return out


def create_owner(
    name: str,
    display_name: str,
    pin: str,
    *,
    shop: dict[str, str] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> UserView:
    """The shop owner's own account, made on first run (refused once an owner exists).

    With `shop` (``shop_name``, ``shop_address``, ``shop_hotline``, ``shop_return_address``)
    the shop's details are saved in the same transaction: slips never start out blank.
    """
    v = Collector()
    login = v.check("login", validate_login, name)
    display = v.check("display_name", validate_text, display_name, max_len=40)
    secret = v.check("pin", validate_secret, pin, owner=True)
    details = _shop_details(v, shop) if shop is not None else None
    v.raise_if_errors()
    if not needs_owner_setup():
        raise DomainError("owner_exists")
    if User.select().where(User.name == login).exists():
        raise ValidationError.single("login", "login_taken")
    hashed = hash_secret(secret)
    code = new_recovery_code()
    recovery = hash_secret(code)
    now = clock()
    with write_transaction():
        if not needs_owner_setup():  # another window finished the first run meanwhile
            raise DomainError("owner_exists")
        user = User.create(
            name=login,
            display_name=display or login,
            role=Role.OWNER.value,
            secret_hash=hashed,
            recovery_hash=recovery,
            created_at=now,
        )
        record_event(
            at=now,
            actor_id=user.id,
            entity="user",
            entity_id=user.id,
            action="owner_created",
            data={"name": login},
        )
        if details is not None:
            _save_shop(details, now, user.id)
    return replace(user_view(user), recovery_code=code)


_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
_RECOVERY = re.compile(r"[A-Z2-9]{5}(-[A-Z2-9]{5}){3}")


def new_recovery_code() -> str:
    """Four groups of five letters and digits (100 bits): printed once at owner setup."""
    import secrets

    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 5] for i in range(0, 20, 5))


def _recovery_key(secret: str) -> str | None:
    """The normalised recovery code if `secret` looks like one (spaces, case and dashes are
    forgiven), else None."""
    text = re.sub(r"[\s\-]", "", secret.upper())
    if len(text) != 20:
        return None
    code = "-".join(text[i : i + 5] for i in range(0, 20, 5))
    return code if _RECOVERY.fullmatch(code) else None


def _save_shop(details: dict[str, str], now: datetime, by: int) -> None:
    """Write the shop's details into the settings (inside the caller's transaction)."""
    changes = {"shop." + key.removeprefix("shop_"): value for key, value in details.items()}
    store_settings(changes, at=now, by=by, action="settings", data=changes)


# --- signing in ----------------------------------------------------------------------------------


def _lock_minutes(lockouts: int) -> int:
    return min(2 ** max(lockouts - 1, 0), LOCK_CAP_MINUTES)


def _authenticate(
    name: object, secret: object, now: datetime, *, owner_only: bool, success: tuple[str, dict]
) -> User:
    """The user whose secret this is, or DomainError; every outcome is written down.

    `success` is the (action, data) of the event written when the secret is right.
    """
    key = _login_key(name)
    secret_text = normalise_secret(secret)
    cond = (User.name == key) & _staff() & (User.active == True)  # noqa: E712
    if owner_only:
        cond &= User.role == Role.OWNER.value
    found = User.get_or_none(cond)
    recovery = _recovery_key(secret_text)
    # The owner's recovery code: signs in even while locked (a forgotten or guessed-at PIN).
    if (
        recovery is not None
        and found is not None
        and found.recovery_hash
        and _verify(found.recovery_hash, recovery)
    ):
        with write_transaction():
            user = User.get_by_id(found.id)
            _succeeded(user, "", now)
            _event(now, user.id, "user", user.id, "recovery_code_used", {})
            _event(now, user.id, "user", user.id, *success)
        return user
    # The slow hash runs first, whatever the name: a locked or an unknown name answers no
    # sooner than a wrong PIN (the time would tell which names exist). Counters are re-read
    # under the write lock.
    ok = _verify(found.secret_hash if found else None, secret_text)
    if found and found.locked_until and found.locked_until > now:
        _refused_while_locked(found, now)
    outcome: DomainError | None = None
    with write_transaction():
        if found is None:
            outcome = _unknown_failed(key, now)
        else:
            user = User.get_by_id(found.id)
            if user.locked_until and user.locked_until > now:
                outcome = DomainError("account_locked", until=_local(user.locked_until))
            elif ok:
                _succeeded(user, secret_text, now)
                _event(now, user.id, "user", user.id, *success)
                return user
            else:
                outcome = _failed(user, now)
    raise outcome


def _unknown_failed(key: str, now: datetime) -> DomainError:
    """A name that is no account fails like one: after 5 tries within 15 minutes it answers
    "locked" as a real account would, so the message does not tell which names exist."""
    tag = hashlib.sha256(("afterdesk-login:" + key).encode("utf-8")).hexdigest()[:16]
    start = now - FAILURE_WINDOW
    recent = sorted(
        e.at
        for e in Event.select(Event.at, Event.data).where(
            (Event.action == "login_failed") & (Event.entity == "login") & (Event.at > start)
        )
        if isinstance(e.data, dict) and e.data.get("tag") == tag
    ) + [now]
    _event(now, _system_id(), "login", 0, "login_failed", {"name": _loggable(key), "tag": tag})
    if len(recent) >= MAX_FAILURES:
        until = recent[MAX_FAILURES - 1] + timedelta(minutes=_lock_minutes(1))
        if until <= now:
            until = now + timedelta(minutes=_lock_minutes(1))
        return DomainError("account_locked", until=_local(until))
    return DomainError("login_failed")


def _loggable(key: str) -> str:
    """The unknown name tried, for the permanent log, unless it looks like a secret: a PIN typed
    into the name field (4+ digits) or anything that is not a possible login name is withheld."""
    if not _NAME.fullmatch(key) or re.search(r"[0-9]{4}", key):
        return "?"
    return key


def _refused_while_locked(user: User, now: datetime) -> None:
    with write_transaction():
        _event(now, _system_id(), "user", user.id, "login_refused", {"locked": True})
    raise DomainError("account_locked", until=_local(user.locked_until))


def _succeeded(user: User, secret: str, now: datetime) -> None:
    user.recent_failures = None
    user.locked_until = None
    user.lockouts = 0
    user.last_login_at = now
    if secret and HASHER.check_needs_rehash(user.secret_hash):
        user.secret_hash = hash_secret(secret)
    user.save()


def _failed(user: User, now: datetime) -> DomainError:
    window_start = now - FAILURE_WINDOW
    recent = [
        t for t in (user.recent_failures or []) if datetime.fromisoformat(t) > window_start
    ] + [now.isoformat()]
    if len(recent) >= MAX_FAILURES:
        user.lockouts += 1
        minutes = _lock_minutes(user.lockouts)
        user.locked_until = now + timedelta(minutes=minutes)
        user.recent_failures = None
        user.save()
        _event(now, _system_id(), "user", user.id, "locked", {"minutes": minutes})
        return DomainError("account_locked", until=_local(user.locked_until))
    user.recent_failures = recent
    user.save()
    _event(now, _system_id(), "user", user.id, "login_failed", {"failures": len(recent)})
    return DomainError("login_failed")


def _event(
    at: datetime, actor_id: int, entity: str, entity_id: int, action: str, data: dict
) -> None:
    record_event(
        at=at, actor_id=actor_id, entity=entity, entity_id=entity_id, action=action, data=data
    )


def login(
    data_dir: Path, name: str, secret: str, *, clock: Callable[[], datetime] = utc_now
) -> Context:
    """Sign in: a context acting as that user, or DomainError login_failed / account_locked."""
    user = _authenticate(name, secret, clock(), owner_only=False, success=("login", {}))
    return context_for(data_dir, user.name, clock=clock)


def confirm_owner(ctx: Context, owner_name: str, pin: str) -> Context:
    """The owner types their PIN at someone else's session to allow ONE owner-only action.

    Returns a context acting as the owner with `on_behalf_of` naming the signed-in user; every
    event written with it says so. Use it for that one call and drop it. Wrong PINs count towards
    the owner's lockout like any sign-in.
    """
    owner = _authenticate(
        owner_name,
        pin,
        ctx.now(),
        owner_only=True,
        success=("owner_confirmed", {"for": ctx.actor.name}),
    )
    actor: Actor = replace(actor_for(owner), on_behalf_of=ctx.actor.name)
    return replace(ctx, actor=actor)


def owner_names() -> list[str]:
    """Who can confirm an owner-only action: names for the owner-PIN prompt."""
    q = User.select(User.name).where(
        _staff()
        & (User.role == Role.OWNER.value)
        & (User.active == True)  # noqa: E712
        & User.secret_hash.is_null(False)
    )
    return [u.name for u in q.order_by(User.name)]


# --- managing accounts ---------------------------------------------------------------------------


def add_user(
    ctx: Context,
    name: str,
    display_name: str,
    role: str,
    pin: str,
    *,
    is_manager: bool = False,
) -> UserView:
    """A new staff account (owner only)."""
    require(ctx, Action.USERS)
    v = Collector()
    login = v.check("login", validate_login, name)
    display = v.check("display_name", validate_text, display_name, max_len=40)
    role_code = v.check("role", validate_choice, role, Role)
    secret = v.check("pin", validate_secret, pin, owner=role_code is Role.OWNER)
    if is_manager and role_code is not None and role_code is not Role.FRONT_DESK:
        v.add("is_manager", "manager_needs_front_desk")
    if login and User.select().where(User.name == login).exists():
        v.add("login", "login_taken")
    v.raise_if_errors()
    hashed = hash_secret(secret)
    with write_transaction():
        user = User.create(
            name=login,
            display_name=display or login,
            role=role_code.value,
            secret_hash=hashed,
            is_manager=bool(is_manager),
            created_at=ctx.now(),
        )
        audit.log(ctx, "user", user, "created", {"name": login, "role": role_code.value}, number="")
    return user_view(user)


def add_demo_account(
    ctx: Context, login: str, display_name: str, role: str, *, is_manager: bool = False
) -> str:
    """A demo staff account with the published demo PIN; returns the sign-in name it got.

    Only in a folder made as a demo (`demo_folder`), never in a live shop. An active account of
    that name with the same role is reused (given the demo PIN if it has none yet); a name
    taken by someone else becomes demo_<login>, demo_<login>3, …
    """
    require(ctx, Action.USERS)
    if not is_demo_folder():
        raise DomainError("demo_live_shop")
    base = validate_login(login)
    role_code = validate_choice(role, "role", Role)
    display = validate_text(display_name, "display_name", max_len=40) or base
    name, n = base, 1
    with write_transaction():
        while True:
            user = User.get_or_none(User.name == name)
            if user is None:
                user = User.create(
                    name=name,
                    display_name=display,
                    role=role_code.value,
                    secret_hash=demo_hash(),  # the window urges a change
                    demo_pin=True,
                    is_manager=is_manager,
                    created_at=ctx.now(),
                )
                audit.log(
                    ctx,
                    "user",
                    user,
                    "created",
                    {"name": name, "role": role_code.value, "manager": is_manager},
                    number="",
                )
                return name
            if user.active and user.role == role_code.value and user.is_manager == is_manager:
                if user.secret_hash is None:  # made before accounts existed: no way in
                    user.secret_hash = demo_hash()
                    user.demo_pin = True
                    user.save()
                    audit.log(ctx, "user", user, "pin_reset", {"name": name}, number="")
                return name
            n += 1
            name = f"demo_{base}" if n == 2 else f"demo_{base}{n}"


def set_pin(ctx: Context, name: str, new_pin: str) -> UserView:
    """The owner sets someone's PIN (forgotten PIN); this also lifts a lock."""
    require(ctx, Action.USERS)
    user = _user(name)
    secret = validate_secret(new_pin, owner=user.role == Role.OWNER.value)
    hashed = hash_secret(secret)
    with write_transaction():
        user = User.get_by_id(user.id)
        user.secret_hash = hashed
        user.demo_pin = False
        user.recent_failures = None
        user.locked_until = None
        user.lockouts = 0
        user.save()
        audit.log(ctx, "user", user, "pin_reset", {"name": user.name}, number="")
    return user_view(user)


def unlock(ctx: Context, name: str) -> UserView:
    """The owner lifts a lock before it runs out."""
    require(ctx, Action.USERS)
    user = _user(name)
    with write_transaction():
        user = User.get_by_id(user.id)
        user.recent_failures = None
        user.locked_until = None
        user.lockouts = 0
        user.save()
        audit.log(ctx, "user", user, "unlocked", {"name": user.name}, number="")
    return user_view(user)


def change_own_pin(ctx: Context, old: str, new: str) -> UserView:
    """Anyone signed in changes their own PIN; the old one is checked like a sign-in."""
    if ctx.actor.name == SYSTEM:
        raise DomainError("needs_sign_in")
    secret = validate_secret(new, "new_pin", owner=ctx.actor.role == Role.OWNER.value)
    if secret == normalise_secret(old):
        raise ValidationError.single("new_pin", "pin_unchanged")
    user = _authenticate(
        ctx.actor.name, old, ctx.now(), owner_only=False, success=("pin_checked", {})
    )
    hashed = hash_secret(secret)
    with write_transaction():
        user = User.get_by_id(user.id)
        user.secret_hash = hashed
        user.demo_pin = False
        user.save()
        audit.log(ctx, "user", user, "pin_changed", {"name": user.name}, number="")
    return user_view(user)


def deactivate(ctx: Context, name: str) -> UserView:
    """Stop an account signing in; its name stays on the records it touched."""
    require(ctx, Action.USERS)
    user = _user(name)
    if user.id == ctx.actor.id:
        raise DomainError("cannot_disable_self")
    with write_transaction():
        user = User.get_by_id(user.id)
        if user.role == Role.OWNER.value and user.active:
            others = User.select().where(
                _staff()
                & (User.role == Role.OWNER.value)
                & (User.active == True)  # noqa: E712
                & (User.id != user.id)
            )
            if not others.exists():
                raise DomainError("last_owner")
        user.active = False
        user.save()
        audit.log(ctx, "user", user, "deactivated", {"name": user.name}, number="")
    return user_view(user)


def list_users(ctx: Context) -> list[UserView]:
    require(ctx, Action.USERS)
    return [user_view(u) for u in User.select().where(_staff()).order_by(User.name)]


def uses_demo_pin(user: str | User | UserView) -> bool:
    """Whether the account still has the published demo PIN (123456)."""
    if isinstance(user, str):
        found = User.get_or_none((User.name == _login_key(user)) & _staff())
        return bool(found and found.active and found.demo_pin)
    return bool(user.active and user.demo_pin)


def demo_pins_in_use() -> list[str]:
    """Active accounts still on the demo PIN: the window urges changing them."""
    q = User.select(User.name).where(
        _staff() & (User.active == True) & (User.demo_pin == True)  # noqa: E712
    )
    return [u.name for u in q.order_by(User.name)]


def login_names() -> list[tuple[str, str]]:
    """(login, display name) of everyone who can sign in, for the sign-in screen's list."""
    q = User.select(User.name, User.display_name).where(
        _staff() & (User.active == True) & User.secret_hash.is_null(False)  # noqa: E712
    )
    return [(u.name, u.display_name) for u in q.order_by(User.role.desc(), User.name)]


@dataclass(frozen=True)
class SignInList:
    """What the first screen lists: who can sign in, and who is still on the demo PIN; or that
    there is no owner yet, and the first screen is owner setup."""

    logins: list[tuple[str, str]]
    demo: list[str]
    owner_setup: bool = False


def sign_in_list() -> SignInList:
    """The first screen's lists from the open database."""
    if needs_owner_setup():
        return SignInList([], [], owner_setup=True)
    return SignInList(login_names(), demo_pins_in_use())


def sign_in_list_in_file(path: Path) -> SignInList | None:
    """`sign_in_list()` read from a database file not opened yet, by the same rules (a test
    holds them equal): the first screen is shown while the start-up check of the file runs, and
    signing in waits for that check. None when the file cannot be read at once."""
    import sqlite3

    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    staff = 'FROM "user" WHERE name != ? AND active = 1'
    try:
        logins = con.execute(
            f"SELECT name, display_name {staff} AND secret_hash IS NOT NULL "
            "ORDER BY role DESC, name",
            (SYSTEM,),
        ).fetchall()
        owners = con.execute(
            f"SELECT count(*) {staff} AND secret_hash IS NOT NULL AND role = ?",
            (SYSTEM, Role.OWNER.value),
        ).fetchone()[0]
        demo = con.execute(f"SELECT name {staff} AND demo_pin = 1 ORDER BY name", (SYSTEM,))
        found = SignInList([(n, d) for n, d in logins], [n for (n,) in demo.fetchall()])
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return found if owners else SignInList([], [], owner_setup=True)
