"""Demo records for the slip tests: one data folder per test module, each a copy of the session's
(make_demo is slow-ish)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.shop.context import Context
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store.models import CarrierClaim, Case, RepairTicket, ReturnAuth

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")  # a whole mobile number, not part of an order no.


def pdf_text(pdf: bytes | Path, tmp: Path, *, layout: bool = False) -> str:
    path = pdf if isinstance(pdf, Path) else tmp / "slip.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_fonts(pdf: bytes, tmp: Path) -> str:
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def squash(text: str) -> str:
    """Text without white space: a wrapped line in the PDF is still the same text."""
    return re.sub(r"\s+", "", text)


@dataclasses.dataclass(frozen=True)
class Demo:
    ctx: Context
    folder: Path
    intake: str  # a case number
    repair: str  # a signed repair ticket with charges (WX-)
    repair_case: str  # its SH- case
    rma: str  # an RMA with received lines
    rma_case: str
    claim: str  # a claim number (SP-)
    claim_case: str  # a case with a claim
    complaint: str  # a case without product, repair, RMA or claim


def _pick(folder: Path) -> dict[str, str]:
    signed = (
        RepairTicket.select().where(RepairTicket.signed_at.is_null(False)).order_by(RepairTicket.id)
    )
    ticket = next(t for t in signed if t.parts.count() + t.labour.count() > 0)
    rma = next(
        r
        for r in ReturnAuth.select().order_by(ReturnAuth.id)
        if r.received_at is not None and r.lines.count()
    )
    claim = CarrierClaim.select().where(CarrierClaim.case.is_null(False)).first()
    bare = next(
        c
        for c in Case.select().order_by(Case.id)
        if c.product_id is None
        and c.sale_id is None
        and not c.repair_tickets.count()
        and not c.rmas.count()
        and not c.claims.count()
    )
    intake = Case.select().where(Case.kind == "repair").order_by(Case.id).first()
    return {
        "intake": intake.number,
        "repair": ticket.number,
        "repair_case": ticket.case.number,
        "rma": rma.number,
        "rma_case": rma.case.number,
        "claim": claim.number,
        "claim_case": claim.case.number,
        "complaint": bare.number,
    }


def shop_ctx(ctx: Context) -> Context:
    """The demo context with a shop that has an address, a hotline and a return address."""
    shop = dataclasses.replace(
        ctx.settings.shop,
        name="鑫达手机通讯（示例店）",
        address="杭州市西湖区文三路 398 号 1 楼",
        hotline="0571-8888 6666",
        return_address="杭州市西湖区文三路 398 号 售后部（310012）",
    )
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, shop=shop))


@pytest.fixture(scope="module", name="demo")
def demo_fixture(tmp_path_factory: pytest.TempPathFactory, slips_template: Path) -> Iterator[Demo]:
    """A copy of the session's slip shop (tests/documents/conftest.py) for this module."""
    folder = tmp_path_factory.mktemp("slips") / "data"
    shutil.copytree(slips_template, folder)
    open_data_folder(folder)
    ctx = context_for(folder, "boss")
    yield Demo(shop_ctx(ctx), folder, **_pick(folder))
    close_data_folder()


def have_poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
