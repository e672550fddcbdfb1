"""`main.py print` for every form, signed slips kept in the data folder, bad input exits 2."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.services.shop.setup import close_data_folder, open_data_folder
from app.store.models import Event
from tests.documents.slipdata import MOBILE, _pick, have_poppler, pdf_text, squash

pytestmark = pytest.mark.skipif(not have_poppler(), reason="needs poppler-utils (pdftotext)")


@dataclass(frozen=True)
class Folder:
    path: Path
    numbers: dict[str, str]


@pytest.fixture(scope="module", name="folder")
def folder_fixture(
    tmp_path_factory: pytest.TempPathFactory, slips_template: Path
) -> Iterator[Folder]:
    """A copy of the session's slip shop (tests/documents/conftest.py)."""
    path = tmp_path_factory.mktemp("cli") / "data"
    shutil.copytree(slips_template, path)
    open_data_folder(path)
    numbers = _pick(path)
    close_data_folder()
    yield Folder(path, numbers)


FORM_NUMBER = {
    "intake": "intake",
    "repair-ticket": "repair",
    "repair-receipt": "repair_case",
    "label": "repair",
    "warranty-card": "repair_case",
    "rma": "rma",
    "return-receipt": "rma_case",
    "carrier-claim": "claim",
}


@pytest.fixture(autouse=True)
def _demo_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo made an owner, so the command line acts as a signed-in demo account."""
    monkeypatch.setenv("AFTERDESK_PIN", "123456")


def run(folder: Folder, *args: str) -> int:
    try:
        return main(["--data-dir", str(folder.path), "--user", "desk", *args])
    except SystemExit as exc:  # argparse's own refusals
        return int(exc.code or 0)


@pytest.mark.parametrize("form", sorted(FORM_NUMBER))
def test_print_every_form_to_a_signed_pdf(
    folder: Folder, form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = folder.numbers[FORM_NUMBER[form]]
    out = tmp_path / f"{form}.pdf"
    assert run(folder, "--lang", "zh", "print", number, "--form", form, "--out", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf  # signed
    text = pdf_text(out, tmp_path)
    if form != "label":
        assert "鑫达" not in text  # the demo shop keeps its default name here
    if form not in ("return-receipt",):
        assert not MOBILE.search(text)
    kept = sorted((folder.path / "slips").rglob(f"*_{form}_*.pdf"))
    assert kept and kept[-1].read_bytes() == pdf
    open_data_folder(folder.path)
    try:
        # a PDF written to a file is "saved", not "printed" (no printer took it)
        printed = Event.select().where(Event.action == "slip_saved").order_by(Event.id.desc()).get()
        assert printed.data["form"] == form
        assert squash(printed.number) in squash(text)
    finally:
        close_data_folder()


def test_print_blank_form_without_number(
    folder: Folder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "blank.pdf"
    assert run(folder, "print", "--blank", "--form", "rma", "--out", str(out)) == 0
    assert "客户退/换货申请表单" in pdf_text(out, tmp_path)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["print", "{intake}", "--form", "invoice"], "invoice"),
        (["print", "SH-2026-999999", "--form", "intake"], "SH-2026-999999"),
        (["print", "{complaint}", "--form", "repair-ticket"], "{complaint}"),
        (["print", "{repair}", "--form", "rma"], "{repair}"),
        (["print", "--form", "intake"], ""),
        (["print", "{intake}", "--blank", "--form", "intake"], ""),
        (["print", "--blank", "--form", "label"], ""),
        (["print", "{intake}"], ""),
    ],
)
def test_bad_input_exits_2_with_one_line(
    folder: Folder,
    args: list[str],
    needle: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filled = [a.format(**folder.numbers) for a in args]
    out = tmp_path / "never.pdf"
    assert run(folder, "--lang", "en", *filled, "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err
    assert needle.format(**folder.numbers) in err
    assert not out.exists()


def test_slips_print_in_the_shops_language_not_the_windows(
    folder: Folder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = folder.numbers["intake"]
    out = tmp_path / "intake.pdf"
    # the program speaks English on this PC; the slip is the shop's: Chinese by default
    assert run(folder, "--lang", "en", "print", number, "--form", "intake", "--out", str(out)) == 0
    text = pdf_text(out, tmp_path)
    assert "售后受理单" in text and "After-sales Intake Receipt" not in text
    assert "客户与产品" in text
    # one slip in English on request
    args = ["print", number, "--form", "intake", "--slip-lang", "en", "--out", str(out)]
    assert run(folder, "--lang", "zh", *args) == 0
    assert "After-sales Intake Receipt" in pdf_text(out, tmp_path)


def test_printing_a_slip_with_the_shops_details_empty_warns(
    folder: Folder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "card.pdf"
    number = folder.numbers["repair_case"]
    capsys.readouterr()
    args = ["--lang", "en", "print", number, "--form", "warranty-card", "--out", str(out)]
    assert run(folder, *args) == 0
    err = capsys.readouterr().err
    assert err.startswith("Warning:") and "Shop address" in err and "Service hotline" in err
    assert "Return address" in err
