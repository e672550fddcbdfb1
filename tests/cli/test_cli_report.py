"""`python main.py report`: a signed A4 PDF, Chinese labels in an embedded font, a workbook."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.services.shop.setup import close_data_folder
from tests.cli.test_cli import run
from tests.conftest import Clock, demo_copy

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils missing"
)


@pytest.fixture(scope="module")
def folder(demo_template: Path, tmp_path_factory: pytest.TempPathFactory, backend: str) -> Path:
    data = tmp_path_factory.mktemp("report-cli")
    from app.services.shop.setup import open_data_folder

    open_data_folder(data)
    demo_copy(demo_template, data, Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC)))
    close_data_folder()
    return data


def test_report_writes_a_signed_pdf_and_a_workbook(folder: Path, tmp_path: Path) -> None:
    pdf, xlsx = tmp_path / "月报.pdf", tmp_path / "月报.xlsx"
    r = run(
        "report",
        "--month",
        "2026-02",
        "--out",
        str(pdf),
        "--xlsx",
        str(xlsx),
        data_dir=folder,
        lang="zh",
        user="owner",
    )
    assert r.rc == 0, r.err
    assert r.out.split() == [str(pdf), str(xlsx)]
    kept = sorted((folder / "reports" / "2026").glob("report_2026-02_*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == pdf.read_bytes()

    verified = run("verify", str(pdf), data_dir=folder, lang="en")
    assert verified.rc == 0, verified.err + verified.out

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, encoding="utf-8", check=True
    ).stdout
    assert "2026-02" in text and "示例手机店" in text
    for chinese in ("维修", "质量问题", "退货"):  # kinds and reasons named in Chinese
        assert chinese in text, chinese
    # The printed copy anchors the event log: its head is still found in the chain later.
    heads = re.findall(r"\b[0-9a-f]{64}\b", text)
    assert len(heads) == 1
    anchored = run("audit", "verify", "--anchor", heads[0], data_dir=folder, user="owner")
    assert anchored.rc == 0, anchored.err
    assert run("audit", "verify", "--anchor", "0" * 64, data_dir=folder, user="owner").rc != 0
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, encoding="utf-8", check=True
    ).stdout
    cjk = [ln for ln in fonts.splitlines() if "AfterDeskCJK" in ln or "WenQuanYi" in ln]
    assert cjk and all(re.search(r"\byes\s+yes\b", ln) for ln in cjk), fonts  # embedded subset

    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert len(wb.sheetnames) >= 12
    first = wb[wb.sheetnames[0]]
    assert first.max_row > 10 and first.cell(2, 2).value is not None
    raw_cases, raw_money = wb[wb.sheetnames[-2]], wb[wb.sheetnames[-1]]
    assert raw_cases.max_row > 1 and str(raw_cases.cell(2, 1).value).startswith("SH-2026-")
    assert raw_money.max_row > 1


def test_a_date_range_and_bad_input(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "range.pdf"
    r = run(
        "report",
        "--from",
        "2026-01-15",
        "--to",
        "2026-02-14",
        "--out",
        str(out),
        "--json",
        data_dir=folder,
        user="owner",
    )
    got = r.json()
    assert got["period"] == "2026-01-15 – 2026-02-14" and out.is_file()
    assert got["current"]["received"] >= 0 and len(got["chain_head"]) == 64
    for args in (
        ("--month", "2026-13"),
        ("--month", "March"),
        ("--month", "2026-02", "--from", "2026-02-01"),
        ("--from", "2026-02-01"),
        ("--from", "2026-02-10", "--to", "2026-02-01"),
        ("--month", "2026-02", "--out", str(tmp_path / "no" / "such" / "folder.pdf")),
    ):
        bad = run("report", *args, data_dir=folder, user="owner")
        assert bad.rc == 2, (args, bad.err)
        bad.one_error_line()
    assert run("report", "--month", "2026-02", data_dir=folder).rc == 2  # who prints it?
