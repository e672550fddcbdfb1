"""Missing items (货品缺少反馈, issue 16 item 7): reported within the set days of delivery the
desk sends them on; later (or with no delivery date to tell) only the owner agrees."""

from __future__ import annotations

from app.services.casework import cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case
from app.services.shop.context import Context
from tests.conftest import refused, snapshot

PERSON = {"name": "李娜", "phone": "13912345678", "product": "vivo X100", "category": "phone"}


def _parts(ctx: Context, **fields: str) -> str:
    form = IntakeForm(kind="parts", description="少了充电头", **PERSON, **fields)
    return take_intake(ctx, form).number


def test_missing_items_reported_late_need_the_owner(ctx: Context, desk_ctx: Context) -> None:
    # The clock is 2026-03-02: delivered on 02-28 is 2 days, on 02-27 is 3 days.
    in_time = _parts(ctx, sold="2026-02-28")
    cases.move(desk_ctx, in_time, "approved", "核实漏发，同意补发")
    assert find_case(in_time).status == "approved"

    for late in (_parts(ctx, sold="2026-02-27"), _parts(ctx)):
        before = snapshot(late)
        err = refused(
            lambda n=late: cases.move(desk_ctx, n, "approved"), "permission_denied", number=late
        )
        assert err.params["needs"] == "owner"
        assert snapshot(late) == before
        cases.move(ctx, late, "approved", "店主同意补发")
        assert find_case(late).status == "approved"
