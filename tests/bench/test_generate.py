"""A 500-case generated folder is a sound database: the benchmark measures real data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain.numbering import parse_number
from app.domain.validation import luhn_ok
from app.services.shop.setup import close_data_folder
from app.store.db import database
from app.store.history import check_chain
from app.store.seals import check_seals
from bench.generate import generate


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    counts = generate(tmp_path_factory.mktemp("gen") / "data", 500, seed=3)
    yield counts
    close_data_folder()


def _rows(sql: str) -> list[tuple]:
    return database.execute_sql(sql).fetchall()


def test_counts_are_proportional(folder: dict) -> None:
    assert folder["case"] == 500 and folder["customer"] == 150
    assert 0 < folder["repair_ticket"] < 500 and folder["return_auth"] > 0
    assert folder["event"] > 500


def test_database_is_intact(folder: dict) -> None:
    assert _rows("PRAGMA integrity_check") == [("ok",)]
    assert _rows("PRAGMA foreign_key_check") == []
    chain = check_chain()
    assert chain.ok and chain.checked == folder["event"]
    # Every case's rows are vouched for by its newest event, as the program writes them: the
    # whole-log check measures the real work, not 200,000 "unsealed" findings.
    assert check_seals() == []


def test_numbering_has_no_gaps(folder: dict) -> None:
    for table in ("case", "repair_ticket", "return_auth"):
        seqs: dict[tuple, list[int]] = {}
        for (number,) in _rows(f'SELECT number FROM "{table}"'):
            series, year, seq = parse_number(number)
            seqs.setdefault((series, year), []).append(seq)
        for (series, year), got in seqs.items():
            assert sorted(got) == list(range(1, len(got) + 1)), (table, year)
            last = _rows(f"SELECT last FROM counter WHERE series='{series.value}' AND year={year}")
            assert last == [(len(got),)]


def test_serials_are_valid_imeis_and_names_chinese(folder: dict) -> None:
    serials = [s for (s,) in _rows('SELECT serial FROM "case"')]
    assert all(len(s) == 15 and luhn_ok(s) for s in serials)
    names = [n for (n,) in _rows("SELECT name FROM customer")]
    assert all("\u4e00" <= n[0] <= "\u9fff" for n in names)
