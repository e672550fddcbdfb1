"""Plain read-only views of records, handed to the window and the CLI."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def jsonable(value: Any) -> Any:
    """Dataclasses, Decimals, dates and enums as JSON-safe values (money as strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclasses.dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any] | None


@dataclasses.dataclass(frozen=True)
class CustomerView:
    id: int
    name: str
    phone: str | None
    phone2: str | None
    address: str
    kind: str
    service_class: str
    dealer_balance: Decimal
    notes: str


@dataclasses.dataclass(frozen=True)
class ProductView:
    id: int
    name: str
    model_spec: str
    unit: str
    price: Decimal
    category: str
    warranty_months: int | None


@dataclasses.dataclass(frozen=True)
class SaleView:
    order_no: str
    invoice_no: str
    sale_date: date | None
    channel: str
    serial: str
    quantity: int
    unit_price: Decimal | None
    is_gift: bool = False
    # An online order: the platform (codes.Platform, "" when not online; an old "tmall" sale
    # reads as "taobao"), the buyer's ID there and the day the goods were received (签收).
    platform: str = ""
    buyer_id: str = ""
    received_date: date | None = None


@dataclasses.dataclass(frozen=True)
class PartLineView:
    id: int
    part_no: str | None
    description: str
    qty: int
    unit_price: Decimal
    charged: bool


@dataclasses.dataclass(frozen=True)
class LabourView:
    id: int
    description: str
    minutes: int
    amount: Decimal
    charged: bool
    technician: str | None


@dataclasses.dataclass(frozen=True)
class VisitView:
    id: int
    visited_at: datetime
    technician: str | None
    reason: str
    outcome: str


@dataclasses.dataclass(frozen=True)
class RepairView:
    number: str
    brand: str
    model: str
    serial: str
    accessories: list[str]
    condition: str
    fault: str
    diagnosis: str
    on_site: bool
    site_address: str
    appointment_at: datetime | None
    contact_due_at: datetime | None
    in_warranty: bool
    estimate: Decimal | None
    estimate_approved: bool | None
    result: str
    technician: str | None
    received_at: datetime
    finished_at: datetime | None
    signed: bool
    signed_at: datetime | None
    scrap_report: str
    scrap_approved_by: str | None
    factory_tag: str
    customer_comment: str
    precheck: dict[str, Any] | None
    dropoff_signed: bool
    installation: bool
    has_passcode: bool
    parts: list[PartLineView]
    labour: list[LabourView]
    visits: list[VisitView]
    charge_total: Decimal


@dataclasses.dataclass(frozen=True)
class ReturnLineView:
    id: int
    description: str
    spec: str
    unit: str
    qty_expected: int
    qty_received: int | None
    discrepancy: int | None  # received - expected
    unit_price: Decimal
    amount: Decimal
    batch: str
    reason: str


@dataclasses.dataclass(frozen=True)
class RmaView:
    number: str
    approval_level: str
    approved_by: str | None
    approved_at: datetime | None
    rejection_reason: str
    freight_carrier: str
    tracking_no: str
    freight_payer: str
    freight_amount: Decimal | None
    expected_by: date | None
    received_at: datetime | None
    package_damaged: bool
    inspection_result: str
    inspection_report: str
    sample_pct: int | None
    qc_sampled: int | None
    qc_failed: int | None
    qc_usable: int | None
    qc_scrap: int | None
    qc_to_supplier: int | None
    qc_by: str
    goods_at_counter: bool
    liability: str
    disposition: str
    capa_corrective: str
    capa_preventive: str
    report_sent_at: datetime | None
    customer_reply: str
    customer_reply_at: datetime | None
    lines: list[ReturnLineView]
    total: Decimal
    approved_amount: Decimal | None = None
    override_by: str | None = None
    override_reason: str = ""
    freight_agreed: str = ""
    goods_due: date | None = None
    goods_waived_by: str | None = None
    goods_waived_reason: str = ""
    supplier: str = ""  # the supplier a supplier-liable return goes back to


@dataclasses.dataclass(frozen=True)
class ClaimView:
    number: str
    status: str
    case_number: str | None
    order_no: str
    item_code: str
    size: str
    carrier: str
    tracking_no: str
    item_value: Decimal
    amount_claimed: Decimal
    amount_recovered: Decimal
    created_at: datetime
    allowed: tuple[str, ...]
    deadline_at: datetime | None = None
    overdue: bool = False  # still a draft past the carrier's deadline
    lines: list[dict[str, Any]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class MoneyView:
    id: int
    kind: str
    amount: Decimal
    at: datetime
    by: str
    note: str
    reverses: int | None
    route: str = ""
    party: str = ""


@dataclasses.dataclass(frozen=True)
class CaseRow:
    number: str
    kind: str
    status: str
    customer_name: str
    customer_phone: str | None
    product: str
    serial: str
    created_at: datetime
    promise_date: date | None
    overdue: bool
    assignee: str | None
    amount: Decimal | None = None  # what the customer paid: approvals wait on it


@dataclasses.dataclass(frozen=True)
class CaseDetail:
    number: str
    kind: str
    status: str
    allowed: tuple[str, ...]
    final: bool
    overdue: bool
    channel: str
    reason: str
    request: str
    severity: str
    description: str
    customer: CustomerView
    product: ProductView | None
    serial: str
    sale: SaleView | None
    amount: Decimal | None
    entitlement: dict[str, Any] | None
    promise_date: date | None
    first_answer_due: datetime | None
    first_answered_at: datetime | None
    assignee: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    parent: str | None
    children: list[str]
    shipping_status: str
    ship_first_by: str | None
    satisfaction: int | None
    follow_up: str
    follow_up_due: date | None
    follow_up_at: datetime | None
    follow_up_by: str
    complaint_class: str
    complaint_cause: str
    responsible: str
    resolution: str
    photos: list[str]
    repair: RepairView | None
    rma: RmaView | None
    claims: list[ClaimView]
    money: list[MoneyView]
    refunded_total: Decimal
    events: list[EventView]
    platform_refund_no: str = ""
    platform_reason: str = ""  # codes.PlatformReason, "" when none was given
    same_order: list[str] = dataclasses.field(default_factory=list)  # other cases of the order

    def to_dict(self) -> dict[str, Any]:
        return jsonable(self)
