"""Layout files, font lookup, signature strokes and the codes on the label — read back for real."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm

from app.documents import barcodes, fonts
from app.documents.handwriting import strokes_to_image
from app.documents.layout import load_form
from app.documents.render import render
from app.domain.errors import DomainError
from app.paths import form_spec
from app.services.paper.documents import FORMS

# --- layouts -------------------------------------------------------------------------------


def test_every_shipped_layout_loads() -> None:
    for stem in FORMS.values():
        spec = load_form(stem)
        assert spec.blocks and spec.title.zh and spec.title.en
    assert load_form("label").page.size == "label50x30"
    assert load_form("repair_receipt").page.height_mm is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[form]\npage = "A4"\ntitle = "x"\ncolour = 1\n', "form.colour"),
        ('[form]\npage = "B7"\ntitle = "x"\n', "form.page"),
        ('[form]\ntitle = "x"\n[[block]]\ntype = "fields"\ncolumns = 9\n', "block[1].columns"),
        (
            '[form]\ntitle = "x"\n[[block]]\ntype = "table"\nsource = "lines"\n'
            'columns = [{ zh = "a", value = "{x}", width = "wide" }]\n',
            "block[1].columns[1].width",
        ),
        ('[form]\ntitle = "x"\n[[block]]\ntype = "text"\ntext = "{oops"\n', "block[1].text"),
        ('[form]\ntitle = { en = "x" }\n', "form.title.zh"),
        ('[form]\ntitle = "x"\n[[block]]\ntype = "chart"\n', "block[1].type"),
        ("[form\n", ""),
    ],
)
def test_a_bad_layout_names_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / "intake.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DomainError) as info:
        load_form("intake", tmp_path)
    err = info.value
    assert err.code == "form_spec_invalid"
    assert err.params["file"] == str(tmp_path / "intake.toml")
    assert err.params["key"] == key
    assert err.params["problem"]


def test_the_data_folders_copy_wins(tmp_path: Path) -> None:
    text = form_spec("label.toml").read_text(encoding="utf-8")
    (tmp_path / "label.toml").write_text(text.replace("qr_mm = 15", "qr_mm = 12"), "utf-8")
    assert load_form("label", tmp_path).blocks[0].qr_mm == 12  # type: ignore[attr-defined]
    assert load_form("label").blocks[0].qr_mm == 15  # type: ignore[attr-defined]


# --- fonts ---------------------------------------------------------------------------------

CFF_FONT = Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf")


def test_the_bundled_ttc_font_is_found_and_embeddable() -> None:
    choice = fonts.cjk_font("")
    assert choice.warning is None and choice.embedded
    assert choice.path is not None and choice.path.suffix == ".ttc"
    assert fonts.truetype_problem(choice.path) is None


@pytest.mark.skipif(not CFF_FONT.exists(), reason="needs a CFF (.otf) font to refuse")
def test_cff_fonts_are_refused_with_a_visible_warning(tmp_path: Path) -> None:
    assert fonts.truetype_problem(CFF_FONT) == "CFF (PostScript) outlines"
    choice = fonts.cjk_font(str(CFF_FONT))
    assert choice.warning == "font_setting_unusable" and choice.source == "bundled"
    assert (str(CFF_FONT), "CFF (PostScript) outlines") in choice.rejected
    none = fonts.choose_font([(CFF_FONT, "setting"), (tmp_path / "missing.ttf", "bundled")])
    assert none.warning == "cjk_font_missing" and not none.embedded


def test_lookup_order_setting_then_assets_then_system(tmp_path: Path) -> None:
    order = fonts.candidates(str(tmp_path / "mine.ttf"))
    sources = [s for _, s in order]
    assert sources[0] == "setting" and sources[1] == "bundled"
    assert sources.index("bundled") < sources.index("system")
    names = [p.name.lower() for p, _ in order]
    assert "simhei.ttf" in names and "wqy-microhei.ttc" in names


# --- signatures ----------------------------------------------------------------------------


def test_strokes_become_ink_where_they_were_drawn() -> None:
    image = strokes_to_image([[[0.1, 0.5], [0.9, 0.5]], [[0.5, 0.1]]], 300, 100)
    assert image.size == (300, 100) and image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert max(alpha.getpixel((150, y)) for y in range(47, 53)) > 200  # on the line
    assert alpha.getpixel((150, 90)) == 0  # far from any stroke: transparent
    assert alpha.getpixel((150, 10)) > 100  # the one-point stroke is a dot


# --- codes on the label, read back from the rendered page ----------------------------------

SCALE = 8  # 576 dpi


def _page_pixels(pdf: bytes):  # noqa: ANN202 - a PIL image, greyscale
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[0].render(scale=SCALE).to_pil().convert("L")
    finally:
        doc.close()


def _decode_code128(row: list[int]) -> str:
    """Read a Code128 symbol from one scan line of 0/1 pixels (1 = bar)."""
    runs: list[int] = []
    first = row.index(1)
    last = len(row) - 1 - row[::-1].index(1)
    current, n = row[first], 0
    for px in row[first : last + 1]:
        if px == current:
            n += 1
        else:
            runs.append(n)
            current, n = px, 1
    runs.append(n)
    module = (sum(runs[-7:])) / 13  # the stop pattern is 13 modules wide
    widths = [max(1, round(r / module)) for r in runs]
    table = {
        "".join(str(" ABCD".index(ch.upper())) for ch in pattern): value
        for value, pattern in enumerate(code128._patterns[v] for v in range(107))
    }
    values = []
    for i in range(0, len(widths) - 7, 6):
        values.append(table["".join(str(w) for w in widths[i : i + 6])])
    start, *data, check = values
    assert (start + sum(i * v for i, v in enumerate(data, 1))) % 103 == check
    out, mode = [], {103: "A", 104: "B", 105: "C"}[start]
    for v in data:
        if mode == "C":
            if v < 100:
                out.append(f"{v:02d}")
            else:
                mode = "B" if v == 100 else "A"
        elif v == 99:
            mode = "C"
        elif (mode, v) in (("B", 101), ("A", 100)):
            mode = "A" if v == 101 else "B"
        else:
            out.append(chr(v + 32) if mode == "B" or v < 64 else chr(v - 64))
    return "".join(out)


def test_label_code128_and_qr_read_back_the_number() -> None:
    number = "WX-2026-000123"
    spec = load_form("label")
    data = {"repair_number": number, "device": "华为 nova 12", "customer_name": "张三"}
    pdf = render(spec, {**data, "received_date": "2026-06-07", "warranty": "保内"}, "zh")
    page = _page_pixels(pdf)
    w, h = page.size
    bits = [[1 if page.getpixel((x, y)) < 128 else 0 for x in range(w)] for y in range(h)]
    # Code128: a scan line through the lower part of the label
    y_bar = next(y for y in range(h - 1, 0, -1) if sum(bits[y]) > w * 0.25) - 5
    assert _decode_code128(bits[y_bar]) == number
    # QR: the module grid drawn on the page is the grid reportlab encodes for the number
    matrix = barcodes.qr_matrix(number)
    n = len(matrix)
    left = int(1.5 * mm * SCALE)
    qr_w = barcodes.qr_drawing(number, 15 * mm, dpi=203).width  # snapped to whole dots
    top_limit = next(y for y in range(h) if bits[y] == bits[y_bar])  # where the bars begin
    cols = [
        x
        for x in range(left, left + int(qr_w * SCALE))
        if any(bits[y][x] for y in range(top_limit))
    ]
    rows = [y for y in range(top_limit) if any(bits[y][x] for x in cols)]
    x0, x1, y0, y1 = cols[0], cols[-1], rows[0], rows[-1]
    cell = (x1 - x0 + 1) / n
    assert abs((y1 - y0 + 1) / n - cell) < 0.5
    seen = [
        [bits[int(y0 + (r + 0.5) * cell)][int(x0 + (c + 0.5) * cell)] == 1 for c in range(n)]
        for r in range(n)
    ]
    assert seen == matrix
