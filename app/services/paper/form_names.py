"""Which forms there are: a light table the Print tab reads when it is built.

`services.paper.documents` (which imports reportlab to render them) re-exports these, so the
Print tab's first show does not wait for reportlab when the warm-up has not loaded it yet.
"""

from __future__ import annotations

from app.domain import kinds

#: Form code (as on the command line) → file name stem in forms/ and settings.printing field.
FORMS: dict[str, str] = {
    "intake": "intake",
    "repair-ticket": "repair_ticket",
    "repair-receipt": "repair_receipt",
    "label": "label",
    "warranty-card": "warranty_card",
    "rma": "rma",
    "return-receipt": "return_receipt",
    "carrier-claim": "carrier_claim",
    "reply-report": "reply_report",
}
#: Layouts in forms/ that are not slips of a record (`certificate guide`).
OTHER_FORMS = ("check_guide",)
#: Forms that can be printed empty, to fill in by hand.
BLANK_FORMS = ("intake", "rma", "warranty-card", "repair-ticket")


def form_kinds(code: str) -> tuple[str, ...]:
    """The case kinds a form is made for, as their descriptors say; () = it fits every kind."""
    return kinds.kinds_for_form(code)
