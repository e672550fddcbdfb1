"""All cases, every kind: complaints, refund-only, missing parts and carrier damage live here."""

from __future__ import annotations

from app.domain.codes import CaseKind
from app.ui.tabs.base import BrowseTab


class CasesTab(BrowseTab):
    KINDS = tuple(k.value for k in CaseKind)

    @classmethod
    def owns(cls, kind: str) -> bool:
        # Repairs and returns open in their own tabs; everything else here.
        return kind in {"complaint", "refund", "parts", "carrier_damage"}
