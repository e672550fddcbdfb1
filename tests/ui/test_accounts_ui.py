"""Sign-in, first-run owner account, idle lock and the owner's PIN at someone else's desk."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from app.services.shop import accounts
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.ui.login import OwnerSetup, SignIn, first_screen
from tests.conftest import row_counts
from tests.ui.conftest import pump


def test_first_run_asks_for_the_owner_account(tk_root: Any, data_dir: Path) -> None:
    got: list[Context] = []
    screen = first_screen(tk_root, data_dir, got.append)
    assert isinstance(screen, OwnerSetup)
    screen.pack(fill="both", expand=True)
    pump(tk_root)
    screen.form.set("login", "wang")
    screen.form.set("display_name", "王店长")
    screen.form.set("pin", "24681357")
    screen.form.set("pin2", "24681358")
    assert screen.submit() is None
    assert "differ" in screen.form.error_text("pin2")
    assert accounts.needs_owner_setup()
    screen.form.set("pin2", "24681357")
    # the shop's details printed on every slip are asked for: a blank hotline is refused
    screen.form.set("shop_name", "鑫达手机通讯")
    screen.form.set("shop_address", "杭州市西湖区文三路 398 号")
    assert screen.submit() is None
    assert screen.form.error_text("shop_hotline")
    assert accounts.needs_owner_setup()
    screen.form.set("shop_hotline", "0571-8888 6666")
    screen.form.set("shop_return_address", "杭州市西湖区文三路 398 号 售后部")
    ctx = screen.submit()
    assert ctx is not None and got == [ctx]
    assert ctx.actor.name == "wang" and ctx.actor.role == "owner"
    assert not accounts.needs_owner_setup()
    shop = ctx.settings.shop
    assert (shop.name, shop.hotline) == ("鑫达手机通讯", "0571-8888 6666")
    assert shop.address == "杭州市西湖区文三路 398 号"
    assert shop.return_address == "杭州市西湖区文三路 398 号 售后部"
    screen.destroy()


def test_sign_in_with_pin(tk_root: Any, demo_ctx: Context) -> None:
    got: list[Context] = []
    screen = first_screen(tk_root, demo_ctx.data_dir, got.append)
    assert isinstance(screen, SignIn)
    screen.pack(fill="both", expand=True)
    pump(tk_root)
    assert "123456" in screen.card.winfo_children()[2].cget("text")  # the demo-PIN note
    screen.choose("desk")
    before = row_counts()
    screen.pin.set("654321")
    assert screen.submit() is None
    assert screen.message.cget("text")
    assert screen.pin.get() == ""
    after = row_counts()
    assert after["User"] == before["User"] and after["Case"] == before["Case"]
    screen.pin.set("123456")
    ctx = screen.submit()
    assert ctx is not None and ctx.actor.name == "desk" and got == [ctx]
    screen.destroy()


def test_idle_lock_then_someone_else_signs_in(window: Any) -> None:
    card = window.lock_now()
    pump(window.root)
    assert window.idle_lock.locked
    card.choose("tech")
    card.pin.set("123456")
    card.submit()
    pump(window.root)
    assert not window.idle_lock.locked
    assert window.desk.ctx.actor.name == "tech"
    assert "tech" in window.user_label.cget("text").lower() or window.user_label.cget("text")


def test_idle_lock_starts_after_the_idle_minutes(window: Any) -> None:
    lock = window.idle_lock
    lock.last -= 10 * 60  # ten minutes without keys or mouse
    lock._check()
    assert lock.locked


def test_owner_pin_opens_staff_accounts_for_a_clerk(window: Any, demo_ctx: Context) -> None:
    window.desk.set_context(context_for(demo_ctx.data_dir, "desk"))
    dialog = window.open_staff()  # the clerk may not: the owner's PIN is asked
    assert dialog.form.get("owner") == "owner"
    dialog.form.set("pin", "000111")
    assert not dialog.ok().ok
    assert dialog.winfo_exists()
    dialog.form.set("pin", "123456")
    assert dialog.ok().ok
    pump(window.root)
    staff = [w for w in window.winfo_children() if w.__class__.__name__ == "StaffDialog"]
    assert staff, "the staff list opens with the owner's rights"
    names = staff[0].tree.get_children()
    assert {"owner", "desk", "tech"} <= set(names)
    add = staff[0].add()
    add.form.set("login", "li")
    add.form.set("display_name", "李")
    add.form.set("role", "technician")
    add.form.set("pin", "975310")
    assert add.ok().ok
    assert "li" in staff[0].tree.get_children()
    assert window.desk.ctx.actor.name == "desk"  # the owner's rights were for that step only


def test_demo_pin_banner_urges_a_change(window: Any) -> None:
    assert window.demo_banner.winfo_ismapped()
    assert "123456" in window.demo_text.cget("text")


def _checked(root: Any, session: Any) -> None:
    """Run the window until the start-up check has answered (the first screen may be shown
    before it, tests/ui/test_start_check.py): then the screen is the one the check led to."""
    end = time.monotonic() + 20
    while getattr(session.screen, "waiting", False) and time.monotonic() < end:
        root.update()
        time.sleep(0.01)
    pump(root)


def test_a_session_signs_in_then_shows_the_desk(tk_root: Any, demo_ctx: Context) -> None:
    from app.services.shop.setup import close_data_folder
    from app.ui.app import Session
    from app.ui.start_check import StartCheck

    close_data_folder()
    # As the program starts: the database's check begun before the window's code was loaded.
    session = Session(tk_root, demo_ctx.data_dir, "en", StartCheck(demo_ctx.data_dir))
    session.start()
    _checked(tk_root, session)
    assert isinstance(session.screen, SignIn)
    session.screen.choose("tech")
    session.screen.pin.set("123456")
    session.screen.submit()
    pump(tk_root)
    assert session.screen is None and session.window is not None
    assert session.window.desk.ctx.actor.name == "tech"
    session.window.destroy()


def test_a_damaged_database_offers_the_newest_good_backup(tk_root: Any, demo_ctx: Context) -> None:
    from app import paths
    from app.services.safekeeping.backups import backup_now
    from app.services.shop.setup import close_data_folder
    from app.ui.app import DamagedScreen, Session
    from app.ui.start_check import StartCheck

    backup_now(demo_ctx, "manual")
    close_data_folder()
    db = paths.db_path(demo_ctx.data_dir)
    data = bytearray(db.read_bytes())
    for page in range(2, 6):  # scribble over a few pages
        data[page * 4096 : page * 4096 + 200] = b"\xff" * 200
    db.write_bytes(bytes(data))
    session = Session(tk_root, demo_ctx.data_dir, "en", StartCheck(demo_ctx.data_dir))
    session.start()
    _checked(tk_root, session)
    assert isinstance(session.screen, DamagedScreen)
    session.screen.restore()  # no owner PIN typed: refused, the damaged file stays
    pump(tk_root)
    assert isinstance(session.screen, DamagedScreen)
    assert "owner's name and PIN" in session.screen.card.message.cget("text")
    session.screen.owner.insert(0, "owner")  # the demo's owner account
    session.screen.pin.insert(0, "123456")
    session.screen.restore()
    pump(tk_root)
    assert isinstance(session.screen, SignIn)  # the backup is in place: sign in as usual
    session.screen.destroy()


def test_a_database_another_program_holds_is_not_damaged(tk_root: Any, demo_ctx: Context) -> None:
    """Issue #14: a locked database was called damaged and replaced by an older backup."""
    import subprocess
    import sys

    from app import paths
    from app.services.shop.setup import close_data_folder
    from app.ui.app import DamagedScreen, HeldScreen, Session

    close_data_folder()
    db = paths.db_path(demo_ctx.data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, time\n"
            f"c = sqlite3.connect({str(db)!r})\n"
            "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute('SELECT count(*) FROM event').fetchone()\n"
            "print('held', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        session = Session(tk_root, demo_ctx.data_dir, "en")
        session.start()
        pump(tk_root)
        assert isinstance(session.screen, HeldScreen)
        assert not isinstance(session.screen, DamagedScreen)
        labels = [w.cget("text") for w in session.screen.card.card.winfo_children()[:2]]
        assert "Another program holds the database" in labels
    finally:
        holder.kill()
        holder.wait()
    session.screen.retry_button.invoke()  # the other program is gone: the shop opens
    pump(tk_root)
    assert isinstance(session.screen, SignIn)
    session.screen.destroy()


def test_the_owner_checks_the_records_from_the_backups_window(
    window: Any, demo_ctx: Context
) -> None:
    """The monthly summary's seal can be checked without the command line (issue #18 item 7)."""
    import time

    from app.services.safekeeping.audit_check import verify_history

    seal = verify_history(demo_ctx).head
    dialog = window.open_backups()
    pump(window.root)
    ask = dialog.check_records()
    ask.form.set("seal", seal)
    assert ask.ok().ok
    end = time.monotonic() + 60
    while dialog.verdict is None and time.monotonic() < end:
        pump(window.root, 50)
    assert dialog.verdict is not None and dialog.verdict.ok
    assert "intact" in dialog.check_result.cget("text")
    assert "nothing was changed" in window.status.cget("text")
    # a seal that was never printed by this shop is reported, in words, as a broken record
    dialog.verdict = None
    ask = dialog.check_records()
    ask.form.set("seal", "0" * 64)
    assert ask.ok().ok
    end = time.monotonic() + 60
    while dialog.verdict is None and time.monotonic() < end:
        pump(window.root, 50)
    assert dialog.verdict is not None and not dialog.verdict.ok
    assert "removed" in dialog.check_result.cget("text")
    dialog.destroy()
