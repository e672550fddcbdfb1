"""The one registry of record steps: names the issue fixes, who sees which step, and a refused
or invalid step writes nothing (issue #15 item 1)."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError, ValidationError
from app.services import actions
from app.services.casework.cases import show_case
from app.services.shop.context import Context
from app.services.shop.permissions import PermissionDenied
from tests.conftest import row_counts
from tests.services.test_returns import intake_return, to_inspected

NAMES = (
    "approve", "reject", "ship-first", "record-freight", "receive", "inspect",
    "decide-liability", "dispose", "refund", "exchange", "credit", "dealer-deduct",
    "open-claim", "capa", "customer-reply", "close", "diagnose", "estimate", "decide-estimate",
    "add-part", "add-labour", "assign", "schedule-visit", "record-visit", "sign",
    "approve-scrap", "follow-up", "resolve", "spawn-case",
)  # fmt: skip


def test_every_step_the_issue_names_is_registered() -> None:
    registered = {a.name for a in actions.all_actions()}
    assert set(NAMES) <= registered
    for a in actions.all_actions():
        options = [f.option for f in a.fields if f.option]
        assert len(options) == len(set(options)), a.name  # one option per field


def test_what_a_return_may_do_depends_on_its_state_and_on_who_asks(
    ctx: Context, tech_ctx: Context
) -> None:
    number = intake_return(ctx)
    owner = {a.name for a in actions.allowed(ctx, show_case(ctx, number))}
    assert {"approve", "reject", "ship-first"} <= owner and "inspect" not in owner
    tech = {a.name for a in actions.allowed(tech_ctx, show_case(tech_ctx, number))}
    assert "book" not in tech  # money is the desk's and the owner's
    to_inspected(ctx, number)
    later = {a.name for a in actions.allowed(ctx, show_case(ctx, number))}
    assert "decide-liability" in later and "approve" not in later


def test_a_step_not_possible_now_is_refused_and_writes_nothing(ctx: Context) -> None:
    number = intake_return(ctx)
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        actions.run(ctx, number, "refund", {"amount": "300.00"})
    assert refused.value.code == "action_not_now"
    with pytest.raises(DomainError) as unknown:
        actions.run(ctx, number, "teleport", {})
    assert unknown.value.code == "unknown_action"
    assert row_counts() == before


def test_fields_are_checked_before_anything_is_written(ctx: Context) -> None:
    number = intake_return(ctx)
    to_inspected(ctx, number)
    before = row_counts()
    with pytest.raises(ValidationError) as bad:
        actions.run(ctx, number, "decide-liability", {"liability": "the moon"})
    assert bad.value.errors[0].field == "liability"
    with pytest.raises(ValidationError):
        actions.run(ctx, number, "decide-liability", {})
    assert row_counts() == before
    actions.run(ctx, number, "decide-liability", {"liability": "shop"})
    assert show_case(ctx, number).status == "liability_decided"


def test_a_technician_cannot_book_money_through_a_step(ctx: Context, tech_ctx: Context) -> None:
    number = intake_return(ctx)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        actions.run(tech_ctx, number, "book", {"kind": "charge", "amount": "10.00"})
    assert row_counts() == before
