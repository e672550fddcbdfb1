"""The command-line contract, run as the shop's scripts run it: `python main.py ...`.

Each subprocess costs ~0.3 s, so the read-only checks share one data folder filled once.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain import workflows
from app.domain.codes import Reason
from app.i18n import DOMAIN, LOCALE_DIR
from tests.conftest import prepare_folder, sqlite_view

REPO = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"^SH-\d{4}-\d{6}$")
CJK = re.compile(r"[\u4e00-\u9fff]")
SOLD = (date.today() - timedelta(days=10)).isoformat()
IMEI = "356938035643809"  # valid Luhn check digit
BAD_IMEI = "356938035643808"


def run(
    *args: str,
    data_dir: Path | None = None,
    lang: str | None = "en",
    user: str = "",
    pin: str = "123456",
) -> Result:
    """`python main.py [--data-dir D] [--lang L] [--user U] ARGS` from the repo root; no
    AFTERDESK_* env but AFTERDESK_PIN=`pin` when acting as `user` (the demo accounts' PIN)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUTF8"] = "1"
    cmd = [sys.executable, "main.py"]
    if data_dir is not None:
        prepare_folder(data_dir)  # a [pg] test's new folder gets its server database
        cmd += ["--data-dir", str(data_dir)]
    if lang is not None:
        cmd += ["--lang", lang]
    if user:
        cmd += ["--user", user]
        env["AFTERDESK_PIN"] = pin
    proc = subprocess.run(
        [*cmd, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Result:
    rc: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.rc == 0, self.err
        return json.loads(self.out)

    def one_error_line(self) -> str:
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        return lines[0]


def db_file(folder: Path) -> Path:
    return folder / "afterdesk.db"


def snapshot(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read with plain sqlite3 (a server's: from a snapshot of it)."""
    con = sqlite3.connect(sqlite_view(folder, folder.parent / f"{folder.name}-snapshot.db"))
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE '%fts_%' AND name NOT LIKE 'case_words%'"  # search indexes
            )
        ]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        con.close()


def counts(snap: dict[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    return {t: len(rows) for t, rows in snap.items()}


# --- one shop with a request of every kind ----------------------------------------------------

# kind, name, phone, extra intake options
KINDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("complaint", "张三", "13800138000", ("--description", "店员态度差")),
    (
        "return",
        "李四",
        "13900139001",
        ("--product", "小米 14", "--category", "phone", "--sold", SOLD, "--amount", "3999.00"),
    ),
    ("exchange", "王五", "13700137002", ("--product", "AirPods Pro", "--sold", SOLD)),
    ("refund", "赵六", "13600136003", ("--amount", "59.90", "--order", "TB20260101")),
    (
        "repair",
        "钱七",
        "15800158004",
        ("--product", "iPhone 15", "--category", "phone", "--serial", IMEI, "--sold", SOLD),
    ),
    ("parts", "孙八", "15900159005", ("--product", "华为 Mate 60", "--reason", "parts_missing")),
    ("carrier-damage", "周九", "18600186006", ("--product", "OPPO Find X7")),
]


@dataclass
class Shop:
    folder: Path
    intakes: dict[str, Result]
    numbers: dict[str, str]  # kind -> number
    everything: list[dict[str, Any]]  # list --json


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Shop:
    folder = tmp_path_factory.mktemp("shop") / "data"
    intakes: dict[str, Result] = {}
    for kind, name, phone, extra in KINDS:
        args = ["intake", "--kind", kind, "--name", name, "--phone", phone, *extra]
        if kind == "complaint":
            args.append("--json")
        intakes[kind] = run(*args, data_dir=folder)
    numbers = {}
    for kind, r in intakes.items():
        assert r.rc == 0, f"{kind}: {r.err}"
        numbers[kind] = r.json()["number"] if kind == "complaint" else r.out.strip()
    everything = run("list", "--json", data_dir=folder).json()
    return Shop(folder, intakes, numbers, everything)


def test_intake_of_every_kind_prints_the_new_number(shop: Shop) -> None:
    for kind, r in shop.intakes.items():
        assert r.rc == 0, f"{kind}: {r.err}"
        assert r.err == ""
        if kind == "complaint":
            continue
        assert r.out.endswith("\n")
        assert len(r.out.splitlines()) == 1
        assert NUMBER.match(r.out.strip()), r.out
    seqs = [int(shop.numbers[k][-6:]) for k, *_ in KINDS]
    assert seqs == list(range(1, len(KINDS) + 1))  # gap-free, in order


def test_intake_json_is_one_object_with_the_number(shop: Shop) -> None:
    obj = json.loads(shop.intakes["complaint"].out)  # the whole output is one JSON document
    assert isinstance(obj, dict)
    assert NUMBER.match(obj["number"])
    assert obj["kind"] == "complaint"
    assert obj["customer"]["name"] == "张三"  # not \u-escaped away
    assert "张三" in shop.intakes["complaint"].out


def test_list_json_is_an_array_of_every_case(shop: Shop) -> None:
    rows = shop.everything
    assert isinstance(rows, list)
    assert {r["number"] for r in rows} == set(shop.numbers.values())
    kinds = {r["number"]: r["kind"] for r in rows}
    assert kinds[shop.numbers["carrier-damage"]] == "carrier_damage"
    assert kinds[shop.numbers["repair"]] == "repair"


def test_list_limit(shop: Shop) -> None:
    rows = run("list", "--limit", "2", "--json", data_dir=shop.folder).json()
    assert [r["number"] for r in rows] == [r["number"] for r in shop.everything[:2]]


def test_list_by_kind_accepts_the_hyphen(shop: Shop) -> None:
    rows = run("list", "--kind", "carrier-damage", "--json", data_dir=shop.folder).json()
    assert [r["number"] for r in rows] == [shop.numbers["carrier-damage"]]


def test_list_by_status(shop: Shop) -> None:
    rows = run("list", "--status", "requested", "--json", data_dir=shop.folder).json()
    expected = {r["number"] for r in shop.everything if r["status"] == "requested"}
    assert expected  # return, refund, parts… start as "requested"
    assert {r["number"] for r in rows} == expected
    assert all(r["status"] == "requested" for r in rows)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("王五", "exchange"), ("58004", "repair"), (IMEI, "repair"), (None, "refund")],
    ids=["name", "phone-tail", "imei", "number"],
)
def test_list_search(shop: Shop, text: str | None, kind: str) -> None:
    text = text or shop.numbers[kind]
    rows = run("list", "--search", text, "--json", data_dir=shop.folder).json()
    assert [r["number"] for r in rows] == [shop.numbers[kind]]


def test_show_json_has_status_and_events(shop: Shop) -> None:
    number = shop.numbers["repair"]
    obj = run("show", number, "--json", data_dir=shop.folder).json()
    assert obj["number"] == number
    assert obj["status"] == "received"
    assert obj["serial"] == IMEI
    assert isinstance(obj["events"], list)
    assert obj["events"][0]["action"] == "created"
    assert obj["events"][0]["to_state"] == "received"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--phone", "123"), "Phone"),
        (("--serial", BAD_IMEI), "Serial/IMEI"),
        (("--sold", "2099-01-01"), "Sale date"),
        (("--amount", "1.005"), "Amount"),
        (("--kind", "warranty"), "Kind"),
        (("--name", " "), "Customer name"),  # required in the declaration: refused blank
    ],
    ids=["phone", "imei", "sold-in-future", "amount-3-decimals", "unknown-kind", "blank-name"],
)
def test_bad_input_names_the_field_and_writes_nothing(
    shop: Shop, args: tuple[str, ...], field: str
) -> None:
    values = {"--kind": "repair", "--name": "吴十", "--phone": "13500135007"}
    values.update({"--product": "vivo X100", "--category": "phone"})
    values.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = snapshot(shop.folder)
    r = run("intake", *[x for kv in values.items() for x in kv], data_dir=shop.folder)
    assert r.rc == 2
    assert r.out == ""
    line = r.one_error_line()
    assert line.startswith(field + ":"), line
    assert "Traceback" not in r.err
    assert snapshot(shop.folder) == before


