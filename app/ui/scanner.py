"""A barcode scanner anywhere in the window: a burst of keys ending in Enter opens its record.

A scanner types like a very fast keyboard: a whole code within a few dozen milliseconds, then
Enter. A person types the same characters a hundred or more milliseconds apart. So a run of at
least MIN_LENGTH characters, each within GAP_MS of the one before, followed by Enter is taken
as a scan, whichever tab is in front and whichever field has the focus. When the code is a
record's number (SH-/WX-/RMA-/SP-, as printed on every slip) the record opens and the
characters the burst left in a text field are taken out again. Anything else (an IMEI scanned
into the serial field on purpose, a hand-typed number) is left alone, as is all slow typing.
The search box handles its own Enter (and stops it here).
"""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable

from app.services.casework.search import resolve_code
from app.ui.desk import Desk

GAP_MS = 30  # most between two keys of one burst (scanners: 2–15 ms; people: 80 ms or more)
ENTER_GAP_MS = 60  # most between the last character and the Enter
MIN_LENGTH = 6
_ENTRY_CLASSES = frozenset({"TEntry", "Entry", "TCombobox", "TSpinbox", "Spinbox"})


def _now_ms() -> int:
    return int(time.monotonic() * 1000)


class ScanDetector:
    """Watches every key press of the application (bound once on "all")."""

    def __init__(
        self,
        root: tk.Misc,
        desk: Desk,
        *,
        open_record: Callable[[str], object] | None = None,
        clock: Callable[[], int] | None = None,
        owner: tk.Misc | None = None,
    ) -> None:
        self.root = root
        self.owner = owner  # the main window: the detector ends with it
        self.desk = desk
        self.open_record = open_record or desk.open
        self.clock = clock
        self.chars: list[str] = []
        self.last_ms: int | None = None
        self.widget: tk.Misc | None = None
        self.opened: list[str] = []  # what scans opened, newest last (for tests and logs)
        root.bind_all("<KeyPress>", self._key, add="+")

    def _time(self, event: tk.Event) -> int:
        if self.clock is not None:
            return self.clock()
        stamp = int(getattr(event, "time", 0) or 0)
        return stamp if stamp > 0 else _now_ms()

    def reset(self) -> None:
        self.chars = []
        self.last_ms = None
        self.widget = None

    def _key(self, event: tk.Event) -> str | None:
        if self.owner is not None and not self.owner.winfo_exists():
            return None
        now = self._time(event)
        gap = None if self.last_ms is None else now - self.last_ms
        if event.keysym in ("Return", "KP_Enter"):
            return self._enter(gap)
        char = event.char or ""
        if len(char) != 1 or not char.isprintable() or int(event.state) & 0x4:  # Control
            if event.keysym.startswith(("Shift", "Caps")):
                return None  # a scanner's Shift for capitals is part of the burst
            self.reset()
            return None
        if gap is None or gap > GAP_MS:  # a slow key: a new run starts here
            self.chars = []
            self.widget = event.widget
        self.chars.append(char)
        self.last_ms = now
        return None

    def _enter(self, gap: int | None) -> str | None:
        code = "".join(self.chars)
        burst = len(code) >= MIN_LENGTH and gap is not None and gap <= ENTER_GAP_MS
        widget = self.widget
        self.reset()
        if not burst or getattr(widget, "takes_scans", False) is True:
            return None  # slow typing, or a field that wants the code itself (Print's number)
        number = self.desk.read(lambda _ctx: resolve_code(code.strip().upper()))
        if not number.ok or not number.value:
            return None  # not a record's code: the field keeps what was scanned into it
        _take_back(widget, code)
        self.opened.append(number.value)
        self.open_record(number.value)
        return "break"  # the Enter was the scanner's: it does not also move or submit


def _take_back(widget: tk.Misc | None, code: str) -> None:
    """Remove the scanned characters the burst typed into a text field (just before the
    cursor), so the field holds what the person typed there before the scan."""
    if not isinstance(widget, tk.Misc):  # None, or a Tk-internal window (a combobox's list)
        return
    try:
        cls = widget.winfo_class()
        if cls in _ENTRY_CLASSES:
            end = int(widget.index("insert"))  # type: ignore[attr-defined]
            start = end - len(code)
            if start >= 0 and widget.get()[start:end] == code:  # type: ignore[attr-defined]
                widget.delete(start, end)  # type: ignore[attr-defined]
        elif cls == "Text":
            start = f"insert - {len(code)} chars"
            if widget.get(start, "insert") == code:  # type: ignore[attr-defined]
                widget.delete(start, "insert")  # type: ignore[attr-defined]
    except (tk.TclError, ValueError):
        pass
