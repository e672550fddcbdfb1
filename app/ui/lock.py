"""The idle lock: after some minutes without keyboard or mouse the window hides behind a sign-in
card. The same person unlocks with their PIN; someone else signing in takes over the desk."""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable
from typing import TYPE_CHECKING

import ttkbootstrap as ttk

from app.i18n import _
from app.services.shop.context import Context
from app.ui.desk import Desk

if TYPE_CHECKING:
    from app.ui.login import SignIn


class IdleLock:
    CHECK_MS = 5000

    def __init__(
        self, root: tk.Misc, desk: Desk, minutes: Callable[[], int], *, owner: tk.Misc
    ) -> None:
        self.root = root
        self.owner = owner  # the main window: the lock ends with it
        self.desk = desk
        self.minutes = minutes
        self.last = time.monotonic()
        self.overlay: ttk.Frame | None = None
        for sequence in ("<Any-KeyPress>", "<Any-ButtonPress>", "<Motion>", "<MouseWheel>"):
            root.bind_all(sequence, self.touch, add="+")
        self._job = root.after(self.CHECK_MS, self._check)

    def touch(self, _event: object = None) -> None:
        self.last = time.monotonic()

    def _check(self) -> None:
        if not self.owner.winfo_exists():
            return
        if self.overlay is None and time.monotonic() - self.last > self.minutes() * 60:
            self.lock()
        self._job = self.root.after(self.CHECK_MS, self._check)

    @property
    def locked(self) -> bool:
        return self.overlay is not None

    def lock(self) -> SignIn:
        """Cover the window; only a PIN brings it back."""
        from app.ui.login import SignIn  # the PIN check's libraries load when first locked

        if self.overlay is not None:
            return self.overlay.card  # type: ignore[attr-defined,no-any-return]
        overlay = ttk.Frame(self.root)
        overlay.place(x=0, y=0, relwidth=1, relheight=1)
        overlay.lift()
        card = SignIn(
            overlay,
            self.desk.data_dir,
            self._unlocked,
            title=_("Locked — sign in to continue"),
            only=self.desk.ctx.actor.name,
        )
        card.pack(fill="both", expand=True)
        overlay.card = card  # type: ignore[attr-defined]
        self.overlay = overlay
        self.desk.emit("locked", True)
        return card

    def _unlocked(self, ctx: Context) -> None:
        if self.overlay is not None:
            self.overlay.destroy()
            self.overlay = None
        self.touch()
        if ctx.actor.name != self.desk.ctx.actor.name:
            self.desk.set_context(ctx)
            self.desk.notify(
                _("{name} is now signed in.").format(name=ctx.actor.display_name), "info"
            )
        self.desk.emit("locked", False)
        self.desk.changed()
