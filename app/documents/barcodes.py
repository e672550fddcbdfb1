"""QR and Code128 as reportlab vector drawings, drawn straight into the PDF (no bitmaps).

Vectors stay sharp on any printer; a scanner at the desk reads the record's number back
(`services.records.find_case` accepts every number series).
"""

from __future__ import annotations

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

QR_LEVEL = "M"  # 15 % of the symbol may be damaged and it still reads
QR_QUIET_MODULES = 2  # light margin around the symbol, in modules
MIN_BAR_PT = 0.5  # thinner bars do not survive a 203 dpi label printer
THERMAL_DPI = 203  # receipt and label printers: 8 dots per mm
MIN_DOTS = 2  # a module of at least 2 printer dots (0.25 mm at 203 dpi)


def dot_pt(dpi: int = THERMAL_DPI) -> float:
    """One printer dot in points."""
    return 72.0 / dpi


def _snap(module: float, dpi: int | None) -> float:
    """A module width on whole printer dots (at least MIN_DOTS), or as asked without a dpi."""
    if dpi is None:
        return module
    dot = dot_pt(dpi)
    return max(MIN_DOTS, int(module / dot + 1e-6)) * dot


def qr_drawing(
    value: str, size: float, *, level: str = QR_LEVEL, dpi: int | None = None
) -> Drawing:
    """A square QR drawing about `size` points wide encoding `value` (with a small quiet zone).

    With a printer's `dpi` (thermal) every module is a whole number of dots, at least two, so
    the printed squares stay square and a scanner reads them.
    """
    widget = QrCodeWidget(value, barLevel=level, barBorder=QR_QUIET_MODULES)
    if dpi is not None:
        n = len(qr_matrix(value, level=level)) + 2 * QR_QUIET_MODULES
        size = _snap(size / n, dpi) * n
    widget.barWidth = widget.barHeight = size
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing


def qr_matrix(value: str, *, level: str = QR_LEVEL) -> list[list[bool]]:
    """The dark/light modules reportlab encodes for `value` (row by row, no quiet zone)."""
    widget = QrCodeWidget(value, barLevel=level)
    qr = widget.qr
    qr.make()
    n = qr.getModuleCount()
    return [[bool(qr.isDark(r, c)) for c in range(n)] for r in range(n)]


def code128_drawing(value: str, width: float, height: float, *, dpi: int | None = None) -> Drawing:
    """A Code128 drawing of `value` (with its quiet zones) at most `width` points wide.

    Bars never get thinner than MIN_BAR_PT; a value too long for the width then draws wider
    than asked rather than unreadably thin. With a printer's `dpi` (thermal) every module is a
    whole number of dots, at least two (0.25 mm at 203 dpi); when the quiet zones do not fit
    beside the bars they shrink (the blank edge of the label or roll is the rest of them).
    """
    probe = createBarcodeDrawing(
        "Code128", value=value, barWidth=1, barHeight=height, humanReadable=False, quiet=True
    )
    bar = max(MIN_BAR_PT, width / probe.width)
    if dpi is None:
        return createBarcodeDrawing(
            "Code128", value=value, barWidth=bar, barHeight=height, humanReadable=False, quiet=True
        )
    bare = createBarcodeDrawing(
        "Code128", value=value, barWidth=1, barHeight=height, humanReadable=False, quiet=False
    )
    bar = _snap(max(bar, width / probe.width), dpi)
    if bare.width * bar > width:  # the bars alone use the width: keep 2 dots, no quiet zone
        bar = _snap(0, dpi)
    drawing = createBarcodeDrawing(
        "Code128", value=value, barWidth=bar, barHeight=height, humanReadable=False, quiet=False
    )
    quiet = max(0.0, min(10 * bar, (width - drawing.width) / 2))
    framed = Drawing(drawing.width + 2 * quiet, height)
    drawing.translate(quiet, 0)
    framed.add(drawing)
    return framed
