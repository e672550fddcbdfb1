"""Bad input, tried hard: every validator and every text-taking service entry point gets random
and hostile text (full-width digits, emoji, SQL, 10 kB strings, control characters). Only
ValidationError/DomainError may come back, and a refusal leaves the database unchanged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import validation as val
from app.domain.codes import CaseKind, Category
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.i18n.messages import describe
from app.services.casework import complaints, rules, transitions
from app.services.casework.cases import CaseFilter, list_cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.search import search
from app.services.remedies import money, repairs
from app.services.shop.context import Context
from app.store.history import verify_chain
from app.store.models import SparePart
from tests.conftest import row_counts

NASTY = [
    "１３８００１３８０００",  # full-width digits
    "１２９９．００",
    "٣٤٥",  # Arabic-Indic digits
    "😀📱💥",
    "张三😀",
    '\'; DROP TABLE "case"; --',
    "1 OR 1=1",
    "%_\\",
    "\x00",
    "abc\x07def",
    "\u202eevil",  # right-to-left override
    "\ufeff13800138000",
    "a\r\nb",
    " ",
    "\t\n",
    "x" * 10_000,
    "é" * 4001,
    "NaN",
    "Infinity",
    "-0",
    "1e9",
    "9" * 40,
    "2026-02-30",
    "0000-00-00",
    "None",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=3).map("".join),
    st.integers(-(10**12), 10**12).map(str),
)
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALIDATORS: list[tuple[str, Callable[[str], Any]]] = [
    ("text", lambda t: val.validate_text(t, "note")),
    ("text_single_line", lambda t: val.validate_text(t, "note", multiline=False, max_len=40)),
    ("name", lambda t: val.validate_person_name(t)),
    ("kind", lambda t: val.validate_choice(t, "kind", CaseKind)),
    ("category", lambda t: val.validate_choice(t, "category", Category)),
    ("mobile", lambda t: val.validate_mobile(t)),
    ("landline", lambda t: val.validate_landline(t)),
    ("phone", lambda t: val.validate_phone(t)),
    ("imei", lambda t: val.validate_imei(t)),
    ("imeisv", lambda t: val.validate_imeisv(t)),
    ("meid", lambda t: val.validate_meid(t)),
    ("serial", lambda t: val.validate_serial(t)),
    ("date", lambda t: val.validate_date(t, "sold", not_after=date(2026, 3, 2))),
    ("qty", lambda t: val.validate_qty(t)),
    ("money", lambda t: parse_money(t, "amount")),
]


@pytest.mark.parametrize("name,check", VALIDATORS, ids=[n for n, _ in VALIDATORS])
@settings(max_examples=80, deadline=None)
@given(text=hostile)
def test_validators_only_refuse_with_codes(
    name: str, check: Callable[[str], Any], text: str
) -> None:
    try:
        clean = check(text)
    except DomainError as exc:
        assert exc.code and describe(exc)  # a sentence, never a crash in the message either
        return
    if isinstance(clean, str):  # what passes is printable: no control characters survive
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in clean), repr(
            clean
        )


@pytest.fixture
def cases(ctx: Context) -> dict[str, str]:
    SparePart.create(part_no="BAT-01", name="电池", stock=5, cost="80.00", price="150.00")
    repair = take_intake(
        ctx, IntakeForm(kind="repair", name="李四", phone="13900139000", product="手机")
    )
    complaint = take_intake(ctx, IntakeForm(kind="complaint", name="王五", phone="13700137000"))
    refund = take_intake(
        ctx, IntakeForm(kind="refund", name="赵六", phone="13600136000", amount="100.00")
    )
    return {"repair": repair.number, "complaint": complaint.number, "refund": refund.number}


def _entry_points(ctx: Context, n: dict[str, str]) -> dict[str, Callable[[str], Any]]:
    def intake(**kw: Any) -> Callable[[str], Any]:
        def call(t: str) -> Any:
            base = {"kind": "complaint", "name": "张三", "phone": "13800138000"}
            return take_intake(ctx, IntakeForm(**{**base, **{k: v(t) for k, v in kw.items()}}))

        return call

    same = lambda t: t  # noqa: E731
    return {
        "intake.kind": intake(kind=same),
        "intake.name": intake(name=same),
        "intake.phone": intake(phone=same),
        "intake.product": intake(product=same, kind=lambda t: "repair"),
        "intake.serial": intake(serial=same),
        "intake.sold": intake(sold=same),
        "intake.amount": intake(amount=same),
        "intake.qty": intake(qty=same),
        "intake.description": intake(description=same),
        "intake.reason": intake(reason=same),
        "intake.channel": intake(channel=same),
        "intake.address": intake(address=same),
        "move.number": lambda t: transitions.move(ctx, t, "acknowledged", "ok"),
        "move.status": lambda t: transitions.move(ctx, n["complaint"], t, "ok"),
        "move.note": lambda t: transitions.move(ctx, n["repair"], "diagnosing", t),
        "ticket.diagnosis": lambda t: repairs.update_ticket(ctx, n["repair"], diagnosis=t),
        "ticket.field": lambda t: repairs.update_ticket(ctx, n["repair"], **{t or "x": "y"}),
        "estimate.amount": lambda t: repairs.set_estimate(ctx, n["repair"], t),
        "part.part_no": lambda t: repairs.add_part(ctx, n["repair"], part_no=t),
        "part.qty": lambda t: repairs.add_part(ctx, n["repair"], part_no="BAT-01", qty=t),
        "part.price": lambda t: repairs.add_part(
            ctx, n["repair"], description="螺丝", unit_price=t
        ),
        "labour.amount": lambda t: repairs.add_labour(ctx, n["repair"], "检测", t),
        "labour.minutes": lambda t: repairs.add_labour(ctx, n["repair"], "检测", "0", minutes=t),
        "refund.amount": lambda t: money.refund(ctx, n["refund"], t),
        "refund.number": lambda t: money.refund(ctx, t, "1.00"),
        "money.kind": lambda t: money.record_money(ctx, n["repair"], t, "1.00"),
        "money.note": lambda t: money.record_money(ctx, n["repair"], "freight", "1.00", t),
        "reverse.note": lambda t: money.reverse_money(ctx, 10**9, t),
        "complaint.resolution": lambda t: complaints.resolve(ctx, n["complaint"], t),
        "complaint.satisfaction": lambda t: complaints.follow_up(ctx, n["complaint"], t),
        "settings.value": lambda t: rules.update_settings(ctx, {"approval.owner_threshold": t}),
        "settings.path": lambda t: rules.update_settings(ctx, {t: "1"}),
        "settings.timezone": lambda t: rules.update_settings(ctx, {"shop.timezone": t}),
        "search": lambda t: search(ctx, t),
        "list.search": lambda t: list_cases(ctx, CaseFilter(search=t, kind=t[:10])),
    }


ENTRY_NAMES = sorted(_entry_points(None, {}).keys())  # type: ignore[arg-type]


@FAST
@given(name=st.sampled_from(ENTRY_NAMES), text=hostile)
def test_services_refuse_hostile_text_and_write_nothing(
    ctx: Context, cases: dict[str, str], name: str, text: str
) -> None:
    call = _entry_points(ctx, cases)[name]
    before = row_counts()
    try:
        call(text)
    except DomainError as exc:
        assert describe(exc)
        assert row_counts() == before, name
    assert verify_chain()[0]


@pytest.mark.parametrize("name", ENTRY_NAMES)
def test_each_entry_point_survives_the_nasty_list(
    ctx: Context, cases: dict[str, str], name: str
) -> None:
    """Every entry point meets every hand-made nasty string at least once."""
    call = _entry_points(ctx, cases)[name]
    for text in NASTY:
        before = row_counts()
        try:
            call(text)
        except DomainError:
            assert row_counts() == before, (name, text)
