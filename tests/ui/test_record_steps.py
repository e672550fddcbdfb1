"""The record view offers exactly the steps the registry allows (the same steps `act NUMBER
--list` shows), for whoever is signed in; a step without a dialog of its own gets one drawn from
its fields (issue #15 item 1)."""

from __future__ import annotations

from typing import Any

from app.domain.fields import FieldSpec
from app.services import actions as steps
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.ui.record.actions import AS_PLAIN_MOVE, STEPS
from tests.ui.conftest import pump
from tests.ui.test_returns import open_record


def _buttons_and_steps(window: Any, ctx: Context, number: str) -> tuple[set[str], set[str]]:
    panel = open_record(window, number)
    detail = show_case(ctx, number)
    shown = {STEPS.get(key, key) for key in panel.buttons if not key.startswith("move:")}
    shown = {s.removeprefix("step:") for s in shown}
    allowed = {s.name for s in steps.allowed(ctx, detail) if s.name not in AS_PLAIN_MOVE}
    return shown, allowed


def test_the_window_offers_what_the_registry_allows(window: Any, demo_ctx: Context) -> None:
    rows = list_cases(demo_ctx, CaseFilter(open_only=True), limit=200)
    by_state: dict[tuple[str, str], str] = {}
    for r in rows:
        by_state.setdefault((r.kind, r.status), r.number)
    assert len(by_state) >= 8
    tech = context_for(demo_ctx.data_dir, "tech", clock=demo_ctx.clock)
    for ctx in (demo_ctx, tech):
        window.desk.set_context(ctx)
        for (_kind, _status), number in sorted(by_state.items()):
            shown, allowed = _buttons_and_steps(window, ctx, number)
            # every step button is a step the registry allows now, for this person …
            assert {s for s in shown if s in STEPS.values()} <= allowed, number
            # … and every step the registry allows (bar plain moves) has its button
            moves = {s.name for s in steps.allowed(ctx, show_case(ctx, number)) if s.target}
            assert allowed - moves <= shown, (number, allowed - moves - shown)
    window.desk.set_context(demo_ctx)


def test_a_new_step_gets_a_button_and_a_dialog_from_its_fields(
    window: Any, demo_ctx: Context
) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    probe = steps.Action(
        "probe-note",
        "Probe note",
        lambda ctx, n, v: seen.append((n, v)),
        (FieldSpec("text", "Text", required=True),),
        when=lambda d: d.kind == "repair",
    )
    steps.register(probe)
    try:
        number = list_cases(demo_ctx, CaseFilter(kind="repair", open_only=True), limit=1)[0].number
        panel = open_record(window, number)
        assert "step:probe-note" in panel.buttons
        panel.press("step:probe-note")
        dialog = panel.dialog
        assert not dialog.ok().ok  # the required field is checked first
        dialog.form.set("text", "hello")
        assert dialog.ok().ok
        pump(window.root)
        assert seen == [(number, {"text": "hello"})]
    finally:
        steps._REGISTRY.pop("probe-note", None)
