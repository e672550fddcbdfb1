"""`report --send`: the signed monthly summary copied to each recipient's folder (003), on a real
data folder, as the shop's script runs it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.services.casework.rules import update_settings
from app.services.shop.setup import close_data_folder, open_data_folder
from tests.cli.test_cli import run
from tests.conftest import Clock, demo_copy

RECIPIENTS = ("qc", "technical", "sales", "management")


@pytest.fixture
def shop(demo_template: Path, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    data = tmp_path / "data"
    open_data_folder(data)
    ctx = demo_copy(demo_template, data, Clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC)))
    folders = {c: tmp_path / "share" / c for c in RECIPIENTS}
    for f in folders.values():
        f.mkdir(parents=True)
    update_settings(ctx, {f"report.folder_{c}": str(f) for c, f in folders.items()})
    close_data_folder()
    return data, folders


def test_report_send_copies_the_same_signed_pdf_to_every_recipient(
    shop: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    data, folders = shop
    r = run("report", "--month", "2026-02", "--send", "--json", data_dir=data, user="owner")
    got = r.json()
    assert set(got["sent"]) == set(RECIPIENTS)
    kept = Path(got["file"]).read_bytes()
    for code, path in got["sent"].items():
        assert Path(path).parent == folders[code] and Path(path).read_bytes() == kept
    assert run("verify", got["sent"]["qc"], data_dir=data).rc == 0  # the copy checks as signed
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", got["sent"]["management"], "-"],
            capture_output=True,
            encoding="utf-8",
            check=True,
        ).stdout
        for heading in ("On-site service", "Satisfaction (follow-ups)", "Technician workload"):
            assert heading in text

    only = run(
        "report", "--month", "2026-02", "--send", "qc,management", data_dir=data, user="owner"
    )
    assert only.rc == 0, only.err
    assert [len(list(folders[c].iterdir())) for c in RECIPIENTS] == [2, 1, 1, 2]


def test_report_send_refuses_before_making_anything(
    shop: tuple[Path, dict[str, Path]],
) -> None:
    data, folders = shop
    made = data / "reports"
    before = sorted(made.rglob("*.pdf")) if made.exists() else []
    bad = run("report", "--month", "2026-02", "--send", "accounts", data_dir=data, user="owner")
    assert bad.rc == 2 and "accounts" in bad.one_error_line()
    shutil.rmtree(folders["sales"])
    gone = run("report", "--month", "2026-02", "--send", data_dir=data, user="owner")
    assert gone.rc == 2 and "sales" in gone.one_error_line()
    after = sorted(made.rglob("*.pdf")) if made.exists() else []
    assert after == before
    assert all(not any(folders[c].iterdir()) for c in ("qc", "technical", "management"))
