"""Measure AfterDesk on a generated data folder: medians and 95th percentiles, with floors.

    python -m bench.generate /tmp/big --cases 200000
    python -m bench.run /tmp/big [--repeat 20]

Each figure is also given as a ratio to its floor measured in the same run (a bare ttkbootstrap
window, the equivalent raw sqlite3 query, a bare reportlab page, a raw sqlite3 backup), so the
results compare across machines. Writes (intake, moves, slips, backups) go into the folder.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

WINDOW_CHILD = """
import sys, resource
sys.path.insert(0, {root!r})
from pathlib import Path
from app.services.shop.setup import open_data_folder, context_for
from app.ui.app import build
folder = open_data_folder(Path({folder!r}))
w = build(context_for(folder, "boss"))
w.root.update_idletasks()
w.root.update()
print("READY", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
w.root.destroy()
"""
TABS_CHILD = """
import sys, time, json
sys.path.insert(0, {root!r})
from pathlib import Path
from app.services.shop.setup import open_data_folder, context_for
from app.ui.app import build
from app.ui.main_window import TABS
folder = open_data_folder(Path({folder!r}))
w = build(context_for(folder, "boss"))
w.root.update()
out = {{}}
for tab_id, *_ in TABS[1:]:
    t0 = time.perf_counter()
    w.show_tab(tab_id)
    w.root.update_idletasks()
    w.root.update()
    out[tab_id] = (time.perf_counter() - t0) * 1000
print("READY", json.dumps(out), flush=True)
w.root.destroy()
"""
BARE_CHILD = """
import resource
import ttkbootstrap as ttk
root = ttk.Window(size=(1360, 860))
ttk.Label(root, text="x").pack()
root.update_idletasks()
root.update()
print("READY", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
root.destroy()
"""


def _stats(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]
    return statistics.median(s), p95


def timed(fn: Callable[[], object], repeat: int, warm: int = 1) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _child_env() -> dict[str, str]:
    """As an installed program starts: with its compiled bytecode (pip and PyInstaller both ship
    it). A shell with PYTHONDONTWRITEBYTECODE set would otherwise compile every module of the
    program at every start (~0.3 s), which no shop's PC does."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _child(code: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    p = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=_child_env()
    )
    line = p.stdout.readline() if p.stdout else ""
    ms = (time.perf_counter() - t0) * 1000
    p.wait()
    if not line.startswith("READY"):
        raise SystemExit(f"window did not start: {line!r}")
    return ms, int(line.split()[1]) // 1024


def _tab_times(code: str) -> list[tuple[str, float]]:
    import json

    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=_child_env()
    )
    line = next((x for x in p.stdout.splitlines() if x.startswith("READY")), "")
    if not line:
        raise SystemExit(f"window did not start: {p.stderr[-400:]!r}")
    return list(json.loads(line.split(" ", 1)[1]).items())


def ensure_display() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    xvfb = subprocess.Popen(
        ["Xvfb", ":97", "-screen", "0", "1600x1000x24"], stderr=subprocess.DEVNULL
    )
    os.environ["DISPLAY"] = ":97"
    time.sleep(1)
    return xvfb


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float, float, str]] = []

    def add(
        self, name: str, samples: list[float], floor: list[float] | None = None, unit: str = "ms"
    ) -> None:
        med, p95 = _stats(samples)
        ratio = med / statistics.median(floor) if floor else float("nan")
        worst = max(samples)
        self.rows.append((name, med, p95, worst, ratio, unit))
        print(f"  {name:<34} {med:9.1f} {p95:9.1f} {worst:9.1f} {ratio:7.1f}x {unit}", flush=True)

    def markdown(self) -> str:
        lines = ["| measure | median | p95 | worst | × floor |", "|---|---:|---:|---:|---:|"]
        for name, med, p95, worst, ratio, unit in self.rows:
            r = "" if ratio != ratio else f"{ratio:.1f}"
            lines.append(
                f"| {name} | {med:.1f} {unit} | {p95:.1f} {unit} | {worst:.1f} {unit} | {r} |"
            )
        return "\n".join(lines)


