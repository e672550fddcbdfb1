"""Print means print: "printed" is in the record's history only when the print system accepted
the job. Through the real CUPS queue (AFTERDESK_TEST_PRINTER, a cups-pdf queue); a refused job
uses a queue of its own set to reject jobs (``cupsreject``), and a printer that does not exist.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain.errors import DomainError
from app.i18n.messages import describe
from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper.documents import print_slip
from app.services.safekeeping.privacy import _customer_slips
from app.services.shop.context import Context
from app.services.shop.print_prefs import remember_printer
from app.store.models import Case, Event
from tests.documents.test_printing import CUPS_OUT, PRINTER, _job_output, needs_cups


def _events(number: str, action: str) -> list[Event]:
    return list(Event.select().where((Event.number == number) & (Event.action == action)))


@pytest.fixture
def repair(ctx: Context, backend: str) -> str:
    form = IntakeForm(kind="repair", name="王五", phone="13812349001", product="华为 P60")
    return take_intake(ctx, form).number


@pytest.fixture
def refusing_queue() -> Iterator[str]:
    """A queue of our own that refuses every job (the shared test queue is left alone)."""
    if not (shutil.which("lpadmin") and shutil.which("cupsreject") and shutil.which("lpstat")):
        pytest.skip("needs lpadmin and cupsreject")
    uri = subprocess.run(["lpstat", "-v", PRINTER], capture_output=True, text=True).stdout
    name = "AfterDesk-Refuse-" + uuid.uuid4().hex[:6]
    made = subprocess.run(
        ["lpadmin", "-p", name, "-v", uri.split(": ", 1)[-1].strip() or "file:/dev/null", "-E"],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("cannot add a CUPS queue here")
    try:
        subprocess.run(["cupsreject", name], check=True, capture_output=True)
        yield name
    finally:
        subprocess.run(["lpadmin", "-x", name], capture_output=True)


@needs_cups
def test_an_accepted_job_is_logged_printed_with_its_job(ctx: Context, repair: str) -> None:
    # no printer named: the one remembered for the receipt (not the system's default)
    ctx = replace(ctx, settings=remember_printer(ctx, "intake", PRINTER))
    done = print_slip(ctx, repair, "intake")
    assert done.printer == PRINTER and done.job.startswith(PRINTER)
    out = _job_output(done.job)
    assert out.stat().st_size > 0 and Path(CUPS_OUT) in out.parents
    (printed,) = _events(repair, "printed")
    assert printed.data["job"] == done.job and printed.data["printer"] == PRINTER
    assert printed.data["form"] == "intake"
    assert not _events(repair, "print_failed")


@needs_cups
def test_a_refused_job_says_so_and_is_not_logged_printed(
    ctx: Context, repair: str, refusing_queue: str
) -> None:
    with pytest.raises(DomainError) as info:
        print_slip(ctx, repair, "intake", printer=refusing_queue)
    assert info.value.code == "print_failed"
    text = describe(info.value)
    assert refusing_queue in text and "not accepting" in text
    assert not _events(repair, "printed")
    (failed,) = _events(repair, "print_failed")
    assert failed.data["printer"] == refusing_queue and failed.data["error"] == "print_failed"
    # the signed slip is kept, and found for the customer's data (export, erase)
    kept = ctx.data_dir / failed.data["file"]
    assert kept.is_file()
    customer = Case.get(Case.number == repair).customer
    assert kept.resolve() in _customer_slips(ctx, customer)


@needs_cups
def test_a_printer_that_does_not_exist_is_named_and_nothing_printed(
    ctx: Context, repair: str
) -> None:
    name = "No-Such-Printer-" + uuid.uuid4().hex[:6]
    with pytest.raises(DomainError) as info:
        print_slip(ctx, repair, "label", printer=name)
    assert info.value.code == "printer_unavailable"
    assert name in describe(info.value)
    assert not _events(repair, "printed")


def test_no_printer_at_all_is_said_not_silent(
    ctx: Context, repair: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat: no printer on this computer
    monkeypatch.delenv("PRINTER", raising=False)
    monkeypatch.delenv("LPDEST", raising=False)
    with pytest.raises(DomainError) as info:
        print_slip(ctx, repair, "intake")
    assert info.value.code == "no_printer"
    assert "no default printer" in describe(info.value)
    assert not _events(repair, "printed")
    assert _events(repair, "print_failed")
