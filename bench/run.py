"""Measure AfterDesk on a generated data folder: medians and 95th percentiles, with floors.

    python -m bench.generate /tmp/big --cases 200000
    python -m bench.run /tmp/big [--repeat 20]

Each figure is also given as a ratio to its floor measured in the same run (a bare ttkbootstrap
window, a bare tab with a 200-row list, the equivalent raw sqlite3 query, a bare reportlab page,
a raw sqlite3 backup), so the results compare across machines. Writes (intake, moves, slips,
backups) go into the folder. Each tab's first show is timed in a fresh window; the program's
start to its sign-in screen is timed from source, beside a bare ttkbootstrap program started and
seen the same way, and, when `python build/build.py` made it (or `--frozen PATH`), for the
frozen build, as a ratio to the source start of the same run.
`--only-window` measures only the window, the tabs and the start.
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
TAB_CHILD = """
import sys, time, json
sys.path.insert(0, {root!r})
from pathlib import Path
from app.services.shop.setup import open_data_folder, context_for
from app.ui import worker
from app.ui.app import build
folder = open_data_folder(Path({folder!r}))
w = build(context_for(folder, "boss"))
w.root.update()
if {settled!r}:  # as the program does once the window has settled: the tabs built ahead
    w.prebuild_tabs()
    while not all(w.tabs.is_built(t) for t in w.tabs):
        w.root.update()
        time.sleep(0.005)
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        w.root.update()
        time.sleep(0.01)
t0 = time.perf_counter()
try:
    w.show_tab({tab!r})
except Exception as exc:
    print("READY", json.dumps({{"error": repr(exc)}}), flush=True)
    raise SystemExit(0)
w.root.update_idletasks()
w.root.update()
shown = (time.perf_counter() - t0) * 1000
while not worker.idle():  # its lists and figures, read on reader threads, have arrived
    w.root.update()
    time.sleep(0.002)
w.root.update_idletasks()
filled = (time.perf_counter() - t0) * 1000
print("READY", json.dumps({{"shown": shown, "filled": filled}}), flush=True)
w.root.destroy()
"""
# What Tk itself costs for a tab like ours: a new notebook page with a row of buttons and
# entries and a 9-column list of 200 rows, shown in a bare ttkbootstrap window.
TAB_FLOOR_CHILD = """
import json, time
import ttkbootstrap as ttk
root = ttk.Window(size=(1360, 860))
nb = ttk.Notebook(root)
nb.pack(fill="both", expand=True)
nb.add(ttk.Frame(nb), text="first")
root.update()
t0 = time.perf_counter()
page = ttk.Frame(nb)
nb.add(page, text="second")
bar = ttk.Frame(page)
bar.pack(fill="x")
for i in range(8):
    ttk.Button(bar, text=f"button {{i}}").pack(side="left")
    ttk.Entry(bar, width=8).pack(side="left")
cols = [f"c{{i}}" for i in range(9)]
tree = ttk.Treeview(page, columns=cols, show="headings")
for c in cols:
    tree.heading(c, text=c)
for r in range(200):
    tree.insert("", "end", values=[f"row {{r}} column {{c}}" for c in cols])
tree.pack(fill="both", expand=True)
nb.select(page)
root.update_idletasks()
root.update()
print("READY", json.dumps({{"shown": (time.perf_counter() - t0) * 1000}}), flush=True)
root.destroy()
"""
# The same bare window as a program a clerk starts, seen from outside like the program's start.
BARE_PROGRAM = """
import ttkbootstrap as ttk
root = ttk.Window(title="AfterDesk bare", size=(1360, 860))
ttk.Label(root, text="x").pack()
root.mainloop()
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


def _tab_times(code: str) -> dict[str, float]:
    import json

    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=_child_env()
    )
    line = next((x for x in p.stdout.splitlines() if x.startswith("READY")), "")
    if not line:
        raise SystemExit(f"window did not start: {p.stderr[-400:]!r}")
    return dict(json.loads(line.split(" ", 1)[1]))


