"""What a shop owner would frown at, checked on the real window at 1360×860: cut-off columns and
numbers, raw codes instead of names, notes cut at the pane's edge, a half-width address field."""

from __future__ import annotations

from typing import Any

from app.i18n.labels import ACCESSORIES
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.shop.context import Context
from app.ui.widgets.fields import Field, FormFrame
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


def test_every_list_column_fits_beside_the_record(window: Any) -> None:
    for tab_id in ("repairs", "returns", "cases"):
        tab = window.show_tab(tab_id)
        pump(window.root, 100)
        tree = tab.browser.tree
        shown = tree.cget("displaycolumns")
        shown = tree["columns"] if tuple(shown) == ("#all",) else shown
        used = sum(int(tree.column(c, "width")) for c in shown)
        assert used <= tree.winfo_width() + 2, (tab_id, used, tree.winfo_width())
        assert int(tree.column("product", "width")) >= 100
        # the record beside it keeps room for its facts and buttons
        assert tab.panel.winfo_width() >= 520
    assert "kind" not in window.tabs["repairs"].browser.tree.cget("displaycolumns")


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


def test_a_spanning_field_takes_the_whole_row(tk_root: Any) -> None:
    form = FormFrame(
        tk_root,
        [Field("a", "A"), Field("b", "B"), Field("address", "Address", span=True), Field("c", "C")],
        columns=2,
    )
    try:
        info = form.widgets["address"].grid_info()
        assert int(info["columnspan"]) == 3 and int(info["column"]) == 1
        assert int(form.widgets["c"].grid_info()["row"]) > int(info["row"])
    finally:
        form.destroy()


def test_help_opens_over_the_window(window: Any) -> None:
    dialog = window.show_help()
    pump(window.root, 100)
    root = window.root
    assert dialog.winfo_rootx() > root.winfo_rootx() + 50
    dialog.destroy()
