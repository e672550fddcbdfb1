"""Turning error codes into sentences the desk can read; one place for every message."""

from __future__ import annotations

from typing import Any

from app.domain.errors import DomainError, FieldError, ValidationError
from app.i18n import N_, _
from app.i18n.labels import DISPOSITIONS, STATUSES, label

FIELDS = {
    "kind": N_("Kind"),
    "file": N_("File"),
    "name": N_("Customer name"),
    "phone": N_("Phone"),
    "product": N_("Product"),
    "model_spec": N_("Model/spec"),
    "category": N_("Category"),
    "serial": N_("Serial/IMEI"),
    "sold": N_("Sale date"),
    "promise_date": N_("Promised by"),
    "on": N_("Request date"),
    "reason": N_("Reason"),
    "request": N_("Customer's request"),
    "channel": N_("Channel"),
    "service_class": N_("Service class"),
    "customer_kind": N_("Customer kind"),
    "address": N_("Address"),
    "amount": N_("Amount"),
    "qty": N_("Quantity"),
    "qty_received": N_("Received quantity"),
    "description": N_("Description"),
    "severity": N_("Severity"),
    "order_no": N_("Order number"),
    "invoice_no": N_("Invoice number"),
    "sale_channel": N_("Sales channel"),
    "platform": N_("Platform"),
    "buyer_id": N_("Buyer ID"),
    "received": N_("Signed for"),
    "platform_reason": N_("Platform's refund reason"),
    "platform_refund_no": N_("Platform refund no."),
    "brand": N_("Brand"),
    "device_model": N_("Device model"),
    "accessories": N_("Accessories received"),
    "condition": N_("Condition on receipt"),
    "fault": N_("Reported fault"),
    "diagnosis": N_("Diagnosis"),
    "site_address": N_("Site address"),
    "status": N_("Status"),
    "note": N_("Note"),
    "search": N_("Search"),
    "date_from": N_("From date"),
    "date_to": N_("To date"),
    "limit": N_("Limit"),
    "estimate": N_("Estimate"),
    "result": N_("Repair result"),
    "signature": N_("Customer signature"),
    "signer": N_("Signed by"),
    "scrap_report": N_("Scrap report"),
    "inspection_result": N_("Inspection result"),
    "inspection_report": N_("Inspection report"),
    "sample_pct": N_("Sample size (%)"),
    "qc_sampled": N_("Units sampled"),
    "qc_failed": N_("Units failed"),
    "qc_usable": N_("Usable (back to stock)"),
    "qc_scrap": N_("Scrap"),
    "qc_to_supplier": N_("Back to the supplier"),
    "liability": N_("Liability"),
    "disposition": N_("Disposition"),
    "shipping_status": N_("Shipping status"),
    "resolution": N_("Resolution"),
    "satisfaction": N_("Satisfaction"),
    "follow_up": N_("Follow-up note"),
    "complaint_class": N_("Complaint about"),
    "complaint_cause": N_("Cause"),
    "responsible": N_("Person responsible"),
    "carrier": N_("Carrier"),
    "tracking_no": N_("Tracking number"),
    "payer": N_("Freight paid by"),
    "freight_amount": N_("Freight amount"),
    "amount_recovered": N_("Amount recovered"),
    "part_no": N_("Part number"),
    "part_name": N_("Part name"),
    "cost": N_("Unit cost"),
    "price": N_("Selling price"),
    "supplier": N_("Supplier"),
    "fits": N_("Fits products"),
    "reorder_level": N_("Reorder level"),
    "location": N_("Location"),
    "contact": N_("Contact person"),
    "terms": N_("Payment terms"),
    "notes": N_("Notes"),
    "date": N_("Date"),
    "dealer": N_("Dealer"),
    "route": N_("Paid by"),
    "unit_price": N_("Unit price"),
    "minutes": N_("Minutes"),
    "outcome": N_("Outcome"),
    "number": N_("Number"),
    "customer_reply": N_("Customer reply"),
    "capa_corrective": N_("Corrective action"),
    "capa_preventive": N_("Preventive action"),
    "spec": N_("Spec"),
    "unit": N_("Unit"),
    "batch": N_("Batch"),
    "month": N_("Month"),
    "appointment_at": N_("Appointment"),
    # accounts and privacy (trust-accounts)
    "login": N_("Sign-in name"),
    "display_name": N_("Display name"),
    "role": N_("Role"),
    "pin": N_("PIN or password"),
    "new_pin": N_("New PIN or password"),
    "is_manager": N_("Manager on duty"),
    "customer": N_("Customer"),
    "photos": N_("Photos"),
    # the products catalogue and the customer list (issue #17)
    "barcode": N_("Barcode/SKU"),
    "warranty_months": N_("Warranty (months)"),
    "active": N_("In the catalogue"),
    "keep": N_("Keep"),
    "duplicate": N_("Duplicate"),
    "phone2": N_("Second phone"),
    "copies": N_("Copies"),
}

