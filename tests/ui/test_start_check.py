"""The first screen while the database's start-up check runs (issue #20, item 5).

At 200,000 cases the check (SQLite's quick_check of a 420 MB file) takes ~0.7 s. The program
shows its first screen at once, from the names read just before the check, and the clerk picks
a name and types the PIN meanwhile; signing in (or creating the owner, or the demo data) waits
for the check, and nothing is written to the file before it has passed. A slow check is forced
here by holding it until the test lets it go."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import paths
from app.services.shop import accounts
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, open_data_folder
from app.ui.login import OwnerSetup, SignIn
from tests.ui.conftest import pump


def _held_check(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    from app.ui import start_check

    release = threading.Event()
    real = start_check.check_database

    def held(folder: Path, *args: Any) -> Any:
        release.wait(20)
        return real(folder, *args)

    monkeypatch.setattr(start_check, "check_database", held)
    return release


def _files(folder: Path) -> list[tuple[str, int, int]]:
    """Each database file's name, size and time of change: unchanged means nothing written."""
    db = paths.db_path(folder)
    found = []
    for f in (db, Path(f"{db}-wal")):
        if f.exists():
            st = f.stat()
            found.append((f.name, st.st_size, st.st_mtime_ns))
    return found


def _until(root: Any, done: Callable[[], bool], seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        root.update()
        time.sleep(0.01)
    pump(root)


def _started_while_held(
    tk_root: Any, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, threading.Event]:
    """The program's start on `folder` (its check begun early, as `open_window` does) with the
    check held: the session, and the event that lets the check answer."""
    from app.ui.app import Session
    from app.ui.start_check import StartCheck

    close_data_folder()
    release = _held_check(monkeypatch)
    session = Session(tk_root, folder, "en", StartCheck(folder))
    session.start()
    pump(tk_root)
    return session, release


def test_the_pin_is_typed_while_the_database_is_checked(
    tk_root: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo_ctx.data_dir
    session, release = _started_while_held(tk_root, folder, monkeypatch)
    card = session.screen
    assert isinstance(card, SignIn) and card.waiting  # shown before the check answered
    assert "tech" in card.logins
    before = _files(folder)
    card.choose("tech")
    card.pin.set("123456")
    card.submit()  # Enter before the check is done: remembered, nothing written
    pump(tk_root, 100)
    assert session.window is None and session.screen is card
    assert "Checking the database" in card.message.cget("text")
    assert _files(folder) == before
    release.set()
    _until(tk_root, lambda: session.window is not None)
    assert session.window is not None
    assert session.window.desk.ctx.actor.name == "tech"  # signed in as asked, once checked
    session.window.destroy()


def test_a_damaged_database_found_while_the_pin_is_typed_is_offered_a_backup(
    tk_root: Any, demo_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services.safekeeping.backups import backup_now
    from app.ui.app import DamagedScreen

    folder = demo_ctx.data_dir
    backup_now(demo_ctx, "manual")
    close_data_folder()
    db = paths.db_path(folder)
    data = bytearray(db.read_bytes())
    for page in range(8, 12):  # pages of the cases, not of the accounts: names still read
        data[page * 4096 : page * 4096 + 200] = b"\xff" * 200
    db.write_bytes(bytes(data))
    session, release = _started_while_held(tk_root, folder, monkeypatch)
    if isinstance(session.screen, SignIn):  # the names could be read: typed meanwhile
        session.screen.choose("tech")
        session.screen.pin.set("123456")
        session.screen.submit()
    before = db.read_bytes()
    release.set()
    _until(tk_root, lambda: isinstance(session.screen, DamagedScreen))
    assert isinstance(session.screen, DamagedScreen)
    assert session.window is None  # no sign-in into a damaged file
    assert db.read_bytes() == before  # and nothing written to it
    session.screen.destroy()


def test_a_new_shops_owner_fills_in_the_form_while_the_database_is_checked(
    tk_root: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_data_folder(data_dir)  # a database with no owner yet
    session, release = _started_while_held(tk_root, data_dir, monkeypatch)
    card = session.screen
    assert isinstance(card, OwnerSetup) and card.waiting
    values = {
        "login": "wang",
        "display_name": "王店长",
        "pin": "24681357",
        "pin2": "24681357",
        "shop_name": "王记手机",
        "shop_address": "杭州市西湖区文三路1号",
        "shop_hotline": "0571-88880000",
        "shop_return_address": "",
    }
    for name, value in values.items():
        card.form.set(name, value)
    card.submit()
    pump(tk_root, 100)
    assert session.window is None and "Checking the database" in card.message.cget("text")
    release.set()
    _until(tk_root, lambda: session.window is not None)
    shown = session.screen
    assert session.window is not None, (
        shown,
        shown and shown.message.cget("text"),
        shown and {n: shown.form.error_text(n) for n in shown.form.fields},
        shown and shown.form.values(),
    )
    assert session.window.desk.ctx.actor.name == "wang"
    for child in tk_root.winfo_children():
        if child.winfo_class() == "Toplevel":  # the owner's recovery code
            child.destroy()
    session.window.destroy()


def test_the_names_read_before_opening_are_the_names_read_after(demo_ctx: Context) -> None:
    """The first screen's lists read from the file (before the check) follow the same rules as
    the ones read through the open database: who can sign in, who is on the demo PIN."""
    from app.store.models import User

    db = paths.db_path(demo_ctx.data_dir)
    assert accounts.sign_in_list_in_file(db) == accounts.sign_in_list()
    User.update(active=False).where(User.name == "desk2").execute()  # left the shop
    User.update(demo_pin=False).where(User.name == "tech").execute()  # changed the PIN
    User.update(secret_hash=None).where(User.name == "tech2").execute()  # cannot sign in
    listed = accounts.sign_in_list()
    assert "desk2" not in [n for n, _d in listed.logins] and "tech" not in listed.demo
    assert accounts.sign_in_list_in_file(db) == listed
    User.update(secret_hash=None).where(User.role == "owner").execute()
    assert accounts.sign_in_list() == accounts.SignInList([], [], owner_setup=True)
    assert accounts.sign_in_list_in_file(db) == accounts.sign_in_list()
