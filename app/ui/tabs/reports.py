"""月报: the month's key figures as cards, small tables and a cases-per-day chart.

The owner picks a month (default: this month in the shop's time zone); everything shown comes
from `services.figures.month_figures`, so the screen and a printed summary can never disagree.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from app import paths
from app.domain.money import format_money
from app.i18n import N_, _
from app.i18n.labels import KINDS, REASONS, label
from app.services.paper.figures import (
    MonthFigures,
    current_month,
    month_figures,
    next_month,
    previous_month,
)
from app.services.paper.report import Report, month_report
from app.services.shop.print_prefs import remembered_printer
from app.ui.desk import Desk
from app.ui.errors import user_text
from app.ui.widgets.combo import Combobox
from app.ui.worker import Latest

# (key, title, accent): two rows of six cards.
CARDS: tuple[tuple[str, str, str], ...] = (
    ("received", N_("Cases received"), "primary"),
    ("closed", N_("Closed"), "success"),
    ("open", N_("Open at month end"), "info"),
    ("overdue", N_("Overdue now"), "danger"),
    ("on_time", N_("Promises kept"), "success"),
    ("turnaround", N_("Avg repair turnaround"), "info"),
    ("refunds", N_("Refunds"), "warning"),
    ("deductions", N_("Dealer deductions"), "warning"),
    ("claims_open", N_("Carrier claims open"), "secondary"),
    ("claims_recovered", N_("Recovered from carriers"), "success"),
    ("repairs", N_("Repairs: warranty / paid"), "primary"),
    ("parts", N_("Parts used"), "secondary"),
)
CARD_COLUMNS = 6
MONTHS_BACK = 36


class Card(ttk.Frame):
    """One figure: a coloured bar, a title, the value in large type, a line of detail."""

    def __init__(self, master: tk.Misc, title: str, accent: str) -> None:
        super().__init__(master, padding=0)
        ttk.Frame(self, width=5, bootstyle=accent).pack(side="left", fill="y")
        body = ttk.Frame(self, padding=(10, 6, 8, 6))
        body.pack(side="left", fill="both", expand=True)
        ttk.Label(body, text=title, bootstyle="secondary", font=("TkDefaultFont", 9)).pack(
            anchor="w"
        )
        self.value = ttk.Label(body, text="–", font=("TkDefaultFont", 17, "bold"))
        self.value.pack(anchor="w")
        self.detail = ttk.Label(body, text="", bootstyle="secondary", font=("TkDefaultFont", 8))
        self.detail.pack(anchor="w")

    def show(self, value: str, detail: str = "") -> None:
        self.value.configure(text=value)
        self.detail.configure(text=detail)


def _month(ctx: Any, year: int, month: int) -> tuple[MonthFigures, Any, list[Any]]:
    """The month's figures, its summary (or what stopped the summary) and the summary's tables,
    in one read on the reader thread (the tables' module imports the PDF writer, reportlab)."""
    from app.services.paper import exports

    figures = month_figures(ctx, year, month)
    try:
        summary: Any = month_report(ctx, year, month, chain=False)
        tables = exports.report_tables(summary)
    except Exception as exc:  # noqa: BLE001 - the figures still show; the message says why
        summary, tables = exc, []
    return figures, summary, tables


class ReportsTab(ttk.Frame):
    def __init__(self, master: tk.Misc, desk: Desk) -> None:
        super().__init__(master, padding=(10, 8))
        self.desk = desk
        self.reader = Latest(self, "month")
        self.figures: MonthFigures | None = None
        self.report: Report | None = None
        self.last_file: Path | None = None  # the last PDF/XLSX made here (tests, status line)
        self.year, self.month = current_month(desk.ctx)
        self.cards: dict[str, Card] = {}
        self.tables: dict[str, ttk.Treeview] = {}
        self._build_bar()
        self._build_cards()
        self._build_lower()
        # The month's figures are worked out when the tab is first shown, not at start-up:
        # on a big database they take seconds the counter should not wait for.
        self._stale = True
        desk.on("changed", self._changed)
        desk.on("theme", lambda _mode: self._draw_chart())

    # --- building --------------------------------------------------------------------------

    def _build_bar(self) -> None:
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(0, 8))
        ttk.Label(bar, text=_("Month"), font=("TkDefaultFont", 10, "bold")).pack(side="left")
        self.prev_button = ttk.Button(
            bar, text="<", width=3, bootstyle="secondary-outline", command=self.previous
        )
        self.prev_button.pack(side="left", padx=(10, 4))
        self.month_var = tk.StringVar(self)
        self.month_box = Combobox(
            bar, textvariable=self.month_var, width=10, state="readonly", values=self._months()
        )
        self.month_box.pack(side="left")
        self.month_box.bind("<<ComboboxSelected>>", self._picked)
        self.next_button = ttk.Button(
            bar, text=">", width=3, bootstyle="secondary-outline", command=self.next
        )
        self.next_button.pack(side="left", padx=(4, 8))
        ttk.Button(bar, text=_("This month"), bootstyle="link", command=self.this_month).pack(
            side="left"
        )
        self.xlsx_button = ttk.Button(
            bar, text=_("Export XLSX…"), bootstyle="secondary-outline", command=self.ask_xlsx
        )
        self.xlsx_button.pack(side="right")
        self.send_button = ttk.Button(
            bar,
            text=_("Send to recipients"),
            bootstyle="secondary-outline",
            command=self.send_to_recipients,
        )
        self.send_button.pack(side="right", padx=(0, 6))
        self.pdf_button = ttk.Button(
            bar, text=_("Export PDF…"), bootstyle="secondary-outline", command=self.ask_pdf
        )
        self.pdf_button.pack(side="right", padx=6)
        self.print_button = ttk.Button(
            bar, text=_("Print summary…"), bootstyle="primary", command=self.ask_print
        )
        self.print_button.pack(side="right")
        self.note = ttk.Label(bar, bootstyle="secondary")
        self.note.pack(side="right", padx=(0, 12))

    def _build_cards(self) -> None:
        grid = ttk.Frame(self)
        grid.pack(fill="x")
        for i, (key, title, accent) in enumerate(CARDS):
            row, col = divmod(i, CARD_COLUMNS)
            card = Card(grid, _(title), accent)
            card.grid(row=row, column=col, sticky="nsew", padx=4, pady=4)
            self.cards[key] = card
        for c in range(CARD_COLUMNS):
            grid.columnconfigure(c, weight=1, uniform="card")

    def _build_lower(self) -> None:
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=(8, 0))
        lower = ttk.Frame(self.notebook, padding=(0, 8, 0, 0))
        self.notebook.add(lower, text=_("At a glance"))
        self._build_summary()
        lower.columnconfigure(0, weight=5)
        lower.columnconfigure(1, weight=3, uniform="t")
        lower.columnconfigure(2, weight=3, uniform="t")
        lower.rowconfigure(0, weight=1)
        lower.rowconfigure(1, weight=1)

        chart_box = ttk.Labelframe(lower, text=_("Cases received per day"), padding=6)
        chart_box.grid(row=0, column=0, rowspan=2, sticky="nsew", padx=(4, 8))
        self.chart = ttk.Canvas(chart_box, autostyle=False, highlightthickness=0, height=220)
        self.chart.pack(fill="both", expand=True)
        self.chart.bind("<Configure>", lambda _e: self._draw_chart())

        self._table(lower, "kinds", _("Received by kind"), (_("Kind"), _("Cases")), 0, 1)
        self._table(lower, "reasons", _("Top reasons"), (_("Reason"), _("Cases")), 0, 2)
        self._table(lower, "products", _("Top products"), (_("Product"), _("Cases")), 1, 1)
        self._table(
            lower, "low_stock", _("Spare parts below 2 in stock"), (_("Part"), _("Stock")), 1, 2
        )

    def _table(
        self, master: tk.Misc, key: str, title: str, heads: Sequence[str], row: int, col: int
    ) -> None:
        box = ttk.Labelframe(master, text=title, padding=4)
        box.grid(row=row, column=col, sticky="nsew", padx=4, pady=(0, 6))
        tree = ttk.Treeview(box, columns=("a", "b"), show="headings", height=5, selectmode="none")
        tree.heading("a", text=heads[0], anchor="w")
        tree.heading("b", text=heads[1], anchor="e")
        tree.column("a", width=180, anchor="w", stretch=True)
        tree.column("b", width=60, anchor="e", stretch=False)
        tree.pack(fill="both", expand=True)
        self.tables[key] = tree

    # --- month -----------------------------------------------------------------------------

    def _months(self) -> list[str]:
        y, m = current_month(self.desk.ctx)
        out = []
        for _i in range(MONTHS_BACK):
            out.append(f"{y:04d}-{m:02d}")
            y, m = previous_month(y, m)
        return out

    def _picked(self, _event: object = None) -> None:
        text = self.month_var.get()
        y, m = (int(x) for x in text.split("-"))
        self.set_month(y, m)

    def set_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        self.refresh()

    def previous(self) -> None:
        self.set_month(*previous_month(self.year, self.month))

    def next(self) -> None:
        if (self.year, self.month) < current_month(self.desk.ctx):
            self.set_month(*next_month(self.year, self.month))

    def this_month(self) -> None:
        self.set_month(*current_month(self.desk.ctx))

    # --- showing ---------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.winfo_ismapped():
            self.refresh()
        else:
            self._stale = True

    def on_shown(self) -> None:
        """Called by the window when this tab comes to the front."""
        if self._stale:
            self.refresh()

    @property
    def busy(self) -> bool:
        """Whether the month's figures asked for last have not arrived yet."""
        return self.reader.busy

    def refresh(self) -> None:
        """Work out the month's figures on the tab's reader thread (a tenth of a second and more
        on a big database); the tab fills in when they arrive, unless another month was picked
        meanwhile."""
        self._stale = False
        year, month = self.year, self.month
        self.desk.read_later(
            self.reader, _month, year, month, then=lambda got: self._arrived(year, month, *got)
        )

    def _arrived(
        self, year: int, month: int, figures: MonthFigures, summary: Any, tables: list[Any]
    ) -> None:
        if not self.winfo_exists() or (year, month) != (self.year, self.month):
            return
        self.figures = figures
        if isinstance(summary, BaseException):
            self.desk.notify(user_text(summary), "warning")
        else:
            self.report = summary
            self._fill_summary(tables)
        self.month_var.set(f"{self.year:04d}-{self.month:02d}")
        latest = (self.year, self.month) >= current_month(self.desk.ctx)
        self.next_button.configure(state="disabled" if latest else "normal")
        self.note.configure(
            text=_("Overdue and stock figures are as of now; the rest is for {month}.").format(
                month=f"{self.year:04d}-{self.month:02d}"
            )
        )
        self._fill_cards(figures)
        self._fill_tables(figures)
        self._draw_chart()

    def _money(self, amount: Decimal) -> str:
        return format_money(amount, self.desk.ctx.settings.shop.currency)

    def _fill_cards(self, f: MonthFigures) -> None:
        c = self.cards
        c["received"].show(str(f.received), _("{days} days").format(days=len(f.per_day)))
        c["closed"].show(str(f.closed), _("reached a final status"))
        c["open"].show(str(f.open_at_end), _("taken, not yet closed"))
        c["overdue"].show(str(f.overdue_now), _("past the promised date"))
        rate = f.on_time_rate
        c["on_time"].show(
            "–" if rate is None else f"{rate}%",
            _("{kept} of {due} closed on time").format(kept=f.promise_kept, due=f.promise_due),
        )
        c["turnaround"].show(
            "–" if f.turnaround_days is None else _("{days} d").format(days=f.turnaround_days),
            _("{n} repairs finished").format(n=f.repairs_finished),
        )
        c["refunds"].show(self._money(f.refund_total), _("{n} refunds").format(n=f.refunds))
        c["deductions"].show(
            self._money(f.dealer_deduction_total),
            _("{n} deductions").format(n=f.dealer_deductions),
        )
        c["claims_open"].show(str(f.claims_open), _("at the month's end"))
        c["claims_recovered"].show(
            self._money(f.claims_recovered_total),
            _("{n} claims paid").format(n=f.claims_recovered),
        )
        c["repairs"].show(f"{f.warranty_repairs} / {f.paid_repairs}", _("tickets taken this month"))
        c["parts"].show(
            str(f.parts_used), _("worth {value}").format(value=self._money(f.parts_used_value))
        )

    def _fill_tables(self, f: MonthFigures) -> None:
        rows = {
            "kinds": [
                (label(KINDS, k), n)
                for k, n in sorted(f.received_by_kind.items(), key=lambda kv: -kv[1])
            ],
            "reasons": [(label(REASONS, code), n) for code, n in f.top_reasons],
            "products": list(f.top_products),
            "low_stock": [(f"{p.part_no}  {p.name}", p.stock) for p in f.low_stock],
        }
        for key, tree in self.tables.items():
            tree.delete(*tree.get_children())
            for text, n in rows[key]:
                tree.insert("", "end", values=(text, n))
            if not rows[key]:
                tree.insert("", "end", values=(_("none"), ""))

    def _draw_chart(self) -> None:
        """Bars of cases per local day; drawn, not a picture, so it follows the theme."""
        canvas = self.chart
        canvas.delete("all")
        f = self.figures
        if f is None or not canvas.winfo_exists():
            return
        colors = ttk.Style.get_instance().colors
        canvas.configure(background=colors.bg)
        width, height = max(canvas.winfo_width(), 200), max(canvas.winfo_height(), 120)
        left, right, top, bottom = 34, 10, 14, 24
        plot_w, plot_h = width - left - right, height - top - bottom
        peak = max(max(f.per_day, default=0), 1)
        step = _nice_step(peak)
        scale_top = ((peak + step - 1) // step) * step
        font = ("TkDefaultFont", 8)
        for tick in range(0, scale_top + 1, step):
            y = top + plot_h - plot_h * tick / scale_top
            canvas.create_line(left, y, width - right, y, fill=colors.border)
            canvas.create_text(
                left - 6, y, text=str(tick), anchor="e", fill=colors.secondary, font=font
            )
        slot = plot_w / len(f.per_day)
        bar = max(2.0, slot * 0.7)
        for i, n in enumerate(f.per_day):
            x = left + slot * i + (slot - bar) / 2
            if n:
                y = top + plot_h - plot_h * n / scale_top
                canvas.create_rectangle(
                    x, y, x + bar, top + plot_h, fill=colors.primary, outline="", tags=("bar",)
                )
            day = i + 1
            if day == 1 or day % 5 == 0:
                canvas.create_text(
                    x + bar / 2,
                    top + plot_h + 4,
                    text=str(day),
                    anchor="n",
                    fill=colors.secondary,
                    font=font,
                )
        if not any(f.per_day):
            canvas.create_text(
                left + plot_w / 2,
                top + plot_h / 2,
                text=_("No cases this month."),
                fill=colors.secondary,
            )

    # --- the full summary: the same tables as the printed PDF ------------------------------

    def _build_summary(self) -> None:
        page = ttk.Frame(self.notebook, padding=(0, 8, 0, 0))
        self.notebook.add(page, text=_("Full summary vs previous month"))
        cols = ("this", "previous", "change")
        tree = ttk.Treeview(page, columns=cols, show="tree headings", selectmode="none")
        tree.heading("#0", text=_("Figure"), anchor="w")
        tree.column("#0", width=380, anchor="w", stretch=True)
        for col, text in zip(
            cols, (_("This period"), _("Previous period"), _("Change")), strict=True
        ):
            tree.heading(col, text=text, anchor="e")
            tree.column(col, width=150, anchor="e", stretch=False)
        tree.tag_configure("section", font=("TkDefaultFont", 10, "bold"))
        bar = ttk.Scrollbar(page, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        tree.pack(side="left", fill="both", expand=True)
        self.summary_tree = tree

    def _fill_summary(self, tables: list[Any]) -> None:
        """Every table of the printed summary (`exports.report_tables`): a section per table,
        its rows under it."""
        tree = self.summary_tree
        tree.delete(*tree.get_children())
        for t in tables:
            section = tree.insert("", "end", text=t.title, open=True, tags=("section",))
            for row in t.rows:
                values = [_cell(v) for v in row[1:4]]
                tree.insert(section, "end", text=_cell(row[0]), values=values)
            if not t.rows:
                tree.insert(section, "end", text=t.empty)

    # --- print and export (worker thread, progress bar) -------------------------------------

    def _full_report(self) -> Report:
        """Built in the worker thread: walks the event log to print its head."""
        return month_report(self.desk.ctx, self.year, self.month)

    def print_report(self) -> None:
        """Sign the summary and send it to the printer remembered for the "report" form."""
        ctx = self.desk.ctx
        printer = remembered_printer(ctx, "report")

        def work(progress: Any) -> Any:
            from app.documents.printing import print_pdf

            progress(0.1, _("Counting…"))
            from app.services.paper import exports

            made = exports.make_report_pdf(ctx, self._full_report(), progress)
            print_pdf(made.path, printer or None, title=made.path.stem)
            return made

        def done(made: Any) -> None:
            self.last_file = made.path
            self.desk.emit("report_made")
            self.desk.notify(
                _("Summary sent to the printer; kept as {file}.").format(file=made.path.name),
                "success",
            )

        self.desk.run_long("report_print", work, done)

    def print_current(self) -> None:
        """Ctrl+P on this tab prints the summary on its remembered printer at once."""
        self.print_report()

    def ask_print(self) -> None:
        """Like every slip: the pages first, a choice of printer, Print or Save as PDF…"""
        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            from app.documents.printing import render_pages

            progress(0.1, _("Counting…"))
            from app.services.paper import exports

            made = exports.make_report_pdf(ctx, self._full_report(), progress)
            return made, render_pages(made.pdf, dpi=50)

        def done(result: Any) -> None:
            from app.ui.print_dialog import PrintDialog

            made, pages = result
            self.last_file = made.path
            self.desk.emit("report_made")
            self.print_dialog = PrintDialog(
                self,
                self.desk,
                title=_("Print the monthly summary"),
                pdf=made.pdf,
                form="report",
                file_name=f"{_('monthly-summary')}_{self.year:04d}-{self.month:02d}.pdf",
                pages=pages,
            )

        self.desk.run_long("report_preview", work, done)

    def send_to_recipients(self) -> None:
        """Sign the month's summary and copy it into the folder of QC, technical, sales and
        management (settings → Monthly summary): the same signed file for everyone (003)."""
        from app.services.paper.delivery import (
            recipient_name,
            recipient_targets,
            send_to_recipients,
        )

        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            recipient_targets(ctx)  # a missing folder stops before anything is made
            progress(0.1, _("Counting…"))
            from app.services.paper import exports

            made = exports.make_report_pdf(ctx, self._full_report(), progress)
            return made, send_to_recipients(ctx, made)

        def done(result: Any) -> None:
            made, sent = result
            self.last_file = made.path
            self.desk.emit("report_made")
            self.last_sent = sent
            self.desk.notify(
                _("Summary {file} copied to: {who}.").format(
                    file=made.path.name, who=", ".join(recipient_name(d.recipient) for d in sent)
                ),
                "success",
            )

        self.desk.run_long("report_send", work, done)

    def ask_pdf(self) -> None:
        out = self._ask_path(".pdf", _("PDF files"), "*.pdf")
        if out:
            self.export_pdf(Path(out))

    def ask_xlsx(self) -> None:
        out = self._ask_path(".xlsx", _("Excel workbooks"), "*.xlsx")
        if out:
            self.export_xlsx(Path(out))

    def _ask_path(self, ext: str, kind: str, pattern: str) -> str:
        name = f"{_('monthly-summary')}_{self.year:04d}-{self.month:02d}{ext}"
        return filedialog.asksaveasfilename(
            parent=self,
            initialdir=str(paths.documents_dir()),
            defaultextension=ext,
            initialfile=name,
            filetypes=[(kind, pattern)],
        )

    def export_pdf(self, out: Path) -> None:
        """The signed summary, saved where the user asked (a copy stays in the data folder)."""
        ctx = self.desk.ctx

        def work(progress: Any) -> Path:
            progress(0.1, _("Counting…"))
            from app.services.paper import exports

            made = exports.make_report_pdf(ctx, self._full_report(), progress)
            exports.write_atomic(out, made.pdf)
            return out

        self.desk.run_long("report_pdf", work, self._saved)

    def export_xlsx(self, out: Path) -> None:
        ctx = self.desk.ctx

        def work(progress: Any) -> Path:
            progress(0.1, _("Counting…"))
            from app.services.paper import exports

            return exports.write_report_xlsx(ctx, self._full_report(), out, progress)

        self.desk.run_long("report_xlsx", work, self._saved)

    def _saved(self, path: Path) -> None:
        self.last_file = path
        self.desk.emit("report_made")
        self.desk.notify(_("Saved {file}.").format(file=path), "success")

    def screenshot_setup(self) -> None:
        """The documentation screenshot shows the last full month."""
        self.previous()


def _cell(value: object) -> str:
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def _nice_step(peak: int) -> int:
    """A tick step giving at most about five grid lines."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if peak / step <= 5:
            return step
    return 1000
