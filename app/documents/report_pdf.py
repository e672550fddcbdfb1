"""The monthly summary as an A4 PDF: key figures, tables and charts, drawn straight into the PDF.

The caller hands over a `ReportDoc` of plain, already translated text and numbers (tables and
chart series); this module only lays them out. Charts are reportlab graphics (vector drawings
with the embedded CJK font), not pictures, so they print sharp at any size.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.documents.fonts import FontChoice, cjk_font
from app.documents.paging import numbered
from app.documents.style import ACCENT, HEAD_BG, INK, MUTED, ZEBRA
from app.documents.style import SOFT_GRID as GRID

#: Series colours: this period, the previous one; pie slices cycle through PALETTE.
THIS, PREVIOUS = colors.HexColor("#1D4E89"), colors.HexColor("#A9BCD6")
PALETTE = (
    "#1D4E89",
    "#D9822B",
    "#2E8B57",
    "#B03A2E",
    "#7D5BA6",
    "#3A9AD9",
    "#8C8C3A",
    "#5F6B7A",
)
MARGIN = 15 * mm
PAGE_W, PAGE_H = A4
BODY_W = PAGE_W - 2 * MARGIN
CHART_H = 62 * mm
GAP = 8 * mm


@dataclass(frozen=True)
class ReportTable:
    """One table: also one sheet of the workbook (`key` names the sheet)."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    widths: tuple[float, ...] = ()  # relative column widths; default: first column wide
    note: str = ""  # a line under the title: what counts, which date decides
    empty: str = "—"
    align: str = ""  # "l"/"r" per column; default: the first left, the others right
    half: bool = False  # two half tables next to each other share a row of the page


@dataclass(frozen=True)
class ReportChart:
    """A bar chart (one or two series) or a pie (first series only)."""

    kind: str  # "bar" | "hbar" | "pie"
    title: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    unit: str = ""


@dataclass(frozen=True)
class ReportDoc:
    title: str
    shop: str
    period: str
    meta: list[tuple[str, str]]  # (label, value) under the title
    overview: ReportTable
    charts: list[ReportChart]
    tables: list[ReportTable]
    closing: list[tuple[str, str]]  # (label, value): the event log's head, who printed it
    signatures: tuple[str, ...] = ()  # boxes to sign by hand: 店长 / 日期
    footer: str = ""
    page_label: str = "{page}/{pages}"
    lang: str = "zh"
    extra: dict[str, Any] = field(default_factory=dict)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else str(value)
    return str(value)


def _numeric(value: Any) -> bool:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    text = str(value).replace(",", "").replace("%", "").replace("¥", "").strip()
    text = text.lstrip("+-−").replace(" ", "")
    return bool(text) and text.replace(".", "", 1).isdigit()


class _Styles:
    def __init__(self, font: str) -> None:
        base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=11, textColor=INK)
        self.body = base
        self.small = ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED
        )
        self.title = ParagraphStyle(
            "title", parent=base, fontSize=17, leading=21, textColor=ACCENT, alignment=TA_LEFT
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontSize=10.5, leading=13, textColor=ACCENT, spaceBefore=4
        )
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
        self.head = ParagraphStyle("head", parent=base, fontSize=8, leading=10, textColor=INK)
        self.font = font


