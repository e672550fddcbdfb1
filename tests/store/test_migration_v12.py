"""An older database upgrades to version 12: spare parts' counts and dealers' accounts are sealed
in the event log from then on. Parts and accounts written before the upgrade are vouched for from
their next write (their rows were never sealed); any part made after it must carry a seal."""

from __future__ import annotations

from pathlib import Path

from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import stock
from app.services.shop.setup import context_for, open_data_folder
from app.store import schema
from app.store.db import database
from app.store.models import SparePart
from app.store.seals import sealed_from
from tests.conftest import Clock
from tests.store.test_migration_v11 import old_folder  # noqa: F401 - the fixture


def test_an_upgraded_folder_seals_parts_from_their_next_write(
    old_folder: Path,  # noqa: F811
    clock: Clock,
) -> None:
    open_data_folder(old_folder)
    assert schema.current_version() == schema.SCHEMA_VERSION >= 12
    top = SparePart.select().count()
    assert sealed_from("part") == top + 1 and sealed_from("customer") is not None
    assert changed_rows() == ()  # parts from before the upgrade are not called changed
    # A write seals the part; a count bent after that is named.
    ctx = context_for(old_folder, "boss", clock=clock)
    stock.adjust_stock(ctx, "GEN-SIM", "+1", "count", "盘点多一件")
    assert changed_rows() == ()
    sim = SparePart.get(SparePart.part_no == "GEN-SIM")
    database.execute_sql("UPDATE spare_part SET stock = 2 WHERE id = ?", (sim.id,))
    assert changed_rows() == (f"part #{sim.id}",)
    database.execute_sql("UPDATE spare_part SET stock = 8 WHERE id = ?", (sim.id,))
    assert changed_rows() == ()
    # A part added after the upgrade with no event (by hand, in the table) is named.
    database.execute_sql(
        "INSERT INTO spare_part (part_no, name, stock, cost, price, fits, reorder_level, "
        "location, active) VALUES ('X-1', '来历不明', 9, 100, 100, '', 0, '', 1)"
    )
    planted = SparePart.get(SparePart.part_no == "X-1")
    assert planted.id > top and changed_rows() == (f"part #{planted.id}",)
