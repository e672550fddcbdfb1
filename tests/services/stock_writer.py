"""One PC taking spare parts off the shelf for the two-writer stock test: waits for the start
signal, then tries COUNT times to take one unit of PART (alternately as a repair's part and
as a loss written off). Prints "OK" or "OUT" per try.

Run as `python tests/services/stock_writer.py FOLDER PART COUNT GO_FILE NUMBER`; the folder's
server.json (if any) decides the database, exactly as for the program.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.domain.errors import DomainError  # noqa: E402
from app.services.remedies import repairs  # noqa: E402
from app.services.shop import stock  # noqa: E402
from app.services.shop.setup import close_data_folder, context_for, open_data_folder  # noqa: E402


def main(folder: str, part: str, count: int, go: str, number: str) -> None:
    open_data_folder(Path(folder))
    ctx = context_for(Path(folder), "boss")
    print("READY", flush=True)
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        try:
            if i % 2:
                stock.adjust_stock(ctx, part, -1, "loss", f"writer {i}")
            else:
                repairs.add_part(ctx, number, part_no=part, qty=1)
            print("OK", flush=True)
        except DomainError as exc:
            if exc.code != "out_of_stock":
                raise
            print("OUT", flush=True)
    close_data_folder()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
