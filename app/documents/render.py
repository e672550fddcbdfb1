"""The one renderer: any form layout (`layout.FormSpec`) + a record's plain values → PDF bytes.

The renderer knows page furniture (header with the shop and the record's number as Code128,
footer with the hotline, "not a tax invoice" where money appears, page x/y) and the seven block
types of `layout`; it knows nothing about repairs or returns. All wording comes from the form
files; all values come from the caller as text (already formatted and masked), lists of row
dicts for tables, and signature strokes for signature boxes.
"""

from __future__ import annotations

import io
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.documents import barcodes
from app.documents.fonts import FontChoice, cjk_font
from app.documents.handwriting import PAD_ASPECT, ink_box, strokes_to_image
from app.documents.layout import (
    Block,
    CodesBlock,
    FieldsBlock,
    FormSpec,
    ListBlock,
    LText,
    SignaturesBlock,
    SpacerBlock,
    TableBlock,
    TextBlock,
)
from app.documents.linebreak import Para
from app.documents.paging import numbered
from app.documents.style import ACCENT, GRID, HEAD_BG, INK, LABEL_BG, MUTED, NOTICE

EN_SCALE = 0.92
ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
STAMP_MM = 40  # a Chinese shop's round seal (公章) is 40 mm across
FOOTER_MM = 9  # room for the footer's two lines above the bottom margin
LATER_HEADER_MM = 9  # room for the repeated header on pages 2, 3, …


@dataclass(frozen=True)
class Palette:
    """The colours of one slip: the shop's colours, or pure black on white for thermal paper."""

    ink: colors.Color
    muted: colors.Color
    accent: colors.Color
    grid: colors.Color
    label_bg: colors.Color
    head_bg: colors.Color
    notice: colors.Color


COLOUR = Palette(INK, MUTED, ACCENT, GRID, LABEL_BG, HEAD_BG, NOTICE)
MONO = Palette(*([colors.black] * 4), colors.white, colors.white, colors.black)


