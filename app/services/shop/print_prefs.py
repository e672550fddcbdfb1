"""The printer remembered for each form type (settings ``printing.<form>``).

Which printer sits next to which PC is a working preference, not a shop rule: any member of
staff who prints a slip may change it, so this does not need Action.SETTINGS. It changes only
that one value, on top of the settings stored at the time (never the caller's possibly older
copy), and records who changed it.
"""

from __future__ import annotations

from app.domain.settings import FORM_PRINTERS, Settings
from app.domain.validation import Collector, validate_text
from app.services.shop.context import Context
from app.services.shop.setup import write_settings


def remembered_printer(ctx: Context, form: str) -> str:
    """The printer last used for a form type ("" = the system's default printer)."""
    if form not in FORM_PRINTERS:
        return ""
    return str(ctx.settings.get_path(f"printing.{form}"))


def remember_printer(ctx: Context, form: str, printer: str) -> Settings:
    """Keep `printer` for `form`; returns the settings now stored. Nothing written if unchanged."""
    v = Collector()
    if form not in FORM_PRINTERS:
        v.add("form", "not_a_choice", choices=list(FORM_PRINTERS))
    name = v.check("printer", validate_text, printer, max_len=200) or ""
    v.raise_if_errors()
    path = f"printing.{form}"
    return write_settings(ctx, {path: name}, action="printer_remembered", data={path: name})
