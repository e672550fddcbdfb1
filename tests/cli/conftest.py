"""Every test here runs on SQLite, and on PostgreSQL too when AFTERDESK_TEST_PG is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.services.shop.accounts import add_user, create_owner
from app.services.shop.context import Context
from app.services.shop.setup import context_for, open_data_folder
from tests.cli.test_cli_accounts import PIN, Cli


@pytest.fixture(autouse=True)
def _each_backend(backend: str) -> str:
    return backend


def staffed_shop(folder: Path) -> Context:
    """Open a new shop's folder with its staff: the owner (owner, 王店长), a manager on duty
    (mgr) and a desk clerk (desk), all on PIN. Returns the owner's context for the fixture's
    own records; the fixture closes the folder."""
    folder = open_data_folder(folder)
    create_owner("owner", "王店长", PIN)
    owner = context_for(folder, "owner")
    add_user(owner, "mgr", "", "front_desk", PIN, is_manager=True)
    add_user(owner, "desk", "", "front_desk", PIN)
    return owner


@pytest.fixture
def cli(shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    """The command line on the module's own `shop` folder."""
    return Cli(shop, monkeypatch, capsys)