class _Values(string.Formatter):
    """Fills `{placeholders}`: a missing value stays visible as {name}, or blank on blank forms."""

    def __init__(self, data: Mapping[str, Any], blank: bool) -> None:
        self.data = data
        self.blank = blank

    def get_value(self, key: Any, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if self.blank and key not in self.data:
            return ""
        if key in self.data:
            value = self.data[key]
            return "" if value is None else value
        return "{" + str(key) + "}"

    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return format(value, format_spec)
        except (TypeError, ValueError):
            return str(value)

    def fill(self, template: str) -> str:
        try:
            return self.format(template)
        except (IndexError, KeyError, ValueError, AttributeError):
            return template


class _Styles:
    """Paragraph styles for one page size, all in the CJK font (wordWrap CJK)."""

    def __init__(self, font: str, size: float, palette: Palette = COLOUR) -> None:
        self.font = font
        self.size = size
        p = palette

        def style(name: str, scale: float = 1.0, **kw: Any) -> ParagraphStyle:
            fs = size * scale
            kw.setdefault("leading", fs * 1.3)
            kw.setdefault("textColor", p.ink)
            return ParagraphStyle(name, fontName=font, fontSize=fs, wordWrap="CJK", **kw)

        self.normal = style("normal")
        self.small = style("small", 0.85, textColor=p.muted)
        self.label = style("label", 0.9, textColor=p.muted)
        self.value = style("value")
        self.strong = style("strong", 1.05, textColor=p.ink)
        self.notice = style("notice", 0.9, textColor=p.notice)
        self.heading = style("heading", 1.1, textColor=p.accent, spaceBefore=size * 0.3)
        self.title = style("title", 1.9, alignment=TA_CENTER, leading=size * 2.4)
        self.subtitle = style("subtitle", 1.0, alignment=TA_CENTER, textColor=p.muted)
        self.shop = style("shop", 1.45, leading=size * 1.8)
        self.number = style("number", 1.15, alignment=TA_RIGHT)
        self.centered = style("centered", alignment=TA_CENTER)
        self.small_centered = style("small_centered", 0.85, alignment=TA_CENTER, textColor=p.muted)

    def cell(self, align: str, base: ParagraphStyle | None = None) -> ParagraphStyle:
        base = base or self.value
        return ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=ALIGN[align])


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph that never breaks a number, a code or an English word across lines."""
    return Para(escape(text).replace("\n", "<br/>"), style)


class _Context:
    """What every block builder needs: spec, language, values, styles, usable width."""

    def __init__(
        self, spec: FormSpec, data: Mapping[str, Any], lang: str, font: str, blank: bool
    ) -> None:
        self.spec = spec
        self.lang = lang
        self.data = data
        self.values = _Values(data, blank)
        self.blank = blank
        # English runs longer than Chinese: a slightly smaller size keeps the same page count
        scale = EN_SCALE if lang == "en" and spec.page.height_mm is not None else 1.0
        self.palette = MONO if spec.page.mono else COLOUR
        self.styles = _Styles(font, spec.page.font_size * scale, self.palette)
        self.width = (spec.page.width_mm - 2 * spec.page.margin_mm) * mm
        self.narrow = spec.page.width_mm <= 90
        # thermal printers: barcodes on whole dots
        self.dpi = barcodes.THERMAL_DPI if spec.page.mono else None

    def t(self, text: LText | None) -> str:
        return "" if text is None else self.values.fill(text.get(self.lang))

    def fill(self, template: str) -> str:
        return self.values.fill(template)

    def string(self, key: str, default: str = "") -> str:
        text = self.spec.strings.get(key)
        return self.t(text) if text is not None else default


def _grid(
    extra: Sequence[tuple[Any, ...]] = (), *, pad: float = 2.5, grid: colors.Color = GRID
) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, grid),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
            *extra,
        ]
    )


def _heading(c: _Context, block: Block) -> list[Flowable]:
    if block.heading is None:
        return []
    return [_para(c.t(block.heading), c.styles.heading), Spacer(1, 1.2 * mm)]


def _fields(c: _Context, block: FieldsBlock) -> list[Flowable]:
    cols = 1 if c.narrow else block.columns
    # One label width for every fields table of a page, so the label columns line up.
    label_w = (16 if c.narrow else 24) * mm
    if c.lang == "en":
        label_w *= 1.15
    value_w = c.width / cols - label_w
    s = c.styles
    rows: list[list[Any]] = []
    spans: list[tuple[Any, ...]] = []
    line: list[Any] = []

    def flush() -> None:
        if line:
            rows.append(line + [""] * (2 * cols - len(line)))
            line.clear()

    for row in block.rows:
        label = _para(c.t(row.label), s.label)
        filled = c.t(row.value)
        # a blank form leaves room to write by hand
        room = (6 if row.span else 3.5) * mm
        value = Spacer(1, room) if c.blank and not filled.strip() else _para(filled, s.value)
        if row.span and cols > 1:
            flush()
            rows.append([label, value] + [""] * (2 * cols - 2))
            r = len(rows) - 1
            spans += [("SPAN", (1, r), (-1, r)), ("BACKGROUND", (1, r), (-1, r), colors.white)]
            continue
        line.extend([label, value])
        if len(line) == 2 * cols:
            flush()
    flush()
    if not rows:
        return []
    widths = [label_w, value_w] * cols
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = [("BACKGROUND", (i, 0), (i, -1), c.palette.label_bg) for i in range(0, 2 * cols, 2)]
    table.setStyle(_grid([*style, *spans], grid=c.palette.grid))
    return [*_heading(c, block), table, Spacer(1, 2 * mm)]


def _text(c: _Context, block: TextBlock) -> list[Flowable]:
    style = {
        "normal": c.styles.normal,
        "small": c.styles.small,
        "notice": c.styles.notice,
        "strong": c.styles.strong,
    }[block.style]
    return [*_heading(c, block), _para(c.t(block.text), style), Spacer(1, 1.5 * mm)]


def _list(c: _Context, block: ListBlock) -> list[Flowable]:
    s = c.styles
    item_style = ParagraphStyle(
        "item",
        parent=s.normal,
        leftIndent=s.size * 1.6,
        firstLineIndent=0,
        bulletFontName=s.font,
        bulletFontSize=s.size,
        spaceAfter=s.size * 0.1,
    )
    out: list[Flowable] = list(_heading(c, block))
    for i, item in enumerate(block.items, 1):
        bullet = f"{i}." if block.numbered else "•"
        out.append(
            Para(
                escape(c.t(item)).replace("\n", "<br/>"),
                item_style,
                bulletText=bullet,
            )
        )
    out.append(Spacer(1, 1.5 * mm))
    return out


def _table(c: _Context, block: TableBlock) -> list[Flowable]:
    s = c.styles
    total_w = sum(col.width for col in block.columns)
    widths = [c.width * col.width / total_w for col in block.columns]
    head = [_para(c.t(col.label), c.styles.cell(col.align, s.label)) for col in block.columns]
    rows: list[list[Any]] = [head]
    extra: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (-1, 0), c.palette.head_bg)]
    items = [] if c.blank else list(c.data.get(block.source) or [])
    for item in items:
        values = _Values({**c.data, **item}, c.blank)
        rows.append([_para(values.fill(col.value), s.cell(col.align)) for col in block.columns])
    if not items:
        if block.empty is not None and not c.blank:
            rows.append([_para(c.t(block.empty), s.small)] + [""] * (len(widths) - 1))
            extra.append(("SPAN", (0, 1), (-1, 1)))
        else:
            rows.extend([[""] * len(widths) for _ in range(block.blank_rows)])
    heights: list[float | None] = [None] * len(rows)
    if not items and (c.blank or block.empty is None):
        heights[1:] = [6.5 * mm] * (len(rows) - 1)
    if block.total is not None:
        n = len(rows)
        label = _para(c.t(block.total.label), s.cell("right", s.label))
        value = _para(c.t(block.total.value), s.cell("right", s.strong))
        rows.append([label] + [""] * (len(widths) - 2) + [value])
        heights.append(None)
        extra += [("SPAN", (0, n), (-2, n)), ("BACKGROUND", (0, n), (-1, n), c.palette.label_bg)]
    table = Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid(extra, grid=c.palette.grid))
    out: list[Flowable] = [*_heading(c, block), table]
    if c.spec.money and block.total is not None:
        out.append(Spacer(1, 1 * mm))
        out.append(_para(c.string("not_invoice", "非发票"), c.styles.cell("right", s.notice)))
    out.append(Spacer(1, 2 * mm))
    return out


class _SealSpace(Flowable):
    """Room for the shop's round seal: a dashed 40 mm circle where the stamp goes."""

    def __init__(self, diameter: float, colour: colors.Color | None) -> None:
        super().__init__()
        self.diameter = diameter
        self.colour = colour

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.diameter

    def draw(self) -> None:
        if self.colour is None:  # thermal paper: just the room, no guide
            return
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.3)
        canvas.setDash(2, 2)
        r = self.diameter / 2
        canvas.circle(min(self.avail, self.diameter) / 2, r, r - 0.5)
        canvas.restoreState()


