"""Slips on real paper: ink only where printers print, thermal output a scanner reads, page 2 like
a paper form. Every check reads the rendered page back (pdftoppm pixels, pdftotext, zbarimg)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.lib.units import mm
from reportlab.platypus import Table

from app.documents.fonts import cjk_font
from app.documents.layout import load_form
from app.documents.render import render, story
from app.paths import form_spec
from app.services.paper import documents
from tests.documents.slipdata import (  # noqa: F401 - `demo` is a fixture
    Demo,
    demo_fixture,
    have_poppler,
    squash,
)
from tests.documents.test_forms_render import number_for

pytestmark = pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils (pdftoppm)")

DPI = 100
THERMAL = ("repair-receipt", "label")
#: What printers leave blank at each edge of a medium (the forms declare it as printable_mm).
BLANK_EDGE_MM = {"A4": 5, "A5": 5, "roll80": 4, "label50x30": 1}
#: Numbers inside running text (order, waybill, amount, IMEI): a line may never split them.
NUMBERS = (
    "E20261203123456789012",
    "SF1456789012345678",
    "¥12,345.00",
    "356789012345678",
    "021-55501234",
)
LONG_ZH = (
    "订单 E20261203123456789012，运单 SF1456789012345678，已付 ¥12,345.00，串号 356789012345678。"
    "客户反映手机在充电时机身背部明显发烫，充电约十分钟后自动断开，更换原装充电器和数据线后"
    "仍然如此；夜间待机掉电约百分之三十，偶尔自动重启并提示“系统界面无响应”，屏幕左上角有"
    "一处约两毫米的亮点，听筒音量偏小，通话时对方反映有回声。"
)
LONG_EN = (
    "Order E20261203123456789012, waybill SF1456789012345678, paid ¥12,345.00, IMEI "
    "356789012345678. The customer says the back of the phone gets hot while charging and "
    "charging stops after about ten minutes, also with the original charger and cable; "
    "overnight standby drains about thirty percent, it sometimes restarts by itself, and "
    "there is a bright spot near the top left corner of the screen. Callers hear an echo."
)


def _long(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """A record's values made as long as real ones get (long names, faults, many lines)."""
    text = LONG_ZH if lang == "zh" else LONG_EN
    out = dict(data)
    for key in [
        "description",
        "fault",
        "diagnosis",
        "result",
        "condition",
        "resolution",
        "inspection_report",
        "capa_corrective",
        "capa_preventive",
        "customer_reply",
        "rejection_reason",
        "site_address",
    ]:
        if key in out:
            out[key] = text
    out.update(
        customer_name="欧阳娜娜（代收 021-55501234）",
        customer_address="浙江省杭州市余杭区五常街道文一西路 969 号 西溪园区 7 号楼 3 层前台",
        product_name="Apple iPhone 15 Pro Max 1TB 原色钛金属 国行 双卡双待 A3108",
        product_spec="1TB 原色钛金属 A3108 国行",
        serial="356789012345678",
        order_no="E20261203123456789012",
        invoice_no="044031900111-12345678",
        tracking_no="SF1456789012345678",
        claim_tracking_no="SF1456789012345678",
        device="Apple iPhone 15 Pro Max 1TB",
        accessories="充电器、数据线、包装盒、卡托、耳机、保护壳、说明书、保修卡、发票",
    )
    if "charges" in out:
        row = {
            "item": "更换原装屏幕总成（含框，OLED，带原厂标签）",
            "part_no": "661-44218-A",
            "qty": 1,
            "unit_price": "¥12,345.00",
            "line_amount": "¥12,345.00",
            "charged": "是",
        }
        out["charges"] = [row] * 14
    if "lines" in out:
        line = {
            "description": "小米 14 Ultra 16GB+1TB 钛金属特别版 黑色（含原装配件）",
            "spec": "16GB+1TB 黑",
            "unit": "台",
            "qty_expected": 120,
            "qty_received": 118,
            "discrepancy": "-2",
            "line_unit_price": "¥6,499.00",
            "line_amount": "¥779,880.00",
            "batch": "B20261203-0001",
            "line_reason": "质量问题",
        }
        out["lines"] = [line] * 18
    return out


