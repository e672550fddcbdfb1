"""Record actions as data: which button appears for which workflow and state, and what it does.

A transition with its own action (an estimate, an inspection …) replaces the plain "move to"
button for that target; every other allowed target gets a plain move with an optional note.
Modules that register actions are listed in `ACTION_MODULES` and imported once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from app.services.views import CaseDetail

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


def register(*actions: RecordAction) -> None:
    for action in actions:
        _ACTIONS[action.id] = action


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in ACTION_MODULES:
        import_module(name)


def workflow_of(detail: CaseDetail) -> str:
    from app.domain.workflows import workflow_for

    return workflow_for(detail.kind).name


def transition_action(detail: CaseDetail, target: str) -> RecordAction | None:
    _load()
    wf = workflow_of(detail)
    for action in _ACTIONS.values():
        if (
            action.target == target
            and (not action.workflows or wf in action.workflows)
            and action.when(detail)
        ):
            return action
    return None


def extra_actions(detail: CaseDetail) -> list[RecordAction]:
    """Actions that do not move the record (add a part, record freight …) for its state."""
    _load()
    wf = workflow_of(detail)
    found = [
        a
        for a in _ACTIONS.values()
        if a.target is None and (not a.workflows or wf in a.workflows) and a.when(detail)
    ]
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
