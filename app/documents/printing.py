"""Printing slips at 100 % scale, and page images for the window's preview.

Windows: the pages are rendered with pypdfium2 at the printer's own resolution and drawn through
the Windows printing API (pywin32), so no PDF viewer is needed. The paper is sized from the
PDF's media box and one PDF point is always 1/72 inch on paper: receipts and labels come out at
their real size, never shrunk to fit. Other systems: CUPS ``lp`` with scaling turned off.
(Careful: CUPS's ``-o scaling=100`` means "fill 100 % of the page", which is fit-to-page; the
100 % option is ``print-scaling=none``.)

Nothing here imports Tk: the preview dialog turns the PIL images into photos itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.errors import DomainError

if TYPE_CHECKING:
    from PIL import Image

#: CUPS options for printing at the document's own size.
CUPS_SCALE_OPTIONS = ("-o", "print-scaling=none", "-o", "fit-to-page=false")
LP_TIMEOUT = 60  # seconds; lp only queues the job
POINTS_PER_INCH = 72
MAX_COPIES = 99
#: Pages at most this wide (mm) are receipts or labels: printed on paper of their own size.
SMALL_FORM_MM = 110


def _is_windows() -> bool:
    return sys.platform == "win32"


def _read(pdf: bytes | Path) -> bytes:
    if isinstance(pdf, bytes | bytearray):
        data = bytes(pdf)
    else:
        try:
            data = Path(pdf).read_bytes()
        except OSError as exc:
            raise DomainError(
                "file_unreadable", file=str(pdf), error=exc.strerror or str(exc)
            ) from exc
    if b"%PDF-" not in data[:1024]:
        raise DomainError("not_a_pdf")
    return data


def _open(data: bytes) -> Any:
    """The PDF as a pypdfium2 document with at least one page (DomainError pdf_damaged)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DomainError("pdf_damaged", error=str(exc)) from exc
    if len(doc) == 0:
        doc.close()
        raise DomainError("pdf_damaged", error="no pages")
    return doc


# --- preview ---------------------------------------------------------------------------------


def render_pages(pdf: bytes | Path, *, dpi: int = 96) -> list[Image.Image]:
    """Every page as an RGB image at `dpi` (A5 at 96 dpi ≈ 559 × 794 pixels)."""
    doc = _open(_read(pdf))
    try:
        scale = dpi / POINTS_PER_INCH
        return [page.render(scale=scale).to_pil().convert("RGB") for page in doc]
    finally:
        doc.close()


