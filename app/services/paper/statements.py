"""Account statements on paper: a dealer's account for a period, signed like every slip.

The statement is laid out by the report renderer (`app.documents.report_pdf`: title, key lines,
tables, boxes to sign by hand), signed with the shop's digital signature and kept under
``<data folder>/statements/<year>/``; a copy goes where the caller asks (`out`). Printing it
records an event on the dealer, so the log shows who handed out which statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.documents.fonts import cjk_font
from app.documents.report_pdf import ReportDoc, ReportTable, render_report
from app.domain.money import format_money
from app.domain.validation import mask_phone
from app.i18n import N_, _
from app.services.paper.documents import slip_language, slip_translator
from app.services.paper.exports import write_atomic
from app.services.remedies.dealers import DealerStatement, dealer_statement
from app.services.shop import audit
from app.services.shop.context import Context
from app.store.db import write_transaction
from app.store.models import Customer

#: What a dealer's account movement was, as the statement names it.
DEALER_REASONS = {
    "opening": N_("Opening balance"),  # brought in with the dealers list (import)
    "deposit": N_("Deposit paid in"),
    "deduction": N_("Deduction"),
    "liability": N_("Dealer liable"),
    "credit": N_("Return credited"),
    "freight": N_("Freight charged"),
    "freight_reversed": N_("Freight reversed"),
}


@dataclass(frozen=True)
class StatementFile:
    statement: DealerStatement
    pdf: bytes
    path: Path  # the kept copy in the data folder
    out: Path | None  # the copy written where asked


def reason_label(reason: str, tr: Callable[[str], str] = _) -> str:
    text = DEALER_REASONS.get(reason)
    return tr(text) if text else reason


def _money(ctx: Context, value: object) -> str:
    return format_money(value, ctx.settings.shop.currency)  # type: ignore[arg-type]


def statement_document(ctx: Context, s: DealerStatement, lang: str | None = None) -> ReportDoc:
    """The statement as a report document in the slip language (it is handed to the dealer, as
    a slip to a customer: the shop's setting, not the language the window runs in)."""
    lang = slip_language(ctx, lang)
    _ = slip_translator(lang).gettext
    when = ctx.local(ctx.now()).strftime("%Y-%m-%d %H:%M")
    period = f"{s.date_from.isoformat()} – {s.date_to.isoformat()}"
    overview = ReportTable(
        "balance",
        _("Account"),
        (_("Opening balance"), _("Paid in and credited"), _("Deducted"), _("Closing balance")),
        [
            (
                _money(ctx, s.opening),
                _money(ctx, s.paid_in),
                _money(ctx, s.deducted),
                _money(ctx, s.closing),
            )
        ],
        widths=(1, 1, 1, 1),
        align="rrrr",
    )
    rows = [
        (
            ctx.local(ln.at).strftime("%Y-%m-%d %H:%M"),
            reason_label(ln.reason, _),
            ln.case_number,
            ln.note,
            _money(ctx, ln.amount),
            _money(ctx, ln.balance),
        )
        for ln in s.lines
    ]
    movements = ReportTable(
        "movements",
        _("Movements"),
        (_("Date"), _("What"), _("Case"), _("Note"), _("Amount"), _("Balance")),
        rows,
        widths=(1.3, 1.5, 1.2, 2.2, 1, 1),
        align="llllrr",
        empty=_("No movements in this period."),
    )
    shop = ctx.settings.shop
    return ReportDoc(
        title=_("Dealer account statement"),
        shop=shop.name,
        period=period,
        meta=[
            (_("Dealer"), f"{s.name} (#{s.customer_id})"),
            (_("Phone"), mask_phone(s.phone) if s.phone else "—"),  # handed out: masked
            (_("Period"), f"{period} ({shop.timezone})"),
            (_("Printed"), _("{when} by {who}").format(when=when, who=ctx.actor.display_name)),
            (_("Currency"), shop.currency),
        ],
        overview=overview,
        charts=[],
        tables=[movements],
        closing=[
            (_("Opening balance"), _money(ctx, s.opening)),
            (_("Closing balance"), _money(ctx, s.closing)),
            (_("Balance today"), _money(ctx, s.balance_now)),
            (
                _("Please check"),
                _(
                    "Please check this statement and tell us of any difference within 15 days; "
                    "the shop's digital signature on this file shows it is unchanged."
                ),
            ),
        ],
        signatures=(_("Shop"), _("Dealer"), _("Date")),
        footer=_("Dealer #{id}").format(id=s.customer_id),
        page_label=_("Page {page} of {pages}"),
        lang=lang,
    )


def statements_dir(ctx: Context) -> Path:
    return ctx.data_dir / "statements"


def make_dealer_statement(
    ctx: Context,
    dealer: str,
    date_from: object = None,
    date_to: object = None,
    *,
    out: str | Path | None = None,
    lang: str | None = None,
) -> StatementFile:
    """Render, sign with the shop's signature, keep under statements/<year>/ (and write to
    `out` when given); the event on the dealer records the period and the closing balance."""
    from app.documents.shop_identity import signer_name
    from app.documents.signing import sign_pdf
    from app.services.paper.certificates import signing_identity

    s = dealer_statement(ctx, dealer, date_from, date_to)
    signs_as = signer_name(signing_identity(ctx).signing_cert)
    pdf = render_report(
        statement_document(ctx, s, lang),
        font=cjk_font(ctx.settings.printing.font_path),
        author=ctx.actor.display_name,
    )
    signed = sign_pdf(
        pdf,
        ctx.data_dir,
        signer=ctx.actor.display_name,
        reason="AfterDesk dealer statement",
        shop_name=signs_as,
    )
    stamp = ctx.now().strftime("%Y%m%dT%H%M%S%fZ")
    name = f"dealer{s.customer_id}_{s.date_from:%Y%m%d}_{s.date_to:%Y%m%d}_{stamp}.pdf"
    path = statements_dir(ctx) / f"{ctx.local(ctx.now()).year:04d}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, signed)
    target = None
    if out is not None:
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, signed)
    with write_transaction():
        audit.log(
            ctx,
            "customer",
            Customer.get_by_id(s.customer_id),
            "statement_printed",
            {
                "from": s.date_from.isoformat(),
                "to": s.date_to.isoformat(),
                "opening": str(s.opening),
                "closing": str(s.closing),
                "file": str(path.relative_to(ctx.data_dir)),
            },
            number="",
        )
    return StatementFile(s, signed, path, target)


def print_dealer_statement(
    ctx: Context,
    dealer: str,
    date_from: object = None,
    date_to: object = None,
    *,
    printer: str | None = None,
    lang: str | None = None,
) -> tuple[StatementFile, str]:
    """Make the signed statement (kept like `make_dealer_statement`) and send it to `printer`
    (None: the PC's default printer); returns the file and the printer's job id."""
    from app.documents import printing

    made = make_dealer_statement(ctx, dealer, date_from, date_to, lang=lang)
    job = printing.print_pdf(made.pdf, printer, title=made.path.name)
    return made, job