def _table(t: ReportTable, st: _Styles, width: float, *, keep: bool = True) -> list[Any]:
    """A titled table; numbers right-aligned; long text wraps inside its column."""
    n = len(t.headers)
    rel = t.widths or (3.0, *([1.0] * (n - 1)))
    total = sum(rel)
    widths = [width * w / total for w in rel]
    right = [(t.align[i : i + 1] or ("l" if i == 0 else "r")) == "r" for i in range(n)]
    head_right = ParagraphStyle("head_r", parent=st.head, alignment=TA_RIGHT)
    cell_right = ParagraphStyle("cell_r", parent=st.cell, alignment=TA_RIGHT)
    data: list[list[Any]] = [
        [Paragraph(escape(h), head_right if right[i] else st.head) for i, h in enumerate(t.headers)]
    ]
    for row in t.rows:
        data.append(
            [
                Paragraph(escape(_cell(v)), cell_right if right[i] else st.cell)
                for i, v in enumerate(row)
            ]
        )
    if not t.rows:
        data.append([Paragraph(escape(t.empty), st.small)] + [""] * (n - 1))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), st.font, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    if not t.rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    head: list[Any] = [Paragraph(escape(t.title), st.h2)]
    if t.note:
        head.append(Paragraph(escape(t.note), st.small))
    head.append(Spacer(1, 1.5 * mm))
    # Keep the title with the first rows; a long table may still continue on the next page.
    if not keep:
        return [*head, table]
    return [KeepTogether([*head, table])] if len(t.rows) <= 18 else [*head, table]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, font: str, size: float, width: float, lines: int = 2) -> str:
    """`text` in at most `lines` lines of `width` points (breaking at spaces, or between
    Chinese characters), cut with an ellipsis only when even that does not hold it."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines:
        if stringWidth(rest, font, size) <= width:
            out.append(rest)
            rest = ""
            break
        cut = len(rest)
        while cut > 1 and stringWidth(rest[:cut], font, size) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and rest[:cut].isascii():
            cut = space
        while cut > 1 and rest[cut : cut + 1] in tuple("）)》」，。、；：！？%"):
            cut -= 1  # closing punctuation never starts a line
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out[-1] = _fit(out[-1] + rest, font, size, width)
    return "\n".join(out)


def _fits(text: str, font: str, size: float, width: float) -> bool:
    """Two lines hold it without an ellipsis, and no word is broken in the middle (an English
    "Complaint" never prints as "Complai / nt")."""
    if "…" in _wrap(text, font, size, width):
        return False
    return all(stringWidth(w, font, size) <= width for w in text.split() if w.isascii())


def _label_size(texts: Sequence[str], font: str, width: float) -> float:
    """The largest size (7 down to 5 pt) at which every label fits in two whole-word lines."""
    for size in (7.0, 6.5, 6.0, 5.5, 5.0):
        if all(_fits(t, font, size, width) for t in texts):
            return size
    return 5.0


def _chart(c: ReportChart, font: str, width: float, height: float = CHART_H) -> Drawing:
    d = Drawing(width, height)
    d.add(String(0, height - 11, c.title, fontName=font, fontSize=9.5, fillColor=ACCENT))
    if not c.labels or not any(any(v) for _n, v in c.series):
        d.add(
            String(
                width / 2,
                height / 2 - 10,
                "—",
                fontName=font,
                fontSize=12,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return d
    if c.kind == "pie":
        _pie(d, c, font, width, height)
    else:
        _bars(d, c, font, width, height)
    return d


def _legend(
    d: Drawing,
    font: str,
    x: float,
    y: float,
    pairs: list[tuple[Any, str]],
    cols: int,
    *,
    size: float = 7.5,
) -> None:
    leg = Legend()
    leg.x, leg.y = x, y
    leg.fontName, leg.fontSize = font, size
    leg.alignment = "right"
    leg.boxAnchor = "nw"
    leg.columnMaximum = cols
    leg.dx = leg.dy = 6
    leg.deltay = 10
    leg.deltax = 60
    leg.colorNamePairs = pairs
    leg.strokeWidth = 0
    d.add(leg)


def _bars(d: Drawing, c: ReportChart, font: str, width: float, height: float) -> None:
    horizontal = c.kind == "hbar"
    chart: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
    two = len(c.series) > 1
    legend_h = 14 if two else 0
    if horizontal:
        label_w = min(width * 0.38, 34 * mm)
        chart.x, chart.y = label_w + 4, 14
        chart.width, chart.height = width - label_w - 14, height - 30 - legend_h
    else:
        chart.x, chart.y = 26, 26
        chart.width, chart.height = width - 34, height - 48 - legend_h
    chart.data = [list(v) for _n, v in c.series]
    slot = chart.width / max(len(c.labels), 1) - 2
    room = label_w - 6 if horizontal else slot
    size = _label_size(c.labels, font, room)  # labels in full: two lines, smaller if need be
    chart.categoryAxis.categoryNames = [_wrap(x, font, size, room) for x in c.labels]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
        axis.strokeColor = GRID
    chart.categoryAxis.labels.fontSize = size
    chart.categoryAxis.labels.leading = size * 1.15
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E6EBF0")
    chart.valueAxis.gridStrokeWidth = 0.4
    top = max(max(v) for _n, v in c.series)
    whole = all(float(x).is_integer() for _n, v in c.series for x in v)
    if whole:  # counts (and whole yuan): ticks on whole numbers, never 1.25 cases
        step = _nice_step(max(top, 1) / 4)
        chart.valueAxis.valueMax = step * max(1, -(-top // step))
        chart.valueAxis.valueStep = step
    else:
        chart.valueAxis.valueMax = _nice_top(top)
        chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    if chart.valueAxis.valueMax >= 1000:
        chart.valueAxis.labelTextFormat = lambda v: f"{v / 1000:g}k" if v else "0"
    elif whole or chart.valueAxis.valueMax <= 8:
        chart.valueAxis.labelTextFormat = "%d"
    if horizontal:
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
        chart.categoryAxis.reverseDirection = True
    else:
        chart.categoryAxis.labels.boxAnchor = "n"
        chart.categoryAxis.labels.dy = -3
    chart.barSpacing = 1
    chart.groupSpacing = 6 if two else 8
    for i, colour in enumerate((THIS, PREVIOUS)[: len(c.series)]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    d.add(chart)
    if two:
        x = 0.0
        for colour, name in ((THIS, c.series[0][0]), (PREVIOUS, c.series[1][0])):
            d.add(Rect(x, height - 26, 7, 7, fillColor=colour, strokeColor=None))
            d.add(String(x + 10, height - 25, name, fontName=font, fontSize=7.5, fillColor=INK))
            x += 18 + stringWidth(name, font, 7.5)


def _nice_step(raw: float) -> int:
    """The whole step (1, 2, 5 × 10^n) at or above `raw`."""
    mag = 1
    while True:
        for m in (1, 2, 5):
            if m * mag >= raw:
                return m * mag
        mag *= 10


def _nice_top(top: float) -> float:
    """A round axis top (1, 2, 2.5, 5 × 10^n) at or above `top`, divisible into 4 steps."""
    if top <= 4:
        return 4
    mag = 10 ** (len(str(int(top))) - 1)
    for m in (1, 2, 2.5, 4, 5, 8, 10):
        if m * mag >= top:
            return m * mag
    return 10 * mag


def _pie(d: Drawing, c: ReportChart, font: str, width: float, height: float) -> None:
    values = list(c.series[0][1])
    pie = Pie()
    size = min(height - 24, width * 0.45)
    pie.x, pie.y = 6, (height - 14 - size) / 2
    pie.width = pie.height = size
    pie.data = values
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    pie.startAngle = 90
    pie.direction = "clockwise"
    for i in range(len(values)):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    d.add(pie)
    total = sum(values) or 1
    room = width - size - 40
    texts = [f"{n}  {v:g} ({100 * v / total:.0f}%)" for n, v in zip(c.labels, values, strict=True)]
    # in full: two lines if need be, and a smaller font before a name is cut
    fs = _label_size(texts, font, room) + 0.5
    pairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), _wrap(t, font, fs, room))
        for i, t in enumerate(texts)
    ]
    _legend(d, font, size + 20, height - 24, pairs, 8, size=fs)


def _side_by_side(left: Any, right: Any, gap: float = GAP) -> Table:
    """Two flowables (or lists of them) in two columns of the page's width."""
    half = (BODY_W - gap) / 2
    t = Table([[left, right]], colWidths=[half + gap, half], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gap),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _chart_rows(charts: Sequence[ReportChart], font: str) -> list[Any]:
    """Charts two by two; each row may go to the next page on its own."""
    half = (BODY_W - GAP) / 2
    out: list[Any] = []
    for i in range(0, len(charts), 2):
        pair = [_chart(c, font, half) for c in charts[i : i + 2]]
        out.append(CondPageBreak(CHART_H + 4 * mm))
        out.append(_side_by_side(pair[0], pair[1] if len(pair) > 1 else ""))
        out.append(Spacer(1, 4 * mm))
    return out