def page_sizes_mm(pdf: bytes | Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in millimetres, from its media box."""
    doc = _open(_read(pdf))
    try:
        return [
            (w * 25.4 / POINTS_PER_INCH, h * 25.4 / POINTS_PER_INCH)
            for w, h in (page.get_size() for page in doc)
        ]
    finally:
        doc.close()


# --- printers --------------------------------------------------------------------------------


def _cups(*args: str) -> str:
    """Run a CUPS client tool in the C locale (its output is parsed); "" when it is missing."""
    exe = shutil.which(args[0])
    if exe is None:
        return ""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run(  # noqa: S603 - fixed tool, arguments passed as a list
            [exe, *args[1:]], capture_output=True, text=True, timeout=LP_TIMEOUT, env=env
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout


def list_printers() -> list[str]:
    """The printers this computer can print to (names as the system knows them)."""
    if _is_windows():
        import win32print

        flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
        return sorted({str(p[2]) for p in win32print.EnumPrinters(flags, None, 1)})
    return sorted({line.strip() for line in _cups("lpstat", "-e").splitlines() if line.strip()})


def default_printer() -> str | None:
    """The system's default printer, or None when there is none."""
    if _is_windows():
        import win32print

        try:
            return str(win32print.GetDefaultPrinter()) or None
        except Exception:  # noqa: BLE001 - pywin32 raises pywintypes.error: no default
            return None
    env = os.environ.get("LPDEST") or os.environ.get("PRINTER")
    if env:
        return env
    match = re.search(r"system default destination:\s*(\S+)", _cups("lpstat", "-d"))
    return match.group(1) if match else None


def _choose(printer: str | None) -> str:
    name = (printer or "").strip() or default_printer()
    if not name:
        raise DomainError("no_printer")
    if name not in list_printers():
        raise DomainError("printer_unavailable", printer=name)
    return name


def print_pdf(pdf: bytes | Path, printer: str | None, *, copies: int = 1, title: str = "") -> str:
    """Send a PDF to `printer` (None or "": the default) at 100 % scale; returns the job id."""
    data = _read(pdf)
    if not 1 <= int(copies) <= MAX_COPIES:
        raise DomainError("out_of_range", field="copies", min=1, max=MAX_COPIES)
    name = _choose(printer)
    title = (title or "AfterDesk").replace("\n", " ")[:100]
    if _is_windows():
        return _print_windows(data, name, int(copies), title)
    return _print_cups(data, name, int(copies), title)


def cups_media_options(size_mm: tuple[float, float]) -> list[str]:
    """Receipts and labels ask for paper of their own size (roll and label printers take
    custom sizes); without it CUPS centres them on the printer's default page. Larger forms
    print at 100 % on the paper that is loaded, centred."""
    width, height = size_mm
    if width > SMALL_FORM_MM:
        return []
    return ["-o", f"media=Custom.{width:.0f}x{height:.0f}mm"]


def _print_cups(data: bytes, printer: str, copies: int, title: str) -> str:
    exe = shutil.which("lp")
    if exe is None:
        raise DomainError("print_failed", printer=printer, error="lp (CUPS) is not installed")
    options = [*CUPS_SCALE_OPTIONS, *cups_media_options(page_sizes_mm(data)[0])]
    cmd = [exe, "-d", printer, "-n", str(copies), "-t", title, *options, "--", "-"]
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        done = subprocess.run(  # noqa: S603 - fixed tool, arguments passed as a list
            cmd, input=data, capture_output=True, timeout=LP_TIMEOUT, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DomainError("print_failed", printer=printer, error=str(exc)) from exc
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip() or out.strip()
        raise DomainError(
            "print_failed", printer=printer, error=err.splitlines()[-1] if err else ""
        )
    match = re.search(r"request id is (\S+)", out)
    return match.group(1) if match else out.strip()


# --- Windows ---------------------------------------------------------------------------------

DMPAPER_USER = 256
DMORIENT_PORTRAIT = 1
TENTHS_MM_PER_POINT = 254 / POINTS_PER_INCH


def paper_tenths_mm(width_pt: float, height_pt: float) -> tuple[int, int]:
    """A page's size in the unit DEVMODE wants (tenths of a millimetre)."""
    return round(width_pt * TENTHS_MM_PER_POINT), round(height_pt * TENTHS_MM_PER_POINT)


def device_rect(
    width_pt: float, height_pt: float, dpi: tuple[int, int], offset: tuple[int, int]
) -> tuple[int, int, int, int]:
    """Where a page goes in device pixels at 100 %: the page's corner on the paper's corner
    (the printable area starts `offset` pixels in, so the origin moves back by that much)."""
    left, top = -offset[0], -offset[1]
    right = left + round(width_pt * dpi[0] / POINTS_PER_INCH)
    bottom = top + round(height_pt * dpi[1] / POINTS_PER_INCH)
    return left, top, right, bottom


def _devmode_for(printer: str, width_pt: float, height_pt: float) -> Any:
    import win32con
    import win32print

    try:
        handle = win32print.OpenPrinter(printer)
    except Exception as exc:  # noqa: BLE001 - pywintypes.error: gone, offline, no access
        raise DomainError("printer_unavailable", printer=printer) from exc
    try:
        devmode = win32print.GetPrinter(handle, 2)["pDevMode"]
    finally:
        win32print.ClosePrinter(handle)
    if devmode is not None:
        width, length = paper_tenths_mm(width_pt, height_pt)
        devmode.PaperSize = DMPAPER_USER
        devmode.PaperWidth = width
        devmode.PaperLength = length
        devmode.Orientation = DMORIENT_PORTRAIT
        devmode.Copies = 1
        devmode.Fields |= (
            win32con.DM_PAPERSIZE
            | win32con.DM_PAPERWIDTH
            | win32con.DM_PAPERLENGTH
            | win32con.DM_ORIENTATION
            | win32con.DM_COPIES
        )
    return devmode


def _print_windows(data: bytes, printer: str, copies: int, title: str) -> str:
    """Render each page at the printer's resolution and draw it at 100 % (GDI)."""
    import win32con
    import win32gui
    import win32ui
    from PIL import ImageWin

    doc = _open(data)
    try:
        sizes = [page.get_size() for page in doc]
        devmode = _devmode_for(printer, *sizes[0])
        try:
            dc = win32ui.CreateDCFromHandle(win32gui.CreateDC("WINSPOOL", printer, devmode))
        except Exception as exc:  # noqa: BLE001 - pywintypes.error
            raise DomainError("printer_unavailable", printer=printer) from exc
        try:
            dpi = (dc.GetDeviceCaps(win32con.LOGPIXELSX), dc.GetDeviceCaps(win32con.LOGPIXELSY))
            offset = (
                dc.GetDeviceCaps(win32con.PHYSICALOFFSETX),
                dc.GetDeviceCaps(win32con.PHYSICALOFFSETY),
            )
            job = dc.StartDoc(title)
        except Exception as exc:  # noqa: BLE001 - pywintypes.error / win32ui.error
            dc.DeleteDC()
            raise DomainError("print_failed", printer=printer, error=str(exc)) from exc
        try:
            for _copy in range(copies):
                for page, (w, h) in zip(doc, sizes, strict=True):
                    image = page.render(scale=max(dpi) / POINTS_PER_INCH).to_pil().convert("RGB")
                    dc.StartPage()
                    ImageWin.Dib(image).draw(dc.GetHandleOutput(), device_rect(w, h, dpi, offset))
                    dc.EndPage()
            dc.EndDoc()
        except Exception as exc:  # noqa: BLE001 - pywintypes.error / win32ui.error
            dc.AbortDoc()
            raise DomainError("print_failed", printer=printer, error=str(exc)) from exc
        finally:
            dc.DeleteDC()
    finally:
        doc.close()
    return f"{printer}-{job}"
