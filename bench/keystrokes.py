"""Type real identifiers into the search one keystroke at a time and time every prefix.

Identifiers are drawn at random (seeded) from the folder itself: case, repair and RMA numbers of
any year, phone numbers, IMEIs/serials, tracking numbers, customer names, fault words.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable


def identifiers(rng: random.Random, per_kind: int = 3) -> list[tuple[str, str]]:
    """(kind, text) pairs picked at random from the open folder."""
    from app.store.db import database

    def pick(sql: str) -> list[str]:
        top = database.execute_sql(f"SELECT max(id) FROM ({sql})").fetchone()[0] or 0
        out: list[str] = []
        tries = 0
        while len(out) < per_kind and tries < 200 and top:
            tries += 1
            row = database.execute_sql(
                f"SELECT v FROM ({sql}) WHERE id >= ? AND v != '' LIMIT 1", (rng.randint(1, top),)
            ).fetchone()
            if row and row[0]:
                out.append(str(row[0]))
        return out

    sources = {
        "case number": 'SELECT id, number AS v FROM "case"',
        "repair number": "SELECT id, number AS v FROM repair_ticket",
        "RMA number": "SELECT id, number AS v FROM return_auth",
        "phone": "SELECT id, phone AS v FROM customer",
        "IMEI": 'SELECT id, serial AS v FROM "case"',
        "tracking": "SELECT id, tracking_no AS v FROM return_auth",
        "name": "SELECT id, name AS v FROM customer",
        "fault": 'SELECT id, description AS v FROM "case"',
        "product": "SELECT id, name AS v FROM product",
    }
    return [(kind, text) for kind, sql in sources.items() for text in pick(sql)]


def type_all(
    search: Callable[[str], object], picked: list[tuple[str, str]]
) -> dict[str, list[float]]:
    """Milliseconds per keystroke, by kind (every prefix of every identifier)."""
    times: dict[str, list[float]] = {}
    for kind, text in picked:
        for i in range(1, len(text) + 1):
            t0 = time.perf_counter()
            search(text[:i])
            times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    return times


def summary(samples: list[float]) -> tuple[float, float, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]
    return statistics.median(s), p95, s[-1]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from app.services.casework.search import search
    from app.services.shop.setup import context_for, open_data_folder

    folder = open_data_folder(Path(sys.argv[1]))
    ctx = context_for(folder, "boss")
    picked = identifiers(random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20))
    type_all(lambda q: search(ctx, q), picked[:3])  # warm the cache
    times = type_all(lambda q: search(ctx, q), picked)
    every = [x for v in times.values() for x in v]
    print(f"{'typed':<16} {'keys':>5} {'p50':>7} {'p95':>7} {'worst':>7}")
    for kind, v in [*times.items(), ("all", every)]:
        p50, p95, worst = summary(v)
        print(f"{kind:<16} {len(v):>5} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f}")