def _tables(tables: Sequence[ReportTable], st: _Styles) -> list[Any]:
    """Full-width tables one under the other; two `half` tables in a row share it."""
    out: list[Any] = []
    half = (BODY_W - GAP) / 2
    i = 0
    while i < len(tables):
        t = tables[i]
        if t.half and i + 1 < len(tables) and tables[i + 1].half:
            left = _table(t, st, half, keep=False)
            right = _table(tables[i + 1], st, half, keep=False)
            out.append(_side_by_side(left, right))
            i += 2
        else:
            out += _table(t, st, BODY_W)
            i += 1
        out.append(Spacer(1, 3 * mm))
    return out


def _pairs(rows: list[tuple[str, str]], st: _Styles, key_w: float) -> Table:
    data = [[Paragraph(escape(k), st.small), Paragraph(escape(v), st.body)] for k, v in rows]
    t = Table(data, colWidths=[key_w, BODY_W - key_w], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return t


def _signature_boxes(labels: Sequence[str], st: _Styles) -> Table:
    w = BODY_W / max(len(labels), 1)
    row = [Paragraph(escape(x), st.body) for x in labels]
    t = Table([row, [""] * len(labels)], colWidths=[w] * len(labels), rowHeights=[15, 14 * mm])
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, GRID),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ]
        )
    )
    return t


