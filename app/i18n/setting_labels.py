"""Names and one-line help for every shop setting (dotted path → N_ label, N_ help).

The settings screen and error messages use these, so a path such as ``promise.days_a`` never
reaches the desk as a raw code. tests/ui/test_office.py checks every path has an entry.
"""

from __future__ import annotations

from app.i18n import N_, _

SECTIONS: dict[str, tuple[str, str]] = {
    "shop": (N_("Shop"), N_("Printed on receipts, warranty cards and return forms.")),
    "warranty": (
        N_("Three guarantees (三包)"),
        N_("Periods counted from the sale or invoice date."),
    ),
    "promise": (N_("Promise dates"), N_("How long the desk promises by customer class.")),
    "approval": (N_("Approvals"), N_("Who may approve refunds and returns.")),
    "returns": (N_("Returns (RMA)"), N_("Deadlines and sampling of the return procedure.")),
    "followup": (
        N_("Follow-up calls"),
        N_("Which cases must have a follow-up call before they close, and when it is due."),
    ),
    "printing": (
        N_("Printing"),
        N_("The font and logo on slips, and the printer remembered for each form."),
    ),
    "ui": (N_("Window"), N_("Language, theme and the idle lock of this program.")),
    "backup": (N_("Backup"), N_("Automatic copies of the database.")),
    "report": (
        N_("Monthly summary"),
        N_("When the owner is reminded of it, and where each recipient's copy goes."),
    ),
}

