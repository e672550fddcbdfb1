"""All cases, every kind: complaints, refund-only, missing parts and carrier damage live here."""

from __future__ import annotations

from app.ui.tabs.base import BrowseTab


class CasesTab(BrowseTab):
    # Lists every kind; opens the kinds whose descriptor names no tab of their own.
    TAB = "cases"
