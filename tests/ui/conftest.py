"""Real Tk under a real X server: Xvfb is started here when there is no display.

ttkbootstrap allows one application root, so the session shares one; each test builds its own
main window in it and destroys it afterwards.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.services.shop.context import Context
from tests.conftest import Clock, demo_copy


def _start_xvfb() -> subprocess.Popen[bytes] | None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    for number in range(90, 120):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen(
            [xvfb, f":{number}", "-screen", "0", "1400x900x24", "-dpi", "96", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
    return None


@pytest.fixture(scope="session")
def tk_root() -> Iterator[object]:
    proc = None
    if not os.environ.get("DISPLAY"):
        proc = _start_xvfb()
        if proc is None:
            pytest.skip("no X display and no Xvfb to start (apt-get install xvfb)")
    import ttkbootstrap as ttk

    root = ttk.App(title="AfterDesk tests", theme="bootstrap-light", size=(1360, 860))
    root.update()
    yield root
    root.destroy()
    if proc is not None:
        proc.terminate()
        proc.wait(5)


def pump(root: object, ms: int = 0) -> None:
    """Let Tk run its pending work (and timers for ``ms`` milliseconds), then wait until every
    reader thread (lists, records, search: `app.ui.worker.Latest`) has delivered its answer."""
    end = time.monotonic() + ms / 1000
    while True:
        root.update()  # type: ignore[attr-defined]
        if time.monotonic() >= end:
            break
        time.sleep(0.01)
    wait_idle(root)


def wait_idle(root: object, seconds: float = 20) -> None:
    """Pump the window until no reader thread owes an answer (its callbacks have run, and any
    read those started has answered too). Deterministic: it waits for the answers themselves,
    not for a time; the limit only turns a hang into a failure."""
    from app.ui import worker

    end = time.monotonic() + seconds
    while not worker.idle():
        if time.monotonic() > end:
            raise AssertionError("a reader thread did not answer within the time limit")
        root.update()  # type: ignore[attr-defined]
        time.sleep(0.002)
    root.update()  # type: ignore[attr-defined]


def end_session(tk_root: Any, session: Any) -> None:
    """Close a program run started in a test: its worker's jobs finished, its screens gone."""
    end = time.monotonic() + 30
    while session.window is not None and session.window.desk.worker.running:
        pump(tk_root, 50)
        if time.monotonic() > end:
            break
    for child in list(tk_root.winfo_children()):
        child.destroy()
    pump(tk_root)


def press(root: object, sequence: str, widget: object = None) -> None:
    """A key pressed at the counter: Tk delivers key events only to a window that has focus,
    and after other tests the focus may be anywhere, so take it first."""
    target = widget or root
    root.focus_force()  # type: ignore[attr-defined]
    target.focus_force()  # type: ignore[attr-defined]
    pump(root)
    target.event_generate(sequence)  # type: ignore[attr-defined]


@pytest.fixture
def demo_ctx(demo_template: Path, data_dir: Path, clock: Clock) -> Context:
    """The owner's context on a data folder with a small set of demo cases (a copy)."""
    return demo_copy(demo_template, data_dir, clock)


@pytest.fixture
def window(tk_root: object, demo_ctx: Context) -> Iterator[object]:
    """The main window on demo data, in the session root; torn down after the test."""
    from app.ui.app import build

    win = build(demo_ctx, root=tk_root)  # type: ignore[arg-type]
    tk_root.deiconify()  # type: ignore[attr-defined]
    pump(tk_root)
    yield win
    for child in list(tk_root.winfo_children()):  # type: ignore[attr-defined]
        child.destroy()
    pump(tk_root)
    # The window's Tk variables are freed here, on Tk's thread: a collection that happened to
    # run on a reader thread would free them there, and Tk refuses calls from other threads.
    gc.collect()
