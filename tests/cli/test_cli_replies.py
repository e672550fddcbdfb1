"""The no-reply rule on the command line: the next command after the 45 days closes the case
and says so on stderr; `replies` lists what is still awaited (002 §4.9)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.services.remedies import returns
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from tests.cli.test_cli import run
from tests.conftest import Clock, demo_copy
from tests.services.test_returns import intake_return, to_inspected


def test_the_next_command_closes_a_silent_return(demo_template: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_data_folder(data)
    long_ago = Clock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    ctx = demo_copy(demo_template, data, long_ago)
    owner = context_for(data, "owner", clock=long_ago)
    silent = intake_return(owner, phone="13512340001", sold="2026-01-02")
    to_inspected(owner, silent)
    returns.decide_liability(owner, silent, "shop")
    returns.set_disposition(owner, silent, "repair_restock")
    returns.settle(owner, silent, "refunded", "300.00", "原路退回")
    returns.record_capa(owner, silent, "更换批次", "来料抽检", report_sent=True)
    assert ctx.actor.name == "boss"
    close_data_folder()

    listed = run("replies", "--json", data_dir=data, user="owner")
    assert silent in listed.err and "taken as accepted" in listed.err
    assert silent not in {r["number"] for r in listed.json()}
    shown = run("show", silent, data_dir=data, user="desk", lang="zh")
    assert shown.rc == 0 and "已结案" in shown.out and "45 天" in shown.out
    again = run("replies", data_dir=data, user="owner")
    assert silent not in again.err  # closed once, never again
