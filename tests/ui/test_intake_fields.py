"""The Intake tab draws the declared fields (casework.intake_fields) and the registered kinds
(app.domain.kinds): a required field left blank is refused, a new field shows, a new kind gets
its button, its defaults and its tab."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from app.domain import kinds
from app.domain.fields import FieldSpec
from app.services.casework import intake_fields
from app.services.casework.cases import show_case
from app.services.shop.context import Context
from tests.conftest import row_counts
from tests.ui.conftest import pump


@pytest.fixture
def build_window(tk_root: Any, ctx: Context) -> Iterator[Any]:
    """Builds the main window when asked (after a test changed the declarations)."""
    from app.ui.app import build

    def make() -> Any:
        win = build(ctx, root=tk_root)
        tk_root.deiconify()
        pump(tk_root)
        return win

    yield make
    for child in list(tk_root.winfo_children()):
        child.destroy()
    pump(tk_root)


def type_into(form: Any, name: str, text: str) -> None:
    widget = form.widgets[name]
    widget.delete(0, "end")
    widget.insert(0, text)
    widget.event_generate("<KeyRelease>")


def test_a_required_field_left_blank_is_refused_by_the_window(
    build_window: Any, ctx: Context
) -> None:
    window = build_window()
    tab = window.show_tab("intake")
    tab.set_kind("complaint")
    type_into(tab.customer_form, "phone", "13912340071")
    pump(window.root)
    before = row_counts()
    assert tab.save() is None  # Ctrl+S
    pump(window.root)
    assert row_counts() == before
    assert tab.customer_form.errors["name"].cget("text")  # said under the field
    type_into(tab.customer_form, "name", "李娜")
    assert tab.save() is not None


def test_the_declaration_decides_required_and_new_fields(
    build_window: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = tuple(
        replace(f, required=True) if f.name == "address" else f
        for f in intake_fields.CUSTOMER_FIELDS
    )
    note = FieldSpec("warranty_note", "Warranty note", required=True, width=10)
    monkeypatch.setattr(intake_fields, "CUSTOMER_FIELDS", customer)
    monkeypatch.setattr(intake_fields, "PRODUCT_FIELDS", (*intake_fields.PRODUCT_FIELDS, note))
    window = build_window()
    tab = window.show_tab("intake")
    assert "warranty_note" in tab.product_form.widgets  # drawn with no change to the tab
    tab.set_kind("complaint")
    type_into(tab.customer_form, "phone", "13912340071")
    type_into(tab.customer_form, "name", "李娜")
    pump(window.root)
    before = row_counts()
    assert tab.save() is None
    pump(window.root)
    assert row_counts() == before
    assert tab.customer_form.errors["address"].cget("text")
    assert tab.product_form.errors["warranty_note"].cget("text")
    type_into(tab.customer_form, "address", "上海市徐汇区")
    type_into(tab.product_form, "warranty_note", "盖章 2025")
    number = tab.save()
    assert number is not None
    assert show_case(ctx, number).customer.address == "上海市徐汇区"


@pytest.fixture
def warranty_claim() -> Iterator[kinds.KindSpec]:
    spec = kinds.KindSpec(
        code="warranty_claim",
        label="Warranty claim",
        workflow="parts",
        help="a claim on the maker's warranty",
        default_reason="quality",
        default_request="compensation",
        tab="returns",
        return_like=True,
    )
    kinds.register(spec)
    yield spec
    kinds.unregister(spec.code)


def test_a_registered_kind_gets_its_button_defaults_and_tab(
    build_window: Any, ctx: Context, warranty_claim: kinds.KindSpec
) -> None:
    from app.ui.tabs.cases import CasesTab
    from app.ui.tabs.repairs import RepairsTab
    from app.ui.tabs.returns import ReturnsTab

    assert "warranty_claim" in ReturnsTab.kinds() and ReturnsTab.owns("warranty_claim")
    assert "warranty_claim" in CasesTab.kinds() and not CasesTab.owns("warranty_claim")
    assert "warranty_claim" not in RepairsTab.kinds()
    window = build_window()
    tab = window.show_tab("intake")
    button = tab.kind_buttons["warranty_claim"]
    assert button.cget("text") == "Warranty claim"
    button.invoke()
    pump(window.root)
    assert tab.request_form.get("reason") == "quality"
    assert tab.request_form.get("request") == "compensation"
    assert not tab.repair_box.winfo_ismapped()
    type_into(tab.customer_form, "phone", "13912340071")
    type_into(tab.customer_form, "name", "李娜")
    number = tab.save()
    assert number is not None and show_case(ctx, number).kind == "warranty_claim"
    returns = window.show_tab("returns")
    assert "warranty_claim" in returns.browser.kinds  # its kind filter offers it
    window.desk.changed()
    pump(window.root)
    assert number in {r.number for r in returns.browser.rows}
