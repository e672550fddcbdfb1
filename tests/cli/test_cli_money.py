"""The command-line verbs of issue 13, run as a shop's script runs them: a refusal exits 2 with
one line on stderr and writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.test_cli import run
from tests.conftest import sqlite_view


def _money_rows(folder: Path, tmp: Path) -> int:
    con = sqlite3.connect(sqlite_view(folder, tmp / "view.db"))
    try:
        return con.execute("SELECT count(*) FROM money_entry").fetchone()[0]
    finally:
        con.close()


def test_one_order_one_refund_from_the_command_line(tmp_path: Path) -> None:
    d = tmp_path / "data"
    base = (
        "--kind",
        "carrier-damage",
        "--name",
        "赵磊",
        "--phone",
        "13711112222",
        "--product",
        "手机壳",
    )
    first = run("intake", *base, "--amount", "99.00", "--order", "TB88001", data_dir=d).out.strip()
    assert run("move", first, "documented", data_dir=d).rc == 0
    assert run("refund", first, "--amount", "99.00", "--route", "alipay", data_dir=d).rc == 0
    second = run("intake", *base, "--amount", "99.00", "--order", "TB88001", data_dir=d)
    assert second.rc == 0 and first in second.err and "one refund" in second.err
    number = second.out.strip()
    run("move", number, "documented", data_dir=d)
    before = _money_rows(d, tmp_path)
    refused = run("refund", number, "--amount", "99.00", data_dir=d)
    assert refused.rc == 2 and len(refused.err.strip().splitlines()) == 1
    assert "TB88001" in refused.err
    assert _money_rows(d, tmp_path) == before
    order = run("order", "TB88001", "--json", data_dir=d).json()
    assert (order["paid"], order["refunded"]) == ("99.00", "99.00")
    assert [c[0] for c in order["cases"]] == [first, number]
    found = run("list", "--search", "TB88001", "--json", data_dir=d).json()
    assert {r["number"] for r in found} == {first, number}


def test_override_ship_first_book_and_reverse(tmp_path: Path) -> None:
    d = tmp_path / "data"
    number = run(
        "intake", "--kind", "exchange", "--name", "钱芳", "--phone", "13922223333",
        "--product", "华为 P40", "--category", "phone", "--sold", "2023-01-01",
        "--reason", "quality", "--amount", "300.00", data_dir=d,
    ).out.strip()  # fmt: skip
    refused = run("approve", number, data_dir=d)
    assert refused.rc == 2 and "three guarantees" in refused.err
    shipped = run(
        "ship-first", number, "--deposit", "100.00", "--route", "cash",
        "--override-reason", "老顾客特批", "--json", data_dir=d,
    ).json()  # fmt: skip
    assert shipped["status"] == "replacement_shipped"
    assert shipped["rma"]["override_reason"] == "老顾客特批"
    owed = run("goods-owed", "--json", data_dir=d).json()
    assert [o["number"] for o in owed] == [number]
    no_refund = run("refund", number, "--amount", "10.00", data_dir=d)
    assert no_refund.rc == 2 and "not back" in no_refund.err
    booked = run(
        "book", number, "--kind", "price_difference", "--amount", "50.00", "--route", "wechat",
        "--json", data_dir=d,
    ).json()  # fmt: skip
    assert run("reverse", str(booked["entry"]), "--note", "录错", data_dir=d).rc == 0
    again = run("reverse", str(booked["entry"]), "--note", "再次", data_dir=d)
    assert again.rc == 2
    assert run("waive-goods", number, "--reason", "丢件", "--lost", data_dir=d).rc == 0
    assert run("goods-owed", "--json", data_dir=d).json() == []
