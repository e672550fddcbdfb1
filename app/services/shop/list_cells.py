"""Cells of an imported list that name a choice: the code, or its label in either language.

A shop's spreadsheet says 手机 or 经销商 where the program stores `phone` or `dealer`; an
exported file writes the label of the language in use. Both come back to the same code.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.errors import ValidationError
from app.domain.validation import to_halfwidth
from app.i18n import _


def _key(text: str) -> str:
    return to_halfwidth(str(text or "")).strip().replace("_", "-").casefold()


def choice_code(
    value: object,
    field: str,
    table: Mapping[str, str],
    aliases: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """The code whose code, English label, translated label or one of its `aliases` (the words
    shops use) the cell holds; "" for a blank cell."""
    text = _key(str(value or ""))
    if not text:
        return ""
    from app.services.shop.tables import _chinese

    for code, label in table.items():
        names = (code, label, _(label), _chinese().gettext(label), *(aliases or {}).get(code, ()))
        if text in {_key(n) for n in names}:
            return code
    raise ValidationError.single(field, "not_a_choice", choices=[_(v) for v in table.values()])
