"""An older database upgrades to version 11 (issue #17, stock): parts gain their new columns,
movements their unit cost and supplier, returns their supplier; the suppliers table exists; a
part whose count differs from the sum of its movements gets one "opening" movement, so the sum
is true from the first day; the stock log is append-only from then on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app import paths
from app.services.shop import stock
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store import schema
from app.store.db import database
from app.store.models import SparePart, StockMovement, Supplier
from tests.conftest import Clock

V1_DUMP = Path(__file__).parent / "data" / "schema_v1.sql"


@pytest.fixture
def old_folder(tmp_path: Path) -> Iterator[Path]:
    """A version-1 folder (the first release's dump) with two parts written by older code:
    one with a movement short of its count, one with a count and no movement at all."""
    folder = tmp_path / "data"
    folder.mkdir()
    con = sqlite3.connect(paths.db_path(folder))
    try:
        con.executescript(V1_DUMP.read_text(encoding="utf-8"))
        con.executescript(
            """
            INSERT INTO spare_part VALUES (1, 'MI-14-LCD', '小米 14 屏幕总成', 4, 60000, 99900);
            INSERT INTO spare_part VALUES (2, 'GEN-SIM', 'SIM 卡托', 7, 400, 1500);
            INSERT INTO spare_part VALUES (3, 'HW-BAT', '华为电池', 2, 8500, 19900);
            INSERT INTO stock_movement VALUES
                (1, 1, 1, 'purchase', NULL, '2026-01-05 01:00:00', 2, '首批');
            INSERT INTO stock_movement VALUES
                (2, 3, 2, 'purchase', NULL, '2026-01-05 01:00:00', 2, '');
            """
        )
        con.commit()
    finally:
        con.close()
    yield folder
    close_data_folder()


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def test_an_old_database_upgrades_and_its_stock_is_the_sum_of_movements(
    old_folder: Path, clock: Clock
) -> None:
    open_data_folder(old_folder)
    assert schema.current_version() == schema.SCHEMA_VERSION >= 11
    assert {"fits", "reorder_level", "location", "active"} <= _columns("spare_part")
    assert {"unit_cost", "supplier_id"} <= _columns("stock_movement")
    assert "supplier_id" in _columns("return_auth")
    assert "supplier" in database.get_tables()
    assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    for part in SparePart.select():
        moves = StockMovement.select().where(StockMovement.part == part)
        assert part.stock == sum(m.qty for m in moves), part.part_no
        assert (part.active, part.reorder_level, part.fits) == (True, 0, "")
    opening = {
        m.part.part_no: (m.qty, m.unit_cost)
        for m in StockMovement.select().where(StockMovement.reason == "opening")
    }
    assert opening == {"MI-14-LCD": (3, Decimal("600.00")), "GEN-SIM": (7, Decimal("4.00"))}
    first = StockMovement.get_by_id(1)
    assert (first.unit_cost, first.supplier) == (Decimal("600.00"), None)
    # The program works on it: a supplier, a delivery, the valuation.
    ctx = context_for(old_folder, "boss", clock=clock)
    Supplier.create(name="华强北配件", created_at=clock())
    stock.stock_in(ctx, "GEN-SIM", 3, "4.00", "华强北配件")
    assert stock.part_view(ctx, "GEN-SIM").stock == 10
    valued = stock.valuation(ctx, "2100-01-01")  # a part with no movement opens at the upgrade
    assert valued.total == Decimal("2400.00") + Decimal("40.00") + Decimal("170.00")
    # The opening of a part that had moved is dated at its first movement.
    assert stock.stock_on_hand(ctx, "MI-14-LCD", "2026-01-05") == 4
    # Append-only from the migration on.
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM stock_movement")
    # Opening the folder again changes nothing (the step ran once).
    count = StockMovement.select().count()
    close_data_folder()
    open_data_folder(old_folder)
    assert StockMovement.select().count() == count
