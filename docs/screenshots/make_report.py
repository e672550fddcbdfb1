"""Render the monthly summary of a demo shop to PNG, to look at it: docs/screenshots/report-*.png.

    python docs/screenshots/make_report.py [--out DIR] [--dpi 80] [--cases 300]

Fills a temporary data folder with demo data on a fixed clock (2 March 2026), renders the
summary of February 2026 exactly as `python main.py report` prints it (signed), in Chinese
(``report-1.png`` …) and English (``report-en-1.png`` …). Needs poppler's pdftoppm.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CLOCK = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _png(pdf: bytes, out: Path, stem: str, dpi: int) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(src), str(Path(tmp) / "p")], check=True
        )
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        written = []
        for i, page in enumerate(pages, 1):
            target = out / f"{stem}-{i}.png"
            target.write_bytes(page.read_bytes())
            written.append(target)
        return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from app import i18n
    from app.demo import make_demo
    from app.services import exports
    from app.services.paper.report import month_report
    from app.services.shop.setup import close_data_folder, context_for, open_data_folder
    from app.store.models import User

    with tempfile.TemporaryDirectory() as tmp:
        folder = open_data_folder(Path(tmp) / "data")
        try:
            User.create(name="boss", display_name="王店长", role="owner", created_at=CLOCK)
            ctx = context_for(folder, "boss", clock=lambda: CLOCK)
            make_demo(ctx, cases=args.cases)
            for old in out.glob("report-*.png"):
                old.unlink()
            for lang, stem in (("zh", "report"), ("en", "report-en")):
                i18n.setup(lang)
                made = exports.make_report_pdf(ctx, month_report(ctx, 2026, 2))
                for path in _png(made.pdf, out, stem, args.dpi):
                    print(path)
        finally:
            close_data_folder()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