MESSAGES = {
    # the steps of a record (app.services.actions)
    "unknown_action": N_('There is no step called "{action}"; the steps are: {choices}.'),
    "action_not_now": N_(
        '{number} is {status}: "{action}" is not possible now (`act {number} --list` shows '
        "what is)."
    ),
    # online orders
    "platform_refund_exists": N_("The platform's refund {number} already has a case: {case}."),
    "platform_refund_twice": N_("{field}: {number} is already on line {line} of this file."),
    # validation
    "required": N_("{field}: please fill this in."),
    "invalid": N_("{field}: this value cannot be used."),
    "too_long": N_("{field}: at most {max} characters (this has {length})."),
    "too_many_lines": N_(
        "{field}: at most {max} lines, to fit the printed slip (this has {lines})."
    ),
    "control_chars": N_("{field}: contains an invisible control character ({char})."),
    "name_invalid": N_("{field}: a name needs at least one letter."),
    "phone_invalid": N_("{field}: not a valid mobile (11 digits, 1[3-9]…) or landline number."),
    "phone_masked": N_(
        "{field}: a masked number (138****1234) is accepted only with the buyer's ID on the "
        "platform."
    ),
    "imei_invalid": N_("{field}: an IMEI has digits only."),
    "imei_length": N_("{field}: an IMEI has {expected} digits (this has {length})."),
    "imei_checksum": N_("{field}: the IMEI check digit is wrong — please check for a typo."),
    "meid_invalid": N_("{field}: a MEID has 14 hexadecimal characters."),
    "serial_invalid": N_("{field}: not an IMEI/MEID, nor a serial of {min}–{max} letters/digits."),
    "date_invalid": N_("{field}: not a date (use YYYY-MM-DD)."),
    "date_in_future": N_("{field}: cannot be later than {max}."),
    "date_too_early": N_("{field}: cannot be earlier than {min}."),
    "money_invalid": N_("{field}: not an amount of money."),
    "money_negative": N_("{field}: cannot be negative."),
    "money_zero": N_("{field}: must be more than zero."),
    "money_too_many_decimals": N_("{field}: at most {places} decimal places (fen)."),
    "money_too_large": N_("{field}: at most {max}."),
    "qty_invalid": N_("{field}: a whole number, please."),
    "qty_too_small": N_("{field}: at least {min}."),
    "qty_too_large": N_("{field}: at most {max}."),
    "not_a_choice": N_("{field}: choose one of {choices}."),
    "amount_not_divisible": N_("{field}: the total cannot be split evenly over {qty} items."),
    "unknown_field": N_("{field}: this field cannot be changed here."),
    # workflows and guards
    "transition_not_allowed": N_(
        "{number}: cannot go from “{from_status}” to “{status}”. Allowed next: {allowed}."
    ),
    "unknown_status": N_("Unknown status “{status}”. Allowed next: {allowed}."),
    "reason_required": N_("{field}: please give the reason (it is told to the customer)."),
    "estimate_required": N_("Give the customer an estimate first."),
    "estimate_not_approved": N_(
        "Out of warranty: the customer must approve the estimate before the repair."
    ),
    "estimate_not_declined": N_("Only a declined estimate returns the device without repair."),
    "result_required": N_("{field}: record the repair result first."),
    "signature_required": N_("The customer's signature is needed first."),
    "signature_empty": N_("{field}: the signature is empty."),
    "signature_invalid": N_("{field}: the signature could not be read."),
    "scrap_report_required": N_("Scrapping needs a report approved by the owner."),
    "scrap_needs_report": N_("Scrapping needs a report approved by the owner."),
    "refund_not_recorded": N_("Record the refund amount first (refund command)."),
    "credit_not_recorded": N_("Record the credit amount first."),
    "sale_date_required": N_("{field}: a return needs the sale date to check the warranty."),
    "not_eligible": N_(
        "Not covered by the three guarantees: {explanation} Only the owner may approve it, "
        "with a typed reason."
    ),
    "refund_goods_owed": N_(
        "No refund: a replacement was shipped first and the old goods are not back. Receive "
        "them, or the owner records them as lost or waived."
    ),
    "refund_after_replacement": N_(
        "No refund: a replacement was already shipped on this case (not both)."
    ),
    "order_refund_exceeds_paid": N_(
        "{field}: order {order} was paid {paid} and {refunded} is already refunded across its "
        "cases: one order, one refund."
    ),
    "not_a_manual_entry": N_(
        "{field}: this kind of money follows from a step of the case and is not booked by hand."
    ),
    "approval_still_valid": N_("The approval still holds: there is nothing to approve again."),
    "damaged_exceeds_received": N_("{field}: more damaged than received."),
    "not_shipped_first": N_("No replacement was shipped first on this case."),
    "goods_not_owed": N_("The goods are not owed any more: received or already waived."),
    "inspection_required": N_("{field}: record the inspection result first."),
    "liability_required": N_("{field}: decide who is liable first."),
    "disposition_required": N_("{field}: decide what happens to the goods first."),
    "not_in_transit": N_("Only a parcel in transit can be intercepted."),
    "resolution_required": N_("{field}: write down the solution told to the customer."),
    "claim_required": N_("Open a carrier claim first."),
    "refund_before_inspection": N_("No refund before the goods are received and inspected."),
    "refund_goods_not_back": N_(
        "No refund yet: the parcel is neither unshipped, intercepted nor lost."
    ),
    "refund_not_for_kind": N_("This kind of case has no refund."),
    "refund_exceeds_paid": N_("{field}: refunds would exceed what was paid ({paid})."),
    "use_refund": N_("{field}: use the refund action for refunds."),
    "already_reversed": N_("That money entry was already reversed."),
    "not_refund_case": N_("Only refund-only cases track the parcel this way."),
    "recovered_exceeds_claimed": N_("{field}: more than the amount claimed."),
    "not_a_dealer": N_("{field}: only a dealer has an account to deduct from."),
    "out_of_stock": N_("{field}: only {stock} of part {part_no} in stock."),
    "part_exists": N_("{field}: part {part_no} is already in the list."),
    "supplier_exists": N_("{field}: a supplier called “{name}” is already in the list."),
    "supplier_not_liable": N_("{field}: only a return the supplier is liable for names one."),
    "supplier_differs": N_("{field}: this return names another supplier ({named})."),
    "stock_has_movements": N_(
        "{field}: this part already has {stock} in stock from its movements; a different "
        "count is a stock adjustment, not an import."
    ),
    "period_reversed": N_("{field}: the period starts after it ends."),
    "sample_too_small": N_(
        "{field}: a batch return needs a sample of at least {minimum}% ({units} units)."
    ),
    "qc_failed_over_sample": N_("{field}: more units failed than were sampled ({sampled})."),
    "qc_split_mismatch": N_(
        "{field}: usable, scrap and back to the supplier must add up to the {received} units"
        " received (now {total})."
    ),
    "follow_up_required": N_(
        "{field}: this case has had no follow-up call; closing it needs a reason."
    ),
    "goods_at_counter": N_("The goods were handed over at the counter: nothing to ship first."),
    "no_passcode": N_("No passcode was given for this device."),
    "on_site_only": N_("{field}: only an on-site job is an installation."),
    "repair_only": N_("{field}: only a repair takes this."),
    "passcode_unreadable": N_(
        "The passcode cannot be read on this PC (the server password changed?): ask the customer."
    ),
    "passcode_key_missing": N_("No key to keep the passcode with: connect to the shop server."),
    "not_later": N_("{field}: must be later than the date promised now ({current})."),
    "not_correctable": N_("{field}: cannot be corrected this way (only {allowed})."),
    "follow_up_not_for_kind": N_("This kind of case gets no follow-up call."),
    "follow_up_done": N_("The follow-up call is already recorded."),
    "not_a_complaint": N_("Only a complaint is classified this way."),
    "case_closed": N_("The case is closed ({status})."),
    "lines_locked": N_("Lines can no longer change (status: {status})."),
    "not_found": N_("No {what} with number “{key}”."),
    "permission_denied": N_("Not allowed: this needs the {needs}."),
    "database_too_new": N_("This database was made by a newer AfterDesk; please update."),
    "invalid_input": N_("Some fields are not valid."),
    "unknown_code": N_("{field}: unknown code."),
    "unknown_setting": N_("{field}: there is no such setting."),
    "not_a_section": N_("{field}: this is a group of settings, not one setting."),
    "not_an_integer": N_("{field}: a whole number, please."),
    "not_a_boolean": N_("{field}: yes or no, please."),
    "not_a_decimal": N_("{field}: an amount like 500.00, please."),
    "not_text": N_("{field}: text, please."),
    "out_of_range": N_("{field}: between {min} and {max}."),
    "too_many_decimals": N_("{field}: at most {places} decimal places."),
    "unknown_timezone": N_("{field}: unknown time zone."),
    "invalid_currency": N_("{field}: a three-letter currency code such as CNY."),
    "approval_not_allowed": N_("Not allowed: this approval needs the {level}."),
    "not_a_date": N_("{field}: not a date."),
    "not_a_datetime": N_("{field}: not a date and time."),
    "not_on_site": N_("{field}: only on-site repairs have an appointment."),
    "timezone_required": N_("{field}: a time zone is needed."),
    "negative_period": N_("{field}: a period cannot be negative."),
    "not_allowed": N_("{field}: not possible here; choose one of {allowed}."),
    # printed slips
    "unknown_form": N_("Unknown form “{form}”. Choose one of {choices}."),
    "form_not_for_record": N_("{number} has no {form} to print: pick a form that fits the record."),
    "form_has_no_blank": N_("The {form} form has no blank version; blank forms: {choices}."),
    "form_spec_invalid": N_("The form layout {file} cannot be used ({key}: {problem})."),
    "cjk_font_missing": N_(
        "No Chinese TrueType font found: slips use a font that is not embedded and may look "
        "different on other PCs. Set printing.font_path or install SimHei/SimSun."
    ),
    "font_setting_unusable": N_(
        "The font in printing.font_path cannot be embedded (missing, or CFF/OpenType outlines); "
        "the slips use the font shipped with AfterDesk instead."
    ),
    # accounts and privacy (trust-accounts)
    "login_failed": N_("Wrong name or PIN."),
    "account_locked": N_("Too many wrong PINs: this account is locked until {until}."),
    "owner_exists": N_("The shop already has an owner account; the owner adds staff."),
    "sale_exists": N_("A sale with IMEI/serial {serial} is already registered: print its card."),
    "login_invalid": N_("{field}: 2–40 letters or digits (also . - _), no spaces."),
    "login_reserved": N_("{field}: this name is reserved."),
    "login_taken": N_("{field}: this name is already in use."),
    "pin_too_short": N_("{field}: a PIN has at least {min} digits."),
    "pin_too_simple": N_("{field}: too easy to guess (repeated or consecutive digits)."),
    "password_too_short": N_("{field}: a password has at least {min} characters."),
    "pin_unchanged": N_("{field}: the new PIN is the same as the old one."),
    "manager_needs_front_desk": N_("{field}: only front-desk staff can be manager on duty."),
    "needs_sign_in": N_("Sign in with your own account first."),
    "cannot_disable_self": N_("You cannot disable your own account."),
    "last_owner": N_("This is the last owner account; add another owner first."),
    "network_drive": N_(
        "The data folder {path} is on a network drive. The database must stay on this PC's "
        "own disk; to work from several PCs, use the multi-PC server mode."
    ),
    "server_unreachable": N_(
        "Cannot reach the shop's database server {host}. Check that the server PC is on and "
        "on the network, then try again."
    ),
    "server_login_failed": N_(
        "The shop's database server {host} refused the login of “{user}”: check the user name "
        "and the password."
    ),
    "server_no_database": N_("The shop's database server {host} has no database “{dbname}”."),
    "server_address_invalid": N_(
        "“{address}” is not a server address. Write it as "
        "postgresql://user:password@host:5432/afterdesk"
    ),
    "server_file_bad": N_(
        "The shop server file {file} cannot be read. Set the shop server again, or delete "
        "the file to use this PC's own database."
    ),
    "server_not_utf8": N_(
        "The database on {host} stores text as {encoding}, not UTF-8: create it again with "
        "ENCODING 'UTF8'."
    ),
    "server_restore_refused": N_(
        "This PC works on the shop's database server: a backup is not put back over every "
        "PC's records from here. Load it into a new, empty server database with "
        "“server import --from FILE”, or restore on the server with pg_restore."
    ),
    "server_not_empty": N_(
        "The server database on {host} already holds records ({cases} cases, {events} history "
        "events): import only into an empty database."
    ),
    "server_import_old": N_(
        "{file} is from an older AfterDesk (schema {version}): open it in this version on "
        "its own first, then import it."
    ),
    "server_import_mismatch": N_(
        "The copy on {host} did not match the original, so nothing was kept there."
    ),
    "customer_ambiguous": N_("Several customers have this phone ({ids}); give the #id."),
    "erase_not_confirmed": N_(
        "Erasing customer {customer} cannot be undone: the owner must confirm it."
    ),
    "already_erased": N_("Customer {customer} was already erased."),
    # the products catalogue and the customer list (issue #17)
    "barcode_invalid": N_("{field}: letters, digits and . _ / + - only."),
    "barcode_scientific": N_(
        "{field}: {value} is a number Excel shortened and lost the last digits of; format the "
        "column as text and type the barcodes again."
    ),
    "barcode_unknown": N_(
        "{field}: no product in the catalogue has this barcode; type the product's name too."
    ),
    "barcode_taken": N_("{field}: product {product} already has this barcode."),
    "barcode_other_product": N_("{field}: this barcode is {product}, not the product typed."),
    "product_exists": N_("This product and model are in the catalogue already ({product})."),
    "product_merged": N_("This product was merged into {product}: change that one."),
    "customer_merged": N_("This customer was merged into {customer} already."),
    "merge_same": N_("{field}: pick another record than the one kept."),
    "merge_into_dealer": N_(
        "The duplicate has a dealer's account: keep a customer of kind dealer (or make the "
        "kept one a dealer first)."
    ),
    "dealer_balance_differs": N_(
        "{field}: this dealer's account holds {balance} and has moved already; book a deposit "
        "or a deduction instead."
    ),
    "phone_taken": N_("{field}: customer {customer} has this phone; merge the two instead."),
    "dealer_has_balance": N_(
        "{field}: this dealer's account holds {balance}; settle it before changing the kind."
    ),
    "photo_missing": N_("{field}: the file {file} is not there any more."),
    "photo_too_large": N_("{field}: {file} is larger than {max_mb} MB."),
    "photo_unreadable": N_("{field}: {file} is not a picture that can be opened."),
    "photo_format": N_("{field}: {file} is a {format} image; use JPEG, PNG or WebP."),
    # storage, backups and history (trust-reliability)
    "disk_full": N_("The disk is full: nothing was saved. Free some space, then try again."),
    "read_only": N_(
        "The database cannot be written (read-only file, folder or drive): nothing was saved."
    ),
    "busy": N_("The database is busy in another AfterDesk window: nothing was saved. Try again."),
    "disk_io": N_("The disk could not be read or written: nothing was saved. Check the drive."),
    "db_damaged": N_("The database is damaged. Restore the newest good backup."),
    "backup_damaged": N_("The backup copy failed its integrity check and was not kept."),
    "backup_missing": N_("There is no backup file {file}."),
    "not_a_backup": N_("{file} is not an AfterDesk database."),
    "backup_too_new": N_("{file} was made by a newer AfterDesk; please update first."),
    "backup_is_live": N_("{file} is the database in use; choose a backup file."),
    "db_not_damaged": N_("{file} is not damaged: restore it from within AfterDesk instead."),
    "second_folder_unreachable": N_(
        "Backup saved, but the second folder {folder} could not be written: {error}"
    ),
    # slip signatures, verify and printing (docs-sign)
    "slip_verified": N_("Signed by {signer} ({staff}) at {at}: intact, nothing changed since."),
    "slip_verified_expired": N_(
        "Signed by {signer} ({staff}) at {at}: intact, nothing changed since. The certificate "
        "it was signed with was valid then and has expired since, on {expired}. This is normal "
        "for an older slip: the shop signs with a renewed certificate now. (No trusted time "
        "stamp: the signing time is the shop computer's own clock.)"
    ),
    "certificate_expiring": N_(
        "The shop's signing certificate expires within 60 days and cannot be renewed here: "
        "import a new PKCS#12 file (Settings → Certificate)."
    ),
    "certificate_expired": N_(
        "The shop's signing certificate has expired: slips signed now do not verify. Import a "
        "new PKCS#12 file (Settings → Certificate)."
    ),
    "certificate_new_root_soon": N_(
        "The shop's root certificate ends within 120 days. 60 days before its end slips are "
        "signed under a new root: then export it (certificate export) and print the guide "
        "again (print --form check-guide) for those who check our slips. Older slips still "
        "verify."
    ),
    "shared_keys_no_password": N_(
        "The shop's certificate is kept on the server {host} encrypted with the server "
        "password, but this PC connects without one: set the password (server connect, or "
        "AFTERDESK_DB_PASSWORD) to sign slips."
    ),
    "shared_keys_locked": N_(
        "The shop's certificate on the server {host} cannot be opened with this PC's server "
        "password (changed since?). On a PC that still signs, the owner runs: certificate "
        "share."
    ),
    "shared_keys_single_pc": N_(
        "This PC uses no shop server: its certificate is already the shop's only one."
    ),
    "not_a_pdf": N_("This file is not a PDF."),
    "pdf_too_large": N_(
        "This file is {size_mb} MB; a slip is far smaller (at most {max_mb} MB is checked): "
        "it was not read."
    ),
    "pdf_damaged": N_("The PDF is damaged and cannot be read."),
    "not_signed": N_("This PDF carries no digital signature."),
    "already_signed": N_("This PDF is signed already; a signed slip is never changed."),
    "no_shop_identity": N_(
        "This data folder has no shop certificate yet, so nothing can be checked against it."
    ),
    "not_our_certificate": N_("Signed by “{signer}”, which is not this shop's certificate."),
    "signature_broken": N_(
        "The signature does not match the file: it was changed after it was signed."
    ),
    "modified_after_signing": N_(
        "Something was added to the file after it was signed (a page, a field or other content)."
    ),
    "signature_untrusted": N_(
        "Signed with this shop's certificate, but the certificate is not valid for it ({why})."
    ),
    "file_unreadable": N_("{file} cannot be read: {error}"),
    "file_not_written": N_("{file} could not be written: {error}"),
    "file_encoding": N_(
        "The file is neither UTF-8 nor GBK text: save it from Excel as CSV or XLSX again."
    ),
    "file_kind": N_("{field}: only these file types can be read: {choices}."),
    "file_missing": N_("{file} is not there."),
    "file_too_big": N_("The file is larger than {limit_mb} MB: split it into smaller files."),
    "file_no_header": N_(
        "No header row was found in the file: the first rows must name the columns, such as "
        "{columns}."
    ),
    "file_missing_columns": N_("The file has no column for: {columns}."),
    "file_too_many_rows": N_("The file has more than {limit} rows: split it into smaller files."),
    "duplicate_row": N_("{field}: the same as line {line} above."),
    "file_empty": N_("The file has a header row but no rows under it."),
    "file_has_errors": N_(
        "Rows of the file with errors: {count}, so nothing was imported. The first, on line "
        "{line}: {first}"
    ),
    "no_recipient_folders": N_(
        "No recipient folder is set for the monthly summary: set them under Settings → "
        "Monthly summary."
    ),
    "recipient_folder_missing": N_(
        "The summary folder for {recipient} ({folder}) is not there: nothing was copied."
    ),
    "unknown_recipient": N_("Unknown recipient {recipient}: use qc, technical, sales, management."),
    "identity_damaged": N_(
        "The shop's signing keys in {folder} are incomplete or damaged: restore that folder "
        "from a copy, or import a PKCS#12 file."
    ),
    "identity_busy": N_("The shop's certificate is being changed in another window; try again."),
    "p12_unreadable": N_("This is not a PKCS#12 (.p12 / .pfx) file."),
    "p12_wrong_password": N_("Wrong password for this PKCS#12 file."),
    "p12_no_key": N_("This PKCS#12 file does not hold both a private key and its certificate."),
    "p12_key_type": N_("This certificate's key cannot sign slips: use an RSA or ECDSA key."),
    "p12_key_mismatch": N_("The private key does not belong to the certificate in this file."),
    "p12_expired": N_("This certificate is valid only from {valid_from} to {valid_to}."),
    "p12_key_usage": N_("This certificate is not meant for signing documents (key usage)."),
    "no_printer": N_("No printer chosen, and this computer has no default printer."),
    "printer_unavailable": N_("The printer “{printer}” is not available on this computer."),
    "print_failed": N_("Printing on “{printer}” failed: {error}"),
    # issue #7 follow-ups: keys in backups, the command line's acting user
    "keys_not_backed_up": N_(
        "Backup saved, but the shop's signing keys could not be copied to {file}: {error}"
    ),
    "backup_keys_damaged": N_(
        "The signing keys saved with this backup ({file}) are damaged: nothing was restored."
    ),
    "user_required": N_(
        "“{verb}” needs a staff account now that the shop has an owner: use --user NAME; "
        "the PIN is read from AFTERDESK_PIN."
    ),
    # issue #14: trust holes
    "form_not_approved": N_(
        "The form file forms/{file} in the data folder is not the version the owner approved: "
        "nothing is printed with it. The owner checks it and approves it (main.py form approve "
        "{file}), or removes it to print the program's own form."
    ),
    "form_file_missing": N_("There is no form file forms/{file} in the data folder to approve."),
    "keys_need_acceptance": N_(
        "The signing keys saved with this backup are not the shop's current ones: “{subject}”, "
        "certificate SHA-256 {fingerprint} (root {root_fingerprint}). Compare the fingerprint "
        "with the one printed on your slips; to make them the shop's own, restore again from "
        "the command line with --accept-keys {fingerprint}. Nothing was restored."
    ),
    "rows_changed_outside": N_(
        "Accounts or settings in this database were changed outside AfterDesk ({which}): they "
        "no longer match the event log. The folder is not opened. Restore a backup (main.py "
        "restore FILE --user OWNER) or ask for help."
    ),
    "demo_live_shop": N_(
        "Demo data goes only into an empty data folder or one made as a demo: this one holds "
        "the shop's own cases or accounts. Start the program with a new data folder to try the "
        "demo."
    ),
    "db_locked": N_(
        "Another program holds the database {file} open and locked. Close it (or wait), then "
        "start AfterDesk again; nothing was changed."
    ),
    "db_read_only": N_(
        "The database {file} is on a read-only drive or folder; it is not damaged. Move the data "
        "folder to a writable place."
    ),
    "owner_pin_required": N_(
        "Restoring needs the owner's name and PIN (--user NAME, PIN from AFTERDESK_PIN)."
    ),
    "backup_corrupt": N_("{file} fails its integrity check: nothing was restored."),
    "backup_not_ours": N_(
        "{file} is not a backup of this shop's history (its newest event is not in this "
        "database's log): nothing was restored."
    ),
    "backup_rows_changed": N_(
        "Records in {file} (money, statuses, accounts or settings) were changed outside "
        "AfterDesk: they differ from its event log. Nothing was restored."
    ),
    "backup_cannot_open": N_("{file} could not be opened by AfterDesk: nothing was restored."),
    "backup_chain_broken": N_(
        "The event log in {file} does not verify (it was changed): nothing was restored."
    ),
    "backup_schema_differs": N_(
        "{file} has tables, columns, indexes or triggers AfterDesk does not create (or lacks "
        "some): it was not written by this program. Nothing was restored."
    ),
}

