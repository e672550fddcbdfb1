"""Accounts and privacy on the command line: --user with AFTERDESK_PIN, user/owner-setup/customer.

One shop is shared by the module; commands run in-process through app.cli.main (one through a
real `python main.py` for the PIN prompt), at argon2's production cost. The demo's printed
accounts are checked in test_cli.py, which runs `demo` anyway.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.accounts import add_user, create_owner
from app.services.shop.setup import close_data_folder, context_for, open_data_folder

REPO = Path(__file__).resolve().parents[2]
PIN = "97531042"  # 8 digits: the owner's too


def run_process(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> tuple:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    clean.update(env or {}, PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    proc = subprocess.run(
        [sys.executable, "main.py", "--lang", "en", *args],
        cwd=REPO,
        env=clean,
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        start_new_session=True,  # no controlling terminal: getpass reads the piped stdin
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Path]:
    """An owner, front desk and two technicians (production argon2 hashes) and two cases."""
    folder = open_data_folder(tmp_path_factory.mktemp("shop") / "data")
    create_owner("owner", "王店长", PIN)
    owner = context_for(folder, "owner")
    for name, role in (("desk", "front_desk"), ("tech", "technician"), ("tech2", "technician")):
        add_user(owner, name, "", role, PIN)
    for phone in ("13800138000", "13900139001"):
        take_intake(owner, IntakeForm(kind="complaint", name="张三", phone=phone))
    close_data_folder()
    yield folder
    close_data_folder()


class Cli:
    """`main.py --data-dir FOLDER --lang en [--user NAME] ARGS` in this process."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
        self.folder, self.mp, self.capsys = folder, monkeypatch, capsys

    def __call__(
        self, *args: str, user: str = "", pin: str = PIN, new_pin: str | None = None
    ) -> tuple[int, str, str]:
        for key in ("AFTERDESK_PIN", "AFTERDESK_NEW_PIN"):
            self.mp.delenv(key, raising=False)
        self.mp.setenv("AFTERDESK_PIN", pin)
        if new_pin is not None:
            self.mp.setenv("AFTERDESK_NEW_PIN", new_pin)
        argv = ["--data-dir", str(self.folder), "--lang", "en"]
        argv += ["--user", user] if user else []
        rc = main([*argv, *args])
        got = self.capsys.readouterr()
        return rc, got.out, got.err


