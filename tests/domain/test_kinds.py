"""The kind descriptors (app.domain.kinds): one per kind, consistent with codes and workflows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain import kinds, workflows
from app.domain.codes import CaseKind, Reason, Request
from app.domain.errors import ValidationError


@pytest.fixture
def extra_kind() -> Iterator[kinds.KindSpec]:
    spec = kinds.KindSpec(
        code="warranty_claim",
        label="Warranty claim",
        workflow="parts",
        help="a claim on the maker's warranty",
        default_reason=Reason.QUALITY.value,
        default_request=Request.COMPENSATION.value,
        tab="returns",
        forms=("carrier-claim",),
        return_like=True,
    )
    kinds.register(spec)
    yield spec
    kinds.unregister(spec.code)


def test_every_code_has_one_descriptor_and_nothing_else() -> None:
    assert set(kinds.codes()) == {k.value for k in CaseKind}
    assert len(kinds.codes()) == len(set(kinds.codes()))
    assert all(code == spec.code for code, spec in kinds.KINDS.items())


@pytest.mark.parametrize("code", [k.value for k in CaseKind])
def test_descriptor_names_real_codes(code: str) -> None:
    spec = kinds.kind(code)
    assert spec.workflow in workflows.BY_NAME
    assert spec.default_reason == "" or Reason(spec.default_reason)
    assert Request(spec.default_request)
    assert spec.tab in kinds.TABS
    assert spec.label and spec.help
    assert not (spec.rma and spec.ticket)  # intake opens one detail record at most
    assert not spec.rma or spec.return_like


def test_the_lists_that_used_to_be_written_out() -> None:
    assert kinds.return_like_kinds() == ("return", "exchange", "refund")
    assert kinds.rma_kinds() == ("return", "exchange")
    assert set(kinds.spawnable_kinds()) == {"return", "exchange", "refund", "repair"}
    assert kinds.listed_in("repairs") == ("repair",)
    assert kinds.listed_in("returns") == ("return", "exchange", "refund")
    assert kinds.listed_in("cases") == kinds.codes()
    assert kinds.opened_in("complaint") == "cases"
    assert kinds.opened_in("refund") == "returns"
    assert kinds.kinds_for_form("rma") == ("return", "exchange")
    assert kinds.kinds_for_form("intake") == ()  # every kind
    assert kinds.codes()[0] == "repair"  # the intake's first (most frequent) kind


def test_codes_are_read_loosely_and_refused_by_name() -> None:
    assert kinds.validate_kind("Carrier-Damage") == "carrier_damage"
    with pytest.raises(ValidationError) as e:
        kinds.validate_kind("repiar")
    assert (e.value.errors[0].field, e.value.errors[0].code) == ("kind", "not_a_choice")
    assert "repair" in e.value.errors[0].params["choices"]
    with pytest.raises(ValidationError) as e:
        kinds.validate_kind("  ")
    assert e.value.errors[0].code == "required"


def test_a_registered_kind_is_everywhere_the_domain_reads_kinds(
    extra_kind: kinds.KindSpec,
) -> None:
    assert "warranty_claim" in kinds.codes()
    assert workflows.workflow_for("warranty_claim") is workflows.PARTS
    assert workflows.BY_KIND["warranty_claim"] is workflows.PARTS
    assert "warranty_claim" in kinds.return_like_kinds()
    assert "warranty_claim" in kinds.listed_in("returns")
    assert "warranty_claim" in kinds.kinds_for_form("carrier-claim")
    assert kinds.validate_kind("warranty-claim") == "warranty_claim"


def test_a_kind_is_registered_once_and_built_ins_stay() -> None:
    with pytest.raises(ValueError):
        kinds.register(kinds.kind("repair"))
    with pytest.raises(ValueError):
        kinds.unregister("repair")
    with pytest.raises(ValueError):
        kinds.KindSpec(code="x", label="X", workflow="parts", help="", tab="nowhere")
