"""打印: pick a form and a record (or a blank form), preview the pages, print, save, verify.

Every printed or saved slip is made by `services.documents.make_slip` (printing through
`print_slip`, which logs "printed" only when the printer took the job): rendered, signed with the
shop's certificate and kept in the data folder. The preview shows the same pages (rendered with
pypdfium2) before anything is signed. Rendering, signing and printing run in a worker thread so
the counter never freezes; the printer chosen for a form type is remembered for the next time.
"""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk
from PIL import Image, ImageTk

from app import i18n, paths
from app.documents import printing
from app.domain.errors import DomainError
from app.i18n import N_, _
from app.i18n.labels import FORM_NAMES, KINDS, STATUSES, label
from app.i18n.messages import describe
from app.services.casework.search import search
from app.services.paper.form_names import BLANK_FORMS, FORMS, form_kinds
from app.services.shop.print_prefs import remember_printer, remembered_printer
from app.ui.desk import Desk
from app.ui.widgets.combo import Combobox
from app.ui.worker import Latest

FORM_LABELS: dict[str, str] = FORM_NAMES
LANGS = (("zh", N_("Chinese")), ("en", N_("English")))
DEFAULT_PRINTER = N_("System default printer")
PREVIEW_DPI = 150
MAX_UPSCALE = 2.5  # a 50 mm label is not blown up to a poster
PAGE_GAP = 18
HITS = 6
LABEL_WIDTH = 110  # the label column of every box, so the fields line up


def _print_checks(ctx: Any, form: str, font: bool) -> tuple[str | None, Any, str | None]:
    """(font problem, or "?" when not asked; shop details `form` would print empty; the
    certificate's end): the Print tab's warnings, read off the window's thread."""
    from app.services.paper.certificates import certificate_warning
    from app.services.paper.documents import font_warning, missing_shop_details

    return (
        font_warning(ctx) if font else "?",
        missing_shop_details(ctx, form),
        certificate_warning(ctx),
    )


