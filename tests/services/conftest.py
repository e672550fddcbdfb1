"""Every test here runs on SQLite, and on PostgreSQL too when AFTERDESK_TEST_PG is set."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _each_backend(backend: str) -> str:
    return backend
