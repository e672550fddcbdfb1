"""Workflows as explicit state machines: which status may follow which.

Each case kind follows one workflow. The tables are data so the window can show only the actions a
state allows, the CLI can name the allowed next states, and a test can walk every edge. Guards that
need the record (approvals, inspections, signatures) live in the services.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from app.domain import kinds
from app.domain.codes import CaseKind
from app.domain.errors import DomainError


@dataclass(frozen=True)
class Workflow:
    name: str
    initial: tuple[str, ...]  # allowed first states (a repair starts received or scheduled)
    transitions: Mapping[str, tuple[str, ...]]
    final: frozenset[str]

    @property
    def states(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for state, targets in self.transitions.items():
            seen.setdefault(state)
            for t in targets:
                seen.setdefault(t)
        return tuple(seen)

    def allowed(self, state: str) -> tuple[str, ...]:
        return self.transitions.get(state, ())

    def can_move(self, state: str, target: str) -> bool:
        return target in self.allowed(state)

    def check_move(self, state: str, target: str) -> None:
        """Raise a DomainError naming the allowed next states when the move is not allowed."""
        if target not in self.states:
            raise DomainError(
                "unknown_status", status=target, workflow=self.name, allowed=self.allowed(state)
            )
        if not self.can_move(state, target):
            raise DomainError(
                "transition_not_allowed",
                workflow=self.name,
                from_status=state,
                status=target,
                allowed=self.allowed(state),
            )

    def is_final(self, state: str) -> bool:
        return state in self.final


REPAIR = Workflow(
    name="repair",
    initial=("received", "scheduled"),
    transitions={
        # in the shop
        "received": ("diagnosing", "cancelled"),
        "diagnosing": ("awaiting_approval", "awaiting_parts", "repairing", "ready_for_pickup"),
        "awaiting_approval": ("awaiting_parts", "repairing", "ready_for_pickup"),
        "awaiting_parts": ("repairing", "ready_for_pickup"),
        "repairing": ("awaiting_parts", "quality_check"),
        "quality_check": ("repairing", "ready_for_pickup"),
        "ready_for_pickup": ("collected", "returned_unrepaired", "scrapped"),
        # on site (003: signed service report; 001: a revisit needs a reason told to the customer)
        "scheduled": ("visited", "cancelled"),
        "visited": ("revisit_scheduled", "done"),
        "revisit_scheduled": ("visited", "cancelled"),
        # final
        "collected": (),
        "returned_unrepaired": (),
        "scrapped": (),
        "done": (),
        "cancelled": (),
    },
    final=frozenset({"collected", "returned_unrepaired", "scrapped", "done", "cancelled"}),
)

RETURN = Workflow(
    name="return",
    initial=("requested",),
    transitions={
        "requested": ("approved", "rejected", "replacement_shipped", "cancelled"),
        # 先补发,再追究: on the manager's confirmation a replacement ships at once
        # back to awaiting approval only when lines added lift the value over the approval given
        "approved": ("awaiting_goods", "replacement_shipped", "cancelled", "requested"),
        "replacement_shipped": ("awaiting_goods",),
        "awaiting_goods": ("received", "cancelled"),
        "received": ("inspected",),
        "inspected": ("liability_decided",),
        "liability_decided": ("disposition_done",),
        "disposition_done": ("refunded", "exchanged", "credited", "closed"),
        "refunded": ("closed",),
        "exchanged": ("closed",),
        "credited": ("closed",),
        "rejected": ("closed",),
        "cancelled": (),
        "closed": (),
    },
    final=frozenset({"closed", "cancelled"}),
)

REFUND = Workflow(
    name="refund",
    initial=("requested",),
    transitions={
        "requested": ("verifying", "rejected"),
        "verifying": ("intercepting", "refunded", "rejected"),
        "intercepting": ("refunded", "rejected"),
        "refunded": ("closed",),
        "rejected": ("closed",),
        "closed": (),
    },
    final=frozenset({"closed"}),
)

COMPLAINT = Workflow(
    name="complaint",
    initial=("logged",),
    transitions={
        "logged": ("acknowledged",),
        "acknowledged": ("investigating", "resolved"),
        "investigating": ("resolved",),
        "resolved": ("follow_up", "closed"),
        "follow_up": ("closed", "investigating"),
        "closed": (),
    },
    final=frozenset({"closed"}),
)

PARTS = Workflow(
    name="parts",
    initial=("requested",),
    transitions={
        "requested": ("approved", "rejected"),
        "approved": ("shipped",),
        "shipped": ("delivered",),
        "delivered": ("closed",),
        "rejected": ("closed",),
        "closed": (),
    },
    final=frozenset({"closed"}),
)

CARRIER_DAMAGE = Workflow(
    name="carrier_damage",
    initial=("reported",),
    transitions={
        "reported": ("documented", "rejected"),
        "documented": ("replacement_shipped", "refunded"),
        "replacement_shipped": ("claim_filed", "closed"),
        "refunded": ("claim_filed", "closed"),
        "claim_filed": ("closed",),
        "rejected": ("closed",),
        "closed": (),
    },
    final=frozenset({"closed"}),
)

CARRIER_CLAIM = Workflow(
    name="carrier_claim",
    initial=("draft",),
    transitions={
        "draft": ("filed", "withdrawn"),
        "filed": ("accepted", "rejected"),
        "accepted": ("paid",),
        "paid": ("closed",),
        "rejected": ("closed", "filed"),
        "withdrawn": (),
        "closed": (),
    },
    final=frozenset({"closed", "withdrawn"}),
)

ALL: tuple[Workflow, ...] = (
    REPAIR,
    RETURN,
    REFUND,
    COMPLAINT,
    PARTS,
    CARRIER_DAMAGE,
    CARRIER_CLAIM,
)
BY_NAME: Mapping[str, Workflow] = {wf.name: wf for wf in ALL}


class _ByKind(Mapping[str, Workflow]):
    """Kind code → workflow, read from each kind's descriptor (app.domain.kinds) when asked, so
    a kind registered later has its workflow here too."""

    def __getitem__(self, code: str) -> Workflow:
        spec = kinds.find(code)
        if spec is None:
            raise KeyError(code)
        return BY_NAME[spec.workflow]

    def __iter__(self) -> Iterator[str]:
        return iter(kinds.codes())

    def __len__(self) -> int:
        return len(kinds.KINDS)


BY_KIND: Mapping[str, Workflow] = _ByKind()


def workflow_for(kind: CaseKind | str) -> Workflow:
    """The state machine a case of this kind follows (ValueError for an unknown kind)."""
    spec = kinds.find(str(kind))
    if spec is None:
        raise ValueError(f"unknown case kind {kind!r}")
    return BY_NAME[spec.workflow]


def all_statuses() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for wf in ALL:
        for s in wf.states:
            seen.setdefault(s)
    return tuple(seen)


# Statuses in which money may leave the shop as a refund for goods that come back.
REFUND_STATUSES = frozenset({"refunded"})
