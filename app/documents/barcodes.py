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


def qr_drawing(value: str, size: float, *, level: str = QR_LEVEL) -> Drawing:
    """A square QR drawing `size` points wide encoding `value` (with a small quiet zone)."""
    widget = QrCodeWidget(value, barLevel=level, barBorder=QR_QUIET_MODULES)
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


def code128_drawing(value: str, width: float, height: float) -> Drawing:
    """A Code128 drawing of `value` (with its quiet zones) at most `width` points wide.

    Bars never get thinner than MIN_BAR_PT; a value too long for the width then draws wider
    than asked rather than unreadably thin.
    """
    probe = createBarcodeDrawing(
        "Code128", value=value, barWidth=1, barHeight=height, humanReadable=False, quiet=True
    )
    bar = max(MIN_BAR_PT, width / probe.width)
    drawing = createBarcodeDrawing(
        "Code128", value=value, barWidth=bar, barHeight=height, humanReadable=False, quiet=True
    )
    return drawing
