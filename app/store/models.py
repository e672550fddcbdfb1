"""The shop's records as peewee models. Only the store layer imports this module's SQL details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import peewee as pw

from app.store.db import database
from app.store.fields import JSONTextField, MoneyField, UTCDateTimeField

#: A database-side default for text columns added later, so rows inserted by plain SQL (bench
#: generator, older scripts) that do not name them still satisfy NOT NULL.
_EMPTY = pw.SQL("DEFAULT ''")


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    """Staff account. `system` is the built-in actor of scripted use before accounts exist."""

    name = pw.CharField(max_length=40, unique=True)
    display_name = pw.CharField(max_length=40)
    role = pw.CharField(max_length=20)  # codes.Role
    secret_hash = pw.CharField(max_length=200, null=True)
    active = pw.BooleanField(default=True)
    is_manager = pw.BooleanField(default=False)  # front desk staff who may approve as manager
    created_at = UTCDateTimeField()
    # Sign-in throttling lives here, not in memory, so restarting the program resets nothing.
    recent_failures = JSONTextField(null=True)  # UTC ISO times of failures in the last window
    locked_until = UTCDateTimeField(null=True)
    lockouts = pw.IntegerField(default=0)  # locks since the last success: the delay grows
    demo_pin = pw.BooleanField(default=False)  # still the published demo PIN: urge a change
    last_login_at = UTCDateTimeField(null=True)
    # The owner's recovery code (argon2 hash), printed once at owner setup: signs a locked-out
    # owner in when the PIN is forgotten or the account locked.
    recovery_hash = pw.CharField(max_length=200, null=True)


class Customer(BaseModel):
    name = pw.CharField(max_length=80, index=True)
    phone = pw.CharField(max_length=20, index=True, null=True)
    phone2 = pw.CharField(max_length=24, null=True)
    address = pw.CharField(max_length=200, default="")
    kind = pw.CharField(max_length=12, default="consumer")  # codes.CustomerKind
    service_class = pw.CharField(max_length=1, default="B")  # codes.ServiceClass
    dealer_balance = MoneyField(default=0)
    notes = pw.TextField(default="")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    # A duplicate merged into another customer: its cases, sales and money now point there;
    # the row stays (the event log names it) but lists no longer show it.
    merged_into = pw.ForeignKeyField("self", null=True, backref="+", index=False)


class Product(BaseModel):
    name = pw.CharField(max_length=120, index=True)
    model_spec = pw.CharField(max_length=80, default="")
    unit = pw.CharField(max_length=8, default="台")
    price = MoneyField(default=0)
    category = pw.CharField(max_length=20, default="other")  # codes.Category
    warranty_months = pw.IntegerField(null=True)
    brand = pw.CharField(max_length=40, default="", constraints=[_EMPTY])
    # Barcode / SKU as scanned; "" when the shop has none (unique among products that have one,
    # checked by services.shop.products).
    barcode = pw.CharField(max_length=40, default="", index=True, constraints=[_EMPTY])
    active = pw.BooleanField(default=True, constraints=[pw.SQL("DEFAULT TRUE")])
    # A duplicate merged into another product (cases, sales and return lines moved there).
    merged_into = pw.ForeignKeyField("self", null=True, backref="+", index=False)

    class Meta:
        indexes = ((("name", "model_spec"), True),)


class Supplier(BaseModel):
    """A supplier of parts and goods: named on stock movements, supplier-liable returns and
    the recoveries booked against them."""

    name = pw.CharField(max_length=80, unique=True)
    contact = pw.CharField(max_length=40, default="")  # the person to ask for
    phone = pw.CharField(max_length=24, default="")
    address = pw.CharField(max_length=200, default="")
    terms = pw.CharField(max_length=120, default="")  # payment terms (月结30天, 现结 …)
    notes = pw.TextField(default="")
    active = pw.BooleanField(default=True)
    created_at = UTCDateTimeField()


class SaleRef(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="sales")
    product = pw.ForeignKeyField(Product, null=True, backref="sales")
    order_no = pw.CharField(max_length=40, default="", index=True)
    invoice_no = pw.CharField(max_length=40, default="")
    sale_date = pw.DateField(null=True)
    channel = pw.CharField(max_length=12, default="store")  # codes.SaleChannel
    serial = pw.CharField(max_length=32, default="", index=True)
    quantity = pw.IntegerField(default=1)
    unit_price = MoneyField(null=True)
    # A gift is a property of this sale, never of the product (gifts carry no warranty - 001).
    is_gift = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    # An online order (v11): the platform (codes.Platform; "" for a sale that was not online),
    # the buyer's ID/nickname there, and the day the buyer received the goods (签收).
    platform = pw.CharField(max_length=16, default="", constraints=[_EMPTY])
    buyer_id = pw.CharField(max_length=60, default="", index=True, constraints=[_EMPTY])
    received_date = pw.DateField(null=True)


class Case(BaseModel):
    """售后单: every request starts as one."""

    number = pw.CharField(max_length=20, unique=True)
    kind = pw.CharField(max_length=16, index=True)  # codes.CaseKind
    status = pw.CharField(max_length=24, index=True)
    channel = pw.CharField(max_length=12, default="walk_in")
    reason = pw.CharField(max_length=20, default="other")
    request = pw.CharField(max_length=14, default="other")
    severity = pw.CharField(max_length=10, default="minor")
    description = pw.TextField(default="")
    customer = pw.ForeignKeyField(Customer, backref="cases")
    sale = pw.ForeignKeyField(SaleRef, null=True, backref="cases")
    product = pw.ForeignKeyField(Product, null=True, backref="cases")
    serial = pw.CharField(max_length=32, default="", index=True)
    amount = MoneyField(null=True)  # what the customer paid / claims, when money is involved
    entitlement = JSONTextField(null=True)  # decision snapshot at intake: settings never rewrite it
    promise_date = pw.DateField(null=True)
    first_answer_due = UTCDateTimeField(null=True)
    first_answered_at = UTCDateTimeField(null=True)
    assignee = pw.ForeignKeyField(User, null=True, backref="assigned")
    created_by = pw.ForeignKeyField(User, backref="created_cases")
    created_at = UTCDateTimeField(index=True)
    updated_at = UTCDateTimeField()
    closed_at = UTCDateTimeField(null=True, index=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children")
    shipping_status = pw.CharField(max_length=12, default="unknown")  # codes.ShippingStatus
    ship_first_by = pw.ForeignKeyField(User, null=True, backref="+")
    ship_first_at = UTCDateTimeField(null=True)
    satisfaction = pw.IntegerField(null=True)  # 1..5 at follow-up
    follow_up = pw.TextField(default="")
    # The follow-up call (回访, 003/004): when it is due, when it was made and by whom.
    follow_up_due = pw.DateField(null=True)
    follow_up_at = UTCDateTimeField(null=True)
    follow_up_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    # A complaint's classification (004): product / service / delivery / attitude, its cause
    # and the person responsible.
    complaint_class = pw.CharField(max_length=12, default="", constraints=[_EMPTY])
    complaint_cause = pw.TextField(default="", constraints=[_EMPTY])
    responsible = pw.CharField(max_length=40, default="", constraints=[_EMPTY])
    resolution = pw.TextField(default="")
    platform_refund_no = pw.CharField(  # the online shop's refund/after-sales number
        max_length=40, default="", index=True, constraints=[_EMPTY]
    )
    # The refund reason the buyer chose on the platform (codes.PlatformReason; v11).
    platform_reason = pw.CharField(max_length=20, default="", constraints=[_EMPTY])


class CasePhoto(BaseModel):
    case = pw.ForeignKeyField(Case, backref="photos", on_delete="CASCADE")
    path = pw.CharField(max_length=260)  # relative to the data folder
    caption = pw.CharField(max_length=120, default="")
    added_at = UTCDateTimeField()


class RepairTicket(BaseModel):
    """售后维修单."""

    number = pw.CharField(max_length=20, unique=True)
    case = pw.ForeignKeyField(Case, unique=True, backref="repair_tickets")
    brand = pw.CharField(max_length=40, default="")
    model = pw.CharField(max_length=60, default="")
    serial = pw.CharField(max_length=32, default="", index=True)
    accessories = JSONTextField(default=list)  # codes of what was received: charger, cable, box…
    condition = pw.TextField(default="")  # scratches, cracks on receipt
    fault = pw.TextField(default="")
    diagnosis = pw.TextField(default="")
    on_site = pw.BooleanField(default=False)
    # An on-site installation (上门安装), counted apart from on-site repairs in the summary.
    installation = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    site_address = pw.CharField(max_length=200, default="")
    appointment_at = UTCDateTimeField(null=True)
    contact_due_at = UTCDateTimeField(null=True)
    in_warranty = pw.BooleanField(default=False)
    estimate = MoneyField(null=True)
    estimate_approved = pw.BooleanField(null=True)  # None: not asked; customer's decision
    estimate_decided_at = UTCDateTimeField(null=True)
    result = pw.TextField(default="")
    technician = pw.ForeignKeyField(User, null=True, backref="repairs", index=False)
    received_at = UTCDateTimeField()
    finished_at = UTCDateTimeField(null=True)
    signature = JSONTextField(null=True)  # customer's strokes, rendered for the slip
    signed_at = UTCDateTimeField(null=True)
    scrap_report = pw.TextField(default="")
    scrap_approved_by = pw.ForeignKeyField(User, null=True, backref="+")
    scrap_approved_at = UTCDateTimeField(null=True)
    factory_tag = pw.CharField(max_length=40, default="")  # faulty part sent back (旧件返厂)
    customer_comment = pw.TextField(default="", constraints=[_EMPTY])  # said when signing
    # The pre-check at drop-off ({"powers_on": bool, "faults": [codes]}) and the device's
    # passcode, encrypted (services/casework/device_secrets), erased when the device leaves.
    precheck = JSONTextField(null=True)
    dropoff_signature = JSONTextField(null=True)  # the customer signs the intake at drop-off
    passcode_sealed = pw.TextField(default="", constraints=[_EMPTY])

    class Meta:
        # The monthly summary counts tickets per technician received/finished before a date.
        indexes = (
            (("technician", "received_at"), False),
            (("technician", "finished_at"), False),
        )


class SparePart(BaseModel):
    part_no = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=120)
    # The sum of the part's movements, kept on the row so a writer checks it under the write
    # lock; never negative (the CHECK holds even for a plain-SQL writer).
    stock = pw.IntegerField(default=0, constraints=[pw.Check("stock >= 0")])
    cost = MoneyField(default=0)  # the last purchase cost: what a unit going out is valued at
    price = MoneyField(default=0)
    fits = pw.CharField(max_length=200, default="", constraints=[_EMPTY])  # the products it fits
    reorder_level = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])
    location = pw.CharField(max_length=40, default="", constraints=[_EMPTY])  # shelf / bin
    active = pw.BooleanField(default=True, constraints=[pw.SQL("DEFAULT TRUE")])


class RepairPart(BaseModel):
    ticket = pw.ForeignKeyField(RepairTicket, backref="parts", on_delete="CASCADE")
    spare_part = pw.ForeignKeyField(SparePart, null=True, backref="uses")
    description = pw.CharField(max_length=120)
    qty = pw.IntegerField()
    unit_price = MoneyField()
    charged = pw.BooleanField(default=True)
    added_at = UTCDateTimeField()


class RepairLabour(BaseModel):
    ticket = pw.ForeignKeyField(RepairTicket, backref="labour", on_delete="CASCADE")
    description = pw.CharField(max_length=120)
    minutes = pw.IntegerField(default=0)
    amount = MoneyField()
    charged = pw.BooleanField(default=True)
    technician = pw.ForeignKeyField(User, null=True, backref="+")
    added_at = UTCDateTimeField(index=True)


class RepairVisit(BaseModel):
    ticket = pw.ForeignKeyField(RepairTicket, backref="visits", on_delete="CASCADE")
    visited_at = UTCDateTimeField()
    technician = pw.ForeignKeyField(User, null=True, backref="+")
    reason = pw.TextField(default="")  # required for a revisit, told to the customer
    outcome = pw.TextField(default="")


class ReturnAuth(BaseModel):
    """退货授权 (RMA)."""

    number = pw.CharField(max_length=20, unique=True)
    case = pw.ForeignKeyField(Case, unique=True, backref="rmas")
    approval_level = pw.CharField(max_length=10, default="")
    approved_by = pw.ForeignKeyField(User, null=True, backref="+")
    approved_at = UTCDateTimeField(null=True)
    rejection_reason = pw.TextField(default="")
    freight_carrier = pw.CharField(max_length=40, default="")
    tracking_no = pw.CharField(max_length=40, default="", index=True)
    freight_payer = pw.CharField(max_length=10, default="")  # codes.FreightPayer
    freight_amount = MoneyField(null=True)
    expected_by = pw.DateField(null=True)
    received_at = UTCDateTimeField(null=True)
    package_damaged = pw.BooleanField(default=False)
    inspection_result = pw.CharField(max_length=20, default="")  # codes.InspectionResult
    inspection_report = pw.TextField(default="")
    sample_pct = pw.IntegerField(null=True)
    # Quality check of the goods received (002 flow §6): units sampled and failed, and how the
    # received units split between usable (back to stock), scrap and back to the supplier.
    qc_sampled = pw.IntegerField(null=True)
    qc_failed = pw.IntegerField(null=True)
    qc_usable = pw.IntegerField(null=True)
    qc_scrap = pw.IntegerField(null=True)
    qc_to_supplier = pw.IntegerField(null=True)
    qc_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    # The customer handed the goods over at the counter: received at approval, never shipped
    # first, no parcel awaited.
    goods_at_counter = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    liability = pw.CharField(max_length=10, default="")  # codes.Liability
    supplier = pw.ForeignKeyField(Supplier, null=True, backref="returns")  # when supplier-liable
    disposition = pw.CharField(max_length=16, default="")  # codes.Disposition
    scrap_approved_by = pw.ForeignKeyField(User, null=True, backref="+")
    capa_corrective = pw.TextField(default="")
    capa_preventive = pw.TextField(default="")
    report_sent_at = UTCDateTimeField(null=True)
    customer_reply = pw.TextField(default="")
    customer_reply_at = UTCDateTimeField(null=True)
    # The value the approval was given on; a larger value later voids it (approval follows it).
    approved_amount = MoneyField(null=True)
    # The owner's override of the three guarantees (outside the window, a gift), with its reason.
    override_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    override_reason = pw.TextField(default="", constraints=[_EMPTY])
    freight_agreed = pw.CharField(max_length=10, default="", constraints=[_EMPTY])  # agreed payer
    # Ship first (先补发): the old goods are owed back by this day unless the owner waives them.
    goods_due = pw.DateField(null=True)
    goods_waived_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    goods_waived_at = UTCDateTimeField(null=True)
    goods_waived_reason = pw.TextField(default="", constraints=[_EMPTY])


class ReturnLine(BaseModel):
    rma = pw.ForeignKeyField(ReturnAuth, backref="lines", on_delete="CASCADE")
    product = pw.ForeignKeyField(Product, null=True, backref="+")
    description = pw.CharField(max_length=120)
    spec = pw.CharField(max_length=80, default="")
    unit = pw.CharField(max_length=8, default="台")
    qty_expected = pw.IntegerField()
    qty_received = pw.IntegerField(null=True)
    unit_price = MoneyField()
    batch = pw.CharField(max_length=40, default="")
    reason = pw.CharField(max_length=20, default="")
    qty_damaged = pw.IntegerField(null=True)  # arrived damaged (claimed from the carrier)


class CarrierClaim(BaseModel):
    """索赔单 against a carrier."""

    number = pw.CharField(max_length=20, unique=True)
    case = pw.ForeignKeyField(Case, null=True, backref="claims")
    status = pw.CharField(max_length=12, default="draft")
    order_no = pw.CharField(max_length=40, default="")
    item_code = pw.CharField(max_length=40, default="")
    size = pw.CharField(max_length=20, default="")
    carrier = pw.CharField(max_length=40, default="")
    tracking_no = pw.CharField(max_length=40, default="", index=True)
    item_value = MoneyField(default=0)
    amount_claimed = MoneyField(default=0)
    amount_recovered = MoneyField(default=0)
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    deadline_at = UTCDateTimeField(null=True)  # the carrier's deadline (24 h from receipt)
    lines = JSONTextField(null=True)  # the damaged or missing lines claimed: [{line, qty, amount}]


class StockMovement(BaseModel):
    part = pw.ForeignKeyField(SparePart, backref="movements")
    qty = pw.IntegerField()  # signed: + in, - out
    reason = pw.CharField(max_length=16)  # codes.StockReason
    ticket = pw.ForeignKeyField(RepairTicket, null=True, backref="+")
    at = UTCDateTimeField()
    by = pw.ForeignKeyField(User, backref="+")
    note = pw.CharField(max_length=200, default="")
    # The cost each unit moved at: the valuation at a date is the sum of qty × unit_cost.
    unit_cost = MoneyField(default=0, constraints=[pw.SQL("DEFAULT 0")])
    supplier = pw.ForeignKeyField(Supplier, null=True, backref="movements")


class MoneyEntry(BaseModel):
    """Money on a case; corrections are new reversing entries, never edits."""

    case = pw.ForeignKeyField(Case, backref="money")
    kind = pw.CharField(max_length=20)  # codes.MoneyKind
    amount = MoneyField()  # positive; the kind says which way it goes
    at = UTCDateTimeField(index=True)
    by = pw.ForeignKeyField(User, backref="+")
    note = pw.CharField(max_length=200, default="")
    reverses = pw.ForeignKeyField("self", null=True, backref="reversals")
    route = pw.CharField(max_length=10, default="", constraints=[_EMPTY])  # codes.PayRoute
    party = pw.CharField(max_length=10, default="", constraints=[_EMPTY])  # codes.Party


class DealerMovement(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="dealer_movements")
    amount = MoneyField()  # signed: - deduction, + top-up/credit
    reason = pw.CharField(max_length=20)
    case = pw.ForeignKeyField(Case, null=True, backref="+")
    at = UTCDateTimeField()
    by = pw.ForeignKeyField(User, backref="+")
    note = pw.CharField(max_length=200, default="")


class Setting(BaseModel):
    key = pw.CharField(max_length=60, primary_key=True)
    value = JSONTextField()
    updated_at = UTCDateTimeField()
    updated_by = pw.ForeignKeyField(User, null=True, backref="+")


def put_setting(key: str, value: Any, at: datetime, by: int | None) -> None:
    """Insert or replace one setting row (the same statement on SQLite and PostgreSQL)."""
    Setting.insert(key=key, value=value, updated_at=at, updated_by=by).on_conflict(
        conflict_target=[Setting.key],
        preserve=[Setting.value, Setting.updated_at, Setting.updated_by],
    ).execute()


class Counter(BaseModel):
    """Next number per series and year; bumped in the same transaction as the insert."""

    series = pw.CharField(max_length=8)
    year = pw.IntegerField()
    last = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("series", "year")


class CustomerAccess(BaseModel):
    """Who opened or exported a customer's record, and when (personal data: PIPL accountability)."""

    at = UTCDateTimeField(index=True)
    actor = pw.ForeignKeyField(User, backref="+")
    customer = pw.ForeignKeyField(Customer, backref="accesses")
    what = pw.CharField(max_length=20)  # view, export, erase
    number = pw.CharField(max_length=20, default="")  # the record looked at, if any


