"""Tk objects freed on a reader thread are deleted on the Tk thread instead.

A garbage collection can start on any thread. When it starts on a reader or worker thread it
may free a Tk variable, image or font of a closed dialog, and their ``__del__`` calls Tcl: from
another thread Tkinter either raises ("main thread is not in main loop") or waits for the Tk
thread, which may itself be waiting for that reader. So off the Tk thread their clean-up is
put on a queue the Tk thread empties from its timer (objects may be kept alive by ``__del__``:
Python runs it once, and the object is freed when the queue lets go of it).
"""

from __future__ import annotations

import collections
import contextlib
import threading
import tkinter
import tkinter.font
from collections.abc import Callable
from typing import Any

_pending: collections.deque[tuple[Callable[[Any], None], Any]] = collections.deque()
_tk_thread: threading.Thread | None = None
_timers: set[str] = set()
DRAIN_MS = 500


def _deferring(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def __del__(self: Any) -> None:  # noqa: N807 - stands in for the class's own
        if _tk_thread is None or threading.current_thread() is _tk_thread:
            original(self)
        else:
            _pending.append((original, self))

    __del__.deferred = True  # type: ignore[attr-defined]
    return __del__


def _classes() -> list[type]:
    classes: list[type] = [tkinter.Variable, tkinter.Image, tkinter.font.Font]
    try:
        from PIL import ImageTk
    except ImportError:  # pragma: no cover - Pillow is a requirement
        return classes
    return [*classes, ImageTk.PhotoImage, ImageTk.BitmapImage]


def install(root: tkinter.Misc) -> None:
    """Called on the Tk thread when a window is made; idempotent."""
    global _tk_thread
    _tk_thread = threading.current_thread()
    for cls in _classes():
        own = cls.__dict__.get("__del__")
        if own is not None and not getattr(own, "deferred", False):
            cls.__del__ = _deferring(own)  # type: ignore[attr-defined]
    top = root.nametowidget(".")
    key = str(top.tk.interpaddr())
    if key not in _timers:
        _timers.add(key)

        def tick() -> None:
            drain()
            try:
                top.after(DRAIN_MS, tick)
            except tkinter.TclError:  # the application ended
                _timers.discard(key)

        top.after(DRAIN_MS, tick)


def drain() -> int:
    """Run the clean-ups left by other threads (on the Tk thread); how many ran."""
    done = 0
    while _pending:
        original, obj = _pending.popleft()
        with contextlib.suppress(Exception):  # its interpreter may be gone: nothing to free
            original(obj)
        done += 1
    return done
