"""The one page-numbering canvas (app/documents/paging.py) that slips and the report both use."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from app.documents import render, report_pdf
from app.documents.paging import NumberedCanvas, numbered


def test_every_page_gets_its_number_and_the_total() -> None:
    seen: list[tuple[int, int]] = []

    def footer(canvas: rl_canvas.Canvas, page: int, total: int) -> None:
        assert isinstance(canvas, NumberedCanvas)
        seen.append((page, total))
        canvas.drawString(20, 20, f"{page} / {total}")

    body = getSampleStyleSheet()["Normal"]
    story = [Paragraph("one", body), PageBreak(), Paragraph("two", body), PageBreak()]
    story.append(Paragraph("three", body))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A6).build(story, canvasmaker=numbered(footer))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert len(pdfium.PdfDocument(buf.getvalue())) == 3


def test_slips_and_the_report_have_no_canvas_of_their_own() -> None:
    for module in (render, report_pdf):
        canvases = [
            name
            for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, rl_canvas.Canvas)
        ]
        assert canvases == [], module.__name__
