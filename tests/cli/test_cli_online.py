"""An online order taken on the command line: every field of `intake` for it, the platforms'
virtual and masked numbers, and a bad value refused in one line with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.services.shop.accounts import add_user, create_owner
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from tests.cli.test_cli_accounts import PIN, Cli
from tests.conftest import row_counts


@pytest.fixture
def shop(tmp_path: Path, backend: str) -> Iterator[Path]:
    folder = open_data_folder(tmp_path / "data")
    create_owner("owner", "王店长", PIN)
    add_user(context_for(folder, "owner"), "desk", "", "front_desk", PIN)
    close_data_folder()
    yield folder
    close_data_folder()


@pytest.fixture
def cli(shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    return Cli(shop, monkeypatch, capsys)


ORDER = (
    "intake",
    "--kind",
    "return",
    "--name",
    "王芳",
    "--product",
    "小米 14",
    "--category",
    "phone",
    "--sold",
    "2026-02-20",
    "--amount",
    "3999",
    "--order",
    "3905123456789012345",
    "--channel",
    "online-shop",
    "--platform",
    "jd",
    "--platform-refund",
    "JD-RF-0301-01",
    "--platform-reason",
    "拍错订单/不想要了",
    "--received",
    "2026-02-25",
)


def _counts(folder: Path) -> dict[str, int]:
    """Rows per table, without the event log (signing in writes an event)."""
    open_data_folder(folder)
    try:
        return {k: v for k, v in row_counts().items() if k != "Event"}
    finally:
        close_data_folder()


def test_every_online_field_from_the_command_line(cli: Cli) -> None:
    rc, out, err = cli(
        *ORDER, "--phone", "17012345678转1234", "--buyer", "jd_wangfang88", "--json", user="desk"
    )
    assert rc == 0, err
    case = json.loads(out)
    assert case["customer"]["phone"] == "17012345678-1234"
    assert case["sale"]["platform"] == "jd"
    assert case["sale"]["channel"] == "online"
    assert case["sale"]["buyer_id"] == "jd_wangfang88"
    assert case["sale"]["received_date"] == "2026-02-25"
    assert case["sale"]["order_no"] == "3905123456789012345"
    assert (case["platform_refund_no"], case["platform_reason"]) == ("JD-RF-0301-01", "wrong_order")
    assert case["reason"] == "no_reason"
    assert case["entitlement"]["periods_from"] == "sale"
    # The same platform refund again: refused in one line, nothing written.
    before = _counts(cli.folder)
    rc, out, err = cli(*ORDER, "--phone", "13912345678", "--buyer", "x", user="desk")
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "JD-RF-0301-01" in err
    assert _counts(cli.folder) == before


def test_a_masked_number_without_the_buyer_is_refused_by_name(cli: Cli) -> None:
    before = _counts(cli.folder)
    rc, out, err = cli(*ORDER, "--phone", "138****1234", user="desk")
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Phone" in err and "buyer" in err
    assert _counts(cli.folder) == before
    rc, out, err = cli(*ORDER, "--phone", "138****1234", "--buyer", "tb_chen", user="desk")
    assert rc == 0, err


def test_the_owner_counts_online_periods_from_receipt(cli: Cli) -> None:
    from app.services.casework.rules import update_settings

    open_data_folder(cli.folder)
    try:  # the owner's choice in Settings (the window's settings tab calls the same service)
        update_settings(
            context_for(cli.folder, "owner"), {"warranty.online_periods_from": "received"}
        )
    finally:
        close_data_folder()
    rc, out, err = cli(
        *ORDER, "--phone", "13912345678", "--buyer", "jd_wf", "--unused", "--json", user="desk"
    )
    assert rc == 0, err
    ent = json.loads(out)["entitlement"]
    assert (ent["periods_from"], ent["received"]) == ("received", "2026-02-25")
    assert ent["until"]["no_reason_return"] == "2026-03-04"


def test_the_platform_export_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    from tests.services.test_platform_orders import BAD_LINE, SAMPLE, fixed

    before = _counts(cli.folder)
    rc, out, err = cli("import", "platform-orders", str(SAMPLE), user="desk")
    assert rc == 2 and f"line {BAD_LINE}: Refund amount" in out
    rc, out, err = cli("import", "platform-orders", str(SAMPLE), "--commit", user="desk")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert _counts(cli.folder) == before
    good = fixed(tmp_path)
    rc, out, err = cli("import", "platform-orders", str(good), "--commit", "--json", user="desk")
    assert rc == 0, err
    assert json.loads(out)["counts"] == {"add": 8, "update": 0, "same": 0}
    after = _counts(cli.folder)
    assert after["Case"] == before["Case"] + 8
    rc, out, err = cli("import", "platform-orders", str(good), "--commit", "--json", user="desk")
    assert rc == 0, err
    assert json.loads(out)["counts"] == {"add": 0, "update": 0, "same": 8}
    assert _counts(cli.folder) == after
    rc, out, err = cli("export", "platform-orders", str(tmp_path / "out.xlsx"), user="desk")
    assert rc == 0, err