SETTINGS: dict[str, tuple[str, str]] = {
    "shop.name": (N_("Shop name"), N_("Shown in the window's header and on every slip.")),
    "shop.address": (N_("Shop address"), ""),
    "shop.hotline": (N_("Service hotline"), N_("Printed on receipts and warranty cards.")),
    "shop.return_address": (
        N_("Return address"),
        N_("Where customers send goods back; printed on warranty cards."),
    ),
    "shop.consignee": (
        N_("Consignee for parcels"),
        N_("The name customers write on a parcel sent back; printed on warranty cards."),
    ),
    "shop.consignee_phone": (
        N_("Consignee phone"),
        N_("The phone number customers write on a parcel sent back."),
    ),
    "shop.service_points": (
        N_("Service points"),
        N_("Authorised service points near your customers, one a line; printed on warranty cards."),
    ),
    "shop.timezone": (
        N_("Time zone"),
        N_("For dates shown and promised, e.g. Asia/Shanghai."),
    ),
    "shop.currency": (N_("Currency"), N_("Three letters, e.g. CNY.")),
    "warranty.return_days": (
        N_("Phone: return or exchange (days)"),
        N_("A performance fault within this period: return or exchange."),
    ),
    "warranty.exchange_days": (
        N_("Phone: exchange (days)"),
        N_("Within this period: exchange the handset for the same model."),
    ),
    "warranty.repair_months": (N_("Phone: free repair (months)"), ""),
    "warranty.battery_months": (N_("Battery (months)"), ""),
    "warranty.headset_months": (N_("Wired headset (months)"), ""),
    "warranty.memory_card_months": (N_("Memory card (months)"), ""),
    "warranty.charger_months": (N_("Original charger (months)"), ""),
    "warranty.bluetooth_headset_months": (N_("Bluetooth headset (months)"), ""),
    "warranty.accessory_default_months": (
        N_("Other accessories (months)"),
        N_("For accessories whose product record gives no period."),
    ),
    "warranty.other_default_months": (
        N_("Other goods (months)"),
        N_("Tablets, watches, power banks… without their own period."),
    ),
    "warranty.no_reason_days": (
        N_("No-reason return (days)"),
        N_("Unused, resalable goods; the customer pays the freight."),
    ),
    "warranty.repeat_failure_repairs": (
        N_("Repairs before a repeat failure"),
        N_("After this many warranty repairs of one fault the customer may exchange."),
    ),
    "warranty.extend_to_working_day": (
        N_("Move a period ending on a holiday"),
        N_("To the next working day (Civil Code Art. 203)."),
    ),
    "warranty.online_periods_from": (
        N_("Online orders: 7/15-day periods from"),
        N_("The sale date, or the day the buyer received the goods (签收)."),
    ),
    "promise.days_a": (N_("Class A customers (days)"), N_("1 = the same day.")),
    "promise.days_b": (N_("Class B customers (days)"), ""),
    "promise.days_c": (N_("Class C customers (days)"), ""),
    "promise.working_days": (
        N_("Count working days"),
        N_("Skip weekends and public holidays when promising."),
    ),
    "promise.first_answer_hours": (
        N_("First answer within (hours)"),
        N_("A complaint must be answered within this time."),
    ),
    "promise.onsite_contact_hours": (
        N_("On-site: contact within (hours)"),
        N_("Call the customer about an on-site job within this time."),
    ),
    "approval.owner_threshold": (
        N_("Owner approves above"),
        N_("Refunds and returns above this amount need the owner."),
    ),
    "returns.goods_expected_working_days": (
        N_("Goods back within (working days)"),
        N_("Counted from the approval."),
    ),
    "returns.carrier_claim_hours": (
        N_("Carrier claim within (hours)"),
        N_("A damaged parcel must be claimed within this time."),
    ),
    "returns.batch_sample_pct": (
        N_("Batch sample (%)"),
        N_("The least share of a batch return to inspect."),
    ),
    "returns.batch_sample_min_units": (
        N_("Batch sample: at least (units)"),
        N_("However small the share, inspect at least this many units."),
    ),
    "returns.batch_from_units": (
        N_("A batch from (units)"),
        N_("A return of this many units or more is inspected on a counted sample."),
    ),
    "followup.due_days": (
        N_("Follow-up due after (days)"),
        N_("Counted from the day the case is settled and may close."),
    ),
    "followup.after_repair": (N_("Follow-up required: repairs"), ""),
    "followup.after_return": (N_("Follow-up required: returns"), ""),
    "followup.after_exchange": (N_("Follow-up required: exchanges"), ""),
    "followup.after_refund": (N_("Follow-up required: refunds"), ""),
    "followup.after_complaint": (
        N_("Follow-up required: complaints"),
        N_("Closing without the call needs a reason."),
    ),
    "returns.short_delivery_days": (
        N_("Missing items reported within (days)"),
        N_("Reported later than this after delivery, sending them needs the owner."),
    ),
    "returns.no_reply_close_days": (
        N_("Close without reply after (days)"),
        N_("No reply to the report: the case closes as accepted."),
    ),
    "returns.ship_first_return_days": (
        N_("Ship first: goods back within (days)"),
        N_("A replacement shipped first: the old goods are owed back by this many days."),
    ),
    "printing.font_path": (
        N_("Chinese font file"),
        N_("Empty: the font shipped with AfterDesk, then the system's fonts."),
    ),
    "printing.logo_path": (N_("Logo image"), N_("PNG or JPEG printed at the top of slips.")),
    "printing.slip_language": (
        N_("Slip language"),
        N_("The language slips are printed in, whatever the language of the window."),
    ),
    "printing.intake": (N_("Printer: intake receipt"), ""),
    "printing.repair_ticket": (N_("Printer: repair ticket (A5)"), ""),
    "printing.repair_receipt": (N_("Printer: repair receipt (80 mm)"), ""),
    "printing.label": (N_("Printer: device label"), ""),
    "printing.warranty_card": (N_("Printer: warranty card"), ""),
    "printing.rma": (N_("Printer: return authorisation"), ""),
    "printing.return_receipt": (N_("Printer: return receipt"), ""),
    "printing.carrier_claim": (N_("Printer: carrier claim"), ""),
    "printing.reply_report": (N_("Printer: answer to a return"), ""),
    "printing.report": (N_("Printer: monthly report"), ""),
    "ui.language": (
        N_("Language"),
        N_("Applies at the next start; --lang on the command line wins."),
    ),
    "ui.theme": (N_("Theme"), N_("Applies at once.")),
    "ui.idle_lock_minutes": (
        N_("Lock after idle (minutes)"),
        N_("The window asks for the PIN again after this time."),
    ),
    "backup.interval_minutes": (N_("Back up every (minutes)"), ""),
    "backup.keep_daily": (N_("Keep daily copies"), ""),
    "backup.keep_weekly": (N_("Keep weekly copies"), ""),
    "backup.keep_monthly": (N_("Keep monthly copies"), ""),
    "backup.second_folder": (
        N_("Second backup folder"),
        N_("e.g. a USB stick; empty: only the data folder."),
    ),
    "report.offer_until_day": (
        N_("Offer last month's summary until day"),
        N_("From the 1st to this day of a month the owner is told last month's summary is ready."),
    ),
    "report.folder_qc": (
        N_("Summary folder: quality control"),
        N_("The signed summary is copied here for QC; empty: no copy."),
    ),
    "report.folder_technical": (
        N_("Summary folder: technical"),
        N_("The signed summary is copied here for the technical department; empty: no copy."),
    ),
    "report.folder_sales": (
        N_("Summary folder: sales"),
        N_("The signed summary is copied here for sales; empty: no copy."),
    ),
    "report.folder_management": (
        N_("Summary folder: management"),
        N_("The signed summary is copied here for management; empty: no copy."),
    ),
}


def setting_label(path: str) -> str:
    """The translated name of a setting (the path itself when it has none yet)."""
    entry = SETTINGS.get(path)
    return _(entry[0]) if entry else path


def setting_help(path: str) -> str:
    entry = SETTINGS.get(path)
    return _(entry[1]) if entry and entry[1] else ""


def section_title(section: str) -> str:
    entry = SECTIONS.get(section)
    return _(entry[0]) if entry else section


def shop_blanks_warning(paths: list[str]) -> str:
    """The warning shown before a slip prints the shop's details empty ("" when none are)."""
    if not paths:
        return ""
    return _("This slip prints these empty: {fields}. Fill them in under Settings → Shop.").format(
        fields=_(", ").join(setting_label(p) for p in paths)
    )
