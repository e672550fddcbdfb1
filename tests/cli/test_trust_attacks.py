"""The attacks of issue #14, replayed as an attacker would: `python main.py …` on a real folder,
with a raw database connection (sqlite3, or psycopg2 on the shop server) for the tampering.

Each test failed on the code before the fix: demo on a live shop, restore with no account over a
merely locked database, restore of a crafted file, a refund multiplied in the table while
`audit verify` said intact, a role changed outside the program.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import paths
from app.store import schema
from tests.conftest import active_backend, pg_databases, prepare_folder

ROOT = Path(__file__).resolve().parents[2]
PIN = "24680135"


def run(folder: Path, *args: str, user: str = "", pin: str = PIN, **env: str) -> Any:
    """`python main.py --data-dir FOLDER --lang en [--user NAME] ARGS` in a child process."""
    full_env = {**os.environ, "AFTERDESK_PIN": pin, "AFTERDESK_NEW_PIN": PIN, **env}
    argv = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(folder), "--lang", "en"]
    argv += ["--user", user] if user else []
    return subprocess.run(
        [*argv, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        start_new_session=True,
    )


def raw(folder: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """The attacker's own connection to the shop's database (no program in between)."""
    if active_backend() == "pg":
        import psycopg2

        from app.services.safekeeping.server import folder_address

        a = folder_address(folder)
        con = psycopg2.connect(
            host=a.host, port=a.port, dbname=a.dbname, user=a.user, password=a.password
        )
        try:
            with con, con.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        finally:
            con.close()
    con = sqlite3.connect(str(paths.db_path(folder)), isolation_level=None)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def raw_money(folder: Path, sql: str) -> None:
    """The attacker edits money rows: first out of the way goes the append-only guard (a file's
    owner can drop it), so what is left to catch the edit is the chain's seal."""
    if active_backend() == "pg":
        raw(folder, "ALTER TABLE money_entry DISABLE TRIGGER USER")
    else:
        raw(folder, "DROP TRIGGER IF EXISTS money_entry_no_update")
    raw(folder, sql)


def _make_shop(folder: Path) -> Path:
    """A live shop: the owner (set up through the command line), a front desk, a technician and
    a case."""
    prepare_folder(folder)
    assert run(folder, "owner-setup", "boss").returncode == 0
    r = run(folder, "user", "add", "desk", "--role", "desk", user="boss")
    assert r.returncode == 0, r.stderr
    r = run(folder, "user", "add", "tech", "--role", "tech", user="boss")
    assert r.returncode == 0, r.stderr
    r = run(
        folder,
        *("intake", "--kind", "complaint", "--name", "张三", "--phone", "13800138000"),
        user="desk",
    )
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Path:
    """One shop made through the command line per module and backend, copied for each test."""
    return _make_shop(tmp_path_factory.mktemp("template") / "shop")


@pytest.fixture
def shop(tmp_path: Path, template: Path) -> Path:
    """A copy of the template shop: its folder, and on the server a database cloned from the
    template's (CREATE DATABASE … TEMPLATE; the folder's server.json then names the clone)."""
    folder = tmp_path / "shop"
    shutil.copytree(template, folder)
    if active_backend() == "pg":
        from app.services.safekeeping.server import read_address

        address = read_address(template)
        assert address is not None
        pg_databases().provision(folder, address.dbname)
    return folder


def _users(folder: Path) -> list[str]:
    return sorted(r[0] for r in raw(folder, 'SELECT name FROM "user" WHERE name != ?', ("system",)))


# --- 1: demo data never touches a live shop --------------------------------------------------


def test_demo_is_refused_on_a_live_shop_and_adds_no_account(shop: Path) -> None:
    before = raw(shop, 'SELECT count(*) FROM "case"')[0][0]
    r = run(shop, "demo", user="desk")
    assert r.returncode == 2
    assert "only into an empty data folder" in r.stderr
    assert _users(shop) == ["boss", "desk", "tech"]  # no owner/123456
    assert raw(shop, 'SELECT count(*) FROM "case"')[0][0] == before


def test_demo_runs_in_an_empty_folder_and_marks_it(tmp_path: Path) -> None:
    from app.demo import is_demo_folder
    from app.services.shop.setup import close_data_folder, open_data_folder

    folder = tmp_path / "demo"
    prepare_folder(folder)
    r = run(folder, "demo", "--cases", "20")
    assert r.returncode == 0, r.stderr
    open_data_folder(folder)
    try:
        assert is_demo_folder()
        from app.ui.app import window_title

        assert "DEMO" in window_title("王老板的手机店")
    finally:
        close_data_folder()