def run(folder: Path, repeat: int, window_runs: int, report_runs: int = 3) -> Table:
    from app import paths
    from app.domain import workflows
    from app.services.casework.cases import show_case
    from app.services.casework.intake import IntakeForm, take_intake
    from app.services.casework.search import search
    from app.services.casework.transitions import move
    from app.services.paper.documents import make_slip, warm_printing
    from app.services.paper.exports import make_report_pdf, write_report_xlsx
    from app.services.paper.report import month_report
    from app.services.safekeeping.backups import backup_now
    from app.services.shop.setup import context_for, open_data_folder
    from app.store.models import Case, Customer
    from bench import keystrokes
    from bench.generate import imei, name, phone

    t = Table()
    print(f"  {'measure':<34} {'median':>9} {'p95':>9} {'worst':>9} {'×floor':>8}")
    xvfb = ensure_display()
    try:
        window = WINDOW_CHILD.format(root=str(ROOT), folder=str(folder))
        _child(BARE_CHILD), _child(window)  # once, untimed: bytecode written, files cached
        bare, full = [], []
        for _ in range(window_runs):  # interleaved, so a busy moment hits both alike
            bare.append(_child(BARE_CHILD))
            full.append(_child(window))
        tabs: dict[str, list[float]] = {}
        for _ in range(window_runs):  # each tab's first show, in a fresh window each time
            for tab_id, ms in _tab_times(TABS_CHILD.format(root=str(ROOT), folder=str(folder))):
                tabs.setdefault(tab_id, []).append(ms)
    finally:
        if xvfb:
            xvfb.terminate()
    t.add("bare window usable (floor)", [b[0] for b in bare])
    t.add("window usable (cold start)", [f[0] for f in full], [b[0] for b in bare])
    for tab_id, samples in tabs.items():
        t.add(f"tab {tab_id}: first show", samples)
    t.add(
        "window process peak memory",
        [float(f[1]) for f in full],
        [float(b[1]) for b in bare],
        unit="MB",
    )

    folder = open_data_folder(folder)
    ctx = context_for(folder, "boss")
    raw = sqlite3.connect(str(paths.db_path(folder)))
    rng = random.Random(8)
    sample = list(
        Case.select(Case.id, Case.number, Case.serial, Case.customer)
        .order_by(Case.id.desc())
        .limit(2000)
    )
    cust = Customer.get_by_id(sample[5].customer_id)
    queries = {
        "1 Chinese char": [cust.name[0]],
        "2 Chinese chars": [cust.name[:2]],
        "3 Chinese chars": [cust.name[:3] if len(cust.name) >= 3 else cust.name + "伟"],
        "6 Chinese chars": ["屏幕碎裂配件"],
        "1 digit": ["7"],
        "2 digits": [cust.phone[-2:]],
        "3 digits": [cust.phone[-3:]],
        "6 digits (serial)": [sample[7].serial[-6:]],
        "6 chars (number)": [sample[9].number[-6:]],
    }
    for label, qs in queries.items():
        q = qs[0]
        if len(q) >= 3:
            floor_sql = "SELECT rowid FROM case_fts WHERE case_fts MATCH ? LIMIT 12"
            arg = '"' + q + '"'
        else:
            floor_sql = "SELECT customer_id FROM search_gram WHERE gram = ? LIMIT 12"
            arg = q
        floor = timed(lambda s=floor_sql, a=arg: raw.execute(s, (a,)).fetchall(), repeat)
        t.add(f"search {label}", timed(lambda q=q: search(ctx, q), repeat), floor)

    # Every prefix of real identifiers, typed one key at a time (seeded random picks).
    picked = keystrokes.identifiers(random.Random(20), per_kind=4)
    keystrokes.type_all(lambda q: search(ctx, q), picked[:3])  # warm
    typed = keystrokes.type_all(lambda q: search(ctx, q), picked)
    newest = (
        'SELECT c.number, u.name FROM "case" c JOIN customer u ON u.id = c.customer_id '
        "ORDER BY c.id DESC LIMIT 12"
    )
    floor_k = timed(lambda: raw.execute(newest).fetchall(), repeat)
    for kind, samples in typed.items():
        t.add(f"keystroke: {kind} ({len(samples)} keys)", samples, floor_k)
    every = [x for v in typed.values() for x in v]
    t.add(f"keystroke: all ({len(every)} keys)", every, floor_k)

    made: list[str] = []

    def intake() -> None:
        form = IntakeForm(
            kind="repair",
            name=name(rng),
            phone=phone(rng),
            product="华为 nova 12",
            category="phone",
            serial=imei(rng),
        )
        made.append(take_intake(ctx, form).number)

    def raw_insert() -> None:
        raw.execute(
            "INSERT INTO setting(key, value, updated_at) VALUES (?, '1', '2026-01-01')",
            (f"bench-{uuid.uuid4().hex}",),  # unique on a folder measured before, too
        )
        raw.commit()

    t.add("intake save", timed(intake, repeat), timed(raw_insert, repeat))
    raw.execute("DELETE FROM setting WHERE key LIKE 'bench-%'")
    raw.commit()

    def state_change() -> None:
        number = made.pop()
        case = Case.get(Case.number == number)
        move(ctx, number, workflows.workflow_for(case.kind).allowed(case.status)[0])

    floor_sel = timed(
        lambda: raw.execute(
            'SELECT * FROM "case" WHERE number = ?', (sample[rng.randrange(2000)].number,)
        ).fetchall(),
        repeat,
    )
    t.add("state change", timed(state_change, min(repeat, len(made) - 1)), floor_sel)

    def raw_open() -> None:
        n = sample[rng.randrange(2000)].number
        raw.execute('SELECT * FROM "case" WHERE number = ?', (n,)).fetchall()
        raw.execute("SELECT * FROM event WHERE number = ? ORDER BY id", (n,)).fetchall()

    t.add(
        "open record with timeline",
        timed(lambda: show_case(ctx, sample[rng.randrange(2000)].number), repeat),
        timed(raw_open, repeat),
    )

    def bare_page() -> None:
        from io import BytesIO

        from reportlab.pdfgen import canvas

        buf = BytesIO()
        c = canvas.Canvas(buf)
        c.drawString(72, 720, "AfterDesk")
        c.showPage()
        c.save()

    page = timed(bare_page, repeat)
    repairs = [
        c.number
        for c in Case.select(Case.number)
        .where(Case.kind == "repair")
        .order_by(Case.id.desc())
        .limit(repeat + 5)
    ]
    # As the window does once it is shown: fonts, forms and the key loaded on a worker thread.
    warming = threading.Thread(target=warm_printing, args=(ctx,))
    started = time.perf_counter()
    warming.start()
    warming.join()
    warm_ms = (time.perf_counter() - started) * 1000
    first = time.perf_counter()
    make_slip(ctx, repairs[0], "repair-ticket")
    first_ms = (time.perf_counter() - first) * 1000
    it = iter(repairs[1:])
    later = timed(lambda: make_slip(ctx, next(it), "repair-ticket"), repeat, warm=0)
    t.add("printing warm-up (worker thread)", [warm_ms], page)
    t.add("first slip after warm-up (× later)", [first_ms], later)
    t.add("slip render + sign", later, page)
    year, month = (
        (ctx.today().year, ctx.today().month - 1)
        if ctx.today().month > 1
        else (ctx.today().year - 1, 12)
    )
    out = Path(tempfile.mkdtemp())
    from app.services.safekeeping.audit_check import verify_history

    # Once after an upgrade (no checkpoint yet), and on every `audit verify`: the whole log.
    t.add("whole event log walk (audit verify)", timed(lambda: verify_history(ctx), 1, warm=0))

    def report() -> None:
        r = month_report(ctx, year, month)
        make_report_pdf(ctx, r)
        write_report_xlsx(ctx, r, out / "m.xlsx")

    t.add("monthly report PDF + XLSX", timed(report, report_runs), page)

    def raw_backup() -> None:
        dst = sqlite3.connect(str(out / "raw.db"))
        raw.backup(dst)
        dst.close()

    floor_b = timed(raw_backup, 3, warm=0)
    t.add(
        "backup of the database",
        timed(lambda: backup_now(ctx, out=out / "b.db", thin_old=False), 3),
        floor_b,
    )
    shutil.rmtree(out, ignore_errors=True)
    raw.close()
    return t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Measure AfterDesk on a generated data folder.")
    p.add_argument("folder", type=Path)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--window-runs", type=int, default=5)
    p.add_argument("--report-runs", type=int, default=3)
    args = p.parse_args(argv)
    table = run(args.folder, args.repeat, args.window_runs, args.report_runs)
    print()
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