def test_move_allowed_and_forbidden(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    args = ("--kind", "repair", "--name", "钱七", "--phone", "15800158004", "--product", "iPhone")
    number = run("intake", *args, data_dir=folder).out.strip()
    assert NUMBER.match(number)

    before = snapshot(folder)
    r = run("move", number, "collected", data_dir=folder)
    assert r.rc == 2
    assert r.out == ""
    line = r.one_error_line()
    assert "diagnosing" in line
    assert "cancelled" in line
    assert snapshot(folder) == before  # not a row added, changed or removed

    r = run("move", number, "diagnosing", "--note", "开机无显示", "--json", data_dir=folder)
    obj = r.json()
    assert obj["status"] == "diagnosing"
    last = obj["events"][-1]
    assert (last["from_state"], last["to_state"], last["note"]) == (
        "received",
        "diagnosing",
        "开机无显示",
    )
    after = snapshot(folder)
    assert counts(after)["event"] == counts(before)["event"] + 1
    # --json prints the whole record, the customer's details too: that view is logged.
    assert counts(after)["customer_access"] == counts(before)["customer_access"] + 1
    logs = ("event", "customer_access")
    assert {t: n for t, n in counts(after).items() if t not in logs} == {
        t: n for t, n in counts(before).items() if t not in logs
    }


def _has_zh_catalog() -> bool:
    return gettext.find(DOMAIN, str(LOCALE_DIR), languages=["zh_CN"]) is not None


@pytest.mark.skipif(
    not _has_zh_catalog(),
    reason="no zh_CN catalog in app/i18n/locale yet; enabled once the catalogs are compiled",
)
def test_lang_zh_gives_chinese_messages(tmp_path: Path) -> None:
    args = ("--kind", "repair", "--name", "钱七", "--phone", "123", "--product", "iPhone")
    r = run("intake", *args, data_dir=tmp_path / "data", lang="zh")
    assert r.rc == 2
    line = r.one_error_line()
    assert CJK.search(line), line
    assert not line.startswith("Phone:")


def test_entitlement_json(tmp_path: Path) -> None:
    args = ("--category", "phone", "--sold", "2026-01-01", "--on", "2026-01-05", "--json")
    obj = run("entitlement", *args, data_dir=tmp_path / "data").json()
    keys = {"category", "sold", "on", "no_reason_return", "return", "exchange", "free_repair"}
    assert keys | {"until", "basis"} <= obj.keys()
    assert obj["category"] == "phone"
    assert (obj["sold"], obj["on"]) == ("2026-01-01", "2026-01-05")
    for key in ("no_reason_return", "return", "exchange", "free_repair"):
        assert isinstance(obj[key], bool), key
    # Four days after the sale a phone may still be returned, exchanged or repaired free.
    assert obj["return"] is obj["exchange"] is obj["free_repair"] is True
    until = obj["until"]
    assert isinstance(until, dict)
    for value in until.values():
        assert value is None or date.fromisoformat(value) >= date(2026, 1, 1)
    assert isinstance(obj["basis"], list)
    assert obj["basis"]


def test_entitlement_text(tmp_path: Path) -> None:
    args = ("--category", "phone", "--sold", "2026-01-01", "--on", "2026-01-05")
    r = run("entitlement", *args, data_dir=tmp_path / "data")
    assert r.rc == 0, r.err
    assert len(r.out.splitlines()) >= 2


def test_help_lists_status_and_reason_codes() -> None:
    r = run("--help", lang=None)
    assert r.rc == 0
    for reason in Reason:
        assert reason.value in r.out
    for wf in workflows.ALL:
        for state in wf.states:
            assert state in r.out, (wf.name, state)
    assert "carrier-damage" in r.out


def test_demo_fills_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    r = run("demo", "--cases", "40", data_dir=folder)  # the ~120 that show every state
    assert r.rc == 0, r.err
    # The demo accounts and their PIN are printed (trust-accounts: the window urges a change).
    assert "PIN 123456" in r.out
    assert {"  owner  (owner)", "  desk  (front desk)", "  tech  (technician)"} <= set(
        r.out.splitlines()
    )
    # The demo made an owner: from now on the command line acts as a signed-in account only.
    before = snapshot(folder)
    backups = sorted(folder.glob("backups/*"))
    for args in (("list", "--json"), ("backup",), ("demo",)):
        r = run(*args, data_dir=folder)
        assert (r.rc, r.out) == (2, ""), args
        line = r.one_error_line()
        assert f"“{args[0]}” needs a staff account" in line
        assert "--user NAME" in line and "AFTERDESK_PIN" in line
    assert snapshot(folder) == before
    assert sorted(folder.glob("backups/*")) == backups
    r = run("list", "--json", data_dir=folder, user="desk", pin="000000")
    assert (r.rc, r.one_error_line()) == (2, "Wrong name or PIN.")
    rows = run("list", "--json", data_dir=folder, user="desk").json()
    assert len(rows) > 0
    assert all(NUMBER.match(row["number"]) for row in rows)
    # Verbs that read no one's data still run without an account.
    args = ("--category", "phone", "--sold", "2026-01-01", "--on", "2026-01-05", "--json")
    assert run("entitlement", *args, data_dir=folder).json()["return"] is True
    assert run("check", data_dir=folder).rc == 0


def test_data_dir_before_and_after_the_verb(tmp_path: Path) -> None:
    folder = tmp_path / "after"
    args = ("--kind", "complaint", "--name", "郑十一", "--phone", "13300133008")
    r = run("intake", "--data-dir", str(folder), *args)
    assert r.rc == 0, r.err
    assert db_file(folder).is_file()
    assert counts(snapshot(folder))["case"] == 1
    rows = run("list", "--json", data_dir=folder).json()  # --data-dir before the verb
    assert [row["number"] for row in rows] == [r.out.strip()]