def _top_windows() -> dict[str, str]:
    """X id -> name of the display's top-level windows (xwininfo, from x11-utils)."""
    out = subprocess.run(
        ["xwininfo", "-root", "-children"], capture_output=True, text=True, check=False
    ).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0].startswith("0x") and parts[1].startswith('"'):
            found[parts[0]] = parts[1]
    return found


def _viewable(window_id: str) -> bool:
    out = subprocess.run(
        ["xwininfo", "-id", window_id], capture_output=True, text=True, check=False
    ).stdout
    return "IsViewable" in out


def program_start(cmd: list[str], title: str = '"AfterDesk') -> float:
    """Milliseconds from starting the program (`python main.py` or the frozen executable) to
    its first screen (the sign-in) being shown, seen from outside on the X display; both are
    measured alike. The program is then ended."""
    before = set(_top_windows())
    t0 = time.perf_counter()
    p = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=_child_env()
    )
    try:
        while time.perf_counter() - t0 < 120:
            if p.poll() is not None:
                err = p.stderr.read().decode(errors="replace") if p.stderr else ""
                raise SystemExit(f"{cmd[0]} ended before its window showed: {err[-400:]!r}")
            for wid, name in _top_windows().items():
                if wid not in before and name.startswith(title) and _viewable(wid):
                    return (time.perf_counter() - t0) * 1000
            time.sleep(0.01)
        raise SystemExit(f"{cmd[0]} showed no window within 120 s")
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def frozen_executable(given: Path | None) -> Path | None:
    """The PyInstaller build (`python build/build.py` makes dist/AfterDesk/AfterDesk)."""
    name = "AfterDesk.exe" if os.name == "nt" else "AfterDesk"
    exe = given or ROOT / "dist" / "AfterDesk" / name
    return exe if exe.is_file() else None


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


