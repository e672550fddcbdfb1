"""Run something once the window has finished laying itself out.

Tk lays a new screen out over many rounds: idle work sizes the widgets, the size events that
follow run handlers (a scroll frame takes its room, a hint wraps to its field's width) that
queue more idle work, and so on until nothing moves. A reader thread started between two of
those rounds shares the interpreter with them: each size handler then waits for the reader to
let go, and the window's first draw took 40–90 ms longer (docs/PERFORMANCE.md).

`when_settled` waits until a round of Tk's idle work ends with no widget having moved or
resized since the round before. Moves are counted by one line of Tcl on every widget's size
event, not by a Python callback (which would cost as much as it saves). A window that never
stops moving (an animation) holds the work back no longer than `LONGEST_MS`.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from tkinter import Misc, TclError

log = logging.getLogger(__name__)

#: The Tcl variable every widget's size event counts up.
COUNTER = "::afterdesk_layout_moves"
#: The longest the work waits for the window to settle.
LONGEST_MS = 300

_watchers: weakref.WeakKeyDictionary[Misc, _Settle] = weakref.WeakKeyDictionary()


class _Settle:
    def __init__(self, root: Misc) -> None:
        self.root = root
        self.waiting: list[Callable[[], None]] = []
        self.since = 0.0
        root.tk.call("set", COUNTER, 0)
        root.tk.call("bind", "all", "<Configure>", f"+incr {COUNTER}")

    def add(self, fn: Callable[[], None]) -> None:
        self.waiting.append(fn)
        if len(self.waiting) == 1:
            self.since = time.monotonic()
            self.root.after_idle(self._check, -1)

    def _moves(self) -> int:
        try:
            return int(self.root.tk.globalgetvar(COUNTER))
        except (TclError, ValueError):
            return -2  # bindings gone (the window is closing): settled as far as we can tell

    def _check(self, before: int) -> None:
        moves = self._moves()
        waited = (time.monotonic() - self.since) * 1000
        if moves != before and waited < LONGEST_MS:
            # Let the size events queued by this round run, then look again at the next idle.
            self.root.after(1, lambda: self.root.after_idle(self._check, moves))
            return
        waiting, self.waiting = self.waiting, []
        for fn in waiting:  # one that fails never keeps the others (a reader's start) waiting
            try:
                fn()
            except Exception:  # noqa: BLE001 - logged; the window goes on
                log.exception("work after the window settled failed")


def when_settled(widget: Misc, fn: Callable[[], None]) -> None:
    """Call `fn` on the Tk thread once the window of `widget` stopped moving."""
    root = widget.nametowidget(".")
    watcher = _watchers.get(root)
    if watcher is None:
        watcher = _watchers[root] = _Settle(root)
    watcher.add(fn)
