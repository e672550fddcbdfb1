"""The customer list: search, one customer's cases and money, edits with a reason, duplicates
merged.

Customers are made at intake (by phone); this is where the desk finds them again, corrects them
and joins the two records one person got (a second phone, a typo in the name). A merge moves
every case, sale and dealer-account movement to the kept customer in one transaction (the money
on those cases follows them), adds up a dealer's balance, and marks the duplicate
`merged_into`; the duplicate's row stays so old events and the access log still name it.

Personal data (app/services/safekeeping/privacy.py): opening a customer's details is written to
the access log, and the event log, which is kept forever and which erasure cannot reach, names
the personal fields changed but never their values. Kind and service class are not personal:
their events carry the values before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from peewee import JOIN, fn

from app.domain.codes import CustomerKind, MoneyKind, ServiceClass
from app.domain.errors import DomainError, ValidationError
from app.domain.money import parse_money
from app.domain.validation import (
    Collector,
    to_halfwidth,
    validate_choice,
    validate_person_name,
    validate_phone,
    validate_text,
)
from app.i18n import N_, _
from app.services.casework.records import find_customer
from app.services.safekeeping.privacy import is_erased, log_view
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.errors import NotFound
from app.services.shop.list_cells import choice_code
from app.services.shop.permissions import Action, require
from app.services.shop.tables import Column, PlannedRow, SourceRow, Table
from app.store.db import write_transaction
from app.store.models import (
    Case,
    Customer,
    CustomerAccess,
    DealerMovement,
    MoneyEntry,
    Product,
    SaleRef,
)

LIST_LIMIT = 500
ZERO = Decimal("0.00")
PERSONAL = ("name", "phone", "phone2", "address", "notes")
EDITABLE = (*PERSONAL, "kind", "service_class")
REASON_LEN = 200


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    phone: str
    phone2: str
    kind: str
    service_class: str
    dealer_balance: Decimal
    cases: int


@dataclass(frozen=True)
class CustomerCase:
    number: str
    kind: str
    status: str
    created_at: datetime
    product: str
    closed: bool


@dataclass(frozen=True)
class CustomerDetail:
    """One customer with their cases and the money on them (net of reversals, per kind)."""

    id: int
    name: str
    phone: str
    phone2: str
    address: str
    notes: str
    kind: str
    service_class: str
    dealer_balance: Decimal
    erased: bool
    cases: list[CustomerCase] = field(default_factory=list)
    money: dict[str, Decimal] = field(default_factory=dict)  # MoneyKind value -> net amount

    @property
    def refunded(self) -> Decimal:
        return self.money.get(MoneyKind.REFUND.value, ZERO)

    @property
    def charged(self) -> Decimal:
        kinds = (MoneyKind.CHARGE, MoneyKind.PARTS, MoneyKind.LABOUR, MoneyKind.PRICE_DIFFERENCE)
        return sum((self.money.get(k.value, ZERO) for k in kinds), ZERO)


@dataclass(frozen=True)
class CustomerMerge:
    kept: CustomerDetail
    merged_id: int
    cases: tuple[str, ...]
    sales: int
    dealer_movements: int


# --- reading --------------------------------------------------------------------------------------


def live_customer(customer: Customer) -> Customer:
    """Follow a merged customer to the one they were merged into."""
    seen = set()
    while customer.merged_into_id and customer.id not in seen:
        seen.add(customer.id)
        customer = Customer.get_by_id(customer.merged_into_id)
    return customer


def _find(key: str | int) -> Customer:
    if isinstance(key, int):
        found = Customer.get_or_none(Customer.id == key)
        if found is None:
            raise NotFound("customer", str(key))
        return found
    return find_customer(key)


def list_customers(
    ctx: Context, text: str = "", *, kind: str = "", limit: int = LIST_LIMIT
) -> list[CustomerRow]:
    """Customers whose name contains `text` or whose phone starts with it (a #id finds one);
    merged duplicates never show. `kind` narrows to consumers, businesses or dealers."""
    query = Customer.select().where(Customer.merged_into.is_null())
    words = to_halfwidth(text or "").strip()[:60]
    if words.startswith("#") and words[1:].isdigit():
        query = query.where(Customer.id == int(words[1:]))
    elif words:
        digits = words.replace(" ", "").replace("-", "")
        query = query.where(
            Customer.name.contains(words)
            | Customer.phone.startswith(digits)
            | Customer.phone2.startswith(digits)
        )
    if kind:
        query = query.where(Customer.kind == validate_choice(kind, "kind", CustomerKind).value)
    rows = list(query.order_by(Customer.name, Customer.id).limit(max(1, min(limit, LIST_LIMIT))))
    counts = _case_counts([c.id for c in rows])
    return [
        CustomerRow(
            id=c.id,
            name=c.name,
            phone=c.phone or "",
            phone2=c.phone2 or "",
            kind=c.kind,
            service_class=c.service_class,
            dealer_balance=Decimal(c.dealer_balance),
            cases=counts.get(c.id, 0),
        )
        for c in rows
    ]


def _case_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    query = (
        Case.select(Case.customer, fn.COUNT(Case.id))
        .where(Case.customer.in_(ids))
        .group_by(Case.customer)
        .tuples()
    )
    return dict(query)


def _detail(customer: Customer) -> CustomerDetail:
    cases = list(
        Case.select(Case, Product)
        .join(Product, JOIN.LEFT_OUTER, on=(Case.product == Product.id))
        .where(Case.customer == customer.id)
        .order_by(Case.created_at.desc(), Case.id.desc())
    )
    money: dict[str, Decimal] = {}
    entries = (
        MoneyEntry.select(MoneyEntry.kind, MoneyEntry.amount, MoneyEntry.reverses)
        .join(Case)
        .where(Case.customer == customer.id)
    )
    for m in entries:
        signed = -m.amount if m.reverses_id else m.amount
        money[m.kind] = money.get(m.kind, ZERO) + signed
    return CustomerDetail(
        id=customer.id,
        name=customer.name,
        phone=customer.phone or "",
        phone2=customer.phone2 or "",
        address=customer.address,
        notes=customer.notes,
        kind=customer.kind,
        service_class=customer.service_class,
        dealer_balance=Decimal(customer.dealer_balance),
        erased=is_erased(customer),
        cases=[
            CustomerCase(
                number=c.number,
                kind=c.kind,
                status=c.status,
                created_at=c.created_at,
                product=" ".join(x for x in (c.product.name, c.product.model_spec) if x)
                if c.product_id
                else c.serial,
                closed=c.closed_at is not None,
            )
            for c in cases
        ],
        money={k: v for k, v in sorted(money.items()) if v},
    )


def show_customer(ctx: Context, key: str | int) -> CustomerDetail:
    """A customer's details, cases and money (#id, phone or one of their case numbers); the
    view is written to the access log, as opening a case is."""
    customer = live_customer(_find(key))
    log_view(ctx, customer.id, "view")
    return _detail(customer)


# --- editing --------------------------------------------------------------------------------------


def _clean(changes: Mapping[str, Any], v: Collector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in changes.items():
        if name not in EDITABLE:
            v.add(name, "unknown_field")
        elif name == "name":
            out[name] = v.check(name, validate_person_name, raw)
        elif name == "phone":
            out[name] = v.check(name, validate_phone, raw)
        elif name == "phone2":
            out[name] = v.check(name, validate_phone, raw, optional=True)
        elif name == "address":
            out[name] = v.check(name, validate_text, raw, max_len=200)
        elif name == "notes":
            out[name] = v.check(name, validate_text, raw, max_len=2000)
        elif name == "kind":
            got = v.check(name, validate_choice, raw, CustomerKind)
            out[name] = got.value if got else None
        elif name == "service_class":
            got = v.check(name, validate_choice, raw, ServiceClass)
            out[name] = got.value if got else None
    return out


def _phone_owner(phone: str | None, customer_id: int | None) -> Customer | None:
    """Another customer (not merged away) who has this phone already."""
    if not phone:
        return None
    query = Customer.select().where(
        ((Customer.phone == phone) | (Customer.phone2 == phone)) & Customer.merged_into.is_null()
    )
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    return query.order_by(Customer.id).first()


def edit_customer(
    ctx: Context, key: str | int, changes: Mapping[str, Any], reason: str
) -> CustomerDetail:
    """Change a customer's details, kind or service class; the reason is required and logged.

    A phone that another customer has is refused (merge the two instead); a dealer with money
    on their account stays a dealer until it is settled.
    """
    v = Collector()
    clean = _clean(changes, v)
    why = v.check("reason", validate_text, reason, required=True, max_len=REASON_LEN)
    v.raise_if_errors()
    require(ctx, Action.CUSTOMER_EDIT)
    with write_transaction():
        customer = live_customer(_find(key))
        if is_erased(customer):
            raise DomainError("already_erased", customer=f"#{customer.id}")
        changed = [f for f, val in clean.items() if (getattr(customer, f) or "") != (val or "")]
        for f in ("phone", "phone2"):
            other = _phone_owner(clean.get(f), customer.id) if f in changed else None
            if other is not None:
                raise DomainError("phone_taken", field=f, customer=f"#{other.id}")
        if (
            "kind" in changed
            and customer.kind == CustomerKind.DEALER.value
            and customer.dealer_balance
        ):
            raise DomainError(
                "dealer_has_balance", field="kind", balance=str(customer.dealer_balance)
            )
        data: dict[str, Any] = {"fields": changed}
        for f in ("kind", "service_class"):
            if f in changed:
                data[f] = [getattr(customer, f), clean[f]]
        for f in changed:
            setattr(customer, f, clean[f])
        if changed:
            customer.updated_at = ctx.now()
            customer.save()
            audit.log(ctx, "customer", customer, "edited", data, why or "", number="")
        return _detail(customer)


def add_customer(ctx: Context, values: Mapping[str, Any]) -> CustomerDetail:
    """A customer added by hand (a business or dealer before their first case); name and phone
    required, a phone another customer has is refused."""
    clean = clean_new({k: v for k, v in values.items() if v not in (None, "")})
    require(ctx, Action.CUSTOMER_EDIT)
    with write_transaction():
        for f in ("phone", "phone2"):
            other = _phone_owner(clean.get(f), None)
            if other is not None:
                raise DomainError("phone_taken", field=f, customer=f"#{other.id}")
        return _detail(create_customer(ctx, clean, source="list"))


def merge_customers(
    ctx: Context, keep: str | int, duplicate: str | int, reason: str
) -> CustomerMerge:
    """Join a duplicate customer into the one kept, in one transaction.

    Cases (and so their money), sales and dealer-account movements move to the kept customer;
    a dealer's balance is added to the kept one's; the kept customer takes the duplicate's
    phone as a second phone, and its address and notes where it has none. The duplicate stays,
    marked merged. Each moved case gets an event, so its history says whose it was.
    """
    v = Collector()
    why = v.check("reason", validate_text, reason, required=True, max_len=REASON_LEN)
    v.raise_if_errors()
    require(ctx, Action.CUSTOMER_EDIT)
    with write_transaction():
        kept, dup = live_customer(_find(keep)), _find(duplicate)
        if dup.merged_into_id:
            raise DomainError("customer_merged", customer=f"#{dup.merged_into_id}")
        if kept.id == dup.id:
            raise DomainError("merge_same", field="duplicate")
        for c in (kept, dup):
            if is_erased(c):
                raise DomainError("already_erased", customer=f"#{c.id}")
        movements = DealerMovement.select().where(DealerMovement.customer == dup.id).count()
        if (movements or dup.dealer_balance) and kept.kind != CustomerKind.DEALER.value:
            raise DomainError("merge_into_dealer", field="keep")
        if movements or dup.dealer_balance or kept.dealer_balance:
            require(ctx, Action.DEALER_DEPOSIT)  # the dealer's money: the manager's step
        moved = list(Case.select().where(Case.customer == dup.id).order_by(Case.id))
        Case.update(customer=kept.id).where(Case.customer == dup.id).execute()
        for case in moved:  # after the move: each event seals the case as it is now
            audit.log(ctx, "case", case, "customer_merged", {"from": dup.id, "to": kept.id})
        sales = SaleRef.update(customer=kept.id).where(SaleRef.customer == dup.id).execute()
        DealerMovement.update(customer=kept.id).where(DealerMovement.customer == dup.id).execute()
        balance = Decimal(dup.dealer_balance)
        taken = []
        if dup.phone and dup.phone not in (kept.phone, kept.phone2) and not kept.phone2:
            kept.phone2, taken = dup.phone, [*taken, "phone2"]
        for f in ("address", "notes"):
            if getattr(dup, f) and not getattr(kept, f):
                setattr(kept, f, getattr(dup, f))
                taken.append(f)
        kept.dealer_balance = Decimal(kept.dealer_balance) + balance
        kept.updated_at = ctx.now()
        kept.save()
        dup.dealer_balance = ZERO
        dup.merged_into = kept.id
        dup.updated_at = ctx.now()
        dup.save()
        audit.log(
            ctx,
            "customer",
            kept,
            "merged",
            {
                "from": dup.id,
                "cases": [c.number for c in moved],
                "sales": sales,
                "dealer_movements": movements,
                "dealer_balance": str(balance),
                "fields": taken,
            },
            why or "",
            number="",
        )
        audit.log(ctx, "customer", dup, "merged_into", {"into": kept.id}, why or "", number="")
        return CustomerMerge(
            kept=_detail(kept),
            merged_id=dup.id,
            cases=tuple(c.number for c in moved),
            sales=sales,
            dealer_movements=movements,
        )


# --- adding (the import) --------------------------------------------------------------------------


def clean_new(values: Mapping[str, Any]) -> dict[str, Any]:
    """A new customer's fields checked (name and phone required); raises ValidationError."""
    v = Collector()
    clean = _clean({k: val for k, val in values.items() if k in EDITABLE}, v)
    for need in ("name", "phone"):
        if need not in values:
            v.add(need, "required")
    v.raise_if_errors()
    return clean


def create_customer(
    ctx: Context, clean: Mapping[str, Any], *, source: str = "", balance: Decimal = ZERO
) -> Customer:
    """Insert a checked customer and its event (inside the caller's transaction); a dealer's
    opening balance is booked as a movement onto their account."""
    now = ctx.now()
    customer = Customer.create(
        name=clean["name"],
        phone=clean["phone"],
        phone2=clean.get("phone2") or None,
        address=clean.get("address") or "",
        notes=clean.get("notes") or "",
        kind=clean.get("kind") or CustomerKind.CONSUMER.value,
        service_class=clean.get("service_class") or ServiceClass.B.value,
        created_at=now,
        updated_at=now,
    )
    data: dict[str, Any] = {
        "fields": [f for f in PERSONAL if clean.get(f)],
        "kind": customer.kind,
        "service_class": customer.service_class,
    }
    if source:
        data["source"] = source
    audit.log(ctx, "customer", customer, "created", data, number="")
    if balance:
        opening_balance(ctx, customer, balance)
    return customer


OPENING = "opening"


def opening_balance(ctx: Context, customer: Customer, amount: Decimal) -> None:
    """A dealer's balance brought from the shop's old books (inside a transaction)."""
    DealerMovement.create(
        customer=customer, amount=amount, reason=OPENING, at=ctx.now(), by=ctx.actor.id
    )
    customer.dealer_balance = Decimal(customer.dealer_balance) + amount
    customer.save()
    audit.log(
        ctx,
        "customer",
        customer,
        "dealer_opening",
        {"amount": str(amount), "balance": str(customer.dealer_balance)},
        number="",
    )


def by_phone(phone: str) -> Customer | None:
    """The customer (not merged away) with this phone, first or second."""
    return _phone_owner(phone, None)


def update_customer(ctx: Context, customer: Customer, clean: Mapping[str, Any], note: str) -> None:
    """Write changed fields of an existing customer with their event (inside a transaction)."""
    changed = [f for f, val in clean.items() if (getattr(customer, f) or "") != (val or "")]
    if not changed:
        return
    data: dict[str, Any] = {"fields": changed}
    for f in ("kind", "service_class"):
        if f in changed:
            data[f] = [getattr(customer, f), clean[f]]
    for f in changed:
        setattr(customer, f, clean[f])
    customer.updated_at = ctx.now()
    customer.save()
    audit.log(ctx, "customer", customer, "edited", data, note, number="")


def export_rows(ctx: Context, *, kind: str = "") -> Iterable[Customer]:
    """Customers not merged away, oldest first (a kind narrows them)."""
    query = Customer.select().where(Customer.merged_into.is_null())
    if kind:
        query = query.where(Customer.kind == kind)
    return query.order_by(Customer.id)


# --- import and export ----------------------------------------------------------------------------

KINDS = {"consumer": N_("Consumer"), "business": N_("Business"), "dealer": N_("Dealer")}
KIND_WORDS = {
    "consumer": ("个人", "散客", "消费者", "零售", "person"),
    "business": ("企业", "公司", "单位", "企业客户", "company"),
    "dealer": ("经销商", "代理商", "批发", "分销商"),
}
CLASSES = {"A": "A", "B": "B", "C": "C"}
_CUSTOMER_COLUMNS = (
    Column("name", N_("Customer name"), ("姓名", "客户名称", "客户", "名称"), required=True),
    Column(
        "phone",
        N_("Phone"),
        ("手机", "电话", "手机号", "联系电话", "手机号码"),
        required=True,
        whole=True,
    ),
    Column("phone2", N_("Second phone"), ("备用电话", "电话2", "其他电话"), whole=True),
    Column("address", N_("Address"), ("地址", "联系地址")),
)
_CLASS_COLUMN = Column("service_class", N_("Service class"), ("服务等级", "等级", "客户等级"))
_NOTES_COLUMN = Column("notes", N_("Notes"), ("备注",))


class CustomersTable(Table):
    """The customer list in and out of Excel; a customer is their phone (first or second), so
    importing the same file again changes nothing. A blank cell leaves a value as it is. The
    export is personal data in bulk: the owner's, and each customer's export is in the access
    log."""

    kind = "customers"
    title = N_("Customers")
    columns = (
        *_CUSTOMER_COLUMNS,
        Column("kind", N_("Customer kind"), ("类型", "客户类型")),
        _CLASS_COLUMN,
        _NOTES_COLUMN,
    )
    action = Action.CUSTOMER_EDIT
    export_action: Action | None = Action.PRIVACY
    dealer_only = False

    def _values(self, row: SourceRow, v: Collector) -> dict[str, Any]:
        given = {k: val for k, val in row.values.items() if val != "" and k in EDITABLE}
        if "kind" in given:
            given["kind"] = v.check("kind", choice_code, given["kind"], KINDS, KIND_WORDS)
        if "service_class" in given:
            given["service_class"] = v.check(
                "service_class", choice_code, given["service_class"], CLASSES
            )
        if self.dealer_only:
            given["kind"] = CustomerKind.DEALER.value
        clean = _clean({"name": row.get("name"), "phone": row.get("phone"), **given}, v)
        return {k: val for k, val in clean.items() if val is not None}

    def plan(self, ctx: Context, row: SourceRow, earlier: list[PlannedRow]) -> PlannedRow:
        v = Collector()
        clean = self._values(row, v)
        balance = self._balance(row, v)
        v.raise_if_errors()
        phone = clean["phone"]
        for other in earlier:
            if phone in other.data["phones"]:
                raise ValidationError.single("phone", "duplicate_row", line=other.line)
        phones = {phone, *([clean["phone2"]] if clean.get("phone2") else [])}
        label = f"{clean['name']} {phone}"
        found = by_phone(phone)
        data: dict[str, Any] = {"clean": clean, "phones": phones, "balance": balance}
        if clean.get("phone2"):
            owner = _phone_owner(clean["phone2"], found.id if found else None)
            if owner is not None:
                raise DomainError("phone_taken", field="phone2", customer=f"#{owner.id}")
        if found is None:
            return PlannedRow(row.line, "add", label, data)
        if is_erased(found):
            raise DomainError("already_erased", customer=f"#{found.id}")
        changes = {k: val for k, val in clean.items() if (getattr(found, k) or "") != (val or "")}
        if "phone" in changes and found.phone2 == phone:
            changes.pop("phone")  # found by their second phone: that is the same person
            changes.pop("phone2", None)
        if "kind" in changes and found.kind == CustomerKind.DEALER.value and found.dealer_balance:
            raise DomainError("dealer_has_balance", field="kind", balance=str(found.dealer_balance))
        opening = self._opening(found, balance)
        if not changes and opening is None:
            return PlannedRow(row.line, "same", label, data)
        return PlannedRow(
            row.line,
            "update",
            label,
            {**data, "id": found.id, "changes": changes, "opening": opening},
        )

    def _balance(self, row: SourceRow, v: Collector) -> Decimal | None:
        return None

    def _opening(self, found: Customer, balance: Decimal | None) -> Decimal | None:
        return None

    def apply(self, ctx: Context, row: PlannedRow) -> None:
        if row.action == "add":
            create_customer(
                ctx, row.data["clean"], source="import", balance=row.data["balance"] or ZERO
            )
            return
        customer = Customer.get_by_id(row.data["id"])
        update_customer(ctx, customer, row.data["changes"], "import")
        if row.data.get("opening"):
            opening_balance(ctx, customer, row.data["opening"])

    def export_rows(self, ctx: Context) -> Iterable[dict[str, object]]:
        rows = list(export_rows(ctx, kind=CustomerKind.DEALER.value if self.dealer_only else ""))
        with write_transaction():  # each customer exported, in the access log (PIPL)
            for c in rows:
                CustomerAccess.create(
                    at=ctx.now(), actor=ctx.actor.id, customer=c.id, what="export"
                )
        for c in rows:
            yield self._export(c)

    def _export(self, c: Customer) -> dict[str, object]:
        return {
            "name": c.name,
            "phone": c.phone or "",
            "phone2": c.phone2 or "",
            "address": c.address,
            "kind": _(KINDS.get(c.kind, c.kind)),
            "service_class": c.service_class,
            "notes": c.notes,
        }


class DealersTable(CustomersTable):
    """Dealers: customers of kind dealer, with the balance brought from the shop's old books.

    The balance is booked once, as an opening movement on the dealer's account, for a dealer
    new to the program or one whose account has never moved; after that the account moves
    only by deposits and deductions. The same file imported again a month on is "same" (its
    balance is the opening one booked); a balance that is neither that nor today's is refused,
    not overwritten. Their account statements are the dealers' accounts' own.
    """

    kind = "dealers"
    title = N_("Dealers")
    columns = (
        Column(
            "name",
            N_("Dealer"),
            ("经销商名称", "经销商", "客户名称", "名称", "姓名", "Customer name"),
            required=True,
        ),
        *_CUSTOMER_COLUMNS[1:],
        _CLASS_COLUMN,
        Column(
            "balance",
            N_("Opening balance"),
            ("期初余额", "余额", "保证金", "预存款", "账户余额"),
        ),
        _NOTES_COLUMN,
    )
    action = Action.DEALER_DEPOSIT
    export_action = Action.DEALER_DEPOSIT
    dealer_only = True

    def _balance(self, row: SourceRow, v: Collector) -> Decimal | None:
        text = row.get("balance")
        if not text:
            return None
        return v.check("balance", parse_money, text)

    def _opening(self, found: Customer, balance: Decimal | None) -> Decimal | None:
        if balance is None or Decimal(found.dealer_balance) == balance:
            return None
        booked = DealerMovement.select().where(
            (DealerMovement.customer == found.id) & (DealerMovement.reason == OPENING)
        )
        if balance == sum((m.amount for m in booked), ZERO):
            return None  # the file's opening balance is the one booked: the account moved since
        moved = DealerMovement.select().where(DealerMovement.customer == found.id).exists()
        if moved or found.dealer_balance:
            raise DomainError(
                "dealer_balance_differs",
                field="balance",
                balance=str(found.dealer_balance),
            )
        return balance

    def _export(self, c: Customer) -> dict[str, object]:
        out = super()._export(c)
        out["balance"] = Decimal(c.dealer_balance)
        return out


CUSTOMERS = CustomersTable()
DEALERS = DealersTable()