class Event(BaseModel):
    """Append-only history: who, when, what changed, from which state to which."""

    at = UTCDateTimeField(index=True)
    actor = pw.ForeignKeyField(User, backref="events", index=False)
    entity = pw.CharField(max_length=20)  # case, repair, rma, claim, customer, part, setting, user
    entity_id = pw.IntegerField()
    number = pw.CharField(max_length=20, default="", index=True)
    action = pw.CharField(max_length=30)
    from_state = pw.CharField(max_length=24, default="")
    to_state = pw.CharField(max_length=24, default="")
    data = JSONTextField(null=True)
    note = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64)
    # Not indexed: nothing looks an event up by its hash or actor, and at 750,000 events those
    # two indexes were 66 MiB of every backup. The chain walk is what guards the hashes.
    hash = pw.CharField(max_length=64)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


MODELS: tuple[type[BaseModel], ...] = (
    User,
    Customer,
    Product,
    Supplier,
    SaleRef,
    Case,
    CasePhoto,
    RepairTicket,
    SparePart,
    RepairPart,
    RepairLabour,
    RepairVisit,
    ReturnAuth,
    ReturnLine,
    CarrierClaim,
    StockMovement,
    MoneyEntry,
    DealerMovement,
    Setting,
    Counter,
    Event,
    CustomerAccess,
)
