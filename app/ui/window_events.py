"""Keep a window's own event handlers to the window itself.

ttkbootstrap's window binds `<Map>`, `<Configure>` (and on X11 `<Visibility>`) on the window's
binding tag so it can track its own size. Every widget inside a window carries that tag too, so
each widget's first layout ran a Python callback that ignores it; and a `bind_all("<Map>")` made
every widget raise `<<MapChild>>` on its parent, which nothing listens for. On the Intake tab
that was about 1,200 callbacks during the first draw, roughly a fifth of the window's start
(docs/PERFORMANCE.md). Moving the window's own handlers to a tag only the window carries keeps
what they do for the window and stops them running for its children. ttkbootstrap's rule that a
read-only or disabled field shows the arrow pointer ran in Python at every size change of every
field; it runs as a line of Tcl instead.
"""

from __future__ import annotations

import tkinter
from typing import Any

_SEQUENCES = ("<Map>", "<Configure>", "<Visibility>")
# ttkbootstrap's bind_all("<Map>") callback; its only effect is the unused <<MapChild>> event.
_MAP_CHILD = "on_map_child"
# ttkbootstrap's <Configure> callback on the field classes, and the same rule in Tcl. (Its
# "otherwise put the pointer back" branch sets the cursor to None, which Tk never receives.)
_CURSOR_RULE = "on_disabled_readonly_state"
_CURSOR_CLASSES = ("TEntry", "TSpinbox", "TCombobox", "Text")
_CURSOR_TCL = "catch {if {[%W cget -state] in {disabled readonly}} {%W configure -cursor arrow}}"


def own_tag(window: tkinter.Misc) -> str:
    """The binding tag that only this window carries."""
    return "AfterDeskOwn" + (window._w if window._w != "." else "Root")  # type: ignore[attr-defined]


def keep_to_itself(window: tkinter.Tk | tkinter.Toplevel) -> None:
    """Move the handlers bound on the window's tag for map, size and visibility events to a tag
    only the window carries. Safe to call again: handlers bound since are moved as well."""
    tk = window.tk
    tag = own_tag(window)
    path = window._w  # type: ignore[attr-defined]
    for sequence in _SEQUENCES:
        script = str(tk.call("bind", path, sequence))
        if script.strip():
            tk.call("bind", tag, sequence, "+" + script)
            tk.call("bind", path, sequence, "")
    tags = window.bindtags()
    if tag not in tags:
        window.bindtags((tag, *tags))
    _replace(tk, "all", "<Map>", _MAP_CHILD, "")
    for cls in _CURSOR_CLASSES:
        _replace(tk, cls, "<Configure>", _CURSOR_RULE, _CURSOR_TCL)


def _replace(tk: Any, tag: str, sequence: str, marker: str, instead: str) -> None:
    """Drop the lines of a binding that call the Python callback named `marker`; add `instead`."""
    script = str(tk.call("bind", tag, sequence))
    if marker in script:
        kept = [line for line in script.splitlines() if marker not in line]
        tk.call("bind", tag, sequence, "\n".join([*kept, instead]).strip())