# --- 2: every write needs an account ---------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_locked_database_is_not_damaged_and_is_never_replaced(shop: Path) -> None:
    assert run(shop, "backup", user="boss").returncode == 0
    backup = next(paths.backups_dir(shop).glob("afterdesk-*-manual.db"))
    run(shop, "intake", "--kind", "complaint", "--name", "李四", "--phone", "13900139000",
        user="desk")  # fmt: skip
    db = paths.db_path(shop)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
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
        r = run(shop, "check")
        assert r.returncode == 1 and "Another program holds the database" in r.stdout
        r = run(shop, "restore", str(backup))  # no account, as in the attack
        assert r.returncode == 2 and "Another program holds the database" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert raw(shop, 'SELECT count(*) FROM "case"')[0][0] == 2  # the newer case is still there
    assert not list(shop.glob("afterdesk.db.damaged-*"))


@pytest.mark.sqlite_only
def test_restoring_over_a_damaged_database_needs_the_owners_pin(shop: Path) -> None:
    assert run(shop, "backup", user="boss").returncode == 0
    backup = next(paths.backups_dir(shop).glob("afterdesk-*-manual.db"))
    db = paths.db_path(shop)
    data = bytearray(db.read_bytes())
    for page in range(3, 8):  # scribble over b-tree pages, not the account table's header
        data[page * 4096 + 8 : page * 4096 + 400] = b"\xff" * 392
    db.write_bytes(bytes(data))
    assert run(shop, "check").returncode == 1
    for user, pin in (("", PIN), ("desk", PIN), ("boss", "13572468")):
        r = run(shop, "restore", str(backup), user=user, pin=pin)
        assert r.returncode == 2 and "owner's name and PIN" in r.stderr, (user, r.stderr)
    assert not list(shop.glob("afterdesk.db.damaged-*"))
    r = run(shop, "restore", str(backup), user="boss")
    assert r.returncode == 0, r.stderr
    assert run(shop, "check").returncode == 0
    assert list(shop.glob("afterdesk.db.damaged-*"))


def test_switching_the_database_server_needs_the_owner(shop: Path) -> None:
    for action in (("disconnect",), ("connect", "postgresql://x@127.0.0.1:1/afterdesk")):
        r = run(shop, "server", *action)
        assert r.returncode == 2 and "needs a staff account" in r.stderr, r.stderr
        r = run(shop, "server", *action, user="desk")
        assert r.returncode == 2 and "Not allowed" in r.stderr, r.stderr


def test_report_and_audit_need_their_permissions(shop: Path) -> None:
    for verb in (("report", "--month", "2026-03"), ("audit", "verify")):
        r = run(shop, *verb, user="tech")
        assert r.returncode == 2 and "Not allowed" in r.stderr, (verb, r.stderr)
    assert run(shop, "audit", "verify", user="boss").returncode == 0


# --- 3: restore accepts only what this program wrote ------------------------------------------


@pytest.fixture
def saved(shop: Path) -> Iterator[Path]:
    """A good backup of the shop (SQLite only: restore on the server is the server's job)."""
    r = run(shop, "backup", user="boss")
    assert r.returncode == 0, r.stderr
    yield next(paths.backups_dir(shop).glob("afterdesk-*-manual.db"))


def _crafted(saved: Path, tmp_path: Path, *sql: str) -> Path:
    evil = tmp_path / "afterdesk-20260301-000000-manual.db"
    shutil.copy(saved, evil)
    con = sqlite3.connect(evil, isolation_level=None)
    for statement in sql:
        con.execute(statement)
    con.close()
    return evil