@pytest.fixture
def cli(shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    return Cli(shop, monkeypatch, capsys)


def test_user_signs_in_with_the_pin_from_the_environment(cli: Cli) -> None:
    rc, out, err = cli("list", "--limit", "1", user="desk")
    assert rc == 0, err
    assert re.match(r"SH-\d{4}-\d{6}", out)


def test_once_an_owner_exists_every_verb_that_touches_data_needs_user(
    cli: Cli, tmp_path: Path
) -> None:
    """Without --user the command line would act as the built-in system, with owner rights."""
    from app.services.shop.setup import open_data_folder
    from tests.conftest import row_counts

    open_data_folder(cli.folder)
    before = row_counts()
    close_data_folder()
    refused = [
        ("list",),
        ("show", "SH-2026-000001"),
        ("intake", "--kind", "complaint", "--name", "李四", "--phone", "13900139009"),
        ("move", "SH-2026-000001", "acknowledged"),
        ("customer", "export", "13800138000", "--out", str(tmp_path / "x.json")),
        ("customer", "erase", "13800138000", "--yes"),
        ("user", "list"),
        ("backup",),
        ("backup", "list"),
        ("restore", str(tmp_path / "any.db")),
        ("audit", "verify"),
        ("certificate", "show"),
        ("print", "--blank", "--form", "rma", "--out", str(tmp_path / "x.pdf")),
        ("demo",),
    ]
    for args in refused:
        rc, out, err = cli(*args)
        assert (rc, out) == (2, ""), (args, err)
        assert err == (
            f"“{args[0]}” needs a staff account now that the shop has an owner: use --user NAME; "
            "the PIN is read from AFTERDESK_PIN.\n"
        ), args
    assert not list(tmp_path.iterdir())
    open_data_folder(cli.folder)
    assert row_counts() == before  # not even a login attempt or an access-log row
    close_data_folder()
    rc, out, err = cli("entitlement", "--category", "phone", "--sold", "2026-01-01", "--json")
    assert rc == 0 and json.loads(out)["category"] == "phone", err
    assert cli("check")[0] == 0
    assert "already has an owner" in cli("owner-setup", "zhao", new_pin="24680135")[2]
    # Checking the log is the owner's (or the manager on duty's), not every account's.
    rc, _out, err = cli("audit", "verify", user="tech")
    assert rc == 2 and "manager on duty" in err
    assert cli("audit", "verify", user="owner")[0] == 0


def test_wrong_pin_is_one_line_and_exit_2(cli: Cli) -> None:
    rc, out, err = cli("list", "--limit", "1", user="desk", pin="975311")
    assert (rc, out, err) == (2, "", "Wrong name or PIN.\n")
    rc, out, err = cli("list", "--limit", "1", user="nobody", pin="975311")
    assert (rc, out, err) == (2, "", "Wrong name or PIN.\n")


def test_the_pin_can_be_typed_at_a_prompt(shop: Path) -> None:
    rc, out, err = run_process(
        "--data-dir", str(shop), "--user", "tech", "list", "--limit", "1", stdin=PIN + "\n"
    )
    assert rc == 0, err
    assert out.startswith("SH-")


def test_permissions_follow_the_signed_in_user(cli: Cli) -> None:
    rc, out, err = cli("user", "list", user="desk")
    assert (rc, out) == (2, "")
    assert err == "Not allowed: this needs the owner.\n"
    rc, out, err = cli("user", "list", "--json", user="owner")
    assert rc == 0, err
    names = {u["name"]: u for u in json.loads(out)}
    assert {"owner", "desk", "tech"} <= set(names)
    assert names["desk"]["role"] == "front_desk" and "secret_hash" not in names["desk"]


def test_owner_adds_resets_and_disables_an_account(cli: Cli) -> None:
    rc, out, err = cli(
        "user", "add", "li", "--role", "desk", "--manager", user="owner", new_pin="1"
    )
    assert (rc, err) == (2, "PIN or password: a PIN has at least 6 digits.\n")
    rc, out, err = cli(
        "user", "add", "li", "--role", "desk", "--display", "李丽", "--manager",
        user="owner", new_pin="８６４２０９",
    )  # fmt: skip
    assert (rc, out) == (0, "Account li added.\n"), err
    assert cli("list", "--limit", "1", user="li", pin="864209")[0] == 0
    rc, out, err = cli("user", "pin", "li", user="owner", new_pin="97531086")
    assert (rc, out) == (0, "PIN of li changed.\n"), err
    assert cli("list", "--limit", "1", user="li", pin="864209")[0] == 2
    assert cli("list", "--limit", "1", user="li", pin="97531086")[0] == 0
    assert cli("user", "disable", "li", user="owner")[:2] == (0, "Account li disabled.\n")
    assert cli("list", "--limit", "1", user="li", pin="97531086")[2] == "Wrong name or PIN.\n"


def test_five_wrong_pins_lock_the_account_naming_the_time(cli: Cli) -> None:
    for _ in range(4):
        assert cli("list", user="tech2", pin="975311")[2] == "Wrong name or PIN.\n"
    rc, out, err = cli("list", user="tech2", pin="975311")
    assert rc == 2
    assert re.fullmatch(
        r"Too many wrong PINs: this account is locked until \d{4}-\d\d-\d\d \d\d:\d\d\.\n", err
    )
    assert cli("list", user="tech2")[2] == err  # even the right PIN, from a new process
    assert "locked until" in cli("user", "list", user="owner")[1]
    assert cli("user", "unlock", "tech2", user="owner")[0] == 0
    assert cli("list", "--limit", "1", user="tech2")[0] == 0


def test_customer_export_and_erase(cli: Cli, tmp_path: Path) -> None:
    from app.services.shop.setup import open_data_folder
    from app.store.models import Customer

    open_data_folder(cli.folder)
    phone = Customer.select().where(Customer.phone.is_null(False)).order_by(Customer.id).first()
    phone = phone.phone
    close_data_folder()
    out_file = tmp_path / "export.json"
    assert cli("customer", "export", phone, "--out", str(out_file), user="desk")[0] == 2
    rc, out, err = cli("customer", "export", phone, "--out", str(out_file), user="owner")
    assert rc == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["customer"]["phone"] == phone and data["cases"]
    assert not list(tmp_path.glob("*.part"))
    rc, out, err = cli("customer", "erase", phone, user="owner")
    assert rc == 2 and "the owner must confirm" in err
    rc, out, err = cli("customer", "erase", phone, "--yes", user="owner")
    assert rc == 0, err
    assert "已删除客户" in out and "before-erase" in out
    assert cli("customer", "export", phone, "--out", str(out_file), user="owner")[0] == 2


def test_owner_setup_on_first_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    cli = Cli(tmp_path / "new", monkeypatch, capsys)
    rc, out, err = cli("owner-setup", "wang", "--display", "王店长", new_pin="24680135")
    assert rc == 0 and out.startswith("Owner account wang created.\nRecovery code: "), err
    assert "--hotline" in err  # slips would print the shop's details empty: said, not silent
    assert cli("user", "list", user="wang", pin="24680135")[1].startswith("wang  王店长  owner")
    rc, out, err = cli("owner-setup", "zhao", new_pin="24680135")
    assert rc == 2 and "already has an owner" in err


@pytest.mark.sqlite_only  # SQLite's file on a share; a server folder holds no database
def test_a_network_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    cli = Cli(Path(r"\\nas\shop\AfterDesk"), monkeypatch, capsys)
    rc, out, err = cli("list")
    assert rc == 1 and "network drive" in err and "server mode" in err
    assert os.listdir(tmp_path) == []


def test_owner_setup_takes_the_shops_details_for_the_slips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    cli = Cli(tmp_path / "new", monkeypatch, capsys)
    shop = ("--shop-name", "鑫达手机通讯", "--address", "杭州市文三路 398 号")
    rc, _out, err = cli("owner-setup", "wang", *shop, new_pin="24680135")
    assert rc == 2 and "hotline" in err.lower()  # name and address without a hotline: refused
    rc, out, err = cli(
        "owner-setup", "wang", *shop, "--hotline", "0571-8888 6666", new_pin="24680135"
    )
    assert (rc, err) == (0, "") and out.startswith("Owner account wang created.\nRecovery code: ")
    from app.services.shop.setup import close_data_folder, load_settings, open_data_folder

    open_data_folder(tmp_path / "new")
    try:
        shop_settings = load_settings().shop
    finally:
        close_data_folder()
    assert (shop_settings.name, shop_settings.hotline) == ("鑫达手机通讯", "0571-8888 6666")
    assert shop_settings.address == "杭州市文三路 398 号" and shop_settings.return_address == ""
