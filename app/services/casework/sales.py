"""A sale registered at the counter, so its warranty card (保修卡) can be printed there and then.

No after-sales case is needed: the card goes into the box with the phone or the accessory. The
sale is found again by its IMEI/serial (or invoice number) when the card is printed, and later
by intake when the customer comes back (the same `SaleRef` row intake links a case to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.codes import Category, SaleChannel
from app.domain.errors import DomainError
from app.domain.money import parse_money
from app.domain.validation import (
    Collector,
    validate_choice,
    validate_date,
    validate_person_name,
    validate_phone,
    validate_serial,
    validate_text,
)
from app.services.casework.intake import find_customer_by_phone
from app.services.shop import audit
from app.services.shop.context import Context
from app.services.shop.permissions import Action, require
from app.store.db import write_transaction
from app.store.models import Customer, Product, SaleRef


@dataclass(frozen=True)
class SaleView:
    """What the counter needs back: the key to print the card with."""

    id: int
    serial: str
    invoice_no: str
    product: str
    category: str
    sale_date: date
    customer: str

    @property
    def card_key(self) -> str:
        """What `print --form warranty-card` takes for this sale."""
        return self.serial or self.invoice_no


def register_sale(
    ctx: Context,
    *,
    customer: str,
    phone: str,
    product: str,
    model_spec: str = "",
    category: str = "phone",
    serial: str = "",
    sale_date: str | date | None = None,
    price: str | Decimal | None = None,
    invoice_no: str = "",
    order_no: str = "",
) -> SaleView:
    """Record a sale (customer, product, IMEI/serial, date, price, invoice) without a case.

    Everything is checked first; the customer (found by phone), the product and the sale are
    written in one transaction with their events. A sale needs an IMEI/serial or an invoice
    number: the card is printed by it.
    """
    require(ctx, Action.CASE_CREATE)
    v = Collector()
    name = v.check("customer", validate_person_name, customer)
    tel = v.check("phone", validate_phone, phone)
    prod = v.check("product", validate_text, product, required=True, max_len=120, multiline=False)
    spec = v.check("model_spec", validate_text, model_spec, max_len=80, multiline=False)
    cat = v.check("category", validate_choice, category or "phone", Category)
    ident = v.check("serial", validate_serial, serial, optional=True)
    day = v.check("sale_date", validate_date, sale_date or ctx.today(), not_after=ctx.today())
    amount = v.check("price", parse_money, price, optional=True)
    invoice = v.check("invoice_no", validate_text, invoice_no, max_len=40, multiline=False)
    order = v.check("order_no", validate_text, order_no, max_len=40, multiline=False)
    v.raise_if_errors()
    clean_serial = ident[1] if ident else ""
    if not clean_serial and not invoice:
        from app.domain.errors import ValidationError

        raise ValidationError.single("serial", "required")
    if clean_serial and SaleRef.select().where(SaleRef.serial == clean_serial).exists():
        raise DomainError("sale_exists", serial=clean_serial)
    now = ctx.now()
    with write_transaction():
        buyer = find_customer_by_phone(tel)
        if buyer is None:
            buyer = Customer.create(
                name=name, phone=tel, address="", created_at=now, updated_at=now
            )
            audit.log(ctx, "customer", buyer, "created", {"fields": ["name", "phone"]}, at=now)
        item = Product.get_or_none((Product.name == prod) & (Product.model_spec == spec))
        if item is None:
            item = Product.create(
                name=prod,
                model_spec=spec,
                category=cat.value,
                price=amount or Decimal("0"),
                unit="台" if cat is Category.PHONE else "件",
            )
        sale = SaleRef.create(
            customer=buyer,
            product=item,
            order_no=order,
            invoice_no=invoice,
            sale_date=day,
            channel=SaleChannel.STORE.value,
            serial=clean_serial,
            quantity=1,
            unit_price=amount,
        )
        audit.log(
            ctx,
            "sale",
            sale,
            "registered",
            {"product_id": item.id, "category": item.category},
            number=clean_serial or invoice,
            at=now,
        )
    return SaleView(
        id=sale.id,
        serial=clean_serial,
        invoice_no=invoice,
        product=item.name,
        category=item.category,
        sale_date=day,
        customer=buyer.name,
    )


def find_sale(key: str) -> SaleRef | None:
    """The newest sale with this IMEI/serial or invoice number (for its warranty card)."""
    text = str(key or "").strip()
    if not text:
        return None
    compact = text.replace(" ", "")
    query = SaleRef.select().where(
        (SaleRef.serial == compact) | (SaleRef.serial == text) | (SaleRef.invoice_no == text)
    )
    return query.order_by(SaleRef.id.desc()).first()
