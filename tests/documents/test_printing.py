"""Printing and preview: pages rendered with pypdfium2, jobs through the real CUPS queue at 100 %.

The CUPS tests need AFTERDESK_TEST_PRINTER (a cups-pdf queue) and AFTERDESK_TEST_CUPS_OUT (where
its jobs land); CI sets both. They read the job's output back with poppler's pdftotext -bbox
and compare word positions with the input's: at 100 % scale the words keep their size.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from app.documents import printing
from app.domain.errors import DomainError

PRINTER = os.environ.get("AFTERDESK_TEST_PRINTER", "")
CUPS_OUT = os.environ.get("AFTERDESK_TEST_CUPS_OUT", "")
needs_cups = pytest.mark.skipif(
    not (PRINTER and CUPS_OUT and shutil.which("lp") and shutil.which("pdftotext")),
    reason="needs AFTERDESK_TEST_PRINTER and AFTERDESK_TEST_CUPS_OUT (a cups-pdf queue), "
    "lp and pdftotext",
)
RECEIPT = (80 * mm, 150 * mm)


def pdf(text: str, size: tuple[float, float] = A5, pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    for n in range(pages):
        c.setFont("Helvetica", 12)
        c.drawString(10 * mm, size[1] - 20 * mm, f"{text} p{n + 1}")
        c.rect(5 * mm, 5 * mm, size[0] - 10 * mm, 10 * mm)
        c.showPage()
    c.save()
    return buf.getvalue()


# --- preview ---------------------------------------------------------------------------------


def test_render_pages_gives_one_image_per_page_at_the_asked_dpi() -> None:
    pages = printing.render_pages(pdf("preview", pages=2))
    assert len(pages) == 2
    w, h = pages[0].size
    assert abs(w - 559) <= 1 and abs(h - 794) <= 1  # A5 at 96 dpi
    assert pages[0].mode == "RGB"
    w72, h72 = printing.render_pages(pdf("x"), dpi=72)[0].size
    assert abs(w72 - 420) <= 1 and abs(h72 - 595) <= 1
    label = printing.render_pages(pdf("x", (50 * mm, 30 * mm)), dpi=203)[0]
    assert abs(label.size[0] - 400) <= 1 and abs(label.size[1] - 240) <= 1
    # something was drawn: the page is not blank white
    assert pages[0].convert("L").getextrema()[0] < 128


def test_render_pages_from_a_file_and_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "slip.pdf"
    f.write_bytes(pdf("file"))
    assert len(printing.render_pages(f)) == 1
    for data, code in ((b"hello", "not_a_pdf"), (b"%PDF-1.4\nbroken", "pdf_damaged")):
        with pytest.raises(DomainError) as info:
            printing.render_pages(data)
        assert info.value.code == code
    with pytest.raises(DomainError) as info:
        printing.render_pages(tmp_path / "missing.pdf")
    assert info.value.code == "file_unreadable"


def test_page_sizes_in_mm() -> None:
    ((w, h),) = printing.page_sizes_mm(pdf("x", RECEIPT))
    assert round(w) == 80 and round(h) == 150


# --- 100 % scale arithmetic (CUPS options and the Windows path) --------------------------------


def test_receipts_and_labels_ask_for_their_own_paper_size() -> None:
    assert printing.cups_media_options((80.0, 150.0)) == ["-o", "media=Custom.80x150mm"]
    assert printing.cups_media_options((50.0, 30.0)) == ["-o", "media=Custom.50x30mm"]
    assert printing.cups_media_options((148.0, 210.0)) == []  # A5: the loaded paper, centred
    assert "print-scaling=none" in printing.CUPS_SCALE_OPTIONS
    assert not any(o == "scaling=100" for o in printing.CUPS_SCALE_OPTIONS)  # = fit to page


def test_windows_page_geometry_is_100_percent() -> None:
    assert printing.paper_tenths_mm(*A5) == (1480, 2100)
    assert printing.paper_tenths_mm(*RECEIPT) == (800, 1500)
    # an 80 mm receipt on a 203 dpi printer whose printable area starts 12 px in
    left, top, right, bottom = printing.device_rect(*RECEIPT, (203, 203), (12, 0))
    assert (left, top) == (-12, 0)
    assert right - left == round(80 / 25.4 * 203) and bottom - top == round(150 / 25.4 * 203)


# --- printers --------------------------------------------------------------------------------


def test_no_print_system_means_no_printer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    monkeypatch.delenv("PRINTER", raising=False)
    monkeypatch.delenv("LPDEST", raising=False)
    assert printing.list_printers() == []
    assert printing.default_printer() is None
    with pytest.raises(DomainError) as info:
        printing.print_pdf(pdf("x"), None)
    assert info.value.code == "no_printer"


def test_bad_requests_are_refused_before_printing() -> None:
    with pytest.raises(DomainError) as info:
        printing.print_pdf(b"not a pdf", "anything")
    assert info.value.code == "not_a_pdf"
    with pytest.raises(DomainError) as info:
        printing.print_pdf(pdf("x"), "anything", copies=0)
    assert info.value.code == "out_of_range"


@needs_cups
def test_the_test_printer_is_listed() -> None:
    assert PRINTER in printing.list_printers()


@needs_cups
def test_unknown_printer_is_unavailable() -> None:
    with pytest.raises(DomainError) as info:
        printing.print_pdf(pdf("x"), "No-Such-Printer-" + uuid.uuid4().hex[:6])
    assert info.value.code == "printer_unavailable"


def _job_output(job: str, timeout: float = 30.0) -> Path:
    """The cups-pdf output file of a job ("Queue-12" → "…job_12.pdf"), polled for."""
    number = job.rsplit("-", 1)[-1]
    pattern = re.compile(rf"job_{number}\.pdf$")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for f in Path(CUPS_OUT).glob("*.pdf"):
            if pattern.search(f.name) and f.stat().st_size > 0:
                time.sleep(0.3)  # let cups-pdf finish writing
                return f
        time.sleep(0.25)
    raise AssertionError(f"job {job}: no output in {CUPS_OUT} after {timeout} s")


def _words(path: Path) -> tuple[tuple[float, float], dict[str, tuple[float, float, float, float]]]:
    """(page width, height) and each word's box in points, read by poppler."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert page is not None
    words = {
        m.group(5): tuple(float(m.group(i)) for i in range(1, 5))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
            html,
        )
    }
    return (float(page.group(1)), float(page.group(2))), words


@needs_cups
@pytest.mark.parametrize("size", [A5, RECEIPT], ids=["a5", "receipt-80mm"])
def test_a_slip_prints_through_the_real_queue_at_100_percent(
    tmp_path: Path, size: tuple[float, float]
) -> None:
    token = "AD" + uuid.uuid4().hex[:10].upper()
    src = tmp_path / "slip.pdf"
    src.write_bytes(pdf(token, size))
    job = printing.print_pdf(src, PRINTER, title=f"test {token}")
    assert re.fullmatch(rf"{re.escape(PRINTER)}-\d+", job), job
    out = _job_output(job)
    (_w0, _h0), want = _words(src)
    (w1, h1), got = _words(out)
    assert token in got, sorted(got)
    x0, y0, x1, y1 = want[token]
    gx0, gy0, gx1, gy1 = got[token]
    assert abs((gx1 - gx0) - (x1 - x0)) < 0.5 and abs((gy1 - gy0) - (y1 - y0)) < 0.5  # 100 %
    if size == RECEIPT:  # on paper of its own size, at the same place
        assert abs(w1 - size[0]) < 2 and abs(h1 - size[1]) < 2
        assert abs(gx0 - x0) < 1.5 and abs(gy0 - y0) < 1.5