class PrintingTab(ttk.Frame):
    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(10, 8))
        self.desk = desk
        self.pages: list[Image.Image] = []  # the previewed pages, full resolution
        self.photos: list[ImageTk.PhotoImage] = []  # what the canvas shows (kept alive)
        self.pdf: bytes | None = None
        self.last_slip: Any = None
        self.verdict: Any = None
        self._hits: list[Any] = []
        self.finder = Latest(self, "print-find")  # the record search as the clerk types
        self._asked: str | None = None  # the text of the newest search asked
        self._resize_job: str | None = None
        self.printers = self._printer_names()
        self.font_note = ttk.Label(self, bootstyle="@danger", padding=(10, 6), wraplength=1100)
        # the shop's address, hotline … this form prints but that are still empty
        self.blanks_note = ttk.Label(self, bootstyle="warning", padding=(10, 4), wraplength=1100)
        # Finding the font reads a 5 MB file: done when the tab is first shown, not at start,
        # and like the empty shop details and the certificate's end, on the tab's reader thread.
        self._font_checked = False
        self.checks = Latest(self, "print-checks")
        desk.on("context", lambda _ctx: self._check_later())
        left = ttk.Frame(self, width=380)
        left.pack(side="left", fill="y", padx=(0, 12))
        self._build_choice(left)
        self._build_printer(left)
        self._build_verify(left)
        self._build_preview()
        self.set_form("intake")

    def on_shown(self) -> None:
        if not self._font_checked:
            self._font_checked = True
            self._check_later()

    def _check_later(self) -> None:
        """The warnings above the form (no Chinese font, shop details this form would print
        empty, the certificate near its end), read on the reader thread; shown on arrival."""
        if not self.winfo_exists():
            return
        form, font = self.form, self._font_checked
        self.desk.read_later(
            self.checks, _print_checks, form, font, then=lambda got: self._checked(form, *got)
        )

    def _checked(self, form: str, font: str | None, missing: Any, expiring: str | None) -> None:
        if not self.winfo_exists():
            return
        if self._font_checked and font != "?":
            self._show_font_note(font)
        if form == self.form:
            self._show_blanks_note(missing, expiring)

    def show_font_warning(self) -> str:
        """A visible line when no Chinese TrueType font was found (slips would print badly)."""
        from app.services.paper.documents import font_warning

        got = self.desk.read(font_warning)
        return self._show_font_note(got.value if got.ok else None)

    def _show_font_note(self, code: str | None) -> str:
        from app.domain.errors import DomainError
        from app.i18n.messages import describe

        if code:
            self.font_note.configure(text=describe(DomainError(code)))
            first = [w for w in self.pack_slaves() if w is not self.font_note]
            where = {"before": first[0]} if first else {}
            self.font_note.pack(side="top", fill="x", pady=(0, 8), **where)
            return str(self.font_note.cget("text"))
        self.font_note.pack_forget()
        return ""

    # --- building --------------------------------------------------------------------------

    def _section(self, master: tk.Misc, title: str) -> ttk.Labelframe:
        box = ttk.Labelframe(master, text=title, padding=(10, 6, 10, 10))
        box.pack(fill="x", pady=(0, 10))
        box.columnconfigure(0, minsize=LABEL_WIDTH)
        box.columnconfigure(1, weight=1)
        return box

    def _build_choice(self, master: tk.Misc) -> None:
        box = self._section(master, _("What to print"))
        ttk.Label(box, text=_("Form")).grid(row=0, column=0, sticky="w", pady=4, padx=(0, 8))
        self.form_var = tk.StringVar(self)
        self.form_box = Combobox(
            box,
            textvariable=self.form_var,
            state="readonly",
            width=30,
            values=[_(FORM_LABELS.get(code, code)) for code in FORMS],
        )
        self.form_box.grid(row=0, column=1, sticky="we", pady=4)
        self.form_box.bind("<<ComboboxSelected>>", lambda _e: self._form_changed())

        ttk.Label(box, text=_("Record number")).grid(
            row=1, column=0, sticky="w", pady=4, padx=(0, 8)
        )
        self.number_var = tk.StringVar(self)
        self.number_entry = ttk.Entry(box, textvariable=self.number_var, width=30)
        self.number_entry.grid(row=1, column=1, sticky="we", pady=4)
        self.number_entry.bind("<KeyRelease>", self._typed, add="+")
        self.number_entry.bind("<Return>", lambda _e: self.preview())
        self.number_entry.takes_scans = True  # type: ignore[attr-defined]  # a scan picks it here
        self.number_entry.bind("<Down>", lambda _e: self._focus_hits())
        self.hint = ttk.Label(
            box,
            text=_("Number, name, phone or IMEI; pick from the list."),
            bootstyle="secondary",
            font=("TkDefaultFont", 8),
        )
        self.hint.grid(row=2, column=1, sticky="w")
        self.hit_list = tk.Listbox(
            box,
            height=HITS,
            activestyle="none",
            exportselection=False,
            relief="flat",
            borderwidth=0,
            highlightthickness=1,
            font="TkDefaultFont",
        )
        self._style_hits()
        self.desk.on("theme", lambda _mode: self._style_hits())
        self.hit_list.grid(row=3, column=0, columnspan=2, sticky="we", pady=(4, 2))
        self.hit_list.bind("<<ListboxSelect>>", lambda _e: self._hit_chosen())
        self.hit_list.bind("<Return>", lambda _e: (self._hit_chosen(), self.preview()))

        self.blank_var = tk.BooleanVar(self, value=False)
        self.blank_check = ttk.Checkbutton(
            box,
            text=_("Blank form, to fill in by hand"),
            variable=self.blank_var,
            command=self._blank_changed,
        )
        self.blank_check.grid(row=4, column=0, columnspan=2, sticky="w", pady=(6, 2))

        ttk.Label(box, text=_("Language")).grid(row=5, column=0, sticky="w", pady=4)
        langs = ttk.Frame(box)
        langs.grid(row=5, column=1, sticky="w")
        # the shop's slip language, not the window's (a setting; the radio changes one print)
        self.lang_var = tk.StringVar(self, value=self.desk.ctx.settings.printing.slip_language)
        for code, text in LANGS:
            ttk.Radiobutton(langs, text=_(text), value=code, variable=self.lang_var).pack(
                side="left", padx=(0, 12)
            )
        self.preview_button = ttk.Button(
            box, text=_("Preview"), bootstyle="primary-outline", command=self.preview
        )
        self.preview_button.grid(row=6, column=0, sticky="we", pady=(8, 0))
        self.sale_button = ttk.Button(
            box,
            text=_("Register a sale… (warranty card)"),
            bootstyle="secondary-outline",
            command=self.register_sale,
        )
        self.sale_button.grid(row=6, column=1, sticky="we", pady=(8, 0), padx=(6, 0))

    def register_sale(self) -> Any:
        """A sale at the counter without a case: then its warranty card is ready to preview."""
        from app.i18n.labels import CATEGORIES
        from app.services.casework.sales import register_sale
        from app.ui.dialogs import FormDialog
        from app.ui.widgets.fields import Field

        fields = [
            Field("customer", N_("Customer"), required=True, width=20),
            Field("phone", N_("Phone"), required=True, width=20),
            Field("product", N_("Product"), required=True, width=30, span=True),
            Field("model_spec", N_("Model/spec"), width=20),
            Field(
                "category",
                N_("Category"),
                kind="choice",
                choices=list(CATEGORIES.items()),
                default="phone",
            ),
            Field("serial", N_("IMEI/serial"), width=20),
            Field(
                "sale_date", N_("Sale date"), width=14, default=self.desk.ctx.today().isoformat()
            ),
            Field("price", N_("Price"), width=12),
            Field("invoice_no", N_("Invoice no."), width=20),
        ]

        def submit(values: dict[str, Any], form: Any) -> Any:
            got = self.desk.call(
                register_sale,
                form=form,
                done=_("Sale registered: its warranty card is ready to print."),
                **values,
            )
            if got.ok:
                self.set_form("warranty-card")
                self.set_number(got.value.card_key)
            return got

        self.sale_dialog = FormDialog(
            self,
            _("Register a sale"),
            fields,
            submit,
            intro=_(
                "A phone or an accessory sold at the counter gets its warranty card now, "
                "without an after-sales case. The card is found again by the IMEI or invoice."
            ),
            ok_text=_("Register"),
            columns=2,
        )
        return self.sale_dialog

    def _build_printer(self, master: tk.Misc) -> None:
        box = self._section(master, _("Print"))
        ttk.Label(box, text=_("Printer")).grid(row=0, column=0, sticky="w", pady=4, padx=(0, 8))
        self.printer_var = tk.StringVar(self)
        self.printer_box = Combobox(
            box,
            textvariable=self.printer_var,
            width=30,
            values=[_(DEFAULT_PRINTER), *self.printers],
            state="readonly",
        )
        self.printer_box.grid(row=0, column=1, sticky="we", pady=4)
        ttk.Label(box, text=_("Copies")).grid(row=1, column=0, sticky="w", pady=4)
        self.copies_var = tk.StringVar(self, value="1")
        self.copies = ttk.Spinbox(box, from_=1, to=20, width=5, textvariable=self.copies_var)
        self.copies.grid(row=1, column=1, sticky="w", pady=4)
        ttk.Label(
            box,
            text=_("Every slip is signed and kept in the data folder."),
            bootstyle="secondary",
            font=("TkDefaultFont", 8),
        ).grid(row=2, column=0, columnspan=2, sticky="w")
        buttons = ttk.Frame(box)
        buttons.grid(row=3, column=0, columnspan=2, sticky="we", pady=(8, 0))
        self.print_button = ttk.Button(
            buttons, text=_("Print (Ctrl+P)"), bootstyle="primary", command=self.print_current
        )
        self.print_button.pack(side="left", fill="x", expand=True)
        self.save_button = ttk.Button(
            buttons, text=_("Save as PDF…"), bootstyle="secondary-outline", command=self.ask_save
        )
        self.save_button.pack(side="left", padx=(8, 0))

    def _build_verify(self, master: tk.Misc) -> None:
        box = self._section(master, _("Check a slip"))
        ttk.Label(
            box,
            text=_("Is a PDF really from this shop, and unchanged since it was signed?"),
            wraplength=330,
            justify="left",
        ).grid(row=0, column=0, columnspan=2, sticky="w")
        self.verify_button = ttk.Button(
            box,
            text=_("Verify a slip…"),
            bootstyle="secondary-outline",
            command=self.ask_verify,
        )
        self.verify_button.grid(row=1, column=0, sticky="w", pady=(6, 4))
        self.guide_button = ttk.Button(
            box,
            text=_("How to check our slips (PDF)…"),
            bootstyle="link",
            command=self.ask_guide,
        )
        self.guide_button.grid(row=1, column=1, sticky="e", pady=(6, 4))
        self.verdict_label = ttk.Label(box, text="", wraplength=330, justify="left")
        self.verdict_label.grid(row=2, column=0, columnspan=2, sticky="w")

    def _build_preview(self) -> None:
        right = ttk.Frame(self)
        right.pack(side="left", fill="both", expand=True)
        bar = ttk.Frame(right)
        bar.pack(fill="x", pady=(0, 6))
        self.preview_title = ttk.Label(bar, text=_("Preview"), font=("TkDefaultFont", 11, "bold"))
        self.preview_title.pack(side="left")
        self.zoom_var = tk.StringVar(self, value="page")
        for value, text in (("width", N_("Fit width")), ("page", N_("Fit page"))):
            ttk.Radiobutton(
                bar,
                text=_(text),
                value=value,
                variable=self.zoom_var,
                bootstyle="secondary-outline-toolbutton",
                command=self._show_pages,
            ).pack(side="right", padx=(4, 0))
        self.page_info = ttk.Label(bar, text="", bootstyle="secondary")
        self.page_info.pack(side="right", padx=(0, 12))
        frame = ttk.Frame(right)
        frame.pack(fill="both", expand=True)
        self.canvas = ttk.Canvas(frame, autostyle=False, highlightthickness=0, background="#8a9099")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.canvas.bind("<Configure>", self._resized)
        for seq in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
            self.canvas.bind(seq, self._wheel)
        self._empty_preview()

    # --- choosing --------------------------------------------------------------------------

    @property
    def form(self) -> str:
        text = self.form_var.get()
        return next((c for c in FORMS if _(FORM_LABELS.get(c, c)) == text), "intake")

    def set_form(self, form: str) -> None:
        self.form_var.set(_(FORM_LABELS.get(form, form)))
        self._form_changed()

    def _form_changed(self) -> None:
        form = self.form
        can_blank = form in BLANK_FORMS
        self.blank_check.configure(state="normal" if can_blank else "disabled")
        if not can_blank:
            self.blank_var.set(False)
        self._blank_changed()
        self.select_printer(remembered_printer(self.desk.ctx, FORMS[form]))
        self._check_later()

    def show_blanks_warning(self) -> str:
        """A visible line when this form would print the shop's address or hotline empty."""
        from app.services.paper.certificates import certificate_warning
        from app.services.paper.documents import missing_shop_details

        got = self.desk.read(missing_shop_details, self.form)
        return self._show_blanks_note(
            got.value if got.ok else None, certificate_warning(self.desk.ctx)
        )

    def _show_blanks_note(self, missing: Any, expiring: str | None) -> str:
        from app.domain.errors import DomainError
        from app.i18n.messages import describe
        from app.i18n.setting_labels import shop_blanks_warning

        text = shop_blanks_warning(missing) if missing is not None else ""
        if expiring:  # an imported certificate near its end: the owner imports a new one
            text = " ".join(x for x in (text, describe(DomainError(expiring))) if x)
        if text:
            self.blanks_note.configure(text=text)
            first = [w for w in self.pack_slaves() if w not in (self.font_note, self.blanks_note)]
            where = {"before": first[0]} if first else {}
            self.blanks_note.pack(side="top", fill="x", pady=(0, 6), **where)
        else:
            self.blanks_note.pack_forget()
        return text

    def _blank_changed(self) -> None:
        blank = self.blank_var.get()
        self.number_entry.configure(state="disabled" if blank else "normal")

    def set_number(self, number: str) -> None:
        self.number_var.set(number)
        self.blank_var.set(False)
        self._blank_changed()

    def _typed(self, event: tk.Event) -> None:
        if event.keysym in ("Return", "Down", "Up", "Tab"):
            return
        text = self.number_var.get()
        if text == self._asked:
            return  # a key that did not change the text (Shift …): the search stands
        self.find(text)

    def find(self, text: str) -> None:
        """Cases matching what was typed, read on the tab's search reader (the window never
        waits for it): a newer keystroke interrupts the older search, and hits arrive in the
        list only while the field still holds ``text``."""
        self._show_hits([])
        self._asked = text
        if len(text.strip()) < 2:
            self.finder.cancel()
            return
        self.desk.read_later(
            self.finder, search, text, limit=20, then=lambda got: self._found(text, got)
        )

    def _found(self, text: str, hits: list[Any]) -> None:
        if self.winfo_exists() and text == self.number_var.get():
            self._show_hits(hits)

    def _show_hits(self, found: list[Any]) -> list[Any]:
        """The search's case hits in the list, best fitting the chosen form first."""
        self.hit_list.delete(0, "end")
        kinds = form_kinds(self.form)  # which kinds the form is made for (their descriptors)
        hits = [h for h in found if h.kind == "case"]
        hits.sort(key=lambda h: 0 if not kinds or h.case_kind in kinds else 1)
        self._hits = hits[:HITS]
        for h in self._hits:
            fit = "" if not kinds or h.case_kind in kinds else "  ·  " + _("other form")
            self.hit_list.insert(
                "end",
                f"{h.number}  {label(KINDS, h.case_kind)} · {label(STATUSES, h.status)}"
                f"  {h.title.split(None, 1)[-1]}{fit}",
            )
        return self._hits

    def _style_hits(self) -> None:
        """A plain Tk list in the theme's input colours (it is not a ttk widget)."""
        if not self.hit_list.winfo_exists():
            return
        c = ttk.Style.get_instance().colors
        self.hit_list.configure(
            highlightbackground=c.border,
            highlightcolor=c.primary,
            background=c.inputbg,
            foreground=c.inputfg,
            selectbackground=c.selectbg,
            selectforeground=c.selectfg,
        )

    def _focus_hits(self) -> None:
        if self._hits:
            self.hit_list.focus_set()
            self.hit_list.selection_set(0)

    def _hit_chosen(self) -> None:
        sel = self.hit_list.curselection()
        if sel and sel[0] < len(self._hits):
            self.set_number(self._hits[sel[0]].number)

    def _printer_names(self) -> list[str]:
        got = self.desk.read(lambda _ctx: [str(p) for p in printing.list_printers()])
        return list(got.value) if got.ok else []

    def select_printer(self, name: str) -> None:
        if name and name not in self.printers:
            self.printers.append(name)
            self.printer_box.configure(values=[_(DEFAULT_PRINTER), *self.printers])
        self.printer_var.set(name or _(DEFAULT_PRINTER))

    @property
    def printer(self) -> str:
        value = self.printer_var.get()
        return "" if value == _(DEFAULT_PRINTER) else value

    # --- preview ---------------------------------------------------------------------------

    def _job(self) -> tuple[str, str, str, bool]:
        number = self.number_var.get().strip()
        blank = bool(self.blank_var.get())
        if not blank and not number:
            raise DomainError("required", field="number")
        return self.form, number, self.lang_var.get(), blank

    def _start(self) -> tuple[str, str, str, bool] | None:
        try:
            return self._job()
        except DomainError as exc:
            self.desk.notify(describe(exc), "warning")
            self.number_entry.focus_set()
            return None

    def preview(self) -> None:
        """Render the chosen form (unsigned) and show its pages."""
        job = self._start()
        if job is None:
            return
        form, number, lang, blank = job
        ctx = self.desk.ctx

        def work(progress: Any) -> tuple[bytes, list[Image.Image]]:
            progress(0.1, _("Rendering the slip…"))
            if blank:
                from app.services.paper.documents import blank_form

                pdf = blank_form(ctx, form, lang=lang)
            else:
                from app.services.paper.documents import render_slip

                pdf = render_slip(ctx, number, form, lang=lang)
            progress(0.6, _("Drawing the pages…"))
            return pdf, _pages(pdf)

        def done(result: tuple[bytes, list[Image.Image]]) -> None:
            self._previewed(form, _("blank form") if blank else number, *result)

        def failed(_exc: BaseException) -> None:
            # Never leave another slip's pages looking like the one asked for.
            self.pdf, self.pages, self.photos = None, [], []
            self.preview_title.configure(text=_("Preview"))
            self.page_info.configure(text="")
            self._empty_preview()

        self.desk.run_long("preview", work, done, on_error=failed)

    def _previewed(self, form: str, what: str, pdf: bytes, pages: list[Image.Image]) -> None:
        self.pdf, self.pages = pdf, pages
        self._show_pages()
        self.preview_title.configure(
            text=_("Preview: {form} · {what}").format(form=_(FORM_LABELS[form]), what=what)
        )
        self.desk.notify(_("Preview ready."), "info")

    def _empty_preview(self) -> None:
        self.canvas.delete("all")
        self.canvas.create_text(
            20,
            20,
            anchor="nw",
            fill="white",
            text=_("Choose a form and a record, then Preview."),
            tags=("empty",),
        )

    def _resized(self, _event: object) -> None:
        if self._resize_job:
            self.after_cancel(self._resize_job)
        self._resize_job = self.after(120, self._show_pages)

    def _show_pages(self) -> None:
        self._resize_job = None
        if not self.pages:
            return
        canvas = self.canvas
        canvas.delete("all")
        self.photos = []
        width = max(canvas.winfo_width(), 200) - 2 * PAGE_GAP
        height = max(canvas.winfo_height(), 200) - 2 * PAGE_GAP
        y = PAGE_GAP
        for page in self.pages:
            scale = width / page.width
            if self.zoom_var.get() == "page":
                scale = min(scale, height / page.height)
            scale = min(scale, MAX_UPSCALE)
            size = (max(1, int(page.width * scale)), max(1, int(page.height * scale)))
            photo = ImageTk.PhotoImage(page.resize(size, Image.LANCZOS))
            self.photos.append(photo)
            x = (canvas.winfo_width() - size[0]) // 2
            canvas.create_rectangle(
                x + 3, y + 3, x + size[0] + 3, y + size[1] + 3, fill="#50555c", outline=""
            )
            canvas.create_image(x, y, image=photo, anchor="nw", tags=("page",))
            y += size[1] + PAGE_GAP
        canvas.configure(scrollregion=(0, 0, canvas.winfo_width(), y))
        n = len(self.pages)
        self.page_info.configure(text=i18n.ngettext("{n} page", "{n} pages", n).format(n=n))

    def _wheel(self, event: tk.Event) -> None:
        step = -1 if getattr(event, "num", 0) == 4 or getattr(event, "delta", 0) > 0 else 1
        self.canvas.yview_scroll(step * 3, "units")

    # --- print, save -----------------------------------------------------------------------

    def _copies(self) -> int:
        try:
            n = int(self.copies_var.get())
        except ValueError:
            n = 1
        return min(max(n, 1), 20)

    def print_current(self) -> None:
        """Sign the chosen slip, keep it, send it to the printer (Ctrl+P)."""
        job = self._start()
        if job is None:
            return
        form, number, lang, blank = job
        ctx = self.desk.ctx
        printer, copies = self.printer, self._copies()

        def work(progress: Any) -> Any:
            from app.services.paper.documents import print_slip

            progress(0.1, _("Signing the slip…"))
            # "printed" is logged only once the print system accepted the job
            job = print_slip(
                ctx, number or None, form, printer=printer, copies=copies, lang=lang, blank=blank
            )
            progress(0.9, "")
            return job.slip, remember_printer(ctx, FORMS[form], printer), job.printer

        def done(result: Any) -> None:
            slip, settings, used = result
            self.last_slip = slip
            if settings != self.desk.ctx.settings:
                self.desk.with_settings(settings)  # the remembered printer, for next time
            self.desk.notify(
                _("Sent {form} {number} to {printer}; kept as {file}.").format(
                    form=_(FORM_LABELS[form]),
                    number=slip.number,
                    printer=used or printer or _(DEFAULT_PRINTER),
                    file=slip.path.name,
                ),
                "success",
            )
            self.desk.changed()  # the "printed" event shows in the record's timeline

        def failed(_exc: BaseException) -> None:
            self.desk.changed()  # the "print_failed" event, and the message in the status bar

        self.desk.run_long("print", work, done, on_error=failed)

    def ask_save(self) -> None:
        job = self._start()
        if job is None:
            return
        form, number, _lang, blank = job
        who = _("blank") if blank else number
        name = f"{who}_{_(FORM_LABELS[form])}.pdf"
        out = filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=".pdf",
            initialfile=name,
            filetypes=[(_("PDF files"), "*.pdf")],
        )
        if out:
            self.save_pdf(Path(out))

    def save_pdf(self, out: Path) -> None:
        """Sign the chosen slip and save a copy where the user asked."""
        job = self._start()
        if job is None:
            return
        form, number, lang, blank = job
        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            from app.services.paper.documents import make_slip

            progress(0.2, _("Signing the slip…"))
            slip = make_slip(ctx, number or None, form, lang=lang, blank=blank, event="slip_saved")
            out.write_bytes(slip.pdf)
            return slip

        def done(slip: Any) -> None:
            self.last_slip = slip
            self.desk.notify(_("Saved {file}.").format(file=out), "success")
            self.desk.changed()

        self.desk.run_long("save_pdf", work, done)

    def ask_guide(self) -> None:
        out = filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=".pdf",
            initialfile=_("How to check our slips") + ".pdf",
            filetypes=[(_("PDF files"), "*.pdf")],
        )
        if out:
            self.save_guide(Path(out))

    def save_guide(self, out: Path) -> bool:
        """The one-page guide for customers and partners: import our root, compare the
        fingerprint, what Adobe Reader and WPS show. In the slip language chosen here."""
        from app.services.paper.certificates import check_guide

        got = self.desk.read(check_guide, lang=self.lang_var.get())
        if not got.ok:
            return False
        try:
            out.write_bytes(got.value)
        except OSError as exc:
            self.desk.notify(
                _("{file} could not be written: {error}").format(
                    file=out, error=exc.strerror or str(exc)
                ),
                "warning",
            )
            return False
        self.desk.notify(_("Saved {file}.").format(file=out), "success")
        return True

    # --- verify ----------------------------------------------------------------------------

    def ask_verify(self) -> None:
        path = filedialog.askopenfilename(
            parent=self, filetypes=[(_("PDF files"), "*.pdf"), (_("All"), "*")]
        )
        if path:
            self.verify_file(Path(path))

    def verify_file(self, path: Path) -> bool:
        """Check a slip's signature; the verdict shows in green or red. True when good."""
        from app.documents import signing  # loads cryptography: only when a slip is checked

        got = self.desk.read(lambda ctx: signing.verify_pdf(path, self.desk.data_dir, tz=ctx.tz))
        if not got.ok:
            self._verdict(False, self.desk.messages[-1].text)
            return False
        v = got.value
        self.verdict = v
        params = dict(v.params or {})
        if v.ok:
            text = _("Genuine: signed by {signer} on {when}, unchanged since.").format(
                signer=v.signer or _("this shop"), when=params.get("at", "?")
            )
        else:
            text = _("Not valid: {reason}").format(reason=describe(DomainError(v.code, **params)))
        self._verdict(bool(v.ok), f"{path.name}: {text}")
        return bool(v.ok)

    def _verdict(self, ok: bool, text: str) -> None:
        self.verdict_label.configure(text=text, bootstyle="success" if ok else "danger")
        self.desk.notify(text, "success" if ok else "warning")

    # --- the window's hooks ----------------------------------------------------------------

    def show_record(self, number: str) -> None:
        """Open with a record chosen (e.g. "print" from a record view)."""
        self.set_number(number)

    def screenshot_setup(self) -> None:
        """A repair ticket previewed at once (no worker: the screenshot is taken right after)."""
        from app.services.casework.cases import CaseFilter, list_cases

        got = self.desk.read(list_cases, CaseFilter(kind="repair", status="ready_for_pickup"))
        if not got.ok or not got.value:
            return
        number = got.value[0].number
        self.set_form("repair-ticket")
        self.set_number(number)
        found = self.desk.read(search, number, limit=20)
        self._show_hits(found.value if found.ok else [])
        from app.services.paper.documents import render_slip

        pdf = self.desk.read(render_slip, number, "repair-ticket", lang=self.lang_var.get())
        if pdf.ok:
            self.update_idletasks()
            self._previewed("repair-ticket", number, pdf.value, _pages(pdf.value))


def _pages(pdf: bytes) -> list[Image.Image]:
    """The PDF's pages as images, for the preview."""
    return list(printing.render_pages(pdf, dpi=PREVIEW_DPI))
