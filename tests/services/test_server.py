"""The shop server: its address file, opening it, its backups, moving a shop onto it, outages.

Tests marked pg_only need AFTERDESK_TEST_PG (CI sets it); without it they are not generated.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import pytest

from app import paths
from app.domain.errors import DomainError
from app.i18n.messages import describe
from app.services.casework.cases import CaseFilter, list_cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.safekeeping import server
from app.services.safekeeping.audit_check import verify_history
from app.services.safekeeping.backups import backup_now, list_backups, restore
from app.services.shop import accounts
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import db as store_db
from app.store.backup import head_of, probe
from app.store.history import chain_head
from app.store.models import Case, Counter, Event, User
from app.store.schema import SCHEMA_VERSION
from tests.conftest import Clock, demo_copy, pg_databases, seal_user

REPO = Path(__file__).resolve().parents[2]
URL = "postgresql://desk%40shop:p%3Ass@192.168.1.20:5433/afterdesk_main?sslmode=require"


# --- the address and its file (no server needed) -----------------------------------------------


@pytest.mark.sqlite_only
def test_an_address_is_parsed_with_defaults_and_escapes() -> None:
    a = server.parse_address(URL)
    assert (a.host, a.port, a.dbname, a.user, a.password, a.sslmode) == (
        "192.168.1.20",
        5433,
        "afterdesk_main",
        "desk@shop",
        "p:ss",
        "require",
    )
    assert a.label == "desk@shop@192.168.1.20:5433/afterdesk_main"
    assert "p:ss" not in repr(a) and "p%3Ass" not in a.url()
    assert server.parse_address(a.url(with_password=True)) == a
    b = server.parse_address("postgres://pc-repair")
    assert (b.host, b.port, b.dbname, b.user) == ("pc-repair", 5432, "afterdesk", "afterdesk")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("mysql://shop/afterdesk", "scheme"),
        ("192.168.1.20", "scheme"),
        ("postgresql:///afterdesk", "host"),
        ("postgresql://h:99999/db", "port"),
        ("postgresql://h/a/b", "database"),
        ("postgresql://h/db?sslmode=sometimes", "options"),
        ("postgresql://h/db?application_name=x", "options"),
    ],
)
def test_a_wrong_address_is_refused_with_a_sentence(text: str, problem: str) -> None:
    with pytest.raises(DomainError) as info:
        server.parse_address(text)
    assert (info.value.code, info.value.params["problem"]) == ("server_address_invalid", problem)
    assert "postgresql://user:password@host:5432/afterdesk" in describe(info.value)


@pytest.mark.sqlite_only
def test_the_address_file_is_owner_only_and_the_environment_password_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(server.PASSWORD_ENV, raising=False)
    assert server.read_address(tmp_path) is None
    path = server.save_address(tmp_path, server.parse_address(URL))
    assert path == paths.server_file(tmp_path)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["password"] == "p:ss" and "p%3Ass" not in data["server"]
    assert server.read_address(tmp_path).password == "p:ss"
    monkeypatch.setenv(server.PASSWORD_ENV, "from-env")
    assert server.read_address(tmp_path).password == "from-env"
    server.save_address(tmp_path, server.parse_address(URL), keep_password=False)
    assert "password" not in json.loads(path.read_text(encoding="utf-8"))
    assert server.forget_address(tmp_path) and not server.forget_address(tmp_path)
    assert server.read_address(tmp_path) is None


@pytest.mark.sqlite_only
def test_a_damaged_address_file_is_named(tmp_path: Path) -> None:
    paths.server_file(tmp_path).write_text("{not json", encoding="utf-8")
    with pytest.raises(DomainError) as info:
        open_data_folder(tmp_path)
    assert info.value.code == "server_file_bad"
    assert str(paths.server_file(tmp_path)) in describe(info.value)


@pytest.mark.sqlite_only
def test_an_unreachable_server_is_one_translated_line_naming_the_host(tmp_path: Path) -> None:
    # Nothing listens on port 9 of this machine: refused at once, no timeout to wait for.
    server.save_address(tmp_path, server.parse_address("postgresql://shop@127.0.0.1:9/afterdesk"))
    with pytest.raises(DomainError) as info:
        open_data_folder(tmp_path)
    assert info.value.code == "server_unreachable"
    assert "127.0.0.1:9" in describe(info.value)
    assert not paths.db_path(tmp_path).exists()  # no SQLite file made behind the shop's back
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    for lang, words in (("en", "Cannot reach"), ("zh", "无法连接")):
        proc = subprocess.run(
            [sys.executable, "main.py", "--lang", lang, "--data-dir", str(tmp_path), "list"],
            cwd=REPO,
            env=env,
            capture_output=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert words in proc.stderr and "127.0.0.1:9" in proc.stderr
        assert "Traceback" not in proc.stderr


# --- on a real server --------------------------------------------------------------------------


@pytest.mark.pg_only
def test_the_folder_opens_its_server_and_says_what_it_holds(ctx: Context) -> None:
    assert store_db.is_postgres()
    address = server.read_address(ctx.data_dir)
    assert address is not None
    take_intake(ctx, IntakeForm(kind="complaint", name="张三", phone="13800138000"))
    facts = server.check_server(address)
    assert (facts.schema, facts.cases, facts.encoding) == (SCHEMA_VERSION, 1, "UTF8")
    assert facts.users >= 1 and not facts.empty
    assert not paths.db_path(ctx.data_dir).exists()


@pytest.mark.pg_only
def test_a_refused_login_and_a_missing_database_are_told_apart(ctx: Context) -> None:
    good = server.read_address(ctx.data_dir)
    with pytest.raises(DomainError) as info:
        server.check_server(replace(good, password="wrong"))
    assert info.value.code == "server_login_failed"
    assert good.user in describe(info.value)
    with pytest.raises(DomainError) as info:
        server.check_server(replace(good, dbname="no_such_afterdesk_db"))
    assert info.value.code == "server_no_database"
    assert "no_such_afterdesk_db" in describe(info.value)


@pytest.mark.pg_only
def test_a_lost_connection_is_a_sentence_and_the_next_call_reconnects(ctx: Context) -> None:
    take_intake(ctx, IntakeForm(kind="complaint", name="张三", phone="13800138000"))
    pid = store_db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    admin = pg_databases().admin
    con = psycopg2.connect(
        host=admin.host, port=admin.port, dbname=admin.dbname, user=admin.user,
        password=admin.password,
    )  # fmt: skip
    con.autocommit = True
    con.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    con.close()
    with pytest.raises(DomainError) as info:
        take_intake(ctx, IntakeForm(kind="complaint", name="李四", phone="13900139000"))
    assert info.value.code == "server_unreachable"
    assert "127.0.0.1" in describe(info.value) or admin.host in describe(info.value)
    # The server is still there: the desk simply tries again.
    again = take_intake(ctx, IntakeForm(kind="complaint", name="李四", phone="13900139000"))
    assert again.number.endswith("000002")  # the failed try used no number
    assert verify_history(ctx).ok


@pytest.mark.pg_only
def test_a_backup_is_a_sqlite_snapshot_that_opens_as_a_shop(
    demo_template: Path, data_dir: Path, clock: Clock, tmp_path: Path
) -> None:
    ctx = demo_copy(demo_template, data_dir, clock)
    report = backup_now(ctx, "manual")
    found = probe(report.path, full=True)
    assert found.ok and found.head == chain_head()[1]
    assert found.events == Event.select().count()
    assert [b.path for b in list_backups(ctx)] == [report.path]
    cases = [c.number for c in list_cases(ctx, CaseFilter(), limit=1000)]
    hits = [c.number for c in list_cases(ctx, CaseFilter(search="张"), limit=1000)]
    # The snapshot is a whole SQLite shop: same cases, same chain, same search results.
    close_data_folder()
    local = tmp_path / "from-snapshot"
    local.mkdir()
    (local / "afterdesk.db").write_bytes(report.path.read_bytes())
    open_data_folder(local)
    there = context_for(local, "boss", clock=clock)
    assert [c.number for c in list_cases(there, CaseFilter(), limit=1000)] == cases
    assert [c.number for c in list_cases(there, CaseFilter(search="张"), limit=1000)] == hits
    assert verify_history(there).head == found.head


@pytest.mark.pg_only
def test_restore_is_refused_on_the_server(ctx: Context) -> None:
    saved = backup_now(ctx, "manual").path
    with pytest.raises(DomainError) as info:
        restore(ctx, saved)
    assert info.value.code == "server_restore_refused"
    assert "pg_restore" in describe(info.value)


@pytest.mark.pg_only
def test_a_sqlite_shop_moves_onto_an_empty_server_with_everything_intact(
    demo_template: Path, tmp_path: Path, clock: Clock
) -> None:
    """`server import` through the command line, as the owner would run it."""
    local = tmp_path / "shop"
    local.mkdir()
    (local / "afterdesk.db").write_bytes(demo_template.read_bytes())
    open_data_folder(local, local=True)
    before_cases = {c.number: c.created_at for c in Case.select()}
    before_counters = {(c.series, c.year): c.last for c in Counter.select()}
    pin = accounts.hash_secret("975310")
    User.update(secret_hash=pin).where(User.name == "boss").execute()
    seal_user(User.get(User.name == "boss"), "pin_reset")  # as set_pin would have logged it
    before_head = chain_head()
    close_data_folder()

    dbs = pg_databases()
    target = tmp_path / "target"
    name = dbs.provision(target)  # an empty server database (only the schema)
    address = server.read_address(target)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env["AFTERDESK_PIN"] = "975310"
    cmd = [sys.executable, "main.py", "--lang", "en", "--data-dir", str(local), "--user", "boss"]
    proc = subprocess.run(
        [*cmd, "server", "import", address.url(with_password=True)],
        cwd=REPO,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "history chain checks out" in proc.stdout and name in proc.stdout
    assert server.read_address(local) == address  # this PC uses the server from now on

    source_head = head_of(local / "afterdesk.db")  # the owner's sign-in is the one event more
    assert source_head not in (None, before_head[1])
    open_data_folder(local)
    assert store_db.is_postgres()
    assert {c.number: c.created_at for c in Case.select()} == before_cases
    assert {(c.series, c.year): c.last for c in Counter.select()} == before_counters
    assert chain_head() == (before_head[0] + 1, source_head)
    ctx = context_for(local, "boss", clock=Clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)))
    assert verify_history(ctx).ok
    new = take_intake(ctx, IntakeForm(kind="complaint", name="张三", phone="13800138000"))
    last = before_counters[("SH", 2026)]
    assert new.number == f"SH-2026-{last + 1:06d}"  # numbering goes on where the shop was
    assert verify_history(ctx).ok

    # A second import into the now busy database is refused, and changes nothing.
    close_data_folder()
    again = subprocess.run(
        [*cmd, "server", "import", address.url(with_password=True)],
        cwd=REPO,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert again.returncode == 2 and "already holds records" in again.stderr, again.stderr
    server.forget_address(local)
    open_data_folder(local)
    assert not store_db.is_postgres()  # back on the folder's own file, as it was


@pytest.mark.pg_only
def test_connect_show_and_disconnect_from_the_command_line(tmp_path: Path) -> None:
    dbs = pg_databases()
    holder = tmp_path / "holder"
    dbs.provision(holder)
    address = server.read_address(holder)
    folder = tmp_path / "pc2"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env[server.PASSWORD_ENV] = address.password

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "main.py", "--lang", "en", "--data-dir", str(folder), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    r = run("server", "connect", address.url(), "--no-save-password", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["server"] == address.label
    assert "password" not in json.loads(paths.server_file(folder).read_text(encoding="utf-8"))
    r = run("server", "show", "--json")
    assert json.loads(r.stdout)["reachable"] is True
    r = run("intake", "--kind", "complaint", "--name", "张三", "--phone", "13800138000")
    assert r.returncode == 0 and r.stdout.strip().startswith("SH-"), r.stderr
    assert not paths.db_path(folder).exists()
    r = run("server", "disconnect")
    assert r.returncode == 0 and "own database again" in r.stdout
    assert not paths.server_file(folder).exists()
