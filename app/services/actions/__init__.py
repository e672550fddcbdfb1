"""Every step a record can take, declared once for the window and the command line.

An `Action` names a step (`approve`, `inspect`, `add-part` …), the fields it asks for
(`app.domain.fields.FieldSpec`: the window draws them, the command line makes options of them),
who may take it, in which workflows and states, and the one service call that does it in one
transaction. `allowed(ctx, detail)` lists what the record can do now; `run(ctx, number, name,
raw)` checks the same things, parses the fields (a `ValidationError` naming the field, nothing
written) and calls the service.

To add an action: declare it in the module of its area (`returns.py`, `casework.py`) with
`register(Action(...))`; the command line's `act` verb and `act NUMBER --list` pick it up, and
the record view offers it where its workflow and state allow. Give it a `target` when it moves
the record (the workflow table then decides when it is offered), else a `when`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from app.domain import workflows
from app.domain.errors import DomainError
from app.domain.fields import FieldSpec, parse_all
from app.services.casework.views import CaseDetail
from app.services.shop.context import Context
from app.services.shop.permissions import Action as Permission
from app.services.shop.permissions import allowed as may

Call = Callable[[Context, str, dict[str, Any]], Any]
#: Modules that register actions, imported on first use (they import the services they call).
MODULES = ("app.services.actions.returns", "app.services.actions.casework")


def always(_detail: CaseDetail) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    name: str  # stable: the command line's ACTION and the window's button id
    label: str  # N_ text
    call: Call
    fields: tuple[FieldSpec, ...] = ()
    permission: Permission = Permission.CASE_MOVE  # the service may ask for more (approvals)
    workflows: tuple[str, ...] = ()  # empty: every workflow
    target: str | None = None  # the state this step moves the record to
    when: Callable[[CaseDetail], bool] = always
    help: str = ""  # N_ text: one sentence for `--list` and the dialog's intro
    style: str = "primary"
    order: int = 50  # lower first among the steps that do not move the record
    extra: dict[str, Any] = field(default_factory=dict)

    def fits(self, detail: CaseDetail) -> bool:
        """The record's workflow and state allow this step now (permissions aside)."""
        wf = workflows.workflow_for(detail.kind)
        if self.workflows and wf.name not in self.workflows:
            return False
        if self.target is not None and not wf.can_move(detail.status, self.target):
            return False
        if self.target is None and wf.is_final(detail.status) and self.when is always:
            return False
        return bool(self.when(detail))


_REGISTRY: dict[str, Action] = {}
_loaded = False


def register(*actions: Action) -> None:
    for action in actions:
        if action.name in _REGISTRY and _REGISTRY[action.name] is not action:
            raise ValueError(f"action {action.name!r} registered twice")
        _REGISTRY[action.name] = action


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in MODULES:
            import_module(module)


def all_actions() -> list[Action]:
    _load()
    return list(_REGISTRY.values())


def get(name: str) -> Action:
    _load()
    key = str(name or "").strip().lower().replace("_", "-")
    action = _REGISTRY.get(key)
    if action is None:
        raise DomainError("unknown_action", field="action", action=key, choices=sorted(_REGISTRY))
    return action


def allowed(ctx: Context, detail: CaseDetail) -> list[Action]:
    """The steps this person may take on this record now: moves first, then the rest."""
    _load()
    found = [
        a
        for a in _REGISTRY.values()
        if a.fits(detail) and (a.permission is None or may(ctx, a.permission))
    ]
    return sorted(found, key=lambda a: (a.target is None, a.order, a.name))


def run(ctx: Context, number: str, name: str, raw: Mapping[str, object]) -> Any:
    """Take one step: refused (nothing written) unless the record may take it now."""
    from app.services.casework.records import case_detail, find_case

    action = get(name)
    detail = case_detail(find_case(number), ctx)  # the service logs what it shows; a refusal
    # writes nothing, not even a view of the customer's record
    if not action.fits(detail):
        wf = workflows.workflow_for(detail.kind)
        raise DomainError(
            "action_not_now",
            field="action",
            action=action.name,
            number=detail.number,
            status=detail.status,
            workflow=wf.name,
        )
    if action.permission is not None and not may(ctx, action.permission):
        from app.services.shop.permissions import require

        require(ctx, action.permission)  # raises PermissionDenied naming who may
    values = parse_all(action.fields, raw)
    return action.call(ctx, detail.number, values)
