"""`stock-in` and `dealer-deposit` on the command line, as the manager on duty books a delivery and
a dealer's deposit; a desk clerk is refused (exit 2, one line, nothing written)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.setup import close_data_folder, open_data_folder
from tests.cli.conftest import staffed_shop
from tests.cli.test_cli_accounts import Cli
from tests.conftest import row_counts


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Path]:
    """An owner, a manager on duty, a desk clerk and a dealer with one case."""
    folder = tmp_path_factory.mktemp("shop") / "data"
    owner = staffed_shop(folder)
    take_intake(
        owner,
        IntakeForm(kind="complaint", name="鑫达通讯", phone="13906571288", customer_kind="dealer"),
    )
    close_data_folder()
    yield folder
    close_data_folder()


def _rows(folder: Path) -> dict[str, int]:
    """Rows per table, but events only about parts and customers (a sign-in writes one too)."""
    from app.store.models import Event

    open_data_folder(folder)
    try:
        counts = row_counts()
        counts["Event"] = Event.select().where(Event.entity.in_(("part", "customer"))).count()
        return counts
    finally:
        close_data_folder()


def test_manager_books_a_delivery_and_a_deposit(cli: Cli) -> None:
    args = ("stock-in", "MI-14-BAT", "--qty", "4", "--cost", "85.00", "--supplier", "华强北配件")
    rc, _, err = cli(*args, "--json", user="mgr")
    assert rc == 2 and "Part name" in err  # a new part number needs its name
    rc, out, err = cli(*args, "--name", "小米 14 电池", "--price", "199", user="mgr")
    assert rc == 0, err
    assert out.strip() == "MI-14-BAT 小米 14 电池: +4, 4 in stock"
    rc, out, err = cli("stock-in", "MI-14-BAT", "--qty", "2", "--json", user="mgr")
    assert rc == 0, err
    assert '"stock": 6' in out and '"created": false' in out

    rc, out, err = cli(
        "dealer-deposit", "13906571288", "--amount", "20000", "--route", "bank", user="mgr"
    )
    assert rc == 0, err
    assert out.strip() == "鑫达通讯: balance 20000.00"
    rc, out, err = cli(
        "dealer-deposit",
        "13906571288",
        "--amount",
        "500",
        "--route",
        "cash",
        "--json",
        user="owner",
    )
    assert rc == 0, err
    assert '"balance": "20500.00"' in out and '"deposited": "20500.00"' in out


def test_desk_clerk_and_bad_input_are_refused(cli: Cli, shop: Path) -> None:
    before = _rows(shop)
    rc, _, err = cli(
        "dealer-deposit", "13906571288", "--amount", "100", "--route", "cash", user="desk"
    )
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "manager" in err
    rc, _, err = cli(
        "stock-in", "GEN-SIM", "--qty", "3", "--cost", "4", "--name", "卡托", user="desk"
    )
    assert rc == 2 and "manager" in err
    rc, _, err = cli(
        "dealer-deposit", "13906571288", "--amount", "-5", "--route", "original", user="mgr"
    )
    assert rc == 2 and "Amount" in err
    rc, _, err = cli("stock-in", "GEN-SIM", "--qty", "0", user="mgr")
    assert rc == 2 and "Quantity" in err
    assert _rows(shop) == before
