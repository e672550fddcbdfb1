"""The monthly summary as a signed PDF and an XLSX workbook; any case list as CSV.

The figures come from `app.services.paper.report` (the one place defining them); this module only
names them in the user's language and hands the same tables to the PDF layout
(`app.documents.report_pdf`) and to the workbook, so paper and spreadsheet always agree.
CSV files are UTF-8 with a byte-order mark: Excel on a Chinese Windows opens them correctly.
Files are written to a temporary name and renamed: a failed export leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from app.documents.fonts import cjk_font
from app.documents.report_pdf import ReportChart, ReportDoc, ReportTable, render_report
from app.domain.codes import MoneyKind
from app.domain.errors import DomainError
from app.domain.money import format_money
from app.i18n import _, current_language, pgettext
from app.i18n.labels import (
    CHANNELS,
    DISPOSITIONS,
    KINDS,
    LIABILITY,
    MONEY_KINDS,
    REASONS,
    STATUSES,
    label,
)
from app.services.casework.cases import CaseFilter, list_cases
from app.services.paper.report import (
    COST_KINDS,
    Rate,
    Report,
    Summary,
    raw_cases,
    raw_money,
)
from app.services.shop.context import Context

CSV_PAGE = 500
ZERO = Decimal("0.00")
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ReportFile:
    """A signed report kept in the data folder."""

    pdf: bytes
    path: Path


# --- files -----------------------------------------------------------------------------------


def write_atomic(path: Path, content: bytes) -> None:
    """Write the whole file or nothing (temp file in the same folder, then rename)."""
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".afterdesk-", suffix=".tmp", dir=path.resolve().parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise DomainError(
            "file_not_written", field="out", file=str(path), error=exc.strerror or str(exc)
        ) from exc
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


# --- the report as tables --------------------------------------------------------------------


def _pct(rate: Rate) -> str:
    return "–" if rate.pct is None else f"{rate.pct}% ({rate.part}/{rate.whole})"


def _delta_int(a: int, b: int) -> str:
    return f"{a - b:+d}" if a != b else "±0"


def _delta_money(a: Decimal, b: Decimal) -> str:
    d = a - b
    return f"{d:+,.2f}" if d else "±0"


def _delta_pct(a: Rate, b: Rate) -> str:
    if a.pct is None or b.pct is None:
        return ""
    d = a.pct - b.pct
    return _("{delta} pt").format(delta=f"{d:+.1f}") if d else "±0"


def _delta_days(a: Decimal | None, b: Decimal | None) -> str:
    if a is None or b is None:
        return ""
    return f"{a - b:+.1f}" if a != b else "±0"


def _median_all(s: Summary) -> tuple[Decimal | None, Decimal | None]:
    t = s.turnaround_of("")
    return (t.median_days, t.p90_days) if t else (None, None)


def _overview(r: Report) -> ReportTable:
    c, p = r.current, r.previous
    rows: list[tuple[Any, ...]] = []

    def count(name: str, a: int, b: int) -> None:
        rows.append((name, a, b, _delta_int(a, b)))

    def money(name: str, a: Decimal, b: Decimal) -> None:
        rows.append((name, a, b, _delta_money(a, b)))

    count(_("Cases received (new)"), c.received, p.received)
    count(_("Cases closed"), c.closed, p.closed)
    count(_("Still open at the period's end"), c.open_at_end, p.open_at_end)
    rows.append(
        (_("Promises kept"), _pct(c.promises), _pct(p.promises), _delta_pct(c.promises, p.promises))
    )
    rows.append(
        (
            _("First answers by their due time"),
            _pct(c.first_answers),
            _pct(p.first_answers),
            _delta_pct(c.first_answers, p.first_answers),
        )
    )
    (cm, c90), (pm, p90) = _median_all(c), _median_all(p)
    for name, a, b in (
        (_("Turnaround, median (days)"), cm, pm),
        (_("Turnaround, 90th percentile (days)"), c90, p90),
    ):
        rows.append((name, "–" if a is None else a, "–" if b is None else b, _delta_days(a, b)))
    count(_("Refunds paid"), c.refunds, p.refunds)
    money(_("Refund total (net of reversals)"), c.refund_total, p.refund_total)
    for kind in SPENT_KINDS:
        money(label(MONEY_KINDS, kind), c.cost(kind), p.cost(kind))
    money(_("After-sales cost (parts + freight + labour)"), c.costs_total, p.costs_total)
    # money that came back to the shop, not a cost: what dealers' accounts were charged
    money(
        _("Recovered from dealers (account deductions)"),
        c.cost(MoneyKind.DEALER_DEDUCTION.value),
        p.cost(MoneyKind.DEALER_DEDUCTION.value),
    )
    count(_("Carrier claims filed"), c.claims_filed, p.claims_filed)
    money(_("Amount claimed from carriers"), c.claims_claimed, p.claims_claimed)
    money(_("Recovered from carriers"), c.claims_recovered, p.claims_recovered)
    count(_("Repeat repairs"), len(c.repeat_repairs), len(p.repeat_repairs))
    count(_("On-site visits (dispatches)"), c.on_site.visits, p.on_site.visits)
    count(_("On-site installations"), c.on_site.installations, p.on_site.installations)
    money(_("On-site labour and travel cost"), c.on_site.cost, p.on_site.cost)
    count(_("Follow-ups with a satisfaction score"), c.satisfaction.count, p.satisfaction.count)
    ca, pa = c.satisfaction.average, p.satisfaction.average
    rows.append(
        (
            _("Average satisfaction (1–5)"),
            "–" if ca is None else ca,
            "–" if pa is None else pa,
            "" if ca is None or pa is None else (f"{ca - pa:+.2f}" if ca != pa else "±0"),
        )
    )
    rows.append(
        (
            _("Scores of 2 or less"),
            _pct(c.satisfaction.low_share),
            _pct(p.satisfaction.low_share),
            _delta_pct(c.satisfaction.low_share, p.satisfaction.low_share),
        )
    )
    count(_("Overdue at the period's end"), c.overdue_at_end, p.overdue_at_end)
    count(_("Shipped first, goods not back"), len(c.goods_owed), len(p.goods_owed))
    return ReportTable(
        "overview",
        _("Key figures"),
        (_("Figure"), _("This period"), _("Previous period"), _("Change")),
        rows,
        widths=(3.2, 1.4, 1.4, 1.0),
        note=_("Previous period: {period}").format(period=p.period.label),
    )


def _compare(
    key: str,
    title: str,
    head: str,
    table: dict[str, str] | None,
    now: dict[str, Any],
    before: dict[str, Any],
    note: str = "",
) -> ReportTable:
    """Rows for every code in either period: name, this period, previous."""
    codes = list(now) + [k for k in before if k not in now]
    zero: Any = ZERO if any(isinstance(v, Decimal) for v in now.values()) else 0
    rows = [
        (
            label(table, code) if table is not None else code or _("(none)"),
            now.get(code, zero),
            before.get(code, zero),
        )
        for code in codes
    ]
    return ReportTable(
        key,
        title,
        (head, _("This period"), _("Previous period")),
        rows,
        (2.6, 1.2, 1.4),
        note,
        half=True,
    )


def report_tables(r: Report) -> list[ReportTable]:
    """Every table of the report, in print order (the overview comes first)."""
    c, p = r.current, r.previous
    case_note = _("Cases received in the period.")
    tables = [
        _overview(r),
        _compare("kinds", _("Cases by kind"), _("Kind"), KINDS, c.by_kind, p.by_kind, case_note),
        _compare(
            "reasons",
            _("Cases by reason"),
            _("Reason"),
            REASONS,
            c.by_reason,
            p.by_reason,
            case_note,
        ),
        _compare(
            "channels",
            _("Cases by channel"),
            _("Channel"),
            CHANNELS,
            c.by_channel,
            p.by_channel,
            case_note,
        ),
        ReportTable(
            "statuses",
            _("Status at the period's end"),
            (_("Status"), _("Cases")),
            [(label(STATUSES, k), n) for k, n in c.by_status.items()],
            (3.0, 1.2),
            _("Cases received in the period, by the status they had when it ended."),
            half=True,
        ),
        ReportTable(
            "turnaround",
            _("Turnaround by kind (days from taken to closed)"),
            (_("Kind"), _("Closed"), _("Median"), _("90th percentile"), _("Median, previous")),
            [
                (
                    label(KINDS, t.kind) if t.kind else _("All kinds"),
                    t.cases,
                    t.median_days,
                    t.p90_days,
                    prev.median_days if (prev := p.turnaround_of(t.kind)) else "–",
                )
                for t in c.turnaround
            ],
            (2.4, 1, 1, 1.2, 1.3),
            _("Cases closed in the period."),
        ),
        _compare(
            "money",
            _("Money by kind"),
            _("Kind"),
            MONEY_KINDS,
            c.money,
            p.money,
            _("Booked in the period, net of reversals."),
        ),
        ReportTable(
            "claims",
            _("Carrier claims"),
            (_("Figure"), _("This period"), _("Previous period")),
            [
                (_("Claims filed"), c.claims_filed, p.claims_filed),
                (_("Amount claimed"), c.claims_claimed, p.claims_claimed),
                (_("Claims paid by the carrier"), c.claims_paid, p.claims_paid),
                (_("Amount recovered"), c.claims_recovered, p.claims_recovered),
            ],
            (2.6, 1.2, 1.4),
            half=True,
        ),
        _compare(
            "liability",
            _("Liability split"),
            _("Liable"),
            LIABILITY,
            c.liability,
            p.liability,
            _("Returns whose liability was decided in the period."),
        ),
        _compare(
            "dispositions",
            _("Dispositions of returned goods"),
            _("Disposition"),
            DISPOSITIONS,
            c.dispositions,
            p.dispositions,
            _("Dispositions done in the period."),
        ),
        ReportTable(
            "technicians",
            _("Technician workload"),
            (_("Technician"), _("Received"), _("Finished"), _("Open at end"), _("Labour (h)")),
            [
                (
                    t.name or _("(unassigned)"),
                    t.received,
                    t.finished,
                    t.open_at_end,
                    (Decimal(t.labour_minutes) / 60).quantize(Decimal("0.1")),
                )
                for t in c.technicians
            ],
            (2.4, 1, 1, 1, 1),
            _("Repair tickets received, finished in the period and open at its end."),
        ),
        ReportTable(
            "repeat_repairs",
            _("Repeat repairs"),
            (pgettext("record", "Case"), _("Serial/IMEI"), _("Earlier repair"), _("Days between")),
            [(x.number, x.serial, x.previous_number, x.days_between) for x in c.repeat_repairs],
            (1.6, 1.8, 1.6, 1.0),
            _("The same device back for repair within 90 days."),
            empty=_("No repeat repairs."),
            align="lllr",
        ),
        ReportTable(
            "goods_owed",
            _("Shipped first, goods not back"),
            (
                _("Case number"),
                _("RMA number"),
                _("Customer"),
                _("Due"),
                _("Days overdue"),
                _("Deposit"),
            ),
            [
                (
                    g.number,
                    g.rma_number,
                    g.customer_name,
                    str(g.due or ""),
                    g.days_overdue,
                    g.deposit,
                )
                for g in c.goods_owed
            ],
            (1.6, 1.6, 1.4, 1.2, 1.0, 1.0),
            _("Replacements shipped first whose old goods were not back at the period's end."),
            empty=_("No goods owed."),
            align="llllrr",
        ),
        ReportTable(
            "on_site",
            _("On-site service"),
            (_("Figure"), _("This period"), _("Previous period")),
            [
                (_("Visits (dispatches)"), c.on_site.visits, p.on_site.visits),
                (_("Jobs visited"), c.on_site.jobs, p.on_site.jobs),
                (_("of which installations"), c.on_site.installations, p.on_site.installations),
                (_("Technicians sent"), c.on_site.technicians, p.on_site.technicians),
                (_("Technician-days"), c.on_site.technician_days, p.on_site.technician_days),
                (_("Labour cost"), c.on_site.labour, p.on_site.labour),
                (_("Travel and freight cost"), c.on_site.travel, p.on_site.travel),
            ],
            (2.6, 1.2, 1.4),
            _("On-site repair tickets visited in the period; costs booked on them in it."),
            half=True,
        ),
        ReportTable(
            "satisfaction",
            _("Satisfaction (follow-ups)"),
            (_("Figure"), _("This period"), _("Previous period")),
            [
                (_("Scored follow-ups"), c.satisfaction.count, p.satisfaction.count),
                (
                    _("Average score"),
                    c.satisfaction.average if c.satisfaction.count else "–",
                    p.satisfaction.average if p.satisfaction.count else "–",
                ),
                (
                    _("Scores of 2 or less"),
                    _pct(c.satisfaction.low_share),
                    _pct(p.satisfaction.low_share),
                ),
            ],
            (2.6, 1.2, 1.4),
            _("Follow-up calls that recorded a 1–5 score in the period."),
            half=True,
        ),
        ReportTable(
            "open_cases",
            _("Open and overdue at the period's end"),
            (
                pgettext("record", "Case"),
                _("Kind"),
                _("Status"),
                pgettext("record", "Taken"),
                _("Promised"),
                _("Days overdue"),
                _("Staff"),
            ),
            [
                (
                    x.number,
                    label(KINDS, x.kind),
                    label(STATUSES, x.status),
                    x.taken.isoformat(),
                    x.promise_date.isoformat() if x.promise_date else "",
                    x.days_overdue or "",
                    x.assignee,
                )
                for x in c.open_cases
            ],
            (1.5, 1.0, 1.4, 1.0, 1.0, 0.8, 0.9),
            _("Cases not closed when the period ended, with their status then; overdue first."),
            empty=_("No open cases."),
            align="lllllrl",
        ),
        ReportTable(
            "top_returned",
            _("Most returned products"),
            (_("Product"), _("Cases")),
            list(c.top_returned),
            (3.0, 1.0),
            _("Return and exchange cases received in the period."),
            half=True,
        ),
        ReportTable(
            "top_repaired",
            _("Most repaired products"),
            (_("Product"), _("Cases")),
            list(c.top_repaired),
            (3.0, 1.0),
            _("Repair cases received in the period."),
            half=True,
        ),
        ReportTable(
            "products",
            _("Cases by product"),
            (_("Product"), _("Cases")),
            list(c.by_product.items()),
            (3.0, 1.0),
            case_note,
        ),
    ]
    return tables


def _whole(amount: Decimal) -> int:
    """Chart bars in whole yuan (a drawing, not accounts: the tables carry the exact amounts)."""
    return int(amount.to_integral_value(ROUND_HALF_UP))


#: What after-sales work cost the shop (a dealer deduction is money recovered, not a cost).
SPENT_KINDS = tuple(k for k in COST_KINDS if k != MoneyKind.DEALER_DEDUCTION.value)
#: Money that came back: charged to dealers' accounts, paid by carriers and suppliers.
RECOVERED_KINDS = (
    MoneyKind.DEALER_DEDUCTION.value,
    MoneyKind.CLAIM_RECOVERY.value,
    MoneyKind.SUPPLIER_RECOVERY.value,
)


def report_charts(r: Report) -> list[ReportChart]:
    """The charts: kinds (this vs previous), reasons, liability, costs, money recovered."""
    c, p = r.current, r.previous
    this, prev = _("This period"), _("Previous period")
    kinds = list(c.by_kind) + [k for k in p.by_kind if k not in c.by_kind]
    reasons = list(c.by_reason)[:8]
    costs = list(SPENT_KINDS)
    return [
        ReportChart(
            "bar",
            _("Cases by kind"),
            [label(KINDS, k) for k in kinds],
            [
                (this, [float(c.by_kind.get(k, 0)) for k in kinds]),
                (prev, [float(p.by_kind.get(k, 0)) for k in kinds]),
            ],
        ),
        ReportChart(
            "hbar",
            _("Top reasons"),
            [label(REASONS, k) for k in reasons],
            [(this, [float(c.by_reason[k]) for k in reasons])],
        ),
        ReportChart(
            "pie",
            _("Liability split"),
            [label(LIABILITY, k) for k in c.liability],
            [(this, [float(n) for n in c.liability.values()])],
        ),
        ReportChart(
            "bar",
            _("Costs"),
            [label(MONEY_KINDS, k) for k in costs],
            [
                (this, [_whole(c.cost(k)) for k in costs]),
                (prev, [_whole(p.cost(k)) for k in costs]),
            ],
        ),
        ReportChart(
            "bar",
            _("Money recovered"),
            [label(MONEY_KINDS, k) for k in RECOVERED_KINDS],
            [
                (this, [_whole(c.cost(k)) for k in RECOVERED_KINDS]),
                (prev, [_whole(p.cost(k)) for k in RECOVERED_KINDS]),
            ],
        ),
    ]


def report_document(ctx: Context, r: Report) -> ReportDoc:
    """The report in the current language, as plain tables and charts for the PDF."""
    tables = report_tables(r)
    shop = ctx.settings.shop
    p = r.current.period
    when = ctx.local(r.made_at).strftime("%Y-%m-%d %H:%M")
    chain = _("intact") if r.chain_ok else _("BROKEN — run “audit verify”")
    return ReportDoc(
        title=_("After-sales monthly summary") if p.is_month else _("After-sales summary"),
        shop=shop.name,
        period=p.label,
        meta=[
            (_("Period"), f"{p.first.isoformat()} – {p.last.isoformat()} ({shop.timezone})"),
            (_("Compared with"), r.previous.period.label),
            (_("Printed"), _("{when} by {who}").format(when=when, who=r.made_by)),
            (_("Currency"), shop.currency),
        ],
        overview=tables[0],
        charts=report_charts(r),
        tables=tables[1:],
        closing=[
            (_("Record seal"), r.chain_head),
            (
                _("Event log"),
                (
                    _(
                        "{n} new events since the last check and {k} earlier ones at random "
                        "checked, chain {state}"
                    ).format(n=r.chain_checked, k=r.chain_sampled, state=chain)
                    if r.chain_sampled
                    else _("{n} events checked, chain {state}").format(
                        n=r.chain_checked, state=chain
                    )
                ),
            ),
            (
                _("To check later"),
                _(
                    "The program can prove at any later date that no record up to this seal "
                    "was changed: the menu under your name (top right) → Backups… → Check the "
                    "records…, with the seal above."
                ),
            ),
        ],
        signatures=(_("Prepared by"), _("Owner / manager"), _("Date")),
        footer=_("Record seal {head}…").format(head=r.chain_head[:16]),
        page_label=_("Page {page} of {pages}"),
        lang=current_language(),
    )


def render_report_pdf(ctx: Context, r: Report) -> bytes:
    """The unsigned PDF (for a preview)."""
    return render_report(
        report_document(ctx, r), font=cjk_font(ctx.settings.printing.font_path), author=r.made_by
    )


def reports_dir(ctx: Context) -> Path:
    return ctx.data_dir / "reports"


def make_report_pdf(ctx: Context, r: Report, progress: Progress | None = None) -> ReportFile:
    """Render, sign with the shop's signature like every slip, keep under reports/<year>/."""
    from app.documents.signing import sign_pdf

    step = progress or (lambda _f, _t: None)
    step(0.3, _("Drawing the pages…"))
    pdf = render_report_pdf(ctx, r)
    step(0.7, _("Signing…"))
    signed = sign_pdf(
        pdf, ctx.data_dir, signer=ctx.actor.display_name, shop_name=ctx.settings.shop.name
    )
    stamp = ctx.now().strftime("%Y%m%dT%H%M%S%fZ")
    name = f"report_{r.current.period.label.replace(' – ', '_')}_{stamp}.pdf"
    path = reports_dir(ctx) / f"{ctx.local(ctx.now()).year:04d}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, signed)
    step(1.0, _("Done."))
    return ReportFile(signed, path)


