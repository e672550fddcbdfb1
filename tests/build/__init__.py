"""Tests of the frozen program (build/): a real PyInstaller build, then its selftest."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def x_display() -> Iterator[str]:
    """An X display for a child process: $DISPLAY if set, else an Xvfb started (and stopped)
    with the UI tests' helper. This process's own environment is left as it was."""
    current = os.environ.get("DISPLAY")
    if current:
        yield current
        return
    from tests.ui.conftest import _start_xvfb

    proc = _start_xvfb()  # sets os.environ["DISPLAY"]: taken back below
    display = os.environ.pop("DISPLAY", "")
    if proc is None or not display:
        pytest.fail("no X display and no Xvfb to start (apt-get install xvfb)")
    try:
        yield display
    finally:
        proc.terminate()
        proc.wait(5)
