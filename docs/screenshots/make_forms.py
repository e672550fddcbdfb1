"""Render every printed form for a demo record to PNG, to look at them: docs/screenshots/forms/.

    python docs/screenshots/make_forms.py [--out DIR] [--dpi 80]

Writes ``<form>.png`` (Chinese), ``<form>-en.png`` (English; the title in both languages),
``<form>-long.png`` (a record as long as real ones get), ``<form>-blank.png`` for the forms that
can be printed empty, the warranty cards of a sale at the counter (``warranty-card-sale``,
``warranty-card-accessory``), the "How to check our slips" guide (``check-guide``), and the roll
receipt and the label as a 203 dpi thermal printer prints them, 1 bit
(``repair-receipt-203dpi.png``, ``label-203dpi.png``). A form of several pages gets ``-2``,
``-3`` … for the later pages. Needs poppler's pdftoppm.
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


def _png(pdf: bytes, out: Path, stem: str, dpi: int, *, mono: bool = False) -> list[Path]:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "slip.pdf"
        src.write_bytes(pdf)
        kind = ["-mono"] if mono else ["-png"]
        subprocess.run(
            ["pdftoppm", *kind, "-r", str(dpi), str(src), str(Path(tmp) / "p")], check=True
        )
        pages = sorted(Path(tmp).glob("p-*"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        written = []
        for i, page in enumerate(pages, 1):
            target = out / (f"{stem}.png" if i == 1 else f"{stem}-{i}.png")
            Image.open(page).save(target, optimize=True)
            written.append(target)
        return written


LONG = (
    "订单 E20261203123456789012，运单 SF1456789012345678，已付 ¥12,345.00。客户反映手机在充电时"
    "机身背部明显发烫，充电约十分钟后自动断开，更换原装充电器和数据线后仍然如此；夜间待机掉电约"
    "百分之三十，偶尔自动重启，屏幕左上角有一处约两毫米的亮点，通话时对方反映有回声。"
)


def _long(data: dict) -> dict:
    """A record as long as real ones get: long texts, names, many lines."""
    out = dict(data)
    for key in ("description", "fault", "diagnosis", "result", "condition", "inspection_report"):
        if key in out:
            out[key] = LONG
    out["customer_name"] = "欧阳娜娜（代收 021-55501234）"
    out["product_name"] = "Apple iPhone 15 Pro Max 1TB 原色钛金属 国行 双卡双待 A3108"
    if out.get("charges"):
        out["charges"] = [dict(out["charges"][0], item="更换原装屏幕总成（含框，OLED）")] * 12
    if out.get("lines"):
        out["lines"] = [dict(out["lines"][0], description="小米 14 Ultra 16GB+1TB 钛金属")] * 16
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "forms"))
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from app.demo import make_demo
    from app.services import documents
    from app.services.shop.setup import close_data_folder, context_for, open_data_folder
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
                consignee="鑫达售后退换货组",
                consignee_phone="0571-8888 7777",
                service_points=(
                    "杭州：华为授权服务中心（文三路 1 号）\n宁波：小米之家（中山东路 2 号）"
                ),
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
            from app.documents.layout import load_form
            from app.documents.render import render

            for form, number in numbers.items():
                data = _long(documents.slip_data(ctx, number, form, lang="zh"))
                pdf = render(load_form(documents.FORMS[form]), data, "zh")
                for path in _png(pdf, out, f"{form}-long", args.dpi):
                    print(path)
            for form in ("repair-receipt", "label"):
                pdf = documents.render_slip(ctx, numbers[form], form, lang="zh")
                for path in _png(pdf, out, f"{form}-203dpi", 203, mono=True):
                    print(path)
            from app.services.casework.sales import register_sale

            phone = register_sale(
                ctx,
                customer="张三",
                phone="13800138000",
                product="小米 14",
                model_spec="12GB+256GB 黑色",
                serial="356789012345672",
                price="3999",
                invoice_no="FP-2026-0001",
            )
            charger = register_sale(
                ctx,
                customer="李四",
                phone="13900139000",
                product="原装充电器 67W",
                category="charger",
                price="149",
                invoice_no="FP-2026-0002",
            )
            from app.services.paper.certificates import check_guide

            for lang in ("zh", "en"):
                stem = "check-guide" if lang == "zh" else "check-guide-en"
                for path in _png(check_guide(ctx, lang=lang), out, stem, args.dpi):
                    print(path)
            for stem, sale in (("sale", phone), ("accessory", charger)):
                pdf = documents.render_slip(ctx, sale.card_key, "warranty-card", lang="zh")
                for path in _png(pdf, out, f"warranty-card-{stem}", args.dpi):
                    print(path)
        finally:
            close_data_folder()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