class _Strokes(Flowable):
    """Signature strokes (0..1 pad coordinates, y down) as black lines."""

    def __init__(self, strokes: list[list[list[float]]], width: float, height: float) -> None:
        super().__init__()
        self.strokes = strokes
        self.width = width
        self.height = height
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(max(0.8, self.height / 40))
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        for stroke in self.strokes:
            if len(stroke) < 2:
                continue
            path = canvas.beginPath()
            x, y = stroke[0]
            path.moveTo(x * self.width, (1 - y) * self.height)
            for x, y in stroke[1:]:
                path.lineTo(x * self.width, (1 - y) * self.height)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()


def _signature_image(
    strokes: Any, width: float, height: float, *, mono: bool = False
) -> Flowable | None:
    """The strokes cropped to their ink and fitted into width × height, keeping proportions."""
    if not isinstance(strokes, list) or not strokes:
        return None
    box = ink_box(strokes)
    if box is None:
        return None
    pad = 0.02
    x0, y0 = max(box[0] - pad, 0.0), max(box[1] - pad, 0.0)
    x1, y1 = min(box[2] + pad, 1.0), min(box[3] + pad, 1.0)
    ink_w = max(x1 - x0, 0.05) * PAD_ASPECT
    ink_h = max(y1 - y0, 0.05)
    scale = min(width / ink_w, height / ink_h)
    draw_w, draw_h = ink_w * scale, ink_h * scale
    cropped = [
        [[(x - x0) / max(x1 - x0, 0.05), (y - y0) / max(y1 - y0, 0.05)] for x, y in stroke]
        for stroke in strokes
    ]
    if mono:  # thermal paper: black vector lines, nothing a printer would dither into grey
        return _Strokes(cropped, draw_w, draw_h)
    px_w, px_h = int(draw_w / mm * 12) + 1, int(draw_h / mm * 12) + 1  # about 300 dpi
    image = strokes_to_image(cropped, px_w, px_h, line_width=max(2.0, px_h / 40))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    picture = Image(buf, width=draw_w, height=draw_h, mask="auto")
    picture.hAlign = "LEFT"
    return picture


