"""The record view (app/ui/record) on the real window at 1360×860: facts with names, not codes;
the whole ticket number in the header; long notes kept whole in the timeline."""

from __future__ import annotations

from typing import Any

from app.i18n.labels import ACCESSORIES
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.shop.context import Context
from tests.ui.conftest import pump


def _open(window: Any, number: str) -> Any:
    window.desk.open(number)
    pump(window.root, 50)
    panel = window.current_tab().panel
    assert panel.detail.number == number
    return panel


def test_accessories_are_named_not_coded(window: Any, demo_ctx: Context) -> None:
    number = next(
        r.number
        for r in list_cases(demo_ctx, CaseFilter(kind="repair"), limit=300)
        if (d := show_case(demo_ctx, r.number)).repair and "sim_tray" in d.repair.accessories
    )
    facts = _open(window, number).facts_plain()
    assert ACCESSORIES["sim_tray"] in facts  # "SIM tray" (English is set for tests)
    assert "sim_tray" not in facts


def test_record_header_shows_the_whole_ticket_number(window: Any, demo_ctx: Context) -> None:
    row = next(r for r in list_cases(demo_ctx, CaseFilter(kind="repair"), limit=50))
    panel = _open(window, row.number)
    ticket = panel.detail.repair.number
    assert ticket in panel.kind_label.cget("text")
    pump(window.root, 50)
    assert panel.kind_label.winfo_width() >= panel.kind_label.winfo_reqwidth()
    assert panel.status_badge.winfo_manager() == "pack"


def test_timeline_keeps_long_notes_whole(window: Any, demo_ctx: Context) -> None:
    number, note = next(
        (r.number, e.note)
        for r in list_cases(demo_ctx, CaseFilter(kind="return"), limit=200)
        for e in show_case(demo_ctx, r.number).events
        if len(e.note) > 20
    )
    panel = _open(window, number)
    shown = panel.timeline.text.get("1.0", "end")
    assert note in shown  # wrapped under its column, never cut with "…"
    assert any(note in what for _when, _who, what in panel.timeline.rows())
