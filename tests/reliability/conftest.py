"""The reliability tests: crash, concurrency, hostile input, random workflows.

All are marked `reliability` (deselect with -m "not reliability" for a quick run); together they
stay under three minutes on a 2-core machine. AFTERDESK_CRASH_RUNS scales the kill test.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: crash, concurrency and property tests")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/reliability/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.reliability)