def _signatures(c: _Context, block: SignaturesBlock) -> list[Flowable]:
    s = c.styles
    n = 1 if c.narrow else len(block.boxes)
    seal = (STAMP_MM + 2) * mm
    stamps = sum(1 for b in block.boxes[:n] if b.stamp)
    pad = 2 * (2 if c.narrow else 4) * mm
    if stamps and n > 1:  # a stamp box is at least as wide as the seal, the others share the rest
        stamp_w = max(c.width / n, seal + pad)
        other_w = (c.width - stamp_w * stamps) / max(n - stamps, 1)
        widths = [stamp_w if b.stamp else other_w for b in block.boxes[:n]]
    else:
        widths = [c.width / n] * n
    sig_h = block.height_mm * mm
    date_word = c.string("date", "日期")
    cells: list[Any] = []
    for i, box in enumerate(block.boxes):
        cell_w = widths[i % n]
        strokes = None if c.blank else c.data.get(box.image) if box.image else None
        picture = _signature_image(strokes, cell_w - 8 * mm, sig_h, mono=c.spec.page.mono)
        name = "" if c.blank else c.fill(box.name)
        date = "" if c.blank or box.date is None else c.fill(box.date)
        parts: list[Any] = [_para(c.t(box.label), s.label)]
        if box.stamp:
            guide = None if c.spec.page.mono else c.palette.grid
            parts.append(_SealSpace(STAMP_MM * mm, guide))
        else:
            parts.append(picture if picture is not None else Spacer(1, sig_h))
        under = name.strip()
        parts.append(_para(under or " ", s.small))
        if box.date is not None or c.blank:
            empty = "______ / ____ / ____" if c.lang == "en" else "____年____月____日"
            colon = ": " if c.lang == "en" else "："  # full-width on a Chinese slip
            parts.append(_para(f"{date_word}{colon}{date.strip() or empty}", s.small))
        cells.append(parts)
    rows = [cells[i : i + n] for i in range(0, len(cells), n)]
    for r in rows:
        r.extend([""] * (n - len(r)))
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.4, c.palette.grid),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, c.palette.grid),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm if not c.narrow else 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
            ]
        )
    )
    return [KeepTogether([*_heading(c, block), table]), Spacer(1, 2 * mm)]


