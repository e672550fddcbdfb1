"""Pure checks of the workflow tables (app.domain.workflows): shape, reachability, errors."""

from __future__ import annotations

from collections import deque

import pytest

from app.domain import workflows
from app.domain.codes import CaseKind
from app.domain.errors import DomainError
from app.domain.workflows import ALL, BY_KIND, Workflow, all_statuses, workflow_for
from app.i18n.labels import STATUSES

IDS = [wf.name for wf in ALL]


def reachable(wf: Workflow, start: tuple[str, ...]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for t in wf.allowed(queue.popleft()):
            if t not in seen:
                seen.add(t)
                queue.append(t)
    return seen


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_every_target_is_a_known_state(wf: Workflow) -> None:
    for state, targets in wf.transitions.items():
        for t in targets:
            assert t in wf.transitions, f"{wf.name}: {state} -> {t} names an undeclared state"
        assert len(set(targets)) == len(targets), f"{wf.name}: {state} repeats a target"
        assert state not in targets, f"{wf.name}: {state} moves to itself"
    assert set(wf.states) == set(wf.transitions)


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_initial_and_final_states_are_declared(wf: Workflow) -> None:
    assert wf.initial, wf.name
    assert set(wf.initial) <= set(wf.states)
    assert wf.final, wf.name
    assert wf.final <= set(wf.states)
    assert not (set(wf.initial) & wf.final)


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_final_states_have_no_exits(wf: Workflow) -> None:
    for state in wf.final:
        assert wf.allowed(state) == (), f"{wf.name}: final {state} has exits"
        assert wf.is_final(state)


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_every_non_final_state_has_a_way_forward(wf: Workflow) -> None:
    for state in wf.states:
        if not wf.is_final(state):
            assert wf.allowed(state), f"{wf.name}: {state} is a dead end but not final"
            # ... and some path from it ends in a final state (no trap loops).
            assert reachable(wf, (state,)) & wf.final, f"{wf.name}: {state} never finishes"


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_every_state_is_reachable_from_an_initial_state(wf: Workflow) -> None:
    assert reachable(wf, wf.initial) == set(wf.states)


@pytest.mark.parametrize("wf", ALL, ids=IDS)
def test_check_move_allows_exactly_the_table(wf: Workflow) -> None:
    for state in wf.states:
        for target in wf.states:
            if target in wf.allowed(state):
                assert wf.can_move(state, target)
                assert wf.check_move(state, target) is None
            else:
                assert not wf.can_move(state, target)
                with pytest.raises(DomainError) as info:
                    wf.check_move(state, target)
                assert info.value.code == "transition_not_allowed"
                assert info.value.params == {
                    "workflow": wf.name,
                    "from_status": state,
                    "status": target,
                    "allowed": wf.allowed(state),
                }


def test_check_move_unknown_status_params() -> None:
    wf = workflows.RETURN
    with pytest.raises(DomainError) as info:
        wf.check_move("approved", "visited")  # a repair status, unknown to returns
    assert info.value.code == "unknown_status"
    assert info.value.params == {
        "status": "visited",
        "workflow": "return",
        "allowed": ("awaiting_goods", "replacement_shipped", "cancelled", "requested"),
    }
    with pytest.raises(DomainError) as info:
        wf.check_move("nonsense", "approved")
    assert info.value.code == "transition_not_allowed"
    assert info.value.params["allowed"] == ()


def test_unknown_state_allows_nothing() -> None:
    for wf in ALL:
        assert wf.allowed("nonsense") == ()
        assert not wf.can_move("nonsense", wf.initial[0])
        assert not wf.is_final("nonsense")


def test_every_case_kind_has_a_workflow() -> None:
    assert set(BY_KIND) == set(CaseKind)
    for kind in CaseKind:
        assert workflow_for(kind) is BY_KIND[kind]
        assert workflow_for(kind.value) is BY_KIND[kind]
    assert workflow_for("exchange") is workflows.RETURN
    with pytest.raises(ValueError):
        workflow_for("nonsense")
    assert all(any(wf is w for w in ALL) for wf in BY_KIND.values())
    assert all(wf is not workflows.CARRIER_CLAIM for wf in BY_KIND.values())


def test_names_and_statuses() -> None:
    names = [wf.name for wf in ALL]
    assert len(names) == len(set(names))
    statuses = all_statuses()
    assert len(statuses) == len(set(statuses))
    assert set(statuses) == {s for wf in ALL for s in wf.states}
    assert set(statuses) >= workflows.REFUND_STATUSES
    for s in statuses:
        assert s == s.lower() and " " not in s and "-" not in s and len(s) <= 24  # DB column


def test_every_status_has_a_label() -> None:
    assert set(all_statuses()) <= set(STATUSES)


def test_workflows_from_domain_md() -> None:
    """The orders docs/DOMAIN.md "Workflows" describes are paths of the tables."""
    repair = [
        "received",
        "diagnosing",
        "awaiting_approval",
        "awaiting_parts",
        "repairing",
        "quality_check",
        "ready_for_pickup",
        "collected",
    ]
    onsite = ["scheduled", "visited", "revisit_scheduled", "visited", "done"]
    ret = [
        "requested",
        "approved",
        "awaiting_goods",
        "received",
        "inspected",
        "liability_decided",
        "disposition_done",
        "refunded",
        "closed",
    ]
    refund = ["requested", "verifying", "intercepting", "refunded", "closed"]
    complaint = ["logged", "acknowledged", "investigating", "resolved", "follow_up", "closed"]
    paths = [
        (workflows.REPAIR, repair),
        (workflows.REPAIR, onsite),
        (workflows.RETURN, ret),
        (workflows.REFUND, refund),
        (workflows.COMPLAINT, complaint),
    ]
    for wf, path in paths:
        assert path[0] in wf.initial
        for a, b in zip(path, path[1:], strict=False):
            assert wf.can_move(a, b), (wf.name, a, b)
    assert workflows.RETURN.can_move("requested", "replacement_shipped")  # ship first
    assert workflows.RETURN.can_move("requested", "rejected")
