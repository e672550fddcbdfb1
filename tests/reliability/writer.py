"""A writer process for the crash tests: a burst of real service writes, each acknowledged.

Run as `python tests/reliability/writer.py FOLDER TAG COUNT [--wait]`. With --wait it imports
the program and then waits for a line on stdin before it touches the folder (the crash test starts
the next run's writers while the current run's are being killed: imports take most of a start).
Prints READY once the data folder is open, then one line per committed write ("ACK case SH-…",
"ACK move SH-… diagnosing"), flushed at once: a line on stdout means the service call returned,
so the write must survive.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services.casework.intake import IntakeForm, take_intake  # noqa: E402
from app.services.casework.transitions import move  # noqa: E402
from app.services.shop.setup import context_for, open_data_folder  # noqa: E402


def main(folder: str, tag: str, count: int, wait: bool = False) -> None:
    if wait and not sys.stdin.readline():
        return  # the test ended without this writer's run
    open_data_folder(Path(folder))
    ctx = context_for(Path(folder))
    print("READY", flush=True)
    for i in range(count):
        phone = f"139{int(tag) % 100:02d}{i % 1000000:06d}"
        if i % 2:
            form = IntakeForm(
                kind="repair",
                name=f"客户{tag}-{i}",
                phone=phone,
                product="华为 Mate 60 Pro",
                category="phone",
                fault="屏幕不亮 " * 20,
            )
        else:
            form = IntakeForm(kind="complaint", name=f"客户{tag}-{i}", phone=phone)
        case = take_intake(ctx, form)
        print(f"ACK case {case.number}", flush=True)
        if i % 2:
            move(ctx, case.number, "diagnosing", "开始检测")
            print(f"ACK move {case.number} diagnosing", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), "--wait" in sys.argv[4:])
