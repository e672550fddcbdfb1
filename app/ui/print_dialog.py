"""Print a made document with a choice of printer and a preview (the monthly summary).

Slips of records are printed from the Print tab; a document that is not a slip of one record
(the monthly summary) gets the same things in a small dialog: its pages, the printer remembered
for it (else the system's default), copies, Print, and Save as PDF… as a separate button.
Printing runs on the worker thread; the status bar says what really happened.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk
from PIL import Image, ImageTk

from app import paths
from app.documents import printing
from app.i18n import N_, _
from app.services.shop.print_prefs import remember_printer, remembered_printer
from app.ui.desk import Desk
from app.ui.dialogs import place_over
from app.ui.widgets.combo import Combobox

DEFAULT_PRINTER = N_("System default printer")
PREVIEW_WIDTH = 430


class PrintDialog(ttk.Toplevel):
    """`pdf` is the signed document; `form` the settings key its printer is remembered under."""

    def __init__(
        self,
        master: tk.Misc,
        desk: Desk,
        *,
        title: str,
        pdf: bytes,
        form: str,
        file_name: str,
        pages: list[Image.Image] | None = None,
        on_printed: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(title=title, transient=master.winfo_toplevel(), master=master)
        self.desk = desk
        self.pdf = pdf
        self.form = form
        self.file_name = file_name
        self.on_printed = on_printed
        self.outcome: str | None = None  # "printed" / "failed", for the caller and tests
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        bar = ttk.Frame(body)
        bar.pack(side="bottom", fill="x", pady=(10, 0))  # first: never pushed off a small screen
        ttk.Label(bar, text=_("Printer")).pack(side="left")
        printers = self._printers()
        self.printer_var = tk.StringVar(self)
        self.printer_box = Combobox(
            bar,
            textvariable=self.printer_var,
            values=[_(DEFAULT_PRINTER), *printers],
            state="readonly",
            width=26,
        )
        self.printer_box.pack(side="left", padx=(6, 10))
        remembered = remembered_printer(desk.ctx, form)
        self.printer_var.set(remembered or _(DEFAULT_PRINTER))
        ttk.Label(bar, text=_("Copies")).pack(side="left")
        self.copies_var = tk.StringVar(self, value="1")
        ttk.Spinbox(bar, from_=1, to=20, width=4, textvariable=self.copies_var).pack(
            side="left", padx=(6, 10)
        )
        self.close_button = ttk.Button(
            bar, text=_("Close"), bootstyle="secondary-outline", command=self.destroy
        )
        self.close_button.pack(side="right")
        self.save_button = ttk.Button(
            bar, text=_("Save as PDF…"), bootstyle="secondary-outline", command=self.ask_save
        )
        self.save_button.pack(side="right", padx=(0, 8))
        self.print_button = ttk.Button(
            bar, text=_("Print (Ctrl+P)"), bootstyle="primary", command=self.print_now
        )
        self.print_button.pack(side="right", padx=(0, 8))
        self.canvas = tk.Canvas(body, width=PREVIEW_WIDTH + 20, height=460, highlightthickness=0)
        scroll = ttk.Scrollbar(body, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=scroll.set, background="#8a8f98")
        scroll.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self._photos: list[ImageTk.PhotoImage] = []
        self.show_pages(pages if pages is not None else printing.render_pages(pdf, dpi=50))
        self.bind("<Control-p>", lambda _e: self.print_now() or "break")
        self.bind("<Escape>", lambda _e: self.destroy())
        place_over(self, self.print_button)

    def _printers(self) -> list[str]:
        got = self.desk.read(lambda _ctx: printing.list_printers())
        return list(got.value) if got.ok else []

    def show_pages(self, pages: list[Image.Image]) -> None:
        self.canvas.delete("all")
        self._photos = []
        y = 10
        for page in pages:
            scale = PREVIEW_WIDTH / max(page.width, 1)
            img = page.resize((PREVIEW_WIDTH, max(1, round(page.height * scale))))
            photo = ImageTk.PhotoImage(img, master=self)
            self._photos.append(photo)
            self.canvas.create_image(10, y, image=photo, anchor="nw")
            y += img.height + 10
        self.canvas.configure(scrollregion=(0, 0, PREVIEW_WIDTH + 20, y))
        self.page_count = len(pages)

    @property
    def printer(self) -> str:
        value = self.printer_var.get()
        return "" if value == _(DEFAULT_PRINTER) else value

    def _copies(self) -> int:
        try:
            return min(max(int(self.copies_var.get()), 1), 20)
        except ValueError:
            return 1

    def print_now(self) -> None:
        """Send to the chosen printer on the worker; remember it once the job was accepted."""
        ctx, printer, copies, pdf = self.desk.ctx, self.printer, self._copies(), self.pdf
        self.print_button.configure(state="disabled")

        def work(_progress: Any) -> tuple[str, Any]:
            name = printer or printing.default_printer() or ""
            printing.print_pdf(pdf, name or None, copies=copies, title=self.file_name)
            return name, remember_printer(ctx, self.form, printer)

        def done(result: tuple[str, Any]) -> None:
            name, settings = result
            self.outcome = "printed"
            if settings != self.desk.ctx.settings:
                self.desk.with_settings(settings)
            self.desk.notify(_("Sent to the printer {printer}.").format(printer=name), "success")
            if self.on_printed is not None:
                self.on_printed(name)
            if self.winfo_exists():
                self.destroy()

        def failed(_exc: BaseException) -> None:
            self.outcome = "failed"  # the reason is in the status bar; the dialog stays open
            if self.winfo_exists():
                self.print_button.configure(state="normal")

        self.desk.run_long("print_dialog", work, done, on_error=failed)

    def ask_save(self) -> None:
        out = filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=".pdf",
            initialfile=self.file_name,
            filetypes=[(_("PDF files"), "*.pdf")],
        )
        if out:
            self.save_to(Path(out))

    def save_to(self, out: Path) -> Path:
        from app.services.paper.exports import write_atomic

        write_atomic(out, self.pdf)
        self.desk.notify(_("Saved {file}.").format(file=out), "success")
        return out
