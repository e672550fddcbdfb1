"""`import` previews (exit 2 on bad rows, nothing written), `import --commit` writes the whole
file once, and `export` writes an XLSX, as the manager on duty moves a list in from Excel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.services.shop import tables
from tests.cli.test_cli_accounts import Cli
from tests.cli.test_cli_incoming import shop  # noqa: F401 - the module's shop
from tests.conftest import row_counts
from tests.services.test_tables import GOOD


def written() -> dict[str, int]:
    """Every table but the event log (each sign-in of the command line is an event)."""
    counts = row_counts()
    counts.pop("Event")
    return counts


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(tables.TABLES, "gadgets", "tests.services.test_tables:GADGETS")
    yield


@pytest.fixture
def cli(shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:  # noqa: F811
    return Cli(shop, monkeypatch, capsys)


def test_preview_then_commit_then_the_same_file_again(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "products.csv"
    f.write_bytes(GOOD.encode("gbk"))
    rc, out, err = cli("import", "gadgets", str(f), user="mgr")
    assert rc == 0, err
    assert "Preview: 3 new, 0 changed, 0 already there" in out
    assert "    2 + 电饭煲 MB-40" in out

    rc, out, err = cli("import", "gadgets", str(f), "--commit", "--json", user="mgr")
    assert rc == 0, err
    assert json.loads(out)["counts"] == {"add": 3, "update": 0, "same": 0}

    rc, out, err = cli("import", "gadgets", str(f), "--commit", user="mgr")
    assert rc == 0 and "0 new, 0 changed, 3 already there" in out

    xlsx = tmp_path / "out.xlsx"
    rc, out, err = cli("export", "gadgets", str(xlsx), user="mgr")
    assert rc == 0, err
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Model/spec", "Price") and len(rows) == 4


def test_bad_rows_exit_2_and_write_nothing(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("品名,单价\n电饭煲,299\n电水壶,八十\n", encoding="utf-8")
    before = written()
    rc, out, err = cli("import", "gadgets", str(f), user="mgr")
    assert rc == 2
    assert "line 3: Price" in out
    assert "1 row has errors" in err
    rc, out, err = cli("import", "gadgets", str(f), "--commit", user="mgr")
    assert rc == 2 and "nothing was imported" in err and len(err.strip().splitlines()) == 1
    rc, out, err = cli("import", "gadgets", str(f), "--commit", user="desk")
    assert rc == 2
    assert written() == before
