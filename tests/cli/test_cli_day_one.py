"""A real shop's day one on the command line (issue #17): a shop that never loaded the demo
imports its Excel lists (a bad row named, nothing written, the fixed file once), lists its
catalogue, takes a case by scanning an imported barcode, books stock as the manager (the desk is
refused), keeps a dealer's account and checks the signed statement with `verify`, and takes
online orders with the platform's own facts. Every refusal: exit 2, one line, nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from tests.cli.conftest import staffed_shop
from tests.cli.test_cli_accounts import Cli
from tests.services.test_day_one_shop import (
    BARCODE,
    CUSTOMERS_CSV,
    DEALERS_CSV,
    PARTS_CSV,
    SUPPLIERS_CSV,
    bom,
    check_statement_pdf,
    gbk,
    products_xlsx,
    table_rows,
)


def shop_today() -> date:
    """Today at the shop (Asia/Shanghai): the day the command line books things on."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def shop(tmp_path: Path, backend: str) -> Iterator[Path]:
    """A new shop: the owner, a manager on duty and a desk clerk; no demo data."""
    folder = tmp_path / "data"
    staffed_shop(folder)
    close_data_folder()
    yield folder
    close_data_folder()


def rows(folder: Path) -> dict[str, tuple]:
    """The lists' tables, row by row, and every table's count but the event log and the
    access log (signing in and showing write those)."""
    open_data_folder(folder)
    try:
        out = table_rows()
        out["counts"] = tuple(
            (k, n) for k, n in out["counts"] if k not in ("Event", "CustomerAccess")
        )
        return out
    finally:
        close_data_folder()


