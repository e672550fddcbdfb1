"""The database object: pragmas, where the data folder lives, exact money, UTC times, numbering."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from app import paths
from app.domain.numbering import Series, parse_number
from app.services.casework.intake import IntakeForm, take_intake
from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import db as store_db
from app.store.db import write_transaction
from app.store.fields import MoneyField, UTCDateTimeField
from app.store.history import next_number
from app.store.models import Case, Counter, Customer, Event, SparePart

REPO = Path(__file__).resolve().parents[2]


# --- pragmas ----------------------------------------------------------------------------------


def test_pragmas_after_opening(data_dir: Path) -> None:
    assert str(store_db.pragma("journal_mode")).lower() == "wal"
    assert store_db.pragma("synchronous") == 2  # FULL
    assert store_db.pragma("foreign_keys") == 1
    assert int(store_db.pragma("busy_timeout")) >= 5000  # type: ignore[call-overload]


def test_foreign_keys_are_enforced(data_dir: Path) -> None:
    import peewee as pw

    with pytest.raises(pw.IntegrityError, match="FOREIGN KEY"):
        Event.insert(
            at=datetime.now(UTC),
            actor=9999,
            entity="case",
            entity_id=1,
            action="created",
            prev_hash="0" * 64,
            hash="1" * 64,
        ).execute()


# --- the data folder --------------------------------------------------------------------------


def test_default_data_dir_comes_from_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERDESK_DATA_DIR", raising=False)
    expected = Path(platformdirs.user_data_dir("AfterDesk", appauthor=False, roaming=True))
    got = paths.default_data_dir()
    assert got == expected
    assert got.is_absolute()
    # Never next to main.py (nor anywhere inside the program's folder).
    assert got != REPO
    assert REPO not in got.parents


def test_open_without_data_dir_uses_the_platform_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AFTERDESK_DATA_DIR", raising=False)
    asked: list[tuple[object, ...]] = []

    def fake_user_data_dir(*args: object, **kwargs: object) -> str:
        asked.append((*args, *sorted(kwargs.items())))
        return str(tmp_path / "appdata" / "AfterDesk")

    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    try:
        folder = open_data_folder(None)
    finally:
        close_data_folder()
    assert asked, "platformdirs was not asked for the folder"
    assert folder == tmp_path / "appdata" / "AfterDesk"
    assert paths.db_path(folder).is_file()
    assert not (REPO / "afterdesk.db").exists()


def test_env_var_overrides_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFTERDESK_DATA_DIR", str(tmp_path / "elsewhere"))
    assert paths.default_data_dir() == tmp_path / "elsewhere"


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0.01", "99999999.99", "0", "1299.00", "0.10"])
def test_money_round_trips_exactly(data_dir: Path, value: str) -> None:
    part = SparePart.create(part_no=f"P-{value}", name="part", cost=Decimal(value))
    back = SparePart.get_by_id(part.id).cost
    assert isinstance(back, Decimal)
    assert back == Decimal(value)
    assert back.as_tuple().exponent == -2  # always shown in fen
    raw = store_db.database.execute_sql(
        "SELECT cost FROM spare_part WHERE id = ?", (part.id,)
    ).fetchone()[0]
    assert raw == int(Decimal(value) * 100)  # whole fen in the database


def test_money_refuses_float(data_dir: Path) -> None:
    with pytest.raises(TypeError):
        SparePart.create(part_no="F", name="part", cost=0.1)
    assert SparePart.select().count() == 0
    with pytest.raises(TypeError):
        MoneyField().db_value(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["1.005", "0.001", "99999999.999"])
def test_money_refuses_three_decimals(data_dir: Path, value: str) -> None:
    with pytest.raises(ValueError):
        SparePart.create(part_no="D", name="part", cost=Decimal(value))
    assert SparePart.select().count() == 0


def test_money_field_values() -> None:
    f = MoneyField()
    assert f.db_value(Decimal("12.34")) == 1234
    assert f.db_value(Decimal("-0.05")) == -5
    assert f.db_value(None) is None
    assert f.python_value(1234) == Decimal("12.34")
    assert f.python_value(None) is None


# --- times ------------------------------------------------------------------------------------


def test_times_are_stored_in_utc(data_dir: Path) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 3, 2, 10, 0, 0, tzinfo=shanghai)
    c = Customer.create(name="张三", phone="13800138000", created_at=local, updated_at=local)
    raw = store_db.database.execute_sql(
        "SELECT created_at FROM customer WHERE id = ?", (c.id,)
    ).fetchone()[0]
    assert str(raw).startswith("2026-03-02 02:00:00")
    back = Customer.get_by_id(c.id).created_at
    assert back.tzinfo is not None
    assert back.utcoffset() == timedelta(0)
    assert back == local


def test_naive_datetimes_are_refused(data_dir: Path) -> None:
    naive = datetime(2026, 3, 2, 10, 0, 0)
    with pytest.raises(ValueError):
        Customer.create(name="张三", phone="13800138000", created_at=naive, updated_at=naive)
    assert Customer.select().count() == 0
    with pytest.raises(ValueError):
        UTCDateTimeField().db_value(naive)


# --- numbering --------------------------------------------------------------------------------


def test_a_failed_transaction_gives_its_number_back(data_dir: Path) -> None:
    with pytest.raises(RuntimeError), write_transaction():
        taken = next_number(Series.CASE, 2026)
        assert taken == "SH-2026-000001"
        raise RuntimeError("the insert failed")
    with write_transaction():
        assert next_number(Series.CASE, 2026) == "SH-2026-000001"
        assert next_number(Series.CASE, 2026) == "SH-2026-000002"
        assert next_number(Series.REPAIR, 2026) == "WX-2026-000001"
        assert next_number(Series.CASE, 2027) == "SH-2027-000001"


def test_a_failed_intake_leaves_no_gap(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from app.services.shop import audit

    real = audit.record_event

    def failing(**kw: object) -> object:
        if kw.get("entity") == "case":
            raise RuntimeError("disk full")
        return real(**kw)  # type: ignore[arg-type]

    form = IntakeForm(kind="complaint", name="张三", phone="13800138000")
    monkeypatch.setattr(audit, "record_event", failing)
    with pytest.raises(RuntimeError):
        take_intake(ctx, form)
    assert Case.select().count() == 0
    assert Counter.select().count() == 0
    monkeypatch.setattr(audit, "record_event", real)
    first = take_intake(ctx, form)
    second = take_intake(ctx, form)
    assert [first.number[-6:], second.number[-6:]] == ["000001", "000002"]


_start: Any = None


def _init_worker(barrier: Any) -> None:
    global _start
    _start = barrier


def _intake_worker(args: tuple[str, int, str]) -> list[str]:
    """Runs in its own process: open the folder and take `count` requests as fast as it can."""
    folder, count, tag = args
    open_data_folder(Path(folder))
    try:
        ctx = context_for(Path(folder))
        _start.wait(timeout=60)  # both processes write at the same moment
        numbers = []
        for i in range(count):
            form = IntakeForm(
                kind="complaint", name=f"客户{tag}{i}", phone=f"1380013{int(tag):02d}{i:02d}"
            )
            numbers.append(take_intake(ctx, form).number)
            time.sleep(0.01)  # let the other process take the lock between requests
        return numbers
    finally:
        close_data_folder()


def test_two_processes_get_unique_gap_free_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    open_data_folder(folder)  # create the schema once, before the race
    close_data_folder()
    mp = multiprocessing.get_context("spawn")  # as on Windows; no inherited connection
    with mp.Pool(2, initializer=_init_worker, initargs=(mp.Barrier(2),)) as pool:
        results = pool.map(_intake_worker, [(str(folder), 10, "1"), (str(folder), 10, "2")])
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == 20
    assert len(set(numbers)) == 20
    parsed = [parse_number(n) for n in numbers]
    assert all(p is not None and p[0] is Series.CASE for p in parsed)
    assert len({p[1] for p in parsed if p}) == 1
    assert sorted(p[2] for p in parsed if p) == list(range(1, 21))
    for batch in results:  # each process sees its own numbers increase
        assert batch == sorted(batch)
    con = sqlite3.connect(folder / "afterdesk.db")
    try:
        assert con.execute('SELECT COUNT(*) FROM "case"').fetchone()[0] == 20
        assert con.execute("SELECT last FROM counter WHERE series = 'SH'").fetchone()[0] == 20
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