def _codes(c: _Context, block: CodesBlock) -> list[Flowable]:
    value = c.fill(block.value)
    if c.blank or not value.strip():
        return []
    s = c.styles
    out: list[Flowable] = list(_heading(c, block))
    lines = [c.fill(x) for x in block.lines]
    line_styles = [s.strong] + [s.small] * max(len(lines) - 1, 0)
    texts = [_para(t, st) for t, st in zip(lines, line_styles, strict=False) if t.strip()]
    if block.qr:
        qr_size = block.qr_mm * mm
        qr = barcodes.qr_drawing(value, qr_size, dpi=c.dpi)
        qr_size = qr.width
        table = Table([[qr, texts or ""]], colWidths=[qr_size + 1 * mm, c.width - qr_size - 1 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        out.append(table)
    else:
        out.extend(texts)
    if block.code128:
        bar = barcodes.code128_drawing(value, c.width, block.bar_mm * mm, dpi=c.dpi)
        bar.hAlign = "CENTER"
        out.append(bar)
    return out


def _spacer(c: _Context, block: SpacerBlock) -> list[Flowable]:
    return [Spacer(1, block.height_mm * mm)]


BUILDERS: dict[type, Callable[[_Context, Any], list[Flowable]]] = {
    FieldsBlock: _fields,
    TextBlock: _text,
    ListBlock: _list,
    TableBlock: _table,
    SignaturesBlock: _signatures,
    CodesBlock: _codes,
    SpacerBlock: _spacer,
}


def _logo(path: str, max_h: float) -> Flowable | None:
    if not path:
        return None
    try:
        reader = ImageReader(path)
        w, h = reader.getSize()
    except Exception:  # noqa: BLE001 - a missing or broken logo never stops a slip
        return None
    if not w or not h:
        return None
    return Image(path, width=max_h * w / h, height=max_h)


def _header(c: _Context, logo_path: str) -> list[Flowable]:
    s = c.styles
    spec = c.spec
    out: list[Flowable] = []
    number = c.fill(spec.header.number) if spec.header.number else ""
    shop_lines: list[Flowable] = []
    if spec.header.shop:
        shop_lines.append(_para(c.fill("{shop_name}"), s.centered if c.narrow else s.shop))
        contact = " · ".join(
            x
            for x in (
                c.fill("{shop_address}"),
                c.string("hotline_line") if c.data.get("shop_hotline") else "",
            )
            if x.strip()
        )
        if contact:
            shop_lines.append(_para(contact, s.small_centered if c.narrow else s.small))
    title = [_para(spec.title.zh, s.title)]
    if c.lang == "en" and spec.title.en and spec.title.en != spec.title.zh:
        title.append(_para(spec.title.en, s.subtitle))
    code = None
    if number and spec.header.code128 and not c.blank:
        code = barcodes.code128_drawing(number, c.width if c.narrow else 48 * mm, 8 * mm, dpi=c.dpi)
    if c.narrow:
        logo = _logo(logo_path, 12 * mm)
        if logo is not None:
            out.append(logo)
        out.extend(shop_lines)
        out.append(Spacer(1, 1.5 * mm))
        out.extend(title)
        if number:
            out.append(_para(number, s.centered))
        if code is not None:
            code.hAlign = "CENTER"
            out.append(code)
        out.append(Spacer(1, 2 * mm))
        return out
    right: list[Any] = []
    if number:
        right.append(_para(number, s.number))
    if code is not None:
        code.hAlign = "RIGHT"
        right.append(code)
    logo = _logo(logo_path, 13 * mm)
    left_w = c.width * 0.62
    left: Any = shop_lines or ""
    if logo is not None:
        inner = Table([[logo, shop_lines]], colWidths=[logo.drawWidth + 3 * mm, None])
        inner.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *_no_pad()]))
        left = inner
    top = Table([[left, right or ""]], colWidths=[left_w, c.width - left_w])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, c.palette.accent),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    out += [top, Spacer(1, 2.5 * mm), *title, Spacer(1, 3 * mm)]
    return out


