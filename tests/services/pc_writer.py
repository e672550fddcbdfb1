"""One PC of the shop for the multi-PC tests: waits for the start signal, then takes COUNT
intakes (every other one a repair with its WX- ticket, moved on once) through the services.

Run as `python tests/services/pc_writer.py FOLDER TAG COUNT GO_FILE`; the folder's server.json
(if any) decides the database, exactly as for the program. Prints the case numbers it got.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services.casework.intake import IntakeForm, take_intake  # noqa: E402
from app.services.casework.transitions import move  # noqa: E402
from app.services.shop.setup import close_data_folder, context_for, open_data_folder  # noqa: E402


def main(folder: str, tag: str, count: int, go: str) -> None:
    open_data_folder(Path(folder))
    ctx = context_for(Path(folder), "boss")
    print("READY", flush=True)
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        phone = f"139{int(tag):02d}{i:06d}"
        if i % 2:
            form = IntakeForm(
                kind="repair",
                name=f"客户{tag}-{i}",
                phone=phone,
                product="华为 Mate 60 Pro",
                category="phone",
                fault="屏幕不亮",
            )
        else:
            form = IntakeForm(kind="complaint", name=f"客户{tag}-{i}", phone=phone)
        case = take_intake(ctx, form)
        print(case.number, flush=True)
        if i % 2:
            move(ctx, case.number, "diagnosing", "开始检测")
        time.sleep(0.02)  # a desk's pace: the other PC gets its turns in between
    close_data_folder()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
