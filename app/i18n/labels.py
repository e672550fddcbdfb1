"""Display names for the stable codes; the codes themselves never change with the language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from app.domain import kinds
from app.i18n import N_, _


class _KindLabels(Mapping[str, str]):
    """Kind code → N_ name, read from each kind's descriptor (app.domain.kinds) when asked."""

    def __getitem__(self, code: str) -> str:
        return kinds.KINDS[code].label

    def __iter__(self) -> Iterator[str]:
        return iter(kinds.codes())

    def __len__(self) -> int:
        return len(kinds.KINDS)


KINDS: Mapping[str, str] = _KindLabels()

STATUSES = {
    "received": N_("Received"),
    "diagnosing": N_("Diagnosing"),
    "awaiting_approval": N_("Awaiting customer approval"),
    "awaiting_parts": N_("Awaiting parts"),
    "repairing": N_("Repairing"),
    "quality_check": N_("Quality check"),
    "ready_for_pickup": N_("Ready for pickup"),
    "collected": N_("Collected"),
    "returned_unrepaired": N_("Returned unrepaired"),
    "scrapped": N_("Scrapped"),
    "scheduled": N_("Visit scheduled"),
    "visited": N_("Visited"),
    "revisit_scheduled": N_("Revisit scheduled"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
    "requested": N_("Requested"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "replacement_shipped": N_("Replacement shipped"),
    "awaiting_goods": N_("Awaiting goods"),
    "inspected": N_("Inspected"),
    "liability_decided": N_("Liability decided"),
    "disposition_done": N_("Disposition done"),
    "refunded": N_("Refunded"),
    "exchanged": N_("Exchanged"),
    "credited": N_("Credited"),
    "closed": N_("Closed"),
    "verifying": N_("Verifying shipment"),
    "intercepting": N_("Intercepting parcel"),
    "logged": N_("Logged"),
    "acknowledged": N_("Acknowledged"),
    "investigating": N_("Investigating"),
    "resolved": N_("Resolved"),
    "follow_up": N_("Follow-up"),
    "shipped": N_("Shipped"),
    "delivered": N_("Delivered"),
    "reported": N_("Reported"),
    "documented": N_("Documented"),
    "claim_filed": N_("Claim filed"),
    "draft": N_("Draft"),
    "filed": N_("Filed"),
    "accepted": N_("Accepted"),
    "paid": N_("Paid"),
    "withdrawn": N_("Withdrawn"),
}

REASONS = {
    "quality": N_("Quality defect"),
    "wrong_size": N_("Wrong size"),
    "not_as_described": N_("Colour/style not as described"),
    "wrong_item": N_("Wrong item shipped"),
    "transit_damage": N_("Damaged in transit"),
    "parts_missing": N_("Parts missing"),
    "no_reason": N_("Changed mind (7-day no-reason return)"),
    "not_received": N_("Not received"),
    "invoice": N_("Invoice problem"),
    "service_attitude": N_("Service attitude"),
    "cannot_pay": N_("Customer cannot pay"),
    "major_change": N_("Major change at the customer"),
    "other": N_("Other"),
}

CHANNELS = {
    "walk_in": N_("Walk-in"),
    "phone": N_("Phone"),
    "wechat": N_("WeChat"),
    "online_shop": N_("Online shop queue"),
    "dealer": N_("Dealer"),
    "other": N_("Other"),
}

SALE_CHANNELS = {
    "store": N_("In store"),
    "online": N_("Online shop"),
    "tmall": N_("Tmall/Taobao"),  # before v11; new sales are "online" on platform "taobao"
    "wechat": N_("WeChat"),
    "phone": N_("Phone order"),
    "other": N_("Other"),
}

PLATFORMS = {
    "taobao": N_("Taobao/Tmall"),
    "jd": N_("JD"),
    "pinduoduo": N_("Pinduoduo"),
    "douyin": N_("Douyin"),
    "wechat_shop": N_("WeChat shop"),
    "other": N_("Other platform"),
}

#: The platforms' own refund reasons; the Chinese catalog says them as the platforms do.
PLATFORM_REASONS = {
    "freight": N_("Freight refund"),
    "out_of_stock": N_("Out of stock"),
    "late_shipment": N_("Not shipped in the agreed time"),
    "wrong_order": N_("Ordered by mistake / no longer wanted"),
    "no_reason": N_("7-day no-reason return"),
    "quality": N_("Quality problem"),
    "parts_missing": N_("Items missing / not all shipped"),
    "not_as_described": N_("Not as described"),
    "damaged": N_("Package or goods damaged"),
    "wrong_item": N_("Seller shipped the wrong item"),
    "not_received": N_("Goods not received"),
    "fake": N_("Counterfeit brand"),
    "invoice": N_("Invoice problem"),
    "other": N_("Other"),
}

REQUESTS = {
    "refund": N_("Refund"),
    "exchange": N_("Exchange"),
    "repair": N_("Repair"),
    "compensation": N_("Compensation"),
    "other": N_("Other"),
}

SEVERITIES = {
    "minor": N_("Minor"),
    "serious": N_("Serious"),
    "malicious": N_("Malicious escalation"),
}

COMPLAINT_CLASSES = {
    "product": N_("Product quality"),
    "service": N_("Service"),
    "delivery": N_("Delivery"),
    "attitude": N_("Staff attitude"),
}

CATEGORIES = {
    "phone": N_("Phone handset"),
    "battery": N_("Battery"),
    "headset": N_("Wired headset"),
    "memory-card": N_("Memory card"),
    "charger": N_("Charger"),
    "bluetooth-headset": N_("Bluetooth headset"),
    "accessory": N_("Accessory"),
    "other": N_("Other"),
}

ROLES = {
    "front_desk": N_("Front desk"),
    "technician": N_("Technician"),
    "owner": N_("Owner"),
}

APPROVAL_LEVELS = {
    "manager": N_("Manager on duty"),
    "owner": N_("Owner"),
}

LIABILITY = {
    "shop": N_("Shop / production"),
    "dealer": N_("Dealer"),
    "customer": N_("Customer"),
    "carrier": N_("Carrier"),
    "supplier": N_("Supplier"),
}

DISPOSITIONS = {
    "restock": N_("Back to stock"),
    "discount": N_("Sell at a discount"),
    "repair_restock": N_("Repair, then stock"),
    "scrap": N_("Scrap (approved report)"),
    "ship_back": N_("Ship back to the customer"),
}

SHIPPING = {
    "unknown": N_("Unknown"),
    "not_shipped": N_("Not shipped"),
    "in_transit": N_("In transit"),
    "intercepted": N_("Intercepted"),
    "delivered": N_("Delivered"),
    "lost": N_("Lost"),
}

INSPECTION = {
    "confirmed_defect": N_("Defect confirmed"),
    "no_fault_found": N_("No fault found"),
    "man_made_damage": N_("Man-made damage"),
    "transit_damage": N_("Transit damage"),
    "intact_resalable": N_("Intact, resalable"),
}

MONEY_KINDS = {
    "refund": N_("Refund"),
    "credit": N_("Credit"),
    "charge": N_("Charge to customer"),
    "dealer_deduction": N_("Dealer account deduction"),
    "claim_recovery": N_("Recovered from carrier"),
    "supplier_recovery": N_("Recovered from supplier"),
    "freight": N_("Freight"),
    "parts": N_("Parts cost"),
    "labour": N_("Labour"),
    "price_difference": N_("Price difference charged"),
    "freight_charge": N_("Freight charged"),
    "freight_refund": N_("Freight refunded"),
    "deposit": N_("Deposit taken"),
    "deposit_refund": N_("Deposit returned"),
}

PAY_ROUTES = {
    "original": N_("Original payment"),
    "alipay": N_("Alipay"),
    "wechat": N_("WeChat Pay"),
    "cash": N_("Cash"),
    "bank": N_("Bank transfer"),
}

PARTIES = {
    "shop": N_("Shop"),
    "customer": N_("Customer"),
    "dealer": N_("Dealer"),
    "supplier": N_("Supplier"),
    "carrier": N_("Carrier"),
}

EVENT_ACTIONS = {
    "created": N_("created"),
    "moved": N_("status changed"),
    "updated": N_("updated"),
    "money": N_("money recorded"),
    "money_reversed": N_("money reversed"),
    "estimate": N_("estimate given"),
    "estimate_decided": N_("customer decided on the estimate"),
    "part_added": N_("part used"),
    "labour_added": N_("labour recorded"),
    "visit": N_("on-site visit"),
    "signed": N_("customer signed"),
    "scrap_approved": N_("scrap approved"),
    "assigned": N_("assigned"),
    "freight": N_("freight recorded"),
    "received": N_("goods received"),
    "capa": N_("corrective action recorded"),
    "customer_reply": N_("customer replied"),
    "line_added": N_("line added"),
    "shipping_status": N_("shipping status"),
    "dealer_charged": N_("dealer account charged"),
    "dealer_credited": N_("dealer account credited"),
    "appointment": N_("appointment fixed"),
    "settings": N_("settings changed"),
    "certificate_imported": N_("signing certificate imported"),
    "certificate_shared": N_("shop certificate kept on the server"),
    "printer_remembered": N_("printer remembered"),
    "approval_voided": N_("approval voided: the value went up"),
    "entitlement_override": N_("owner overrode the three guarantees"),
    "goods_waived": N_("goods owed back waived by the owner"),
    "freight_payer_changed": N_("freight payer changed"),
    "order_linked": N_("linked to a case of the same order"),
    "print_failed": N_("printing failed"),
    "slip_saved": N_("slip saved as PDF"),
    "printed": N_("printed"),
    "dealer_deposit": N_("dealer deposit"),
    "stock_in": N_("stock received"),
    "stock_adjusted": N_("stock adjusted"),
    "returned_to_supplier": N_("returned to the supplier"),
    "used_on_repair": N_("used on a repair"),
    "stock_opening": N_("opening stock booked"),
    "supplier_named": N_("supplier named"),
    "statement_printed": N_("account statement printed"),
    "imported": N_("list imported from a file"),
    "reply_deemed": N_("no reply in time: taken as accepted"),
    "followed_up": N_("follow-up call"),
    "classified": N_("complaint classified"),
    "promise_extended": N_("promise date extended"),
    "corrected": N_("intake corrected"),
    "passcode_viewed": N_("passcode viewed"),
    "signed_dropoff": N_("customer signed the intake"),
    "passcode_erased": N_("passcode erased"),
    # the products catalogue and the customer list (issue #17)
    "edited": N_("edited"),
    "merged": N_("a duplicate merged in"),
    "merged_into": N_("merged into another record"),
    "product_merged": N_("product record merged"),
    "customer_merged": N_("customer record merged"),
    "dealer_opening": N_("dealer's opening balance"),
}

#: Why stock moved (codes.StockReason).
STOCK_REASONS = {
    "opening": N_("Opening stock"),
    "purchase": N_("Bought in"),
    "repair_use": N_("Used on a repair"),
    "repair_return": N_("Back from a repair"),
    "adjustment": N_("Adjustment"),
    "returned_goods": N_("Returned goods"),
    "count": N_("Stock count"),
    "damage": N_("Damaged"),
    "loss": N_("Lost"),
    "to_supplier": N_("Back to the supplier"),
}

#: Why a backup was taken (the code is part of its file name).
BACKUP_REASONS = {
    "auto": N_("automatic"),
    "close": N_("on closing"),
    "manual": N_("by hand"),
    "before-erase": N_("before erasing personal data"),
    "before-restore": N_("before a restore"),
}


def backup_reason(code: str) -> str:
    """A backup's reason in words; "manual-2" (a second in the same minute) reads "manual"."""
    base = code.rsplit("-", 1)[0] if code.rsplit("-", 1)[-1].isdigit() else code
    return label(BACKUP_REASONS, base)


#: The printed forms by their command-line code, as the Print tab and the history name them.
FORM_NAMES = {
    "intake": N_("Intake receipt"),
    "repair-ticket": N_("Repair ticket (A5)"),
    "repair-receipt": N_("Repair receipt (80 mm roll)"),
    "label": N_("Device label"),
    "warranty-card": N_("Warranty card"),
    "rma": N_("Return authorisation form"),
    "return-receipt": N_("Warehouse return receipt"),
    "carrier-claim": N_("Carrier claim form"),
    "reply-report": N_("Answer to the customer's return (report)"),
}


#: What a repair desk takes in with a device; the codes are stored on the repair ticket, so the
#: intake checklist and the record view name them from this one table.
ACCESSORIES = {
    "charger": N_("Charger"),
    "cable": N_("Cable"),
    "case": N_("Phone case"),
    "sim_tray": N_("SIM tray"),
    "box": N_("Box"),
    "earphones": N_("Earphones"),
    "memory_card": N_("Memory card"),
    "sim_card": N_("SIM card"),
    "stylus": N_("Stylus"),
    "invoice": N_("Invoice"),
}


def label(table: Mapping[str, str], code: str | None) -> str:
    """The translated name of a code, or the code itself when it has none."""
    if not code:
        return ""
    text = table.get(code)
    return _(text) if text else code