def _furniture(doc: ReportDoc, font: str, canvas: rl_canvas.Canvas, page: int, total: int) -> None:
    """Every page's footer (shop, title, page x of y) and, from page 2, a short header."""
    canvas.saveState()
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    y = MARGIN * 0.6
    canvas.line(MARGIN, y + 9, PAGE_W - MARGIN, y + 9)
    canvas.setFont(font, 7)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, y, _short(f"{doc.shop} · {doc.title} {doc.period}", 60))
    canvas.drawCentredString(PAGE_W / 2, y, doc.footer)
    canvas.drawRightString(PAGE_W - MARGIN, y, doc.page_label.format(page=page, pages=total))
    if page > 1:
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN * 0.6, f"{doc.title} {doc.period}")
    canvas.restoreState()


def render_report(doc: ReportDoc, *, font: FontChoice | None = None, author: str = "") -> bytes:
    """The unsigned A4 PDF of a report document."""
    font = font or cjk_font()
    st = _Styles(font.name)
    story: list[Any] = [
        Paragraph(escape(doc.shop), st.small),
        Paragraph(escape(f"{doc.title}  {doc.period}"), st.title),
        Spacer(1, 2 * mm),
        _pairs(doc.meta, st, 30 * mm),
        Spacer(1, 3 * mm),
    ]
    story += _table(doc.overview, st, BODY_W)
    story.append(Spacer(1, 3 * mm))
    story += _chart_rows(doc.charts, font.name)
    story += _tables(doc.tables, st)
    story.append(CondPageBreak(45 * mm))
    closing: list[Any] = [Spacer(1, 2 * mm), _pairs(doc.closing, st, 38 * mm)]
    if doc.signatures:
        closing += [Spacer(1, 4 * mm), _signature_boxes(doc.signatures, st)]
    story.append(KeepTogether(closing))
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{doc.title} {doc.period}",
        author=author or doc.shop,
        creator="AfterDesk",
        subject="report",
    )

    pdf.build(story, canvasmaker=numbered(partial(_furniture, doc, font.name)))
    return buf.getvalue()