WHO = {
    "owner": N_("owner"),
    "manager": N_("manager on duty"),
    "technician_or_manager": N_("a technician or the manager on duty"),
    "staff": N_("staff"),
}
WHAT = {
    "case": N_("case"),
    "rma": N_("return authorisation"),
    "repair": N_("repair ticket"),
    "claim": N_("carrier claim"),
    "user": N_("user"),
    "customer": N_("customer"),
    "part": N_("spare part"),
    "supplier": N_("supplier"),
    "money_entry": N_("money entry"),
    "return_line": N_("return line"),
}


def field_label(name: str) -> str:
    base = name.split("[", 1)[0]
    text = FIELDS.get(base)
    return _(text) if text else base


def _fmt(code: str, params: dict[str, Any], field_text: str | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    values: dict[str, Any] = dict(params)
    if field_text is not None:
        values["field"] = field_text
    elif "field" in values:
        values["field"] = field_label(str(values["field"]))
    for key in ("from_status", "status"):
        if key in values:
            values[key] = label(STATUSES, str(values[key]))
    if "allowed" in values:
        table = DISPOSITIONS if code == "not_allowed" else STATUSES
        allowed = [label(table, s) + f" ({s})" for s in values["allowed"]]
        values["allowed"] = ", ".join(allowed) if allowed else _("none (final)")
    if "choices" in values:
        values["choices"] = ", ".join(str(c) for c in values["choices"])
    if "needs" in values:
        values["needs"] = _(WHO.get(str(values["needs"]), str(values["needs"])))
    if "level" in values:
        values["level"] = _(WHO.get(str(values["level"]), str(values["level"])))
    if "what" in values:
        values["what"] = _(WHAT.get(str(values["what"]), str(values["what"])))
    if code == "not_eligible":
        from app.i18n.rule_texts import eligibility_text

        values["explanation"] = eligibility_text(
            str(values.get("rule", "")), dict(values.get("rule_params") or {})
        )
    try:
        return _(template).format_map(_Missing(values))
    except (ValueError, IndexError):
        return _(template)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def field_message(err: FieldError, label: str | None = None) -> str:
    """The error in words; `label` names the field as the user sees it (an import file's
    column title) instead of the form's label."""
    return _fmt(err.code, {**err.params, "field": err.field}, label)


def describe(exc: DomainError) -> str:
    """One translated line for any refusal (a validation error lists every field)."""
    if isinstance(exc, ValidationError):
        return " ".join(field_message(e) for e in exc.errors)
    params = dict(exc.params)
    params.setdefault("field", params.get("field", ""))
    return _fmt(exc.code, params)
