"""PyInstaller runtime hook: give the windowed AfterDesk.exe somewhere to print.

On Windows the program is built without a console (double-clicking it opens the window, no black
box behind it), so Python starts with ``sys.stdout``/``sys.stderr``/``sys.stdin`` set to None.
A command-line verb (``AfterDesk.exe selftest``, ``verify FILE``, …) started from cmd or
PowerShell then attaches to that console and prints there (``start /wait AfterDesk.exe selftest``
makes cmd wait and keeps the exit code in %ERRORLEVEL%). Whatever is still None afterwards
(the window, or no console to attach to) writes to nowhere instead of failing. Output that was
redirected (``AfterDesk.exe selftest > out.txt``) already has a stream and is left alone.
Elsewhere (Linux, macOS) the build keeps its console and this hook does nothing.
"""

from __future__ import annotations

import os
import sys


def _attach_parent_console() -> bool:
    try:
        import ctypes

        attach_parent_process = 0xFFFFFFFF  # (DWORD)-1
        return bool(ctypes.windll.kernel32.AttachConsole(attach_parent_process))
    except (AttributeError, OSError):
        return False


def _open(name: str, mode: str):  # noqa: ANN202 - a text stream or None
    try:
        # "CONOUT$"/"CONIN$" open as Windows console streams: UTF-8, Chinese shows as is.
        return open(name, mode, encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115
    except OSError:
        return None


def _streams() -> None:
    if sys.platform != "win32":
        return
    missing = [n for n in ("stdin", "stdout", "stderr") if getattr(sys, n) is None]
    if not missing:
        return
    wants_console = len(sys.argv) > 1  # a verb or --help; no arguments opens the window
    if wants_console and _attach_parent_console():
        for name in missing:
            reading = name == "stdin"
            stream = _open("CONIN$" if reading else "CONOUT$", "r" if reading else "w")
            if stream is not None:
                setattr(sys, name, stream)
                setattr(sys, f"__{name}__", stream)
    for name in missing:
        if getattr(sys, name) is None:
            stream = _open(os.devnull, "r" if name == "stdin" else "w")
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)


_streams()
