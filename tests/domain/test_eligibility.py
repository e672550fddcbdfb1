"""Return eligibility (002): warranty is a hard rule, plus a ground; no-reason is its own route."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import Category, Reason
from app.domain.rules.eligibility import (
    ELIGIBILITY_CODES,
    EXPLANATIONS,
    return_eligibility,
)
from app.domain.rules.entitlement import decide_entitlement
from app.domain.settings import WarrantySettings

W = WarrantySettings()
SOLD = date(2025, 3, 1)


def ent(days: int, category: str = "phone", **options: Any):  # type: ignore[no-untyped-def]
    return decide_entitlement(category, SOLD, SOLD + timedelta(days=days), W, **options)


@pytest.mark.parametrize(
    ("entitlement_args", "reason", "eligible", "code", "params"),
    [
        # The 7-day no-reason route.
        (
            (3, "phone", {"unused": True}),
            Reason.NO_REASON,
            True,
            "eligible_no_reason",
            {"until": "2025-03-08", "days": 7, "freight": "customer"},
        ),
        (
            (8, "phone", {"unused": True}),
            Reason.NO_REASON,
            False,
            "no_reason_expired",
            {"until": "2025-03-08"},
        ),
        ((3, "phone", {}), Reason.NO_REASON, False, "no_reason_not_resalable", {}),
        (
            (3, "phone", {"unused": True, "intact": False}),
            "no_reason",
            False,
            "no_reason_not_resalable",
            {},
        ),
        (
            (3, "phone", {"unused": True, "gift": True}),
            Reason.NO_REASON,
            False,
            "gift_no_warranty",
            {},
        ),
        # Hard rule: within warranty.
        ((400, "phone", {}), Reason.QUALITY, False, "not_in_warranty", {"until": "2026-03-01"}),
        ((400, "phone", {}), Reason.CANNOT_PAY, False, "not_in_warranty", {"until": "2026-03-01"}),
        (
            (3, "other", {"warranty_months": 0}),
            Reason.QUALITY,
            False,
            "not_in_warranty",
            {"until": None},
        ),
        ((3, "battery", {"gift": True}), Reason.QUALITY, False, "gift_no_warranty", {}),
        # Grounds.
        (
            (3, "phone", {"defect_confirmed": True}),
            Reason.QUALITY,
            True,
            "eligible_quality",
            {"remedy": "return"},
        ),
        (
            (10, "phone", {"defect_confirmed": True}),
            Reason.QUALITY,
            True,
            "eligible_quality",
            {"remedy": "exchange"},
        ),
        (
            (100, "phone", {"defect_confirmed": True}),
            Reason.QUALITY,
            True,
            "eligible_quality",
            {"remedy": "repair"},
        ),
        (
            (3, "phone", {"intact": False, "defect_confirmed": True}),
            Reason.QUALITY,
            True,
            "eligible_quality",
            {"remedy": "exchange"},
        ),
        (
            (3, "phone", {}),
            Reason.QUALITY,
            True,
            "eligible_quality_pending_inspection",
            {"remedy": "return"},
        ),
        (
            (30, "battery", {}),
            Reason.QUALITY,
            True,
            "eligible_quality_pending_inspection",
            {"remedy": "exchange"},
        ),
        ((3, "phone", {"man_made": True}), Reason.QUALITY, False, "man_made_damage", {}),
        ((3, "phone", {"defect_confirmed": False}), Reason.QUALITY, False, "no_defect_found", {}),
        (
            (3, "phone", {}),
            Reason.WRONG_ITEM,
            True,
            "eligible_shop_error",
            {"reason": "wrong_item"},
        ),
        (
            (3, "charger", {}),
            Reason.TRANSIT_DAMAGE,
            True,
            "eligible_shop_error",
            {"reason": "transit_damage"},
        ),
        (
            (3, "phone", {}),
            Reason.NOT_AS_DESCRIBED,
            True,
            "eligible_shop_error",
            {"reason": "not_as_described"},
        ),
        ((60, "phone", {}), Reason.CANNOT_PAY, True, "eligible_cannot_pay", {}),
        (
            (60, "other", {}),
            Reason.MAJOR_CHANGE,
            True,
            "eligible_major_change",
            {"reason": "major_change"},
        ),
        (
            (20, "phone", {}),
            Reason.WRONG_SIZE,
            True,
            "eligible_major_change",
            {"reason": "wrong_size"},
        ),
        ((3, "phone", {}), Reason.NOT_RECEIVED, False, "refund_only_route", {}),
        (
            (3, "phone", {}),
            Reason.SERVICE_ATTITUDE,
            False,
            "no_return_ground",
            {"reason": "service_attitude"},
        ),
        ((3, "phone", {}), Reason.OTHER, False, "no_return_ground", {"reason": "other"}),
    ],
)
def test_eligibility(
    entitlement_args: tuple[int, str, dict[str, Any]],
    reason: Reason,
    eligible: bool,
    code: str,
    params: dict[str, Any],
) -> None:
    days, category, options = entitlement_args
    result = return_eligibility(ent(days, category, **options), reason)
    assert (result.eligible, result.code, result.params) == (eligible, code, params)
    assert result.to_dict() == {"eligible": eligible, "code": code, "params": params}


def test_codes_and_explanations() -> None:
    assert tuple(EXPLANATIONS) == ELIGIBILITY_CODES
    for code, text in EXPLANATIONS.items():
        assert code.isascii() and code == code.lower()
        assert text.isascii() and text.endswith(".")


@given(
    st.sampled_from(list(Category)),
    st.integers(0, 800),
    st.sampled_from(list(Reason)),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.booleans(),
)
def test_every_result_has_a_listed_code(
    category: Category,
    days: int,
    reason: Reason,
    man_made: bool,
    gift: bool,
    intact: bool,
    unused: bool,
    defect: bool | None,
) -> None:
    e = ent(
        days,
        category,
        man_made=man_made,
        gift=gift,
        intact=intact,
        unused=unused,
        defect_confirmed=defect,
    )
    result = return_eligibility(e, reason)
    assert result.code in ELIGIBILITY_CODES
    assert result.eligible == result.code.startswith("eligible_")
    json.dumps(result.to_dict())
    # Placeholders in the explanation are filled by the params.
    EXPLANATIONS[result.code].format(**result.params)
    if reason is not Reason.NO_REASON and result.eligible:
        assert e.in_warranty
