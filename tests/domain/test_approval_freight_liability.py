"""Approval thresholds, freight, liability → money, dispositions and RMA deadlines."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.domain.codes import (
    CustomerKind,
    Disposition,
    FreightPayer,
    InspectionResult,
    Liability,
    MoneyKind,
    Reason,
    Role,
)
from app.domain.errors import DomainError, ValidationError
from app.domain.rules.approval import (
    ApprovalDecision,
    ApprovalLevel,
    approval_needed,
    approve,
    can_approve,
)
from app.domain.rules.freight import (
    CUSTOMER_SIDE_REASONS,
    FREIGHT_BASIS_CODES,
    SHOP_SIDE_REASONS,
    freight_payer,
)
from app.domain.rules.liability import (
    MONEY_KIND_FOR_ROUTE,
    MoneyRoute,
    check_disposition,
    disposition_options,
    money_route,
)
from app.domain.rules.returns import (
    carrier_claim_due,
    closes_without_reply,
    goods_expected_by,
    inspection_sample_size,
    reply_window_end,
)
from app.domain.settings import ApprovalSettings, ReturnSettings, Settings

A = ApprovalSettings()
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

# ---- approval ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "level"),
    [
        (Decimal("0.00"), ApprovalLevel.MANAGER),
        (Decimal("499.99"), ApprovalLevel.MANAGER),
        (Decimal("500.00"), ApprovalLevel.MANAGER),  # at the threshold: manager on duty
        (Decimal("500.01"), ApprovalLevel.OWNER),
        (Decimal("-500.01"), ApprovalLevel.OWNER),  # a refund booked negative
        (Decimal("-500"), ApprovalLevel.MANAGER),
        (500, ApprovalLevel.MANAGER),
        (501, ApprovalLevel.OWNER),
    ],
)
def test_approval_threshold(amount: Decimal, level: ApprovalLevel) -> None:
    assert approval_needed(amount, A) is level


def test_threshold_is_a_setting() -> None:
    s = Settings().replace_path("approval.owner_threshold", "1000")
    assert approval_needed(Decimal("800"), s.approval) is ApprovalLevel.MANAGER
    assert approval_needed(Decimal("800"), A) is ApprovalLevel.OWNER


@pytest.mark.parametrize("bad", [500.01, "500", None, Decimal("NaN"), True])
def test_amount_must_be_decimal(bad: object) -> None:
    with pytest.raises(ValidationError) as exc:
        approval_needed(bad, A)  # type: ignore[arg-type]
    assert exc.value.errors[0].code == "not_a_decimal"


@pytest.mark.parametrize(
    ("role", "level", "ok"),
    [
        (Role.OWNER, ApprovalLevel.OWNER, True),
        (Role.OWNER, ApprovalLevel.MANAGER, True),
        (Role.FRONT_DESK, ApprovalLevel.MANAGER, True),
        (Role.FRONT_DESK, ApprovalLevel.OWNER, False),
        (Role.TECHNICIAN, ApprovalLevel.MANAGER, False),
        (Role.TECHNICIAN, ApprovalLevel.OWNER, False),
        ("owner", "owner", True),
    ],
)
def test_can_approve(role: Role, level: ApprovalLevel, ok: bool) -> None:
    assert can_approve(role, level) is ok


def test_approve_records_decision_and_keeps_it() -> None:
    d = approve(Decimal("800.00"), Role.OWNER, "王店长", NOW, A)
    assert d == ApprovalDecision(ApprovalLevel.OWNER, "王店长", NOW, Decimal("800.00"))
    assert d.to_dict() == {
        "level": "owner",
        "approved_by": "王店长",
        "approved_at": "2025-03-01T02:00:00+00:00",
        "amount": "800.00",
    }
    # Raising the threshold later does not touch the decision already made.
    Settings().replace_path("approval.owner_threshold", "5000")
    assert d.level is ApprovalLevel.OWNER
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.level = ApprovalLevel.MANAGER  # type: ignore[misc]


def test_approve_refuses_role_below_level() -> None:
    with pytest.raises(DomainError) as exc:
        approve(Decimal("500.01"), Role.FRONT_DESK, "小李", NOW, A)
    assert exc.value.code == "approval_not_allowed"
    assert exc.value.params["level"] == "owner"
    assert exc.value.params["threshold"] == "500.00"
    assert approve(Decimal("500.00"), Role.FRONT_DESK, "小李", NOW, A).level == "manager"


def test_approve_bad_input() -> None:
    with pytest.raises(ValidationError) as exc:
        approve(Decimal("1"), Role.OWNER, "王", datetime(2025, 3, 1), A)
    assert exc.value.errors[0].code == "timezone_required"
    with pytest.raises(ValidationError) as exc:
        approve(Decimal("1"), Role.OWNER, "  ", NOW, A)
    assert exc.value.errors[0].code == "required"
    with pytest.raises(ValidationError) as exc:
        can_approve("boss", ApprovalLevel.OWNER)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("role", "unknown_code")


# ---- freight -----------------------------------------------------------------------------------

S, C, H = FreightPayer.SHOP, FreightPayer.CUSTOMER, FreightPayer.SPLIT
IR = InspectionResult


@pytest.mark.parametrize(
    ("reason", "inspection", "split", "outbound", "back", "basis"),
    [
        (Reason.QUALITY, IR.CONFIRMED_DEFECT, False, S, S, "quality_shop_pays"),
        (Reason.QUALITY, IR.CONFIRMED_DEFECT, True, H, H, "split_agreed"),
        (Reason.QUALITY, IR.NO_FAULT_FOUND, False, C, C, "no_fault_customer_pays"),
        (Reason.QUALITY, IR.NO_FAULT_FOUND, True, C, C, "no_fault_customer_pays"),
        (Reason.QUALITY, IR.MAN_MADE_DAMAGE, False, C, C, "man_made_customer_pays"),
        (Reason.QUALITY, IR.INTACT_RESALABLE, False, C, C, "no_fault_customer_pays"),
        (Reason.QUALITY, IR.TRANSIT_DAMAGE, False, S, S, "transit_damage_shop_pays"),
        (Reason.QUALITY, None, False, C, S, "quality_pending_inspection"),
        (Reason.NO_REASON, None, False, C, C, "customer_reason_customer_pays"),
        (Reason.NO_REASON, IR.INTACT_RESALABLE, True, C, C, "customer_reason_customer_pays"),
        (Reason.WRONG_SIZE, None, False, C, C, "customer_reason_customer_pays"),
        (Reason.MAJOR_CHANGE, None, False, C, C, "customer_reason_customer_pays"),
        (Reason.CANNOT_PAY, None, False, C, C, "customer_reason_customer_pays"),
        (Reason.WRONG_ITEM, None, False, S, S, "shop_error_shop_pays"),
        (Reason.WRONG_ITEM, IR.INTACT_RESALABLE, False, S, S, "shop_error_shop_pays"),
        (Reason.NOT_AS_DESCRIBED, IR.NO_FAULT_FOUND, False, C, C, "no_fault_customer_pays"),
        (Reason.PARTS_MISSING, None, True, H, H, "split_agreed"),
        (Reason.TRANSIT_DAMAGE, None, False, S, S, "transit_damage_shop_pays"),
        ("quality", "confirmed_defect", False, S, S, "quality_shop_pays"),
    ],
)
def test_freight(
    reason: Reason,
    inspection: InspectionResult | None,
    split: bool,
    outbound: FreightPayer,
    back: FreightPayer,
    basis: str,
) -> None:
    d = freight_payer(reason, inspection, split_agreed=split)
    assert (d.outbound, d.return_leg, d.basis) == (outbound, back, basis)
    assert d.basis in FREIGHT_BASIS_CODES
    assert d.provisional is (basis == "quality_pending_inspection")
    assert d.to_dict() == {
        "outbound": outbound.value,
        "return_leg": back.value,
        "basis": basis,
        "provisional": d.provisional,
    }


def test_every_reason_is_classified() -> None:
    assert set(Reason) == SHOP_SIDE_REASONS | CUSTOMER_SIDE_REASONS
    assert not SHOP_SIDE_REASONS & CUSTOMER_SIDE_REASONS
    for reason in Reason:
        for inspection in (None, *InspectionResult):
            assert freight_payer(reason, inspection).basis in FREIGHT_BASIS_CODES


def test_freight_unknown_codes() -> None:
    with pytest.raises(ValidationError) as exc:
        freight_payer("bored", None)
    assert exc.value.errors[0].field == "reason"
    with pytest.raises(ValidationError) as exc:
        freight_payer("quality", "looks_fine")
    assert exc.value.errors[0].field == "inspection"


# ---- liability → money -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("liability", "kind", "route"),
    [
        (Liability.SHOP, None, MoneyRoute.SHOP_BEARS),
        (Liability.DEALER, None, MoneyRoute.DEALER_ACCOUNT),
        (Liability.CUSTOMER, None, MoneyRoute.CHARGE_CUSTOMER),
        (Liability.CUSTOMER, CustomerKind.CONSUMER, MoneyRoute.CHARGE_CUSTOMER),
        (Liability.CUSTOMER, CustomerKind.DEALER, MoneyRoute.DEALER_ACCOUNT),
        (Liability.CARRIER, None, MoneyRoute.CARRIER_CLAIM),
        (Liability.CARRIER, CustomerKind.DEALER, MoneyRoute.CARRIER_CLAIM),
        (Liability.SUPPLIER, None, MoneyRoute.BACK_TO_SUPPLIER),
        ("shop", "business", MoneyRoute.SHOP_BEARS),
    ],
)
def test_money_route(liability: Liability, kind: CustomerKind | None, route: MoneyRoute) -> None:
    assert money_route(liability, customer_kind=kind) is route


def test_money_kind_for_every_route() -> None:
    assert set(MONEY_KIND_FOR_ROUTE) == set(MoneyRoute)
    assert MONEY_KIND_FOR_ROUTE[MoneyRoute.DEALER_ACCOUNT] is MoneyKind.DEALER_DEDUCTION
    assert MONEY_KIND_FOR_ROUTE[MoneyRoute.SHOP_BEARS] is None
    with pytest.raises(ValidationError):
        money_route("weather")


# ---- disposition -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "first", "allowed"),
    [
        (IR.INTACT_RESALABLE, Disposition.RESTOCK, {"restock", "discount"}),
        (IR.NO_FAULT_FOUND, Disposition.RESTOCK, {"restock", "discount", "ship_back"}),
        (IR.CONFIRMED_DEFECT, Disposition.REPAIR_RESTOCK, {"repair_restock", "discount", "scrap"}),
        (IR.TRANSIT_DAMAGE, Disposition.DISCOUNT, {"discount", "repair_restock", "scrap"}),
        (
            IR.MAN_MADE_DAMAGE,
            Disposition.SHIP_BACK,
            {"ship_back", "repair_restock", "discount", "scrap"},
        ),
    ],
)
def test_disposition_options(
    result: InspectionResult, first: Disposition, allowed: set[str]
) -> None:
    options = disposition_options(result)
    assert options[0] is first
    assert set(options) == allowed


def test_rejected_return_ships_back() -> None:
    assert disposition_options(IR.CONFIRMED_DEFECT, rejected=True) == (Disposition.SHIP_BACK,)
    assert disposition_options(None, rejected=True) == (Disposition.SHIP_BACK,)
    with pytest.raises(ValidationError) as exc:
        disposition_options(None)
    assert exc.value.errors[0].code == "inspection_required"


def test_scrap_needs_approved_report() -> None:
    with pytest.raises(ValidationError) as exc:
        check_disposition(Disposition.SCRAP, scrap_report_approved=False)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == (
        "disposition",
        "scrap_needs_report",
    )
    assert check_disposition("scrap", scrap_report_approved=True) is Disposition.SCRAP
    assert check_disposition("restock", scrap_report_approved=False) is Disposition.RESTOCK


def test_disposition_must_fit_inspection() -> None:
    with pytest.raises(ValidationError) as exc:
        check_disposition(
            "restock", scrap_report_approved=False, inspection_result=IR.CONFIRMED_DEFECT
        )
    assert exc.value.errors[0].code == "not_allowed"
    assert exc.value.errors[0].params["allowed"] == ["repair_restock", "discount", "scrap"]
    with pytest.raises(ValidationError):
        check_disposition("discount", scrap_report_approved=True, rejected=True)


# ---- RMA deadlines (002) -----------------------------------------------------------------------

R = ReturnSettings()


def test_goods_expected_within_7_working_days() -> None:
    assert goods_expected_by(date(2025, 3, 3), R) == date(2025, 3, 12)  # Mon → Wed next week
    assert goods_expected_by(date(2025, 9, 29), R) == date(2025, 10, 15)  # across National Day


def test_carrier_claim_within_24_hours() -> None:
    assert carrier_claim_due(NOW, R) == NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    ("qty", "sample"), [(0, 0), (1, 1), (9, 1), (10, 1), (11, 2), (100, 10), (101, 11)]
)
def test_batch_sample_at_least_ten_percent(qty: int, sample: int) -> None:
    assert inspection_sample_size(qty, R) == sample


def test_sample_all_when_pct_is_100() -> None:
    assert inspection_sample_size(7, dataclasses.replace(R, batch_sample_pct=100)) == 7
    with pytest.raises(ValidationError):
        inspection_sample_size(-1, R)


def test_no_reply_closes_after_45_days() -> None:
    sent = date(2025, 3, 1)
    assert reply_window_end(sent, R) == date(2025, 4, 15)
    assert not closes_without_reply(sent, date(2025, 4, 15), R)
    assert closes_without_reply(sent, date(2025, 4, 16), R)