def _pages(pdf: bytes, tmp: Path, dpi: int, *extra: str) -> list[Image.Image]:
    src = tmp / "page.pdf"
    src.write_bytes(pdf)
    for old in tmp.glob("p-*"):
        old.unlink()
    subprocess.run(["pdftoppm", *extra, "-r", str(dpi), str(src), str(tmp / "p")], check=True)
    files = sorted(tmp.glob("p-*"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(f).convert("L") for f in files]


def _page_text(pdf: bytes, tmp: Path, page: int) -> str:
    src = tmp / "text.pdf"
    src.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(src), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _ink_outside(
    page: Image.Image,
    inset_mm: float,
    dpi: int,
    sides: tuple[str, ...] = ("left", "right", "top", "bottom"),
) -> list[str]:
    """Where dark pixels fall in the band along each edge a printer leaves blank."""
    w, h = page.size
    edge = int(inset_mm / 25.4 * dpi)  # pixels fully inside the blank band
    px = page.load()
    found = []
    bands = {
        "left": (range(edge), range(h)),
        "right": (range(w - edge, w), range(h)),
        "top": (range(w), range(edge)),
        "bottom": (range(w), range(h - edge, h)),
    }
    for name, (xs, ys) in bands.items():
        if name not in sides:
            continue
        for x in xs:
            for y in ys:
                if px[x, y] < 200:
                    found.append(f"{name} edge at {x / dpi * 25.4:.1f},{y / dpi * 25.4:.1f} mm")
                    break
            if found and found[-1].startswith(name):
                break
    return found


def test_every_form_declares_its_media_and_printable_area() -> None:
    for stem in documents.FORMS.values():
        text = form_spec(f"{stem}.toml").read_text(encoding="utf-8")
        assert re.search(r"^page = ", text, re.M), stem
        assert re.search(r"^printable_mm = ", text, re.M), stem
        page = load_form(stem).page
        assert page.printable_mm == BLANK_EDGE_MM[page.size]
        assert page.margin_mm >= page.printable_mm
    roll = load_form("repair_receipt").page
    assert roll.printable_width_mm == 72


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("form", sorted(documents.FORMS))
def test_long_content_leaves_no_ink_outside_the_printable_area(
    demo: Demo, form: str, lang: str, tmp_path: Path
) -> None:
    data = _long(documents.slip_data(demo.ctx, number_for(demo, form), form, lang=lang), lang)
    spec = load_form(documents.FORMS[form])
    pdf = render(spec, data, lang)
    pages = _pages(pdf, tmp_path, DPI, "-gray")
    for i, page in enumerate(pages, 1):
        assert _ink_outside(page, BLANK_EDGE_MM[spec.page.size], DPI) == [], f"page {i}"
        # and tables end at the form's own margins (reportlab's frame padding pushed them 2 mm on)
        margin = spec.page.margin_mm - 0.4
        assert _ink_outside(page, margin, DPI, ("left", "right")) == [], f"page {i}"
    if form == "repair-receipt":  # the last digit of every amount is on the paper
        assert (
            "12,345.00"
            in subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(tmp_path / "page.pdf"), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )


@pytest.mark.parametrize("form", documents.BLANK_FORMS)
def test_blank_forms_stay_inside_the_printable_area(demo: Demo, form: str, tmp_path: Path) -> None:
    spec = load_form(documents.FORMS[form])
    pdf = documents.blank_form(demo.ctx, form, lang="zh")
    for page in _pages(pdf, tmp_path, DPI, "-gray"):
        assert _ink_outside(page, BLANK_EDGE_MM[spec.page.size], DPI) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_never_break_across_lines(demo: Demo, lang: str, tmp_path: Path) -> None:
    for form in ("intake", "rma", "repair-receipt", "carrier-claim"):
        data = _long(documents.slip_data(demo.ctx, number_for(demo, form), form, lang=lang), lang)
        pdf = render(load_form(documents.FORMS[form]), data, lang)
        (tmp_path / "n.pdf").write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(tmp_path / "n.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for key in ("number", "serial", "order_no", "tracking_no", "customer_phone"):
            value = str(data.get(key) or "")
            if value and squash(value) in squash(text):
                assert value in text, f"{form}: {key} {value} is split"
        for value in NUMBERS:  # inside running text, in every column width of the form
            assert squash(text).count(value) > 0, f"{form}: {value} is not printed"
            assert text.count(value) == squash(text).count(value), f"{form}: {value} is split"


# --- thermal printers ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="needs zbar-tools (zbarimg)")
@pytest.mark.parametrize("form", THERMAL)
def test_thermal_slips_are_black_on_white_and_every_code_scans_at_203_dpi(
    demo: Demo, form: str, tmp_path: Path
) -> None:
    number = number_for(demo, form)
    data = documents.slip_data(demo.ctx, number, form, lang="zh")
    pdf = documents.render_slip(demo.ctx, number, form, lang="zh")
    # no grey: without anti-aliasing every pixel is black or white
    (gray,) = _pages(pdf, tmp_path, 203, "-gray", "-aa", "no", "-aaVector", "no")
    assert set(gray.get_flattened_data()) <= {0, 255}
    # 1 bit at the printer's 203 dpi, read back by zbar
    _pages(pdf, tmp_path, 203, "-mono")
    (pbm,) = tmp_path.glob("p-*.pbm")
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", "-Sqrcode.enable", pbm],
        capture_output=True,
        text=True,
    ).stdout.split()
    want = data["repair_number"] if form == "label" else data["repair_number"]
    expected = {"label": 2, "repair-receipt": 1}[form]  # QR + Code128 / the header's Code128
    assert read == [want] * expected
    # the narrowest bar is at least 2 printer dots (0.25 mm): bar rows are rows with many
    # black runs that repeat unchanged over the next rows (text does not)
    img = Image.open(pbm).convert("L")
    w, h = img.size
    px = img.load()
    lines = [tuple(px[x, y] == 0 for x in range(w)) for y in range(h)]
    narrowest = []
    for y in range(h - 4):
        runs = [
            len(m.group()) for m in re.finditer("1+", "".join("1" if b else "0" for b in lines[y]))
        ]
        if len(runs) >= 30 and lines[y] == lines[y + 1] == lines[y + 2] == lines[y + 3]:
            narrowest.append(min(runs))
    assert narrowest and min(narrowest) >= 2


# --- pages like paper forms ----------------------------------------------------------------


def test_the_signature_box_stays_with_what_it_signs_and_page_2_has_the_header(
    demo: Demo, tmp_path: Path
) -> None:
    form = "repair-ticket"
    data = documents.slip_data(demo.ctx, demo.repair, form, lang="zh")
    data["fault"] = LONG_ZH * 3
    data["diagnosis"] = LONG_ZH * 2
    pdf = render(load_form("repair_ticket"), data, "zh")
    pages = _pages(pdf, tmp_path, 30, "-gray")
    assert len(pages) == 2
    last = squash(_page_text(pdf, tmp_path, 2))
    assert "客户签名" in last
    assert "更换下的故障件按厂家要求回收返厂" in last  # the terms the customer signs
    # page 2 repeats shop, form and number, and says which page it is
    assert squash(demo.ctx.settings.shop.name) in last
    assert "售后维修单" in last and data["number"] in last
    assert "第2/2页" in last
    first = squash(_page_text(pdf, tmp_path, 1))
    assert "第1/2页" in first


def test_the_stamp_box_takes_a_40_mm_round_seal() -> None:
    from app.documents.render import STAMP_MM, _SealSpace

    for stem in ("warranty_card", "carrier_claim", "return_receipt"):
        spec = load_form(stem)
        _, flow = story(spec, {}, "zh", cjk_font().name, blank=True, logo="")
        tables = [t for f in flow for t in _tables(f)]
        boxes = [
            (t, col)
            for t in tables
            for row in t._cellvalues
            for col, cell in enumerate(row)
            if isinstance(cell, list) and any(isinstance(x, _SealSpace) for x in cell)
        ]
        assert boxes, stem
        for table, col in boxes:
            table.wrap(500 * mm, 500 * mm)
            assert table._colWidths[col] >= (STAMP_MM + 2) * mm
            assert max(table._rowHeights) >= STAMP_MM * mm


def _tables(f: Any) -> list[Table]:
    if isinstance(f, Table):
        return [f]
    return [t for x in getattr(f, "_content", []) for t in _tables(x)]


# --- no raw codes --------------------------------------------------------------------------


def test_the_rma_prints_the_approval_level_by_name_not_its_code(demo: Demo, tmp_path: Path) -> None:
    from app.store.models import ReturnAuth

    rma = next(r for r in ReturnAuth.select().order_by(ReturnAuth.id) if r.approval_level)
    names = {"owner": ("店主", "Owner"), "manager": ("值班经理", "Manager on duty")}
    for i, lang in enumerate(("zh", "en")):
        data = documents.slip_data(demo.ctx, rma.number, "rma", lang=lang)
        assert data["approval_level"].startswith(names[rma.approval_level][i])  # + the value
    (tmp_path / "rma.pdf").write_bytes(documents.render_slip(demo.ctx, rma.number, "rma"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "rma.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert names[rma.approval_level][0] in text
    assert not re.search(r"\b(owner|manager)\b", text)
