"""The intake's fields declared once (casework.intake_fields) and the kinds' descriptors, as
the service, the command line's parser and the slips read them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.cli import build_parser
from app.domain import kinds
from app.domain.errors import ValidationError
from app.domain.fields import FieldSpec
from app.i18n.labels import KINDS, label
from app.services.casework import intake_fields
from app.services.casework.cases import CaseFilter, list_cases, show_case
from app.services.casework.intake import IntakeForm, take_intake
from app.services.paper import documents
from app.services.shop.context import Context
from app.store.models import Case
from tests.conftest import row_counts

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)")


def intake_options() -> dict[str, Any]:
    """The `intake` verb's options, as its parser has them now: option string → action."""
    parser, _verbs = build_parser()
    sub = next(a for a in parser._actions if a.dest == "verb")
    intake = sub.choices["intake"]  # type: ignore[index]
    return {s: a for a in intake._actions for s in a.option_strings}


@pytest.fixture
def warranty_claim() -> Iterator[kinds.KindSpec]:
    """A throw-away kind, registered in-process only: nothing else in the code names it."""
    spec = kinds.KindSpec(
        code="warranty_claim",
        label="Warranty claim",
        workflow="parts",
        help="a claim on the maker's warranty",
        default_reason="quality",
        default_request="compensation",
        tab="returns",
        forms=("carrier-claim",),
        return_like=True,
        needs_product=True,
    )
    kinds.register(spec)
    yield spec
    kinds.unregister(spec.code)


# --- printed where ------------------------------------------------------------------------------


def _placeholders(form: str) -> set[str]:
    text = (FORMS_DIR / f"{documents.FORMS[form]}.toml").read_text(encoding="utf-8")
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("form", sorted(documents.FORMS))
def test_printed_where_matches_the_layouts_both_ways(form: str) -> None:
    """A field says it is printed on a form exactly when the form's layout prints its value."""
    used = _placeholders(form)
    declared = {f.name for f in intake_fields.printed_on(form)}
    printed = {
        f.name
        for f in intake_fields.fields()
        if any(key in used for key in intake_fields.SLIP_KEYS[f.name])
    }
    assert declared == printed


def test_every_field_names_its_slip_values_and_real_forms() -> None:
    for f in intake_fields.fields():
        assert f.name in intake_fields.SLIP_KEYS, f.name
        assert set(f.printed) <= set(documents.FORMS), f.name


# --- required, enforced by the service ----------------------------------------------------------


def _refused(ctx: Context, form: IntakeForm) -> list[tuple[str, str]]:
    before = row_counts()
    with pytest.raises(ValidationError) as e:
        take_intake(ctx, form)
    assert row_counts() == before  # nothing written
    return [(err.field, err.code) for err in e.value.errors]


def test_a_required_field_left_blank_is_refused_by_name(ctx: Context) -> None:
    got = _refused(ctx, IntakeForm(kind="complaint", name="  ", phone="13912345678"))
    assert got == [("name", "required")]
    got = _refused(ctx, IntakeForm.from_values({"kind": "complaint", "name": "李娜"}))
    assert got == [("phone", "required")]


def test_required_in_the_declaration_is_enforced_by_the_service(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking a field required in the declaration is all it takes: no service code names it."""
    fields = tuple(
        replace(f, required=True) if f.name == "address" else f
        for f in intake_fields.CUSTOMER_FIELDS
    )
    monkeypatch.setattr(intake_fields, "CUSTOMER_FIELDS", fields)
    base = {"kind": "complaint", "name": "李娜", "phone": "13912345678"}
    assert _refused(ctx, IntakeForm(**base)) == [("address", "required")]
    case = take_intake(ctx, IntakeForm(**base, address="上海市徐汇区"))
    assert case.customer.address == "上海市徐汇区"


def test_a_new_declared_field_is_collected_and_checked(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = FieldSpec("warranty_note", "Warranty note", required=True, hint="as on the card")
    monkeypatch.setattr(intake_fields, "PRODUCT_FIELDS", (*intake_fields.PRODUCT_FIELDS, note))
    values = {"kind": "complaint", "name": "李娜", "phone": "13912345678"}
    assert _refused(ctx, IntakeForm.from_values(values)) == [("warranty_note", "required")]
    form = IntakeForm.from_values({**values, "warranty_note": " stamped 2025 "})
    assert form.extra == {"warranty_note": " stamped 2025 "}
    take_intake(ctx, form)  # accepted (storing it needs its column: docs/ARCHITECTURE.md)
    # ... and the command line offers it, with its label and hint as help
    option = intake_options()["--warranty-note"]
    assert option.dest == "warranty_note"
    assert "Warranty note" in option.help and "as on the card" in option.help


def test_the_command_line_options_are_the_declaration() -> None:
    options = intake_options()
    for f in intake_fields.cli_fields():
        assert options[f.option].dest == f.name
    assert "--model" in options and "--class" in options and "--order" in options
    assert "--intact" not in options and "--site-address" not in options  # cli=""
    reason = options["--reason"].help
    assert "parts-missing" in reason and "no-reason" in reason  # the codes it takes


# --- a kind added in-process --------------------------------------------------------------------


def test_a_registered_kind_reaches_every_reader_without_other_code(
    ctx: Context, warranty_claim: kinds.KindSpec
) -> None:
    # the command line: the intake's --kind option and the codes listed under every verb
    options = intake_options()
    assert "warranty-claim" in options["--kind"].help
    parser, _verbs = build_parser()
    assert "warranty-claim" in parser.epilog and "maker's warranty" in parser.epilog
    # the intake's choices, the printed forms, the label
    assert ("warranty_claim", "Warranty claim") in intake_fields.kind_field().choices
    assert "warranty_claim" in documents.form_kinds("carrier-claim")
    assert documents.forms_for_kind("warranty_claim")[0] == "carrier-claim"
    assert "intake" in documents.forms_for_kind("warranty_claim")
    assert label(KINDS, "warranty_claim") == "Warranty claim"
    # the service: its defaults, its workflow's first state, the filters
    with pytest.raises(ValidationError) as e:
        take_intake(ctx, IntakeForm(kind="warranty-claim", name="李娜", phone="13912345678"))
    assert [x.field for x in e.value.errors] == ["product"]  # needs_product
    case = take_intake(
        ctx,
        IntakeForm(kind="warranty-claim", name="李娜", phone="13912345678", product="华为 P60"),
    )
    assert (case.kind, case.status) == ("warranty_claim", "requested")
    assert (case.reason, case.request) == ("quality", "compensation")
    rows = list_cases(ctx, CaseFilter(kinds=kinds.listed_in("returns")))
    assert [r.number for r in rows] == [case.number]
    assert show_case(ctx, case.number).allowed  # its workflow's moves
    assert Case.select().where(Case.kind == "warranty_claim").count() == 1


def test_built_in_kinds_keep_their_defaults(ctx: Context) -> None:
    case = take_intake(ctx, IntakeForm(kind="parts", name="李娜", phone="13912345678"))
    assert (case.reason, case.request) == ("parts_missing", "other")
    case = take_intake(ctx, IntakeForm(kind="carrier_damage", name="李娜", phone="13912345678"))
    assert (case.reason, case.request) == ("transit_damage", "exchange")
