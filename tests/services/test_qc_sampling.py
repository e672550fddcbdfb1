"""A batch return's quality check (002 flow §6): the sample counted, the received units split,
who may record it, and where the counts go (the disposition's approval, the printed forms).

A shop's story: a dealer sends back 12 charging cables. The desk receives them; the clerk may
not record the check. The technician samples (at least 10 %, at least the set number of units),
finds 1 faulty, and splits the 12: 8 back to stock, 2 scrapped, 2 back to the supplier. The
scrapped units need the owner's approved report even though the main disposition is restock.
The warehouse receipt and the return form print the counts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.documents.signing import verify_pdf
from app.domain.errors import ValidationError
from app.services.casework.records import find_case, rma_of
from app.services.casework.rules import update_settings
from app.services.paper.documents import make_slip, slip_data
from app.services.remedies import returns
from app.services.shop.context import Context
from app.services.shop.setup import context_for
from app.store.models import Event
from tests.conftest import refused, snapshot
from tests.documents.slipdata import pdf_text
from tests.services.test_returns import intake_return, receive_all, to_awaiting_goods

CABLES = {"product": "数据线", "category": "accessory", "amount": "120.00", "qty": 12}


def _batch(ctx: Context) -> str:
    number = intake_return(ctx, **CABLES)
    to_awaiting_goods(ctx, number)
    receive_all(ctx, number)
    return number


def _fields(fn: Callable[[], object]) -> dict[str, str]:
    """The fields a refusal names, with their codes."""
    with pytest.raises(ValidationError) as info:
        fn()
    return {e.field: e.code for e in info.value.errors}


def test_a_batch_needs_its_counts_and_they_must_add_up(ctx: Context, tech_ctx: Context) -> None:
    number = _batch(ctx)
    before = snapshot(number)

    def inspect(**counts: object) -> None:
        returns.inspect(tech_ctx, number, "confirmed_defect", "抽检", **counts)  # type: ignore[arg-type]

    # Nothing counted: the batch's three counts are asked for by name.
    assert _fields(inspect) == {
        "qc_sampled": "required",
        "qc_failed": "required",
        "qc_usable": "qc_split_mismatch",
    }
    # 10 % of 12, rounded up: 2 units at least.
    with pytest.raises(ValidationError) as info:
        inspect(sampled=1, failed=0, usable=12)
    (err,) = info.value.errors
    assert (err.field, err.code, err.params["units"]) == ("qc_sampled", "sample_too_small", 2)
    assert _fields(lambda: inspect(sampled=2, failed=3, usable=12)) == {
        "qc_failed": "qc_failed_over_sample"
    }
    assert _fields(lambda: inspect(sampled=13, failed=0, usable=12)) == {
        "qc_sampled": "out_of_range"
    }
    assert _fields(lambda: inspect(sampled=2, failed=0, usable=5, scrap=5, to_supplier=1)) == {
        "qc_usable": "qc_split_mismatch"
    }
    assert _fields(lambda: inspect(sampled="两", failed=0, usable=12)) == {
        "qc_sampled": "qty_invalid"
    }
    assert snapshot(number) == before  # every refusal wrote nothing


def test_the_shops_floor_of_units_is_a_setting(ctx: Context, tech_ctx: Context) -> None:
    number = _batch(ctx)
    update_settings(ctx, {"returns.batch_sample_min_units": 3})
    tech = context_for(ctx.data_dir, "tech", clock=ctx.clock)
    with pytest.raises(ValidationError) as info:
        returns.inspect(tech, number, "confirmed_defect", "", sampled=2, failed=0, usable=12)
    assert info.value.errors[0].params["units"] == 3
    returns.inspect(tech, number, "confirmed_defect", "", sampled=3, failed=0, usable=12)
    assert rma_of(find_case(number)).qc_sampled == 3


def test_only_a_technician_or_the_manager_records_the_check(
    ctx: Context, desk_ctx: Context
) -> None:
    number = _batch(ctx)
    err = refused(
        lambda: returns.inspect(
            desk_ctx, number, "confirmed_defect", "", sampled=2, failed=0, usable=12
        ),
        "permission_denied",
        number=number,
    )
    assert err.params["needs"] == "technician_or_manager"


def test_the_counts_decide_the_disposition_and_print(
    ctx: Context, tech_ctx: Context, tmp_path: Path
) -> None:
    number = _batch(ctx)
    returns.inspect(
        tech_ctx,
        number,
        "confirmed_defect",
        "随机抽检 3 条，1 条不充电",
        sampled=3,
        failed=1,
        usable=8,
        scrap=2,
        to_supplier=2,
    )
    rma = rma_of(find_case(number))
    assert (rma.qc_sampled, rma.qc_failed) == (3, 1)
    assert (rma.qc_usable, rma.qc_scrap, rma.qc_to_supplier) == (8, 2, 2)
    assert rma.sample_pct == 25  # 3 of 12
    event = Event.get((Event.number == number) & (Event.to_state == "inspected"))
    assert event.data["qc"] == {
        "sampled": 3,
        "failed": 1,
        "usable": 8,
        "scrap": 2,
        "to_supplier": 2,
    }
    returns.decide_liability(ctx, number, "shop")

    # Two units are scrap: repairing the rest still needs the owner's approved scrap report.
    refused(
        lambda: returns.set_disposition(tech_ctx, number, "repair_restock"),
        "scrap_report_required",
        number=number,
    )
    refused(
        lambda: returns.set_disposition(
            tech_ctx, number, "repair_restock", scrap_report="2 条线芯断裂"
        ),
        "permission_denied",
        number=number,
    )
    returns.set_disposition(ctx, number, "repair_restock", scrap_report="2 条线芯断裂，无法维修")
    done = Event.get((Event.number == number) & (Event.to_state == "disposition_done"))
    assert done.data["units"] == {"usable": 8, "scrap": 2, "to_supplier": 2}
    rma = rma_of(find_case(number))
    assert rma.scrap_approved_by_id == ctx.actor.id

    # The warehouse receipt and the return form print the counts.
    data = slip_data(ctx, number, "return-receipt", lang="zh")
    assert (data["qc_sampled"], data["qc_failed"], data["qc_usable"]) == ("3", "1", "8")
    assert (data["qc_scrap"], data["qc_to_supplier"], data["qc_by"]) == ("2", "2", "Tech")
    for form in ("return-receipt", "rma"):
        slip = make_slip(ctx, number, form, lang="zh")
        assert verify_pdf(slip.pdf, ctx.data_dir).ok
        text = pdf_text(slip.pdf, tmp_path)
        for words in ("抽检数量", "不合格数", "可用入库", "退供应商", "25%"):
            assert words in text, (form, words)


def test_a_single_unit_needs_no_counts(ctx: Context, tech_ctx: Context) -> None:
    number = intake_return(ctx)
    to_awaiting_goods(ctx, number)
    receive_all(ctx, number)
    returns.inspect(tech_ctx, number, "confirmed_defect", "开机无显示")
    rma = rma_of(find_case(number))
    assert (rma.qc_sampled, rma.qc_usable, rma.sample_pct) == (None, None, None)
    data = slip_data(ctx, number, "rma", lang="zh")
    assert data["qc_sampled"] == "" and data["qc_usable"] == ""
