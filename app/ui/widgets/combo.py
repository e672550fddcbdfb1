"""A combobox whose drop-down list window is made the first time it opens.

ttkbootstrap's combobox makes and styles its drop-down list (a hidden top-level window with a
list and a scroll bar) as soon as the combobox is made. The Intake tab has thirteen of them, and
those hidden windows were about a sixth of the window's first draw at start
(docs/PERFORMANCE.md). Here the list window is made and styled when the clerk first opens it
(click, Alt+Down or the arrow key), which Tk itself does anyway; code that needs the list
window asks `popdown()` or registers `when_opened`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk
from ttkbootstrap.style.bootstyle import Bootstyle

_STYLE = "TCombobox"


class Combobox(ttk.Combobox):
    """ttk.Combobox with the drop-down list made on first use."""

    def __init__(self, master: Any = None, **kw: Any) -> None:
        self._user_post: Callable[[], object] | None = kw.pop("postcommand", None)
        self._hooks: list[Callable[[str], object]] = []
        self._ready = False
        plain = "bootstyle" not in kw and "style" not in kw
        if plain and ttk.Style.get_instance().style_exists_in_theme(_STYLE):
            # A style that exists is applied as it is: no list window is made for it.
            kw["style"] = _STYLE
        else:
            self._ready = True  # ttkbootstrap made and styled the list already
        super().__init__(master, **kw)
        super().configure(postcommand=self._post)

    def popdown(self) -> str:
        """The list window's Tk path, made and styled now if it was not yet."""
        path = str(self.tk.eval(f"ttk::combobox::PopdownWindow {self}"))
        if not self._ready:
            self._ready = True
            Bootstyle.update_ttk_widget_style(self, "default")  # colours the list window
            for hook in self._hooks:
                hook(path)
        return path

    def has_popdown(self) -> bool:
        """Whether the list window exists (asking `popdown()` would make it)."""
        return bool(int(self.tk.eval(f"winfo exists {self}.popdown")))

    def when_opened(self, hook: Callable[[str], object]) -> None:
        """Run hook(list window path) once the list window exists (now, if it does)."""
        if self._ready and self.has_popdown():
            hook(self.popdown())
        else:
            self._hooks.append(hook)

    def _post(self) -> None:
        self.popdown()
        if self._user_post is not None:
            self._user_post()

    def configure(self, cnf: Any = None, **kw: Any) -> Any:
        """As ttk's, except that a postcommand runs after the list window is ready."""
        if isinstance(cnf, dict) and "postcommand" in cnf:
            cnf = dict(cnf)
            self._user_post = cnf.pop("postcommand")
            if not cnf and not kw:
                return None
        if "postcommand" in kw:
            self._user_post = kw.pop("postcommand")
            if cnf is None and not kw:
                return None
        return super().configure(cnf, **kw)

    config = configure
