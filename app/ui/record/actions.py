"""The record view's buttons: each is one step of `app.services.actions` (the registry the
command line's `act` reads), shown only when the registry allows that step now for the person
signed in, so the window and the command line offer the same steps with the same checks.

A step may have its own dialog here (an inspection with its checklist, the signature pad …);
a step without one gets the dialog drawn from the step's own fields. A transition with its own
action replaces the plain "move to" button for that target; every other allowed target gets a
plain move with an optional note. Modules that register buttons are listed in
`ACTION_MODULES` and imported once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from app.services.casework.views import CaseDetail
from app.services.shop.context import Context

if TYPE_CHECKING:
    from app.ui.record.panel import RecordPanel

ACTION_MODULES: tuple[str, ...] = (
    "app.ui.record.common_actions",
    "app.ui.record.repair_actions",
    "app.ui.record.return_actions",
)


@dataclass(frozen=True)
class RecordAction:
    id: str
    label: str  # N_ text
    run: Callable[[RecordPanel, CaseDetail], Any]  # opens a dialog or calls a service
    workflows: tuple[str, ...] = ()  # empty: every workflow
    target: str | None = None  # the status this action moves to, when it is a transition
    when: Callable[[CaseDetail], bool] = lambda _d: True
    style: str = "primary"
    order: int = 50  # lower first among the extra actions


_ACTIONS: dict[str, RecordAction] = {}
_loaded = False

#: The registry step each button takes (`act NUMBER STEP` on the command line).
STEPS: dict[str, str] = {
    "return_approve": "approve",
    "reject": "reject",
    "ship_first": "ship-first",
    "freight": "record-freight",
    "damage_replacement": "ship-replacement",
    "freight_payer": "freight-payer",
    "waive_goods": "waive-goods",
    "add_line": "add-line",
    "receive": "receive",
    "inspect": "inspect",
    "liability": "decide-liability",
    "disposition": "dispose",
    "refund": "refund",
    "exchange": "exchange",
    "credit": "credit",
    "dealer_deduction": "dealer-deduct",
    "book_money": "book",
    "reverse_money": "reverse",
    "capa": "capa",
    "reply": "customer-reply",
    "shipping": "shipping-status",
    "shipping_update": "shipping-status",
    "open_claim": "open-claim",
    "file_claim": "open-claim",
    "move_claim": "claim-status",
    "resolve": "resolve",
    "follow_up": "follow-up",
    "follow_up_close": "follow-up",
    "follow_up_call": "follow-up",
    "spawn": "spawn-case",
    "repair.edit": "diagnose",
    "repair.estimate": "estimate",
    "repair.revise_estimate": "estimate",
    "repair.approve": "decide-estimate",
    "repair.approve_parts": "decide-estimate",
    "repair.decline": "decide-estimate",
    "repair.part": "add-part",
    "repair.labour": "add-labour",
    "repair.assign": "assign",
    "repair.appointment": "schedule-visit",
    "repair.visit": "record-visit",
    "repair.revisit": "revisit",
    "repair.sign": "sign",
    "repair.sign_dropoff": "sign-dropoff",
    "repair.resign": "sign",
    "repair.scrap": "approve-scrap",
    "repair.ready": "ready",
}
#: Registry steps the window offers as plain moves (→ status) rather than as their own button.
AS_PLAIN_MOVE = frozenset({"close", "move"})


def step_allowed(ctx: Context | None, action: RecordAction, detail: CaseDetail) -> bool:
    """The registry allows this button's step now for this person (no step: its own rule)."""
    name = STEPS.get(action.id)
    if name is None or ctx is None:
        return True
    from app.services import actions as steps
    from app.services.shop.permissions import allowed as may

    step = steps.get(name)
    return step.fits(detail) and (step.permission is None or may(ctx, step.permission))


def registry_only(ctx: Context, detail: CaseDetail) -> list[RecordAction]:
    """Steps the registry allows now that no button of this view takes: a button each, with the
    dialog drawn from the step's fields."""
    from app.services import actions as steps

    _load()
    taken = {STEPS[a] for a in _ACTIONS if a in STEPS}
    out = []
    for step in steps.allowed(ctx, detail):
        if step.name in taken or step.name in AS_PLAIN_MOVE or step.target is not None:
            continue
        out.append(
            RecordAction(
                f"step:{step.name}",
                step.label,
                lambda panel, d, s=step.name: panel.ask_step(s),
                style=step.style,
                order=step.order,
            )
        )
    return out


def register(*actions: RecordAction) -> None:
    for action in actions:
        _ACTIONS[action.id] = action


def _load() -> None:
    """Import the action modules once. The record view's reader thread calls this before the
    first record arrives, so their import is not paid on the window's thread; marked loaded only
    when all are in (another thread calling meanwhile waits on the same imports)."""
    global _loaded
    if _loaded:
        return
    for name in ACTION_MODULES:
        import_module(name)
    _loaded = True


load = _load


def workflow_of(detail: CaseDetail) -> str:
    from app.domain.workflows import workflow_for

    return workflow_for(detail.kind).name


def transition_action(
    detail: CaseDetail, target: str, ctx: Context | None = None
) -> RecordAction | None:
    _load()
    wf = workflow_of(detail)
    for action in _ACTIONS.values():
        if (
            action.target == target
            and (not action.workflows or wf in action.workflows)
            and action.when(detail)
            and step_allowed(ctx, action, detail)
        ):
            return action
    return None


def extra_actions(detail: CaseDetail, ctx: Context | None = None) -> list[RecordAction]:
    """Actions that do not move the record (add a part, record freight …) for its state."""
    _load()
    wf = workflow_of(detail)
    found = [
        a
        for a in _ACTIONS.values()
        if a.target is None
        and (not a.workflows or wf in a.workflows)
        and a.when(detail)
        and step_allowed(ctx, a, detail)
    ]
    if ctx is not None:
        found += registry_only(ctx, detail)
    return sorted(found, key=lambda a: a.order)


def done_text(d: CaseDetail, text: str) -> str:
    """The status-bar line after an action: "SH-2026-000001: estimate saved"."""
    from app.i18n import _

    return _("{number}: {text}").format(number=d.number, text=text)


def moved_text(d: CaseDetail, status: str) -> str:
    from app.i18n.labels import STATUSES, label

    return done_text(d, label(STATUSES, status))


def in_status(*statuses: str) -> Callable[[CaseDetail], bool]:
    """An action's ``when``: the record is in one of these statuses."""
    return lambda d: d.status in statuses


#: Moves only a service makes on its own (never a button): a return goes back to awaiting
#: approval when lines added lift its value above the approval given.
AUTOMATIC: frozenset[tuple[str, str]] = frozenset({("return", "requested")})


def is_automatic(detail: CaseDetail, target: str) -> bool:
    return (workflow_of(detail), target) in AUTOMATIC


def get(action_id: str) -> RecordAction:
    _load()
    return _ACTIONS[action_id]
