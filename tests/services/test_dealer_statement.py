"""A dealer's statement for a period: the opening balance, each movement with the balance after
it, the closing balance; on paper a signed PDF whose text carries the same figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.documents.signing import verify_pdf
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.rules import update_settings, with_settings
from app.services.paper.statements import make_dealer_statement
from app.services.remedies.dealers import dealer_deposit, dealer_statement, list_dealers
from app.services.remedies.return_help import deduct_dealer
from app.services.safekeeping.audit_check import changed_rows
from app.services.shop.context import Context
from app.store.models import Event
from tests.conftest import Clock, refused
from tests.documents.slipdata import pdf_text, squash

DEALER = {"name": "鑫达通讯（刘总）", "phone": "13906571288", "customer_kind": "dealer"}


def _month(ctx: Context, clock: Clock) -> str:
    """February: a deposit; March: a top-up, a deduction; April: another deduction."""
    clock.now = clock.now.replace(month=2, day=10)
    number = take_intake(ctx, IntakeForm(kind="complaint", **DEALER)).number
    dealer_deposit(ctx, number, "10000", "bank", "预存保证金")
    clock.now = clock.now.replace(month=3, day=3)
    dealer_deposit(ctx, number, "5000.00", "wechat", "追加")
    clock.now = clock.now.replace(day=20)
    deduct_dealer(ctx, number, "800.00", "人为损坏")
    clock.now = clock.now.replace(month=4, day=2)
    deduct_dealer(ctx, number, "200.00", "包装破损")
    return number


def test_a_statement_for_march_opens_and_closes_with_the_account(
    ctx: Context, clock: Clock
) -> None:
    number = _month(ctx, clock)
    s = dealer_statement(ctx, number, "2026-03-01", "2026-03-31")
    assert (s.opening, s.closing, s.balance_now) == (
        Decimal("10000.00"),
        Decimal("14200.00"),
        Decimal("14000.00"),
    )
    assert [(ln.reason, ln.amount, ln.balance, ln.case_number) for ln in s.lines] == [
        ("deposit", Decimal("5000.00"), Decimal("15000.00"), ""),
        ("deduction", Decimal("-800.00"), Decimal("14200.00"), number),
    ]
    assert (s.paid_in, s.deducted) == (Decimal("5000.00"), Decimal("800.00"))
    # A period with nothing in it: opening = closing.
    empty = dealer_statement(ctx, number, "2026-01-01", "2026-01-31")
    assert (empty.opening, empty.closing, empty.lines) == (Decimal("0.00"), Decimal("0.00"), [])
    whole = dealer_statement(ctx, number, "2026-01-01", "2026-12-31")
    assert whole.closing == whole.balance_now == Decimal("14000.00")
    assert [d.name for d in list_dealers(ctx, "鑫达")] == [DEALER["name"]]
    assert changed_rows() == ()  # deposits and deductions are sealed in the log


def test_a_bad_period_or_someone_not_a_dealer_is_refused(ctx: Context, clock: Clock) -> None:
    number = _month(ctx, clock)
    refused(lambda: dealer_statement(ctx, number, "2026-03-31", "2026-03-01"), "period_reversed")
    refused(lambda: dealer_statement(ctx, number, "2026-13-01", None), "invalid_input")
    consumer = take_intake(ctx, IntakeForm(kind="complaint", name="王芳", phone="13600001234"))
    refused(lambda: dealer_statement(ctx, consumer.number), "not_a_dealer")


@pytest.mark.sqlite_only  # the PDF does not depend on the database
def test_the_statement_pdf_is_signed_and_carries_the_figures(
    ctx: Context, clock: Clock, tmp_path: Path
) -> None:
    number = _month(ctx, clock)
    out = tmp_path / "out" / "statement.pdf"
    made = make_dealer_statement(ctx, number, "2026-03-01", "2026-03-31", out=out, lang="en")
    assert out.read_bytes() == made.pdf == made.path.read_bytes()
    assert made.path.parent.parent.name == "statements"
    assert verify_pdf(made.pdf, ctx.data_dir).ok
    text = squash(pdf_text(made.pdf, tmp_path))
    for expected in (
        "Dealeraccountstatement",
        "2026-03-01–2026-03-31",
        squash(DEALER["name"]),
        "¥10,000.00",  # opening
        "¥5,000.00",
        "-¥800.00",
        "¥14,200.00",  # closing
        number,
    ):
        assert expected in text, expected
    assert "139****1288" in text and "13906571288" not in text  # handed out: the phone masked
    event = Event.get(Event.action == "statement_printed")
    assert (event.data["opening"], event.data["closing"]) == ("10000.00", "14200.00")
    # A changed byte breaks the signature.
    forged = bytearray(made.pdf)
    at = forged.index(b"14,200.00") if b"14,200.00" in forged else len(forged) // 2
    forged[at] ^= 1
    assert not verify_pdf(bytes(forged), ctx.data_dir).ok


@pytest.mark.sqlite_only
def test_the_statement_is_in_the_slip_language_not_the_windows(
    ctx: Context, clock: Clock, tmp_path: Path
) -> None:
    """It is handed to the dealer like a slip: Chinese by the shop's setting (the default), even
    when the program runs in English, and English only when asked or set."""
    number = _month(ctx, clock)
    made = make_dealer_statement(ctx, number, "2026-03-01", "2026-03-31")
    text = squash(pdf_text(made.pdf, tmp_path))
    for expected in ("经销商账户对账单", "期初余额", "期末余额", "预存款", "¥14,200.00"):
        assert expected in text, expected
    assert "Dealeraccountstatement" not in text and "Openingbalance" not in text
    ctx = with_settings(ctx, update_settings(ctx, {"printing.slip_language": "en"}))
    english = squash(pdf_text(make_dealer_statement(ctx, number, "2026-03-01").pdf, tmp_path))
    assert "Dealeraccountstatement" in english and "经销商账户对账单" not in english