@pytest.mark.sqlite_only
def test_a_backup_with_a_hidden_trigger_is_refused_and_the_shop_stays(
    shop: Path, saved: Path, tmp_path: Path
) -> None:
    evil = _crafted(
        saved,
        tmp_path,
        "DROP TRIGGER event_no_update",
        "DROP TRIGGER event_no_delete",
        "CREATE TRIGGER double_refunds AFTER INSERT ON money_entry BEGIN "
        "UPDATE money_entry SET amount = amount * 2 WHERE id = new.id; END",
    )
    r = run(shop, "restore", str(evil), user="boss")
    assert r.returncode == 2 and "not written by this program" in r.stderr, r.stderr
    names = {n for (n,) in raw(shop, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "double_refunds" not in names and "event_no_update" in names
    assert raw(shop, "SELECT count(*) FROM event WHERE action = 'restored'") == [(0,)]
    assert not list(paths.backups_dir(shop).glob("*before-restore*"))  # refused before that


@pytest.mark.sqlite_only
def test_a_minimal_fake_file_is_refused_and_the_shop_still_opens(
    shop: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.db"
    con = sqlite3.connect(fake)
    con.executescript(
        "CREATE TABLE schema_info (version INTEGER); INSERT INTO schema_info VALUES (5);"
        'CREATE TABLE event (id INTEGER PRIMARY KEY, hash TEXT); CREATE TABLE "case" (id);'
    )
    con.close()
    r = run(shop, "restore", str(fake), user="boss")
    assert r.returncode == 2, r.stderr
    r = run(shop, "list", user="desk")
    assert r.returncode == 0 and "SH-" in r.stdout


@pytest.mark.sqlite_only
def test_another_shops_backup_is_refused_and_the_safety_copy_is_restorable(
    shop: Path, saved: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert run(other, "owner-setup", "boss").returncode == 0
    assert run(other, "backup", user="boss").returncode == 0
    foreign = next(paths.backups_dir(other).glob("afterdesk-*-manual.db"))
    r = run(shop, "restore", str(foreign), user="boss")
    assert r.returncode == 2 and "not a backup of this shop" in r.stderr, r.stderr
    # A real backup restores; then its safety copy (the state before) restores too.
    time.sleep(1.1)  # a new second: the safety copy gets its own name
    r = run(shop, "restore", str(saved), user="boss")
    assert r.returncode == 0, r.stderr
    safety = next(paths.backups_dir(shop).glob("afterdesk-*-before-restore.db"))
    time.sleep(1.1)
    r = run(shop, "restore", str(safety), user="boss")
    assert r.returncode == 0, r.stderr
    assert run(shop, "audit", "verify", user="boss").returncode == 0


# --- 4: money, status, roles and settings are in the chain ----------------------------------


def test_a_refund_multiplied_in_the_table_is_caught_by_audit_verify(shop: Path) -> None:
    r = run(
        shop,
        *("intake", "--kind", "refund", "--name", "王五", "--phone", "13700137000"),
        *("--amount", "250.00", "--json"),
        user="boss",
    )
    assert r.returncode == 0, r.stderr
    number = raw(shop, 'SELECT number FROM "case" ORDER BY id DESC LIMIT 1')[0][0]
    _not_shipped(shop, number)  # the window's shipping-status button
    r = run(shop, "refund", number, "--amount", "250.00", user="boss")
    assert r.returncode == 0, r.stderr
    assert run(shop, "audit", "verify", user="boss").returncode == 0
    raw_money(shop, "UPDATE money_entry SET amount = amount * 10 WHERE kind = 'refund'")
    r = run(shop, "audit", "verify", user="boss")
    assert r.returncode == 1
    case_id = raw(shop, 'SELECT id FROM "case" WHERE number = ?', (number,))[0][0]
    assert "changed outside AfterDesk" in r.stdout and f"case #{case_id}" in r.stdout
    # The monthly summary of that month says so too (its check covers the month's cases).
    from datetime import datetime
    from zoneinfo import ZoneInfo

    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    r = run(shop, "report", "--month", month, "--json", user="boss")
    assert r.returncode == 0 and '"chain_ok": false' in r.stdout, r.stdout[-300:]


def _not_shipped(folder: Path, number: str) -> None:
    from app.services.remedies.money import set_shipping_status
    from app.services.shop.accounts import login
    from app.services.shop.setup import close_data_folder, open_data_folder

    open_data_folder(folder)
    try:
        set_shipping_status(login(folder, "boss", PIN), number, "not_shipped")
    finally:
        close_data_folder()


def test_a_role_changed_outside_the_program_is_refused_at_start(shop: Path) -> None:
    raw(shop, """UPDATE "user" SET role = 'owner' WHERE name = 'desk'""")
    r = run(shop, "list", user="desk")
    assert r.returncode == 1 and "changed outside AfterDesk" in r.stderr, r.stderr
    assert "user #" in r.stderr


def test_an_account_inserted_outside_the_program_is_refused_at_start(shop: Path) -> None:
    hashed = raw(shop, """SELECT secret_hash FROM "user" WHERE name = 'desk'""")[0][0]
    raw(
        shop,
        'INSERT INTO "user" (name, display_name, role, secret_hash, active, is_manager, '
        "created_at, lockouts, demo_pin) VALUES ('evil', 'Evil', 'owner', ?, ?, ?, ?, 0, ?)",
        (hashed, True, False, "2026-03-02 02:00:00+00:00", False),
    )
    r = run(shop, "list", user="evil")
    assert r.returncode == 1 and "changed outside AfterDesk" in r.stderr, r.stderr


def _verify_names(folder: Path, record: str) -> None:
    r = run(folder, "audit", "verify", user="boss")
    assert r.returncode == 1, r.stdout
    assert "changed outside AfterDesk" in r.stdout and record in r.stdout, r.stdout


def _unguard(folder: Path, table: str) -> None:
    """The file's owner drops the append-only guard of `table` first."""
    if active_backend() == "pg":
        raw(folder, f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        raw(folder, f"DROP TRIGGER IF EXISTS {table}_no_update")


def test_a_stock_count_bent_in_the_table_is_caught_by_audit_verify(shop: Path) -> None:
    """Two screens taken home: the count lowered to match the shelf, or a delivery's quantity
    lowered with the count to match; either way the sum no longer matches what the log sealed."""
    for part_no in ("P-LCD", "P-BAT"):
        r = run(
            shop,
            *("stock-in", part_no, "--qty", "5", "--cost", "120.00", "--name", "屏幕总成"),
            *("--supplier", "华强北配件"),
            user="boss",
        )
        assert r.returncode == 0, r.stderr
    assert run(shop, "audit", "verify", user="boss").returncode == 0
    lcd, bat = (
        raw(shop, "SELECT id FROM spare_part WHERE part_no = ?", (pn,))[0][0]
        for pn in ("P-LCD", "P-BAT")
    )
    raw(shop, "UPDATE spare_part SET stock = 3 WHERE id = ?", (lcd,))
    _verify_names(shop, f"part #{lcd}")
    _unguard(shop, "stock_movement")
    raw(shop, "UPDATE stock_movement SET qty = 3 WHERE part_id = ?", (bat,))
    raw(shop, "UPDATE spare_part SET stock = 3 WHERE id = ?", (bat,))
    _verify_names(shop, f"part #{bat}")


def test_a_dealer_balance_bent_in_the_table_is_caught_by_audit_verify(shop: Path) -> None:
    r = run(
        shop,
        *("customers", "add", "--name", "鑫达通讯", "--phone", "13906571288", "--kind", "dealer"),
        user="boss",
    )
    assert r.returncode == 0, r.stderr
    r = run(
        shop, "dealer-deposit", "13906571288", "--amount", "20000", "--route", "bank", user="boss"
    )
    assert r.returncode == 0, r.stderr
    assert run(shop, "audit", "verify", user="boss").returncode == 0
    dealer = raw(shop, "SELECT id FROM customer WHERE phone = ?", ("13906571288",))[0][0]
    # A deposit that never came in, with its balance to match.
    raw(
        shop,
        "INSERT INTO dealer_movement (customer_id, amount, reason, at, by_id, note) "
        "SELECT customer_id, amount, reason, at, by_id, note FROM dealer_movement "
        "WHERE customer_id = ?",
        (dealer,),
    )
    raw(shop, "UPDATE customer SET dealer_balance = dealer_balance * 2 WHERE id = ?", (dealer,))
    _verify_names(shop, f"customer #{dealer}")


def test_an_account_planted_on_a_customer_with_no_account_is_caught(shop: Path) -> None:
    """A consumer needs no seal, until someone gives them an account outside the program."""
    assert run(shop, "audit", "verify", user="boss").returncode == 0
    who = raw(shop, "SELECT id FROM customer WHERE phone = ?", ("13800138000",))[0][0]
    raw(shop, "UPDATE customer SET dealer_balance = 50000 WHERE id = ?", (who,))
    _verify_names(shop, f"customer #{who}")


# --- 5: the monthly summary's check cannot be fooled -----------------------------------------


def _rewrite_chain_from(folder: Path, first: int) -> None:
    """The attacker's consistent rewrite: change event `first`, re-hash it and every later one."""
    from app.store.fields import UTCDateTimeField
    from app.store.history import event_digest

    con = sqlite3.connect(str(paths.db_path(folder)), isolation_level=None)
    try:
        con.execute("DROP TRIGGER IF EXISTS event_no_update")
        rows = con.execute(
            "SELECT id, at, actor_id, entity, entity_id, number, action, from_state, to_state, "
            "data, note, prev_hash FROM event WHERE id >= ? ORDER BY id",
            (first - 1,),
        ).fetchall()
        prev = "0" * 64
        for row in rows:
            (ev_id, at, actor, entity, entity_id, number, action, frm, to, data, note, _p) = row
            if ev_id == first - 1:
                prev = con.execute("SELECT hash FROM event WHERE id = ?", (ev_id,)).fetchone()[0]
                continue
            if ev_id == first:
                note = "退款已批准"
            fields = {
                "at": UTCDateTimeField().python_value(at).isoformat(),
                "actor": actor,
                "entity": entity,
                "entity_id": entity_id,
                "number": number,
                "action": action,
                "from_state": frm,
                "to_state": to,
                "data": None if data is None else json.loads(data),
                "note": note,
            }
            digest = event_digest(prev, fields)
            con.execute(
                "UPDATE event SET note = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (note, prev, digest, ev_id),
            )
            prev = digest
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_a_consistent_rewrite_of_the_chain_is_tampering_and_the_checkpoint_stays(
    shop: Path,
) -> None:
    assert run(shop, "audit", "verify", user="boss").returncode == 0  # a signed checkpoint
    point = raw(shop, "SELECT value FROM setting WHERE key LIKE 'chain_checkpoint:%'")
    _rewrite_chain_from(shop, 3)
    assert raw(shop, "SELECT count(*) FROM event")[0][0] > 3
    r = run(shop, "report", "--month", "2026-03", "--json", user="boss")
    assert r.returncode == 0 and '"chain_ok": false' in r.stdout, r.stdout
    assert "tampering" in r.stderr
    r = run(shop, "audit", "verify", user="boss")
    assert r.returncode == 1 and "TAMPERING" in r.stdout, r.stdout
    assert raw(shop, "SELECT value FROM setting WHERE key LIKE 'chain_checkpoint:%'") == point


@pytest.mark.sqlite_only
def test_a_forged_checkpoint_is_reported_not_trusted(shop: Path) -> None:
    assert run(shop, "audit", "verify", user="boss").returncode == 0
    (value,) = raw(shop, "SELECT value FROM setting WHERE key LIKE 'chain_checkpoint:%'")[0]
    point = json.loads(value)
    point["sig"] = point["sig"][:-8] + "AAAAAAA="
    raw(
        shop,
        "UPDATE setting SET value = ? WHERE key LIKE 'chain_checkpoint:%'",
        (json.dumps(point),),
    )
    r = run(shop, "audit", "verify", user="boss")
    assert r.returncode == 1 and "not signed by this shop's key" in r.stdout, r.stdout


# --- 8: files private to the shop's account; PINs, locks and the recovery code -------------


def _modes(folder: Path) -> dict[str, int]:
    out = {}
    for path in [folder, *folder.rglob("*")]:
        out[str(path.relative_to(folder.parent))] = path.stat().st_mode & 0o777
    return out


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_every_file_the_program_writes_is_private(shop: Path) -> None:
    number = raw(shop, 'SELECT number FROM "case" LIMIT 1')[0][0]
    assert run(shop, "print", number, "--form", "intake", user="desk").returncode == 0
    assert run(shop, "backup", user="boss").returncode == 0
    modes = _modes(shop)
    assert any(name.endswith("afterdesk.db") for name in modes)
    assert any("slips" in name and name.endswith(".pdf") for name in modes)
    assert any("backups" in name and name.endswith(".db") for name in modes)
    assert any(name.endswith(".log") for name in modes)
    loose = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert not loose


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_folder_left_readable_by_an_older_version_is_tightened(shop: Path) -> None:
    for path in [shop, *shop.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert run(shop, "list", user="desk").returncode == 0
    loose = {name: oct(mode) for name, mode in _modes(shop).items() if mode & 0o077}
    assert not loose


def test_the_owners_pin_has_eight_digits(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    prepare_folder(folder)
    r = run(folder, "owner-setup", "boss", AFTERDESK_NEW_PIN="246813")
    assert r.returncode == 2 and "at least 8" in r.stderr, r.stderr


def test_an_unknown_name_is_locked_like_a_real_one(shop: Path) -> None:
    """Five wrong tries lock a real account; a name that is no account answers the same."""
    answers = {}
    for name in ("tech", "nobody"):
        for _ in range(4):
            r = run(shop, "list", user=name, pin="11223344")
            assert (r.returncode, r.stderr) == (2, "Wrong name or PIN.\n"), r.stderr
        answers[name] = run(shop, "list", user=name, pin="11223344").stderr
    assert "locked" in answers["tech"] and "locked" in answers["nobody"]
    assert answers["tech"].split(" until ")[0] == answers["nobody"].split(" until ")[0]


def test_a_locked_out_owner_signs_in_with_the_recovery_code(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    prepare_folder(folder)
    r = run(folder, "owner-setup", "boss")
    assert r.returncode == 0, r.stderr
    code = r.stdout.split("Recovery code: ")[1].split(".")[0]
    assert len(code) == 23
    for _ in range(5):
        run(folder, "user", "list", user="boss", pin="11223344")
    r = run(folder, "user", "list", user="boss")
    assert r.returncode == 2 and "locked" in r.stderr  # even the right PIN, while locked
    r = run(folder, "user", "list", user="boss", pin=code.lower().replace("-", " "))
    assert r.returncode == 0, r.stderr
    assert run(folder, "user", "list", user="boss").returncode == 0  # the lock is lifted


# --- 10: smaller holes -------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_planted_future_backups_do_not_thin_away_the_real_ones(shop: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from app.services.casework.intake import IntakeForm, take_intake
    from app.services.safekeeping.backups import backup_now
    from app.services.shop.accounts import login
    from app.services.shop.setup import close_data_folder, open_data_folder
    from app.store.backup import backup_name, recorded_time
    from tests.conftest import Clock

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    clock = Clock(start)
    open_data_folder(shop)
    try:
        ctx = login(shop, "boss", PIN, clock=clock)
        for day in range(20):  # a real backup on each of 20 days
            clock.now = start + timedelta(days=day)
            take_intake(ctx, IntakeForm(kind="complaint", name="赵六", phone="13600136000"))
            backup_now(ctx, "auto", thin_old=False)
    finally:
        close_data_folder()
    folder = paths.backups_dir(shop)
    newest = max(folder.glob("afterdesk-*-auto.db"))
    for i in range(60):  # planted: names far in the future, junk and copies of a real one
        future = datetime(2099, 1, 1, tzinfo=UTC) + timedelta(days=i)
        planted = folder / backup_name("auto", future)
        if i % 2:
            planted.write_bytes(b"x")
        else:
            shutil.copy(newest, planted)
    r = run(shop, "backup", user="boss")
    assert r.returncode == 0, r.stderr
    days = {t.date() for p in folder.glob("afterdesk-*.db") if (t := recorded_time(p)) is not None}
    real_days = {(start + timedelta(days=d)).date() for d in range(9, 20)}  # + today: 12
    assert real_days <= days  # the last 12 days that had a backup each still have one


def test_a_description_too_long_for_the_slip_is_refused_by_field(shop: Path) -> None:
    base = (
        "intake",
        "--kind",
        "repair",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        "--product",
        "vivo Y100",
    )
    r = run(shop, *base, "--description", "屏幕碎裂" * 900, user="desk")
    assert r.returncode == 2
    assert r.stderr == "Description: at most 1000 characters (this has 3600).\n"
    r = run(shop, *base, "--description", "屏\n" * 100, user="desk")
    assert r.returncode == 2 and r.stderr.startswith("Description: at most 20 lines"), r.stderr
    r = run(shop, *base, "--description", "碎" * 1000, user="desk")
    assert r.returncode == 0, r.stderr
    number = raw(shop, 'SELECT number FROM "case" ORDER BY id DESC LIMIT 1')[0][0]
    for form in ("intake", "repair-ticket", "repair-receipt"):
        r = run(shop, "print", number, "--form", form, user="desk")
        assert r.returncode == 0, (form, r.stderr)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_emoji_and_right_to_left_text_show_as_a_visible_mark_on_the_slip(shop: Path) -> None:
    from tests.documents.slipdata import pdf_text

    r = run(
        shop,
        *("intake", "--kind", "complaint", "--name", "张三", "--phone", "13800138000"),
        *("--description", "屏幕碎了😭 مرحبا ok"),
        user="desk",
    )
    assert r.returncode == 0, r.stderr
    number = raw(shop, 'SELECT number FROM "case" ORDER BY id DESC LIMIT 1')[0][0]
    out = shop.parent / "slip.pdf"
    r = run(shop, "print", number, "--form", "intake", "--out", str(out), user="desk")
    assert r.returncode == 0, r.stderr
    text = pdf_text(out, shop.parent)
    assert "屏幕碎了□ □□□□□ ok" in text


def test_verify_refuses_a_huge_file_before_reading_it(shop: Path) -> None:
    huge = shop.parent / "huge.pdf"
    with open(huge, "wb") as fh:  # 300 MB, sparse: nothing is written to the disk
        fh.write(b"%PDF-1.7\n")
        fh.truncate(300 * 1024 * 1024)
    r = run(shop, "verify", str(huge))
    assert r.returncode == 1 and "300 MB" in r.stderr and "not read" in r.stderr, r.stderr


# --- 6: keys from a backup never widen trust ---------------------------------------------------


@pytest.mark.sqlite_only
def test_keys_beside_a_backup_never_make_another_shops_slips_ours(
    shop: Path, tmp_path: Path
) -> None:
    import zipfile

    number = raw(shop, 'SELECT number FROM "case" LIMIT 1')[0][0]
    assert run(shop, "print", number, "--form", "intake", user="desk").returncode == 0
    assert run(shop, "backup", user="boss").returncode == 0
    saved = next(paths.backups_dir(shop).glob("afterdesk-*-manual.db"))
    keys_zip = saved.with_name(saved.name[:-3] + ".keys.zip")
    # Another shop, with its own keys and a slip of its own.
    other = tmp_path / "other"
    assert run(other, "owner-setup", "boss").returncode == 0
    r = run(other, "intake", "--kind", "complaint", "--name", "钱七", "--phone", "13500135000",
            user="boss")  # fmt: skip
    assert r.returncode == 0, r.stderr
    theirs = tmp_path / "theirs.pdf"
    r = run(other, "print", "SH-2026-000001", "--form", "intake", "--out", str(theirs), user="boss")
    assert r.returncode == 0, r.stderr
    assert run(shop, "verify", str(theirs)).returncode == 1
    # The attacker adds the other shop's identity to the keys saved beside our backup.
    with zipfile.ZipFile(keys_zip, "a") as zf:
        for f in (other / "keys").iterdir():
            zf.write(f, f"keys-retired/20260101T000000000000Z/{f.name}")
    time.sleep(1.1)
    r = run(shop, "restore", str(saved), user="boss")
    assert r.returncode == 0, r.stderr
    r = run(shop, "verify", str(theirs))
    assert r.returncode == 1, r.stdout  # still not ours
    # A backup whose keys/ are another shop's: refused, showing what would be trusted.
    with zipfile.ZipFile(keys_zip, "w") as zf:
        for f in (other / "keys").iterdir():
            zf.write(f, f"keys/{f.name}")
    time.sleep(1.1)
    r = run(shop, "restore", str(saved), user="boss")
    assert r.returncode == 2 and "--accept-keys" in r.stderr and "SHA-256" in r.stderr, r.stderr
    assert run(shop, "verify", str(theirs)).returncode == 1


# --- 7: a signed slip says only what the shop's forms say ------------------------------------


def test_a_planted_form_is_not_printed_until_the_owner_approves_it(shop: Path) -> None:
    number = raw(shop, 'SELECT number FROM "case" LIMIT 1')[0][0]
    mine = shop / "forms"
    mine.mkdir(exist_ok=True)
    original = (ROOT / "forms" / "intake.toml").read_text(encoding="utf-8")
    out = shop.parent / "ours.pdf"
    r = run(shop, "print", number, "--form", "intake", "--out", str(out), user="desk")
    assert r.returncode == 0, r.stderr
    r = run(shop, "verify", str(out))
    assert r.returncode == 0 and "Printed with the form: intake.toml program" in r.stdout
    forged = original.replace('zh = "售后受理单"', 'zh = "退款已批准 ¥9999（店长签字）"')
    assert forged != original
    (mine / "intake.toml").write_text(forged, encoding="utf-8")
    r = run(shop, "print", number, "--form", "intake", "--out", str(out), user="desk")
    assert r.returncode == 2 and "not the version the owner approved" in r.stderr, r.stderr
    r = run(shop, "form", "approve", "intake.toml", user="desk")
    assert r.returncode == 2 and "Not allowed" in r.stderr
    r = run(shop, "form", "approve", "intake.toml", user="boss")
    assert r.returncode == 0, r.stderr
    r = run(shop, "print", number, "--form", "intake", "--out", str(out), user="desk")
    assert r.returncode == 0, r.stderr
    r = run(shop, "verify", str(out))
    assert r.returncode == 0 and "intake.toml shop sha256:" in r.stdout, r.stdout
    logged = raw(shop, "SELECT data FROM event WHERE action = 'form_approved'")
    assert len(logged) == 1 and "sha256" in str(logged[0][0])


# --- 9: erase erases ---------------------------------------------------------------------------


def test_erase_leaves_no_name_or_phone_in_notes_texts_or_slips(shop: Path) -> None:
    name, phone = "欧阳娜娜", "13811112222"
    r = run(
        shop,
        *("intake", "--kind", "repair", "--name", name, "--phone", phone),
        *("--product", "vivo Y100", "--description", f"{name}的手机，联系 138 1111 2222"),
        user="desk",
    )
    assert r.returncode == 0, r.stderr
    number = raw(shop, 'SELECT number FROM "case" ORDER BY id DESC LIMIT 1')[0][0]
    note = f"{name} {phone} 来电催修"
    r = run(shop, "move", number, "diagnosing", "--note", note, user="desk")
    assert r.returncode == 0, r.stderr
    r = run(shop, "print", number, "--form", "intake", user="desk")
    assert r.returncode == 0, r.stderr
    slips = list((shop / "slips").rglob(f"{number}_*.pdf"))
    assert len(slips) == 1
    shown = run(shop, "show", number, user="desk").stdout
    assert name in shown  # before the erasure the history reads as typed
    r = run(shop, "customer", "erase", phone, "--yes", user="boss")
    assert r.returncode == 0, r.stderr
    assert not slips[0].exists()
    texts = [
        *raw(shop, "SELECT note, data FROM event"),
        *raw(shop, 'SELECT description, follow_up, resolution FROM "case"'),
        *raw(shop, "SELECT name, phone, address FROM customer"),
        *raw(shop, "SELECT condition, fault, diagnosis FROM repair_ticket"),
    ]
    flat = " ".join(str(v) for row in texts for v in row)
    for secret in (name, phone, "138 1111 2222"):
        assert secret not in flat, secret
    erased = raw(shop, "SELECT data FROM event WHERE action = 'erased'")[0][0]
    assert "sha256" in str(erased) and slips[0].name in str(erased)
    shown = run(shop, "show", number, user="desk").stdout
    assert name not in shown and phone not in shown and "已删除客户" in shown
    assert run(shop, "audit", "verify", user="boss").returncode == 0


@pytest.mark.sqlite_only
def test_a_backup_with_a_refund_changed_in_its_table_is_refused(
    shop: Path, saved: Path, tmp_path: Path
) -> None:
    r = run(
        shop,
        *("intake", "--kind", "refund", "--name", "王五", "--phone", "13700137000"),
        *("--amount", "250.00"),
        user="boss",
    )
    assert r.returncode == 0, r.stderr
    number = raw(shop, 'SELECT number FROM "case" ORDER BY id DESC LIMIT 1')[0][0]
    _not_shipped(shop, number)
    assert run(shop, "refund", number, "--amount", "250.00", user="boss").returncode == 0
    assert run(shop, "backup", user="boss").returncode == 0
    newest = max(paths.backups_dir(shop).glob("afterdesk-*-manual.db"))
    evil = _crafted(
        newest,
        tmp_path,
        "DROP TRIGGER money_entry_no_update",
        "UPDATE money_entry SET amount = amount * 10",
        # the guard put back exactly as it was: the schema alone cannot tell
        next(t for t in schema.APPEND_ONLY_SQLITE if "money_entry_no_update" in t),
    )
    r = run(shop, "restore", str(evil), user="boss")
    assert r.returncode == 2 and "changed outside AfterDesk" in r.stderr, r.stderr


@pytest.mark.pg_only
def test_two_pcs_with_their_own_keys_check_the_log_without_false_alarms(
    shop: Path, tmp_path: Path
) -> None:
    """Each PC signs its own checkpoint (its own key, unless the shop imported one for all)."""
    second = tmp_path / "pc2"
    second.mkdir()
    shutil.copy(paths.server_file(shop), paths.server_file(second))
    for folder in (shop, second, shop, second):
        r = run(folder, "audit", "verify", user="boss")
        assert r.returncode == 0, r.stdout + r.stderr
    keys = raw(shop, "SELECT key FROM setting WHERE key LIKE ?", ("chain_checkpoint:%",))
    assert len(keys) == 2


@pytest.mark.sqlite_only
def test_a_new_pc_gets_the_shops_backup_back(shop: Path, saved: Path, tmp_path: Path) -> None:
    """Anchoring refuses foreign files, not the shop's own backup on a reinstalled PC."""
    fresh = tmp_path / "new-pc"
    assert run(fresh, "owner-setup", "boss").returncode == 0
    r = run(fresh, "restore", str(saved), user="boss")
    assert r.returncode == 0, r.stderr
    r = run(fresh, "list", user="desk")
    assert r.returncode == 0 and "SH-" in r.stdout