def refused(cli: Cli, *args: str, user: str) -> str:
    """The command exits 2 with one line on stderr and writes nothing; that line."""
    before = rows(cli.folder)
    rc, out, err = cli(*args, user=user)
    assert rc == 2, (args, out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert rows(cli.folder) == before
    return err


def test_day_one_at_the_counter(cli: Cli, tmp_path: Path) -> None:
    # The catalogue with a bad row: the preview names it, the commit writes nothing.
    bad = str(products_xlsx(tmp_path, bad=True))
    rc, out, err = cli("import", "products", bad, user="mgr")
    assert rc == 2 and "line 5: Selling price" in out
    assert err.strip() == "1 row has errors: nothing is imported until it is fixed."
    err = refused(cli, "import", "products", bad, "--commit", user="mgr")
    assert "line 5" in err
    # Importing the catalogue is the manager's: the desk is refused.
    good = str(products_xlsx(tmp_path))
    refused(cli, "import", "products", good, "--commit", user="desk")

    files = {
        "products": good,
        "parts": str(bom(tmp_path, "parts.csv", PARTS_CSV)),
        "customers": str(gbk(tmp_path, "customers.csv", CUSTOMERS_CSV)),
        "dealers": str(gbk(tmp_path, "dealers.csv", DEALERS_CSV)),
        "suppliers": str(gbk(tmp_path, "suppliers.csv", SUPPLIERS_CSV)),
    }
    for kind, path in files.items():
        rc, out, err = cli("import", kind, path, "--commit", "--json", user="mgr")
        assert rc == 0, (kind, err)
        assert json.loads(out)["counts"]["add"] == 2 + (kind == "products"), kind
    # Again, and the program's own exports: nothing new.
    before = rows(cli.folder)
    for kind, path in files.items():
        export = tmp_path / f"export-{kind}.xlsx"
        assert cli("export", kind, str(export), user="owner")[0] == 0
        for source in (path, str(export)):
            rc, out, err = cli("import", kind, source, "--commit", user="mgr")
            assert rc == 0 and "0 new, 0 changed" in out, (kind, source, out, err)
    assert rows(cli.folder) == before

    # The catalogue as listed: the brand is said once.
    rc, out, err = cli("products", "list", "三星", user="desk")
    assert rc == 0, err
    assert "三星 EVO Plus 存储卡 128GB" in out and "三星 三星" not in out
    rc, out, err = cli("products", "list", "FreeBuds", user="desk")
    assert "华为 FreeBuds Pro 3" in out and "华为 华为" not in out

    # A customer brings a memory card back: the desk scans the barcode.
    sold = (shop_today() - timedelta(days=3)).isoformat()
    rc, out, err = cli(
        "intake", "--kind", "return", "--name", "王五", "--phone", "13700137000",
        "--barcode", BARCODE, "--sold", sold, "--reason", "quality", "--amount", "99",
        "--json", user="desk",
    )  # fmt: skip
    assert rc == 0, err
    case = json.loads(out)
    assert case["product"]["name"] == "三星 EVO Plus 存储卡", case["product"]
    assert case["product"]["category"] == "memory-card"

    # Stock: the desk may not adjust it, the manager may; never below zero.
    damage = ("parts", "adjust", "HW-M60-BAT", "--qty", "-1", "--reason", "damage")
    refused(cli, *damage, "--note", "跌落损坏", user="desk")
    assert cli(*damage, "--note", "跌落损坏", user="mgr")[0] == 0
    refused(cli, "parts", "adjust", "HW-M60-BAT", "--qty", "-99", "--reason", "loss",
            "--note", "盘亏", user="mgr")  # fmt: skip
    rc, out, err = cli("stock-in", "MI-14-LCD", "--qty", "3", "--cost", "580",
                       "--supplier", "华强北配件", user="mgr")  # fmt: skip
    assert rc == 0, err
    rc, out, err = cli("parts", "valuation", "--json", user="mgr")
    assert rc == 0, err
    # 8 screens (5 at 600, 3 at 580) and 9 batteries at 85.
    assert Decimal(str(json.loads(out)["total"])) == Decimal("5505.00"), out

    # The dealer: opening balance from the file, a deposit; the signed statement.
    today = shop_today().isoformat()
    refused(cli, "dealer-deposit", "13906571288", "--amount", "5000", "--route", "wechat",
            user="desk")  # fmt: skip
    rc, out, err = cli("dealer-deposit", "13906571288", "--amount", "5000", "--route", "wechat",
                       "--note", "追加", user="mgr")  # fmt: skip
    assert rc == 0, err
    pdf = tmp_path / "statement.pdf"
    rc, out, err = cli("dealer-statement", "13906571288", "--from", today, "--to", today,
                       "--out", str(pdf), user="mgr")  # fmt: skip
    assert rc == 0, err
    rc, out, err = cli("verify", str(pdf))
    assert rc == 0, (out, err)
    check_statement_pdf(pdf, tmp_path, Decimal("0.00"), [Decimal("30000.00"), Decimal("5000.00")])
    forged = tmp_path / "forged.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    forged.write_bytes(bytes(data))
    assert cli("verify", str(forged))[0] != 0


def _order(received: str, sold: str, *extra: str) -> tuple[str, ...]:
    return (
        "intake", "--kind", "return", "--name", "陈静", "--product", "小米 14",
        "--category", "phone", "--sold", sold, "--amount", "3999",
        "--channel", "online-shop", "--platform", "taobao",
        "--order", "3905123456789012345", "--platform-refund", "TB-RF-1201-01",
        "--platform-reason", "7天无理由", "--received", received, *extra,
    )  # fmt: skip


def test_online_orders_on_day_one(cli: Cli, tmp_path: Path) -> None:
    from app.services.casework.rules import update_settings
    from tests.services.test_platform_orders import SAMPLE, fixed

    open_data_folder(cli.folder)
    try:  # the owner counts the 7 days from the day the buyer signed for the goods
        update_settings(
            context_for(cli.folder, "owner"), {"warranty.online_periods_from": "received"}
        )
    finally:
        close_data_folder()
    sold = (shop_today() - timedelta(days=8)).isoformat()
    received = (shop_today() - timedelta(days=4)).isoformat()

    # A masked number without the buyer's ID: refused by name, nothing written.
    err = refused(cli, *_order(received, sold, "--phone", "138****1234"), user="desk")
    assert "Phone" in err and "buyer" in err.lower()
    rc, out, err = cli(
        *_order(received, sold, "--phone", "138****1234", "--buyer", "tb_chenjing"),
        "--json",
        user="desk",
    )
    assert rc == 0, err
    case = json.loads(out)
    assert (case["sale"]["platform"], case["sale"]["buyer_id"]) == ("taobao", "tb_chenjing")
    assert case["sale"]["order_no"] == "3905123456789012345"
    assert case["platform_refund_no"] == "TB-RF-1201-01"
    ent = case["entitlement"]
    assert (ent["periods_from"], ent["received"]) == ("received", received)
    until = date.fromisoformat(received) + timedelta(days=7)
    assert ent["until"]["no_reason_return"] == until.isoformat()

    # A virtual number with its extension, on another order.
    rc, out, err = cli(
        "intake", "--kind", "return", "--name", "王芳", "--phone", "17012345678转1234",
        "--product", "小米 14", "--category", "phone", "--sold", sold, "--amount", "3999",
        "--channel", "online-shop", "--platform", "jd", "--order", "JD-3905000000001",
        "--buyer", "jd_wangfang88", "--platform-refund", "JD-RF-1201-02",
        "--platform-reason", "质量问题", "--received", received, "--json", user="desk",
    )  # fmt: skip
    assert rc == 0, err
    assert json.loads(out)["customer"]["phone"] == "17012345678-1234"

    # Taobao's own export: the bad line named, the fixed file once, again nothing.
    rc, out, err = cli("import", "platform-orders", str(SAMPLE), user="desk")
    assert rc == 2 and "line 9:" in out
    good = str(fixed(tmp_path))
    rc, out, err = cli("import", "platform-orders", good, "--commit", "--json", user="desk")
    assert rc == 0, err
    assert json.loads(out)["counts"]["add"] == 8
    before = rows(cli.folder)
    rc, out, err = cli("import", "platform-orders", good, "--commit", "--json", user="desk")
    assert rc == 0 and json.loads(out)["counts"] == {"add": 0, "update": 0, "same": 8}
    assert rows(cli.folder) == before
