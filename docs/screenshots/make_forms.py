"""Render every printed form for a demo record to PNG, to look at them: docs/screenshots/forms/.

    python docs/screenshots/make_forms.py [--out DIR] [--dpi 80]

Writes ``<form>.png`` (Chinese) and ``<form>-en.png`` (English; the title in both languages),
plus ``<form>-blank.png`` for the forms that can be printed empty. A form of several pages gets
``-2``, ``-3`` … for the later pages. Needs poppler's pdftoppm.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _png(pdf: bytes, out: Path, stem: str, dpi: int) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "slip.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(src), str(Path(tmp) / "p")], check=True
        )
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        written = []
        for i, page in enumerate(pages, 1):
            target = out / (f"{stem}.png" if i == 1 else f"{stem}-{i}.png")
            target.write_bytes(page.read_bytes())
            written.append(target)
        return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "forms"))
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from app.services import documents
    from app.services.demo import make_demo
    from app.services.setup import close_data_folder, context_for, open_data_folder
    from app.store.models import CarrierClaim, RepairTicket, ReturnAuth, User

    with tempfile.TemporaryDirectory() as tmp:
        folder = open_data_folder(Path(tmp) / "data")
        try:
            User.create(
                name="boss", display_name="王店长", role="owner", created_at=datetime.now(UTC)
            )
            ctx = context_for(folder, "boss")
            make_demo(ctx, cases=40)
            shop = dataclasses.replace(
                ctx.settings.shop,
                name="鑫达手机通讯（示例店）",
                address="杭州市西湖区文三路 398 号 1 楼",
                hotline="0571-8888 6666",
                return_address="杭州市西湖区文三路 398 号 售后部（310012）",
            )
            ctx = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, shop=shop))
            ticket = next(
                t
                for t in RepairTicket.select().where(RepairTicket.signed_at.is_null(False))
                if t.parts.count() and t.labour.count()
            )
            rma = next(r for r in ReturnAuth.select() if r.received_at and r.inspection_result)
            claim = CarrierClaim.select().where(CarrierClaim.case.is_null(False)).first()
            numbers = {
                "intake": ticket.case.number,
                "repair-ticket": ticket.number,
                "repair-receipt": ticket.number,
                "label": ticket.number,
                "warranty-card": ticket.case.number,
                "rma": rma.number,
                "return-receipt": rma.number,
                "carrier-claim": claim.number,
            }
            for form, number in numbers.items():
                for lang in ("zh", "en"):
                    pdf = documents.render_slip(ctx, number, form, lang=lang)
                    stem = form if lang == "zh" else f"{form}-en"
                    for path in _png(pdf, out, stem, args.dpi):
                        print(path)
            for form in documents.BLANK_FORMS:
                pdf = documents.blank_form(ctx, form, lang="zh")
                for path in _png(pdf, out, f"{form}-blank", args.dpi):
                    print(path)
        finally:
            close_data_folder()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