def run(
    folder: Path,
    repeat: int,
    window_runs: int,
    report_runs: int = 3,
    frozen: Path | None = None,
    only_window: bool = False,
) -> Table:
    from app import paths
    from app.domain import workflows
    from app.services.casework.cases import show_case
    from app.services.casework.customers import list_customers
    from app.services.casework.intake import IntakeForm, take_intake
    from app.services.casework.search import search
    from app.services.casework.transitions import move
    from app.services.paper.documents import make_slip, warm_printing
    from app.services.paper.exports import make_report_pdf, write_report_xlsx
    from app.services.paper.report import month_report
    from app.services.safekeeping.backups import backup_now
    from app.services.shop.setup import context_for, open_data_folder
    from app.store.models import Case, Customer
    from app.ui.main_window import TABS
    from bench import keystrokes
    from bench.generate import imei, name, phone

    t = Table()
    print(f"  {'measure':<34} {'median':>9} {'p95':>9} {'worst':>9} {'×floor':>8}")
    xvfb = ensure_display()
    exe = frozen_executable(frozen)
    try:
        window = WINDOW_CHILD.format(root=str(ROOT), folder=str(folder))
        _child(BARE_CHILD), _child(window)  # once, untimed: bytecode written, files cached
        bare, full = [], []
        for _ in range(window_runs):  # interleaved, so a busy moment hits both alike
            bare.append(_child(BARE_CHILD))
            full.append(_child(window))
        # Each tab's first show in a fresh window (a clerk's first click on it after start),
        # beside what Tk alone takes to show a tab with a 200-row list.
        tab_ids = [tab_id for tab_id, *_rest in TABS[1:]]
        tabs: dict[str, dict[str, list[float]]] = {tab_id: {} for tab_id in tab_ids}
        tab_floor: list[float] = []
        failed: dict[str, str] = {}
        for _ in range(window_runs):
            tab_floor.append(_tab_times(TAB_FLOOR_CHILD.format())["shown"])
            for tab_id in tab_ids:
                for settled in (False, True):
                    code = TAB_CHILD.format(
                        root=str(ROOT), folder=str(folder), tab=tab_id, settled=settled
                    )
                    got = _tab_times(code)
                    if "error" in got:
                        failed[tab_id] = str(got["error"])
                        continue
                    for key, ms in got.items():
                        measure = f"settled {key}" if settled else key
                        tabs[tab_id].setdefault(measure, []).append(ms)
        # The program as a clerk starts it, to its sign-in screen: from source and frozen.
        source_cmd = [sys.executable, str(ROOT / "main.py"), "--lang", "en"]
        source_cmd += ["--data-dir", str(folder)]
        bare_cmd = [sys.executable, "-c", BARE_PROGRAM]
        starts: dict[str, list[float]] = {"bare": [], "source": []}
        if exe is not None:
            starts["frozen"] = []
            program_start([str(exe), "--lang", "en", "--data-dir", str(folder)])  # warm
        program_start(bare_cmd)
        program_start(source_cmd)
        for _ in range(window_runs):  # interleaved
            starts["bare"].append(program_start(bare_cmd))
            starts["source"].append(program_start(source_cmd))
            if exe is not None:
                starts["frozen"].append(
                    program_start([str(exe), "--lang", "en", "--data-dir", str(folder)])
                )
    finally:
        if xvfb:
            xvfb.terminate()
    t.add("bare window usable (floor)", [b[0] for b in bare])
    t.add("window usable (cold start)", [f[0] for f in full], [b[0] for b in bare])
    t.add("bare tab with a 200-row list (floor)", tab_floor)
    for tab_id in tab_ids:
        if tab_id in failed:
            print(f"  tab {tab_id}: could not be shown: {failed[tab_id]}", flush=True)
            continue
        t.add(f"tab {tab_id}: first show", tabs[tab_id]["shown"], tab_floor)
        t.add(f"tab {tab_id}: filled (reads arrived)", tabs[tab_id]["filled"], tab_floor)
        # The clerk's first click once the window has settled (the tabs were built ahead).
        t.add(f"tab {tab_id}: first click, settled", tabs[tab_id]["settled shown"], tab_floor)
    t.add("bare window program shown (floor)", starts["bare"])
    t.add("program start to sign-in (source)", starts["source"], starts["bare"])
    if "frozen" in starts:
        t.add("program start to sign-in (frozen)", starts["frozen"], starts["source"])
    else:
        print("  frozen build: none (python build/build.py makes dist/AfterDesk)", flush=True)
    t.add(
        "window process peak memory",
        [float(f[1]) for f in full],
        [float(b[1]) for b in bare],
        unit="MB",
    )
    if only_window:
        return t

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

    # The Lists tab's customer search (name contained, phone's first digits): every prefix of
    # real names and phones, as the desk types them; floor: the first page of the list by name.
    people = [p for p in keystrokes.identifiers(random.Random(21), 6) if p[0] in ("name", "phone")]
    listed = keystrokes.type_all(lambda q: list_customers(ctx, q), people)
    page = "SELECT id, name, phone FROM customer ORDER BY name LIMIT 200"
    floor_l = timed(lambda: raw.execute(page).fetchall(), repeat)
    for kind, samples in listed.items():
        t.add(f"customer list: {kind} ({len(samples)} keys)", samples, floor_l)

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
    p.add_argument(
        "--frozen",
        type=Path,
        default=None,
        help="the frozen executable to time too (default: dist/AfterDesk/AfterDesk if built)",
    )
    p.add_argument(
        "--only-window",
        action="store_true",
        help="only the window, tab and program-start measures (no queries, no writes)",
    )
    args = p.parse_args(argv)
    table = run(
        args.folder,
        args.repeat,
        args.window_runs,
        args.report_runs,
        frozen=args.frozen,
        only_window=args.only_window,
    )
    print()
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
