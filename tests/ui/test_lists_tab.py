"""The Lists tab at the counter's 1366×728: every list opens from the navigation, and every
button and table of every list is drawn inside the window (none cut off at the bottom or right),
in Chinese and in English, whose labels are longer."""

from __future__ import annotations

from typing import Any

import pytest
import ttkbootstrap as ttk

from app import i18n
from app.ui.tabs.lists import SECTIONS
from tests.ui.conftest import pump
from tests.ui.test_counter_screen import inside, small_screen  # noqa: F401


def _widgets(widget: Any, kinds: tuple[type, ...]) -> list[Any]:
    found = []
    for child in widget.winfo_children():
        if isinstance(child, kinds):
            found.append(child)
        found.extend(_widgets(child, kinds))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_list_fits_the_counter_screen(small_screen: Any, lang: str) -> None:  # noqa: F811
    i18n.setup(lang)
    window = small_screen
    tab = window.show_tab("lists")
    for section, *_rest in SECTIONS:
        shown = tab.show_section(section)
        pump(window.root, 50)
        assert tab.nav_var.get() == section
        assert shown.winfo_ismapped(), section
        others = [tab.sections[s] for s in tab.sections if s != section]
        assert not any(o.winfo_ismapped() for o in others), section
        buttons = [b for b in _widgets(shown, (ttk.Button, ttk.Treeview)) if b.winfo_ismapped()]
        assert buttons, section
        cut = [str(b.cget("text")) if isinstance(b, ttk.Button) else "table" for b in buttons]
        cut = [t for b, t in zip(buttons, cut, strict=True) if not inside(window, b)]
        assert not cut, (section, cut)