def _no_pad() -> list[tuple[Any, ...]]:
    return [
        (name, (0, 0), (-1, -1), 0)
        for name in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
    ]


def _footer_text(c: _Context) -> tuple[str, str]:
    left = c.string("hotline_line") if c.data.get("shop_hotline") else ""
    printed = c.string("printed_line")
    left = " · ".join(x for x in (left, printed) if x.strip())
    middle = c.string("not_invoice", "非发票") if c.spec.money else ""
    return left, middle


def _fingerprint_text(c: _Context) -> str:
    """The shop certificate's short fingerprint, compared by eye with the root one imported."""
    return c.string("fingerprint_line") if c.data.get("cert_fingerprint") else ""


def _page_text(c: _Context, page: int, total: int) -> str:
    template = c.spec.strings.get("page")
    raw = template.get(c.lang) if template is not None else "{page} / {pages}"
    return _Values({"page": page, "pages": total}, False).fill(raw)


def _draw_footer(c: _Context, font: str, canvas: rl_canvas.Canvas, page: int, total: int) -> None:
    """Footer of every page (inside the printable area), and the short header of pages 2, 3, …"""
    spec = c.spec
    margin = spec.page.margin_mm * mm
    width = spec.page.width_mm * mm
    height = canvas._pagesize[1]
    p = c.palette
    fs = spec.page.font_size * 0.8
    y = margin + fs * 0.3  # descenders stay above the margin
    left, middle = _footer_text(c)
    page_text = _page_text(c, page, total)
    signed = _fingerprint_text(c)
    canvas.saveState()
    if signed:  # its own line under the others
        canvas.setFont(font, fs)
        canvas.setFillColor(p.muted)
        canvas.drawString(margin, y, signed)
        y += fs * 1.3
    canvas.setStrokeColor(p.grid)
    canvas.setLineWidth(0.4)
    canvas.line(margin, y + fs * 1.4, width - margin, y + fs * 1.4)
    canvas.setFont(font, fs)
    canvas.setFillColor(p.muted)
    canvas.drawString(margin, y, left)
    canvas.drawRightString(width - margin, y, page_text)
    if middle:
        canvas.setFillColor(p.notice)
        canvas.drawCentredString(width / 2 + width * 0.1, y, middle)
    if page > 1:  # like a paper form: whose slip, which form, which number, which page
        hs = spec.page.font_size * 0.9
        top = height - margin - hs
        shop = c.fill("{shop_name}") if spec.header.shop else ""
        number = c.fill(spec.header.number) if spec.header.number else ""
        title = spec.title.zh
        if c.lang == "en" and spec.title.en and spec.title.en != spec.title.zh:
            title = f"{spec.title.zh} {spec.title.en}"
        right = "  ".join(x for x in (title, number, page_text) if x.strip())
        canvas.setFont(font, hs)
        canvas.setFillColor(p.ink)
        canvas.drawString(margin, top, shop)
        canvas.drawRightString(width - margin, top, right)
        canvas.setStrokeColor(p.accent)
        canvas.setLineWidth(0.6)
        canvas.line(margin, top - hs * 0.5, width - margin, top - hs * 0.5)
    canvas.restoreState()


def _tail_with(flow: list[Flowable], start: int, width: float, limit: float) -> int:
    """Where the content a signature box signs begins: the last flowables of the block before
    it, as long as they stay short (a long table is not dragged to the next page whole)."""
    i = len(flow)
    used = 0.0
    while i > start:
        h = _height_of([flow[i - 1]], width)
        if used + h > limit and not isinstance(flow[i - 1], Spacer):
            break
        used += h
        i -= 1
    return i


