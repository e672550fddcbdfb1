"""Where the window opens: DPI awareness on Windows, maximised on first run, then where it was.

Windows scales a program that does not declare itself DPI-aware as a bitmap: at 125 % or 150 %
display scaling every letter is blurred. `declare_dpi_aware` must run before Tk is created.

The size and position are this PC's own (a shop's PCs have different screens), so they are kept
in the data folder's ``window.json``, not in the shop's shared settings.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import tkinter as tk
from pathlib import Path
from typing import Any

log = logging.getLogger("afterdesk.ui")

WINDOW_FILE = "window.json"
#: Per-monitor DPI aware (v1): Tk gets the real pixel size of the monitor it is on.
PROCESS_PER_MONITOR_DPI_AWARE = 2
_GEOMETRY = re.compile(r"^(\d+)x(\d+)([+-]-?\d+)([+-]-?\d+)$")
MIN_SIZE = (800, 560)


def declare_dpi_aware(windll: Any = None, *, platform: str | None = None) -> str:
    """Tell Windows this process draws at the real display resolution. Returns which call
    worked: "shcore" (Windows 8.1+, per monitor), "user32" (Vista+, system DPI), or "" (not
    Windows, or neither call exists / both failed). `windll` is injectable for tests."""
    if (platform or sys.platform) != "win32":
        return ""
    if windll is None:
        try:
            import ctypes

            windll = ctypes.windll  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            return ""
    try:
        result = windll.shcore.SetProcessDpiAwareness(PROCESS_PER_MONITOR_DPI_AWARE)
        # S_OK, or E_ACCESSDENIED (0x80070005): awareness was already set (e.g. by a manifest)
        if result in (0, -2147024891, 0x80070005):
            return "shcore"
    except (AttributeError, OSError) as exc:
        log.debug("SetProcessDpiAwareness unavailable: %s", exc)
    try:
        if windll.user32.SetProcessDPIAware():
            return "user32"
    except (AttributeError, OSError) as exc:
        log.debug("SetProcessDPIAware unavailable: %s", exc)
    return ""


def _file(data_dir: Path) -> Path:
    return Path(data_dir) / WINDOW_FILE


def load_placement(data_dir: Path) -> dict[str, Any] | None:
    """The remembered {"geometry": "WxH+X+Y", "zoomed": bool}, or None (first run, unreadable)."""
    try:
        data = json.loads(_file(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not _GEOMETRY.match(str(data.get("geometry", ""))):
        return None
    return {"geometry": str(data["geometry"]), "zoomed": bool(data.get("zoomed"))}


def is_zoomed(root: tk.Misc) -> bool:
    try:
        if root.wm_state() == "zoomed":  # type: ignore[attr-defined]
            return True
    except tk.TclError:
        pass
    try:
        return bool(int(root.wm_attributes("-zoomed")))  # type: ignore[attr-defined]
    except (tk.TclError, ValueError):
        return False


def maximise(root: tk.Misc) -> None:
    """Maximised the way the system does it: state zoomed on Windows, -zoomed on X11."""
    try:
        root.wm_state("zoomed")  # type: ignore[attr-defined]
        return
    except tk.TclError:
        pass
    try:
        root.wm_attributes("-zoomed", True)  # type: ignore[attr-defined]
    except tk.TclError:
        log.debug("this window manager cannot maximise")


def _on_screen(geometry: str, root: tk.Misc) -> str | None:
    """The geometry, shrunk and moved so the whole window is on this screen (a second monitor
    that was unplugged must not leave the window out of sight)."""
    m = _GEOMETRY.match(geometry)
    if not m:
        return None
    w, h, x, y = int(m[1]), int(m[2]), int(m[3]), int(m[4])
    sw, sh = root.winfo_screenwidth(), root.winfo_screenheight()
    w, h = max(MIN_SIZE[0], min(w, sw)), max(MIN_SIZE[1], min(h, sh))
    x, y = max(0, min(x, sw - w)), max(0, min(y, sh - h))
    return f"{w}x{h}+{x}+{y}"


def restore_placement(root: tk.Misc, data_dir: Path) -> str:
    """Open where the window was last time; maximised on first run. Returns "maximised",
    "restored" (the remembered size) or "restored-maximised"."""
    saved = load_placement(data_dir)
    if saved is None:
        maximise(root)
        return "maximised"
    geometry = _on_screen(saved["geometry"], root)
    if geometry:
        root.wm_geometry(geometry)  # type: ignore[attr-defined]
    if saved["zoomed"]:
        maximise(root)
        return "restored-maximised"
    return "restored"


def save_placement(root: tk.Misc, data_dir: Path) -> None:
    """Remember the size and position for the next start (a failure is logged, never shown)."""
    try:
        zoomed = is_zoomed(root)
        geometry = root.wm_geometry()  # type: ignore[attr-defined]
        before = load_placement(data_dir)
        if zoomed and before is not None:  # keep the size it returns to when un-maximised
            geometry = before["geometry"]
        data = {"geometry": geometry, "zoomed": zoomed}
        _file(data_dir).write_text(json.dumps(data), encoding="utf-8")
    except (OSError, tk.TclError) as exc:
        log.warning("window placement not saved: %s", exc)
