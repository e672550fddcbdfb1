"""Two PCs take the last parts off the shelf at once: the count never goes below zero, every
unit is handed out once, and the count stays the sum of the movements (SQLite and server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services.casework.intake import IntakeForm, take_intake
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop import stock
from app.services.shop.context import Context
from app.store.models import SparePart, StockMovement

REPO = Path(__file__).resolve().parents[2]
WRITER = REPO / "tests" / "services" / "stock_writer.py"
ON_SHELF, TRIES = 9, 8  # two PCs try 16 times for 9 units


def _start(folder: Path, go: Path, number: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(folder), "GEN-SIM", str(TRIES), str(go), number],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    )


def test_two_pcs_take_the_last_units_at_once_and_stock_never_goes_negative(
    ctx: Context, tmp_path: Path
) -> None:
    stock.stock_in(ctx, "GEN-SIM", ON_SHELF, "4.00", "配件商", name="SIM 卡托")
    case = take_intake(
        ctx,
        IntakeForm(
            kind="repair",
            name="王芳",
            phone="13600001234",
            product="小米 14",
            category="phone",
            fault="卡托断裂",
        ),
    )
    go = tmp_path / "go"
    pcs = [_start(ctx.data_dir, go, case.number) for _ in range(2)]
    for pc in pcs:  # both have their database open before either writes
        assert pc.stdout is not None and pc.stdout.readline().strip() == "READY", pc.stderr
    go.touch()
    results: list[str] = []
    for pc in pcs:
        out, err = pc.communicate(timeout=300)
        assert pc.returncode == 0, err
        results += out.split()
    assert len(results) == 2 * TRIES
    assert results.count("OK") == ON_SHELF  # every unit once, none twice
    assert results.count("OUT") == 2 * TRIES - ON_SHELF
    part = SparePart.get(SparePart.part_no == "GEN-SIM")
    moves = list(StockMovement.select().where(StockMovement.part == part))
    assert part.stock == 0 == sum(m.qty for m in moves)
    assert len(moves) == 1 + ON_SHELF
    # Never below zero at any moment: the running sum in the order written.
    running = 0
    for m in sorted(moves, key=lambda m: m.id):
        running += m.qty
        assert running >= 0
    assert stock.valuation(ctx, "2100-01-01").total == 0  # the writers run on the real clock
    # Each write sealed the count it left under the lock: the log vouches for the last one.
    assert changed_rows() == ()