def story(
    spec: FormSpec, data: Mapping[str, Any], lang: str, font: str, *, blank: bool, logo: str
) -> tuple[_Context, list[Flowable]]:
    """The flowables of a form: header then its blocks (the roll also gets its footer inline).

    A signature box is kept on one page with the end of the block before it: a customer signs
    what is printed above the box, never an empty page 2.
    """
    c = _Context(spec, data, lang, font, blank)
    flow: list[Flowable] = []
    if spec.page.size != "label50x30":
        flow += _header(c, logo)
    page_h = (spec.page.height_mm or 200) * mm
    prev_start = len(flow)
    for block in spec.blocks:
        if block.when and not c.fill(block.when).strip():
            continue  # e.g. the handset's terms on an accessory's warranty card
        built = BUILDERS[type(block)](c, block)
        if isinstance(block, SignaturesBlock) and spec.page.height_mm is not None:
            cut = _tail_with(flow, prev_start, c.width, page_h * 0.25)
            inner = [x for f in built for x in (f._content if isinstance(f, KeepTogether) else [f])]
            built = [KeepTogether([*flow[cut:], *inner])]  # nested, KeepTogether never fits
            del flow[cut:]
        prev_start = len(flow)
        flow += built
    while flow and isinstance(flow[-1], Spacer):  # a trailing gap must not start a new page
        flow.pop()
    if spec.page.height_mm is None:  # the roll: footer lines at the end, no page numbers
        left, middle = _footer_text(c)
        if middle:
            flow.append(_para(middle, c.styles.cell("center", c.styles.notice)))
        flow.append(_para(left, c.styles.small_centered))
        if _fingerprint_text(c):
            flow.append(_para(_fingerprint_text(c), c.styles.small_centered))
    return c, flow


def _height_of(flow: list[Flowable], width: float) -> float:
    total = 0.0
    scratch = rl_canvas.Canvas(io.BytesIO())
    for f in flow:
        if isinstance(f, KeepTogether):
            total += _height_of(list(f._content), width)
            continue
        _, h = f.wrapOn(scratch, width, 10_000 * mm)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _frame(x: float, y: float, w: float, h: float, name: str) -> Frame:
    """A frame without reportlab's default 6 pt padding (which pushed tables past the margin)."""
    return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)


def render(
    spec: FormSpec,
    data: Mapping[str, Any],
    lang: str = "zh",
    *,
    font: FontChoice | None = None,
    logo_path: str = "",
    blank: bool = False,
    title: str = "",
    author: str = "",
) -> bytes:
    """The PDF of one form filled with `data` (plain text values) in `lang` ("zh" or "en")."""
    font = font or cjk_font()
    from reportlab.pdfbase.pdfmetrics import registerFontFamily

    registerFontFamily(font.name, normal=font.name, bold=font.name, italic=font.name)
    c, flow = story(spec, data, lang, font.name, blank=blank, logo=logo_path)
    page = spec.page
    margin = page.margin_mm * mm
    width = page.width_mm * mm
    paged = page.height_mm is not None and page.size != "label50x30"
    if page.height_mm is None:
        _, measure = story(spec, data, lang, font.name, blank=blank, logo=logo_path)
        height = _height_of(measure, width - 2 * margin) + 2 * margin + 6 * mm
    else:
        height = page.height_mm * mm
    bottom = margin + (FOOTER_MM * mm if paged else 0)
    inner_w = width - 2 * margin
    first = _frame(margin, bottom, inner_w, height - margin - bottom, "first")
    later_top = margin + (LATER_HEADER_MM * mm if paged else 0)
    later = _frame(margin, bottom, inner_w, height - later_top - bottom, "later")
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(width, height),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=bottom,
        title=title or spec.title.get(lang),
        author=author,
        creator="AfterDesk",
        subject=spec.code,
    )
    doc.addPageTemplates([PageTemplate("first", [first]), PageTemplate("later", [later])])
    flow.insert(0, NextPageTemplate("later"))
    if paged:
        doc.build(flow, canvasmaker=numbered(partial(_draw_footer, c, font.name)))
    else:
        doc.build(flow)
    return buf.getvalue()
