"""The monthly summary's charts, read back: whole-number ticks for counts, every label in full,
dealer deductions as money recovered (not a cost)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart

from app.documents.fonts import cjk_font
from app.documents.report_pdf import ReportChart, _chart
from app.i18n import _
from app.i18n.labels import MONEY_KINDS, label
from app.services.paper.exports import report_charts, report_tables
from app.services.paper.report import month_report
from app.services.shop.context import Context
from tests.conftest import Clock, demo_copy
from tests.documents.slipdata import have_poppler, squash

REASONS = [
    "不想要了（七天无理由退货）",
    "收到商品与描述不符（颜色、尺码）",
    "运输途中损坏（外包装破损）",
    "质量问题",
]


def _axis(d: object) -> VerticalBarChart | HorizontalBarChart:
    return next(
        x
        for x in d.contents
        if isinstance(x, VerticalBarChart | HorizontalBarChart)  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("counts", [[5, 3], [1, 0], [7, 2, 1], [13, 9], [3, 3, 3]])
@pytest.mark.parametrize("kind", ["bar", "hbar"])
def test_counts_get_whole_number_ticks(kind: str, counts: list[int]) -> None:
    chart = ReportChart(kind, "Cases", [f"k{i}" for i in range(len(counts))], [("n", counts)])
    axis = _axis(_chart(chart, cjk_font().name, 240)).valueAxis
    assert float(axis.valueStep).is_integer() and axis.valueStep >= 1
    assert float(axis.valueMax).is_integer() and axis.valueMax % axis.valueStep == 0
    assert axis.valueMax >= max(counts)


@pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils (pdftotext)")
@pytest.mark.parametrize("kind", ["bar", "hbar", "pie"])
def test_chart_labels_are_printed_in_full(kind: str, tmp_path: Path) -> None:
    font = cjk_font().name
    chart = ReportChart(kind, "原因", REASONS, [("本期", [4.0, 3.0, 2.0, 1.0])])
    path = tmp_path / "chart.pdf"
    path.write_bytes(renderPDF.drawToString(_chart(chart, font, 250)))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "…" not in text
    for name in REASONS:
        assert squash(name) in squash(text), name


def test_dealer_deductions_are_money_recovered_not_a_cost(
    demo_template: Path, data_dir: Path, clock: Clock
) -> None:
    ctx: Context = demo_copy(demo_template, data_dir, clock)
    r = month_report(ctx, 2026, 2)
    charts = {c.title: c for c in report_charts(r)}
    dealer = label(MONEY_KINDS, "dealer_deduction")
    assert dealer not in charts[_("Costs")].labels
    recovered = charts[_("Money recovered")]
    assert recovered.labels[0] == dealer
    assert label(MONEY_KINDS, "claim_recovery") in recovered.labels
    rows = [row[0] for row in report_tables(r)[0].rows]
    total = rows.index(_("After-sales cost (parts + freight + labour)"))
    assert dealer not in rows[:total]  # not listed among the costs
    assert rows[total + 1] == _("Recovered from dealers (account deductions)")
