"""Parts, suppliers and a dealer's statement on the command line: the manager on duty keeps the
lists and the stock, a desk clerk reads them and is refused changes (exit 2, one line, nothing
written), and the dealer's statement comes out as a signed PDF."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.casework.intake import IntakeForm, take_intake
from app.services.remedies.dealers import dealer_deposit
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from tests.cli.conftest import staffed_shop
from tests.cli.test_cli_accounts import Cli
from tests.conftest import row_counts


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Path]:
    """An owner, a manager on duty, a desk clerk and a dealer with a deposit."""
    folder = tmp_path_factory.mktemp("shop") / "data"
    owner = staffed_shop(folder)
    take_intake(
        owner,
        IntakeForm(kind="complaint", name="鑫达通讯", phone="13906571288", customer_kind="dealer"),
    )
    dealer_deposit(owner, "13906571288", "20000", "bank", "预存保证金")
    close_data_folder()
    yield folder
    close_data_folder()


def _rows(folder: Path) -> dict[str, int]:
    from app.store.models import Event

    open_data_folder(folder)
    try:
        counts = row_counts()
        counts["Event"] = Event.select().where(Event.entity.in_(("part", "supplier"))).count()
        return counts
    finally:
        close_data_folder()


def test_the_manager_keeps_parts_and_suppliers(cli: Cli, tmp_path: Path) -> None:
    ok = [
        ("suppliers", "add", "华强北配件", "--contact", "李经理", "--terms", "月结30天"),
        ("parts", "add", "MI-14-LCD", "--name", "小米 14 屏幕总成", "--cost", "600"),
        ("parts", "edit", "MI-14-LCD", "--reorder-level", "3", "--location", "A-1"),
        ("stock-in", "MI-14-LCD", "--qty", "5", "--supplier", "华强北配件"),
        ("parts", "adjust", "MI-14-LCD", "--qty", "-1", "--reason", "damage", "--note", "压裂"),
        ("parts", "return-to-supplier", "MI-14-LCD", "--qty", "2", "--supplier", "华强北配件"),
    ]
    for args in ok:
        rc, out, err = cli(*args, user="mgr")
        assert rc == 0, (args, err)
    rc, out, err = cli("parts", "list", user="desk")
    assert rc == 0 and "MI-14-LCD" in out and "stock 2/3" in out and "↓" in out, out
    rc, out, err = cli("parts", "reorder", "--json", user="desk")
    assert [p["part_no"] for p in json.loads(out)] == ["MI-14-LCD"]
    rc, out, err = cli("parts", "show", "MI-14-LCD", user="desk")
    assert rc == 0 and "Back to the supplier" in out and "Damaged" in out and "Bought in" in out
    rc, out, err = cli("parts", "valuation", "--json", user="desk")
    assert rc == 0, err
    assert json.loads(out)["total"] == "1200.00" and json.loads(out)["units"] == 2
    rc, out, err = cli("suppliers", "statement", "华强北配件", "--from", "2020-01-01", user="desk")
    assert rc == 0 and "MI-14-LCD" in out and "outstanding ¥1,200.00" in out, out
    rc, out, err = cli("suppliers", "edit", "华强北配件", "--phone", "0755-1234", user="mgr")
    assert rc == 0 and "0755-1234" in out
    rc, out, err = cli("suppliers", "list", "--json", user="desk")
    assert [s["name"] for s in json.loads(out)] == ["华强北配件"]


def test_refusals_exit_2_and_write_nothing(cli: Cli, shop: Path) -> None:
    cli("parts", "add", "GEN-SIM", "--name", "SIM 卡托", "--cost", "4", user="mgr")
    before = _rows(shop)
    adjust = ("parts", "adjust", "GEN-SIM", "--note", "x", "--qty")
    for args, user, words in (
        ((*adjust, "+1", "--reason", "count"), "desk", "manager"),
        (("suppliers", "add", "某厂"), "desk", "manager"),
        ((*adjust, "-1", "--reason", "count"), "mgr", "in stock"),
        ((*adjust, "1", "--reason", "theft"), "mgr", "Reason"),
        (("parts", "return", "GEN-SIM", "--qty", "1", "--supplier", "无此厂"), "mgr", "supplier"),
        (("parts", "add", "GEN-SIM", "--name", "重复"), "mgr", "already"),
        (("parts", "valuation", "--on", "2026-02-30"), "desk", "Date"),
    ):  # fmt: skip
        rc, _out, err = cli(*args, user=user)
        assert rc == 2 and len(err.strip().splitlines()) == 1 and words in err, (args, err)
    assert _rows(shop) == before


@pytest.mark.sqlite_only  # the PDF is the same whatever the database
def test_a_dealer_statement_is_written_as_a_signed_pdf(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "statement.pdf"
    rc, text, err = cli(
        "dealer-statement", "13906571288", "--from", "2020-01-01", "--to", "2099-12-31",
        "--out", str(out), user="mgr",
    )  # fmt: skip
    assert rc == 0, err
    assert "opening ¥0.00, closing ¥20,000.00, 1 movement" in text
    assert out.read_bytes().startswith(b"%PDF")
    rc, text, err = cli("verify", str(out))
    assert rc == 0, (text, err)
    rc, _t, err = cli(
        "dealer-statement", "13906571288", "--from", "2026-05-01", "--to", "2026-04-01", user="desk"
    )
    assert rc == 2 and "starts after" in err


def test_a_supplier_recovery_on_a_supplier_liable_return(cli: Cli, shop: Path) -> None:
    from app.services.remedies import returns
    from app.services.shop.suppliers import add_supplier
    from tests.services.test_returns import intake_return, to_inspected

    open_data_folder(shop)
    try:
        owner = context_for(shop, "owner")
        add_supplier(owner, "荣耀授权经销商")
        number = intake_return(owner, amount="300.00")
        to_inspected(owner, number)
        returns.decide_liability(owner, number, "supplier", supplier="荣耀授权经销商")
    finally:
        close_data_folder()
    args = ("suppliers", "recovery", "荣耀授权经销商", number, "--amount", "300")
    rc, out, err = cli(*args, "--route", "bank", user="desk")
    assert rc == 0, err
    assert out.strip() == f"{number}: recovered ¥300.00 from 荣耀授权经销商"
    rc, out, err = cli(*args, "--route", "pigeon", user="desk")
    assert rc == 2 and "Paid by" in err
    rc, out, err = cli(
        "suppliers", "statement", "荣耀授权经销商", "--from", "2020-01-01", "--json", user="desk"
    )
    assert rc == 0 and json.loads(out)["recovered"] == "300.00"
