"""Shop server (several PCs): the address this PC's data folder uses, tested, then saved.

Shown in the Settings tab, and on its own when the server cannot be reached at start (there is
no database then, so nothing else of the window can be shown). Testing runs off the Tk thread:
an address that does not answer takes a few seconds to give up.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.messages import describe
from app.services.safekeeping import server
from app.ui.worker import Worker

EXAMPLE = "postgresql://afterdesk@192.168.1.20:5432/afterdesk"


class ServerPanel(ttk.Frame):
    """Address and password fields, Test connection and Save; `on_saved` after a save."""

    def __init__(
        self,
        master: tk.Misc,
        data_dir: Path,
        *,
        can_save: bool = True,
        on_saved: Callable[[], Any] | None = None,
        wrap: int = 560,
    ) -> None:
        super().__init__(master)
        self.data_dir = Path(data_dir)
        self.on_saved = on_saved
        self.worker = Worker(self)
        self.address_var = tk.StringVar(self)
        self.password_var = tk.StringVar(self)

        ttk.Label(self, text=_("Server address"), font=("TkDefaultFont", 10, "bold")).grid(
            row=0, column=0, sticky="w"
        )
        self.address = ttk.Entry(self, textvariable=self.address_var, width=56)
        self.address.grid(row=1, column=0, columnspan=3, sticky="w", pady=(2, 0))
        ttk.Label(
            self, text=_("For example: {example}").format(example=EXAMPLE), bootstyle="secondary"
        ).grid(row=2, column=0, columnspan=3, sticky="w")
        ttk.Label(self, text=_("Password"), font=("TkDefaultFont", 10, "bold")).grid(
            row=3, column=0, sticky="w", pady=(10, 0)
        )
        self.password = ttk.Entry(self, textvariable=self.password_var, width=24, show="•")
        self.password.grid(row=4, column=0, sticky="w", pady=(2, 0))

        bar = ttk.Frame(self)
        bar.grid(row=5, column=0, columnspan=3, sticky="w", pady=(12, 0))
        self.test_button = ttk.Button(
            bar, text=_("Test connection"), bootstyle="secondary-outline", command=self.test
        )
        self.test_button.pack(side="left")
        self.save_button = ttk.Button(bar, text=_("Save"), bootstyle="primary", command=self.save)
        self.save_button.pack(side="left", padx=(8, 0))
        if not can_save:
            self.save_button.configure(state="disabled")

        self.status = ttk.Label(self, text="", wraplength=wrap, justify="left")
        self.status.grid(row=6, column=0, columnspan=3, sticky="w", pady=(10, 0))
        ttk.Label(
            self,
            text=_(
                "Every PC of the shop uses the same address; the change takes effect at the next "
                "start. Leave the address empty and save to use this PC's own database again. "
                "The password is kept in this PC's data folder, readable only by you."
            ),
            bootstyle="secondary",
            wraplength=wrap,
            justify="left",
        ).grid(row=7, column=0, columnspan=3, sticky="w", pady=(10, 0))
        self.columnconfigure(0, weight=1)
        self.load()

    def load(self) -> None:
        """Show the folder's saved server (never its password)."""
        try:
            saved = server.read_address(self.data_dir)
        except DomainError as exc:
            saved = None
            self.say(describe(exc), "danger")
        self.address_var.set(saved.url() if saved else "")
        self.password_var.set("")
        if saved is None and not self.status.cget("text"):
            self.say(_("This PC uses its own database."), "secondary")

    def say(self, text: str, style: str = "secondary") -> None:
        self.status.configure(text=text, bootstyle=style)

    def _address(self) -> server.ServerAddress | None:
        """What was typed; the saved password is kept when the field is left empty."""
        text = self.address_var.get().strip()
        if not text:
            return None
        address = server.parse_address(text)
        typed = self.password_var.get()
        if typed:
            return replace(address, password=typed)
        if address.password:
            return address
        try:
            saved = server.read_address(self.data_dir)
        except DomainError:
            saved = None
        if saved is not None and (saved.host, saved.port, saved.user) == (
            address.host,
            address.port,
            address.user,
        ):
            return replace(address, password=saved.password)
        return address

    def _busy(self, busy: bool) -> None:
        state = "disabled" if busy else "normal"
        self.test_button.configure(state=state)
        if self.save_button.cget("state") != "disabled" or not busy:
            self.save_button.configure(state=state)

    def test(self) -> None:
        """Connect once in the background and say what the server holds."""
        try:
            address = self._address()
        except DomainError as exc:
            self.say(describe(exc), "danger")
            return
        if address is None:
            self.say(_("Type the server's address first."), "warning")
            return
        self.say(_("Connecting to {host}…").format(host=address.host_port), "secondary")
        self._busy(True)
        self.worker.submit(
            "server-test",
            lambda _progress: server.check_server(address),
            self._tested,
            self._failed,
        )

    def _tested(self, facts: Any) -> None:
        self._busy(False)
        if facts.schema == 0:
            text = _(
                "Connected. The database is empty: AfterDesk makes its tables at the first start."
            )
        else:
            text = _("Connected: {cases} cases, {events} history events.").format(
                cases=facts.cases, events=facts.events
            )
        self.say(text, "success")

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, DomainError):
            self.say(describe(exc), "danger")
        else:
            self.say(_("The test failed ({error}).").format(error=type(exc).__name__), "danger")

    def save(self) -> None:
        """Check the server, then keep it for this folder (empty: back to the own database)."""
        try:
            address = self._address()
        except DomainError as exc:
            self.say(describe(exc), "danger")
            return
        if address is None:
            server.forget_address(self.data_dir)
            self.say(_("Saved: this PC uses its own database from the next start."), "success")
            self._saved()
            return
        self.say(_("Connecting to {host}…").format(host=address.host_port), "secondary")
        self._busy(True)
        self.worker.submit(
            "server-save",
            lambda _progress: server.connect(self.data_dir, address),
            lambda _facts: self._connected(address),
            self._failed,
        )

    def _connected(self, address: server.ServerAddress) -> None:
        self._busy(False)
        self.password_var.set("")
        self.say(
            _("Saved: this PC uses the shop server {server} from the next start.").format(
                server=address.label
            ),
            "success",
        )
        self._saved()

    def _saved(self) -> None:
        if self.on_saved is not None:
            self.on_saved()