# --- workbook --------------------------------------------------------------------------------

SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(text: str, used: set[str]) -> str:
    base = text.translate(SHEET_CHARS).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _fill(ws: Any, headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """One sheet of a write-only workbook: bold shaded header row, frozen, columns sized.

    Write-only sheets stream rows out as they come (half the time of a normal sheet), so the
    widths are worked out from the rows first.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    head = list(headers)
    body = [
        [v if isinstance(v, int | Decimal | str) or v is None else str(v) for v in row]
        for row in rows
    ]
    widths: dict[int, int] = {}
    for row in (head, *body):
        for col, value in enumerate(row, 1):
            text = "" if value is None else str(value)
            width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            widths[col] = max(widths.get(col, 8), min(width + 2, 60))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="E3EAF3")

    def cell(value: Any) -> Any:
        c = WriteOnlyCell(ws, value=value)
        if c.data_type == "f":  # openpyxl takes "=…" text as a formula: keep it text
            c.data_type = "s"
        return c

    header = []
    for value in head:
        c = cell(value)
        c.font, c.fill = bold, shade
        header.append(c)
    ws.append(header)
    for row in body:
        out: list[Any] = []
        for value in row:
            if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
                c = cell(value)
                c.number_format = "#,##0.00"
                out.append(c)
            elif isinstance(value, str) and value.startswith("="):
                out.append(cell(value))
            else:
                out.append(value)
        ws.append(out)


def report_workbook(ctx: Context, r: Report, progress: Progress | None = None) -> bytes:
    """The XLSX: one sheet per table of the PDF, then the raw cases and money rows."""
    from openpyxl import Workbook  # lazily: only exports need it

    step = progress or (lambda _f, _t: None)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    tables = report_tables(r)
    for i, t in enumerate(tables):
        ws = wb.create_sheet(_sheet_title(t.title, used))
        _fill(ws, t.headers, t.rows)
        step(0.1 + 0.5 * (i + 1) / len(tables), t.title)
    p = r.current.period
    ws = wb.create_sheet(_sheet_title(_("Cases (raw)"), used))
    _fill(
        ws,
        (
            _("Number"),
            _("Kind"),
            _("Status now"),
            _("Channel"),
            _("Reason"),
            _("Product"),
            _("Received on"),
            _("Closed on"),
            _("Promised by"),
            _("Assigned to"),
        ),
        (
            (
                c.number,
                label(KINDS, c.kind),
                label(STATUSES, c.status),
                label(CHANNELS, c.channel),
                label(REASONS, c.reason),
                c.product,
                c.created.strftime("%Y-%m-%d %H:%M"),
                c.closed.strftime("%Y-%m-%d %H:%M") if c.closed else "",
                c.promise_date.isoformat() if c.promise_date else "",
                c.assignee,
            )
            for c in raw_cases(ctx, p)
        ),
    )
    step(0.8, _("Cases (raw)"))
    ws = wb.create_sheet(_sheet_title(_("Money (raw)"), used))
    _fill(
        ws,
        (
            _("Entry"),
            pgettext("record", "Case"),
            _("Kind"),
            _("Amount"),
            _("Booked on"),
            _("Reverses"),
            _("Note"),
        ),
        (
            (
                m.entry_id,
                m.number,
                label(MONEY_KINDS, m.kind),
                m.amount,
                m.at.strftime("%Y-%m-%d %H:%M"),
                m.reverses or "",
                m.note,
            )
            for m in raw_money(ctx, p)
        ),
    )
    wb.properties.title = f"{report_document(ctx, r).title} {p.label}"
    wb.properties.creator = "AfterDesk"
    buf = io.BytesIO()
    wb.save(buf)
    step(1.0, _("Done."))
    return buf.getvalue()


def write_report_xlsx(
    ctx: Context, r: Report, path: Path, progress: Progress | None = None
) -> Path:
    write_atomic(Path(path), report_workbook(ctx, r, progress))
    return Path(path)


# --- CSV of a case list ----------------------------------------------------------------------


def cases_csv(
    ctx: Context, f: CaseFilter | None = None, progress: Progress | None = None
) -> tuple[bytes, int]:
    """ALL cases matching the filter (not only the rows on screen), paged from SQL."""
    step = progress or (lambda _f, _t: None)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(
        [
            _("Number"),
            _("Received on"),
            _("Kind"),
            _("Status"),
            _("Overdue"),
            _("Customer"),
            _("Product"),
            _("Serial/IMEI"),
            _("Assigned to"),
            _("Promised by"),
        ]
    )
    offset = 0
    yes, no = _("yes"), _("no")
    while True:
        rows = list_cases(ctx, f, limit=CSV_PAGE, offset=offset)
        for r in rows:
            w.writerow(
                [
                    r.number,
                    ctx.local(r.created_at).strftime("%Y-%m-%d %H:%M"),
                    label(KINDS, r.kind),
                    label(STATUSES, r.status),
                    yes if r.overdue else no,
                    _csv_safe(r.customer_name),
                    _csv_safe(r.product),
                    r.serial,
                    r.assignee or "",
                    r.promise_date.isoformat() if r.promise_date else "",
                ]
            )
        offset += len(rows)
        step(0.5, _("{n} rows").format(n=offset))
        if len(rows) < CSV_PAGE:
            break
    return ("\ufeff" + out.getvalue()).encode("utf-8"), offset


def _csv_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_cases_csv(
    ctx: Context, f: CaseFilter | None, path: Path, progress: Progress | None = None
) -> int:
    """Write the CSV; returns the number of cases in it."""
    data, n = cases_csv(ctx, f, progress)
    write_atomic(Path(path), data)
    return n


def money_text(ctx: Context, amount: Decimal) -> str:
    return format_money(amount, ctx.settings.shop.currency)
