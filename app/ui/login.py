"""The first screen: the owner's account on first run, then sign-in with a PIN.

It fills the root window until someone has signed in; the main window replaces it. The same card
serves the idle lock (app/ui/lock.py).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from app.domain.errors import DomainError, ValidationError
from app.i18n import N_, _
from app.i18n.messages import describe
from app.services.shop import accounts
from app.services.shop.context import Context
from app.ui.widgets.combo import Combobox
from app.ui.widgets.fields import Field, FormFrame

#: The owner's PIN opens everything: it needs 8 digits, not 6 (accounts.OWNER_PIN_MIN_DIGITS).
OWNER_PIN_HINT = N_("8 or more digits (an owner's PIN opens everything), not a run like 12345678")

OWNER_FIELDS = (
    Field(
        "login", N_("Login name"), required=True, width=22, hint=N_("e.g. wang (letters, digits)")
    ),
    Field("display_name", N_("Your name"), width=22, hint=N_("as printed on slips")),
    Field(
        "pin",
        N_("PIN"),
        kind="password",
        required=True,
        width=22,
        hint=OWNER_PIN_HINT,
    ),
    Field("pin2", N_("PIN again"), kind="password", required=True, width=22),
    # printed on every slip: asked now, so no slip ever goes out with a blank hotline
    Field("shop_name", N_("Shop name"), required=True, width=34),
    Field("shop_address", N_("Shop address"), required=True, width=34),
    Field("shop_hotline", N_("Service hotline"), required=True, width=22),
    Field(
        "shop_return_address",
        N_("Return address"),
        width=34,
        hint=N_("where customers send devices; empty: the shop's address"),
    ),
)


class Card(ttk.Frame):
    """A centred card on an empty window."""

    def __init__(self, master: tk.Misc, title: str, subtitle: str) -> None:
        super().__init__(master)
        self.card = ttk.Frame(self, padding=28, bootstyle="light")
        self.card.place(relx=0.5, rely=0.42, anchor="center")
        ttk.Label(
            self.card, text=_("AfterDesk"), font=("TkDefaultFont", 20, "bold"), bootstyle="@light"
        ).pack(anchor="w")
        ttk.Label(self.card, text=title, font=("TkDefaultFont", 13), bootstyle="@light").pack(
            anchor="w", pady=(2, 0)
        )
        if subtitle:
            ttk.Label(
                self.card, text=subtitle, bootstyle="@light", wraplength=420, justify="left"
            ).pack(anchor="w", pady=(6, 12))
        self.body = ttk.Frame(self.card, padding=12)
        self.body.pack(fill="x")
        self.message = ttk.Label(
            self.card, text="", bootstyle="@light", wraplength=420, justify="left"
        )
        self.message.pack(anchor="w", pady=(8, 0))

    def say(self, text: str, level: str = "danger") -> None:
        self.message.configure(text=text, foreground="#b02a37" if level == "danger" else "")

    #: Shown while the start-up check of the database runs (app.ui.start_check): what is typed
    #: is kept, and an action that writes is remembered in `asked` and done by the card that
    #: replaces this one once the check has passed.
    waiting = False
    asked = ""

    def held(self, action: str) -> bool:
        """True (and `action` remembered) while the database has not been checked yet."""
        if not self.waiting:
            return False
        self.asked = action
        self.say(_("Checking the database first, one moment…"), "info")
        return True

    def take_over(self, shown: Card) -> str:
        """Carry over what was typed on `shown`, the card of the same kind shown while the
        database was checked; returns the action asked for there ("" for none)."""
        return ""


class OwnerSetup(Card):
    """First run: the owner creates their own account."""

    def __init__(self, master: tk.Misc, data_dir: Path, on_done: Callable[[Context], Any]) -> None:
        super().__init__(
            master,
            _("Welcome — first, the owner's account"),
            _(
                "You will sign in with this name and PIN. Staff accounts are added later under "
                "Account → Staff. Keep the PIN to yourself: it allows refunds above the limit, "
                "scrapping, settings and restoring backups."
            ),
        )
        self.data_dir = data_dir
        self.on_done = on_done
        self.form = FormFrame(self.body, OWNER_FIELDS)
        self.form.pack(fill="x")
        bar = ttk.Frame(self.body)
        bar.pack(fill="x", pady=(10, 0))
        self.button = ttk.Button(
            bar, text=_("Create and sign in"), bootstyle="primary", command=self.submit
        )
        self.button.pack(side="right")
        self.demo_button = ttk.Button(
            bar,
            text=_("Just looking? Fill with demo data"),
            bootstyle="link",
            command=self.demo,
        )
        self.demo_button.pack(side="left")
        self.progress = ttk.Progressbar(self.body, mode="indeterminate", bootstyle="info")
        for w in self.form.widgets.values():
            w.bind("<Return>", lambda _e: self.submit(), add="+")
        self.after_idle(self.form.focus_first)

    def take_over(self, shown: Card) -> str:
        if not isinstance(shown, OwnerSetup):
            return ""
        for name in self.form.fields:
            self.form.set(name, shown.form.get(name))
        return shown.asked

    def demo(self) -> None:
        """Demo data with the accounts owner/desk/tech (PIN 123456), then the sign-in card."""
        if self.held("demo"):
            return
        from app.demo import make_demo
        from app.services.shop.setup import context_for
        from app.ui.worker import Worker

        self.demo_button.configure(state="disabled")
        self.button.configure(state="disabled")
        self.progress.pack(fill="x", pady=(8, 0))
        self.progress.start(12)
        self.say(_("Writing demo data…"), "info")
        ctx = context_for(self.data_dir)

        def done(_summary: object) -> None:
            self.progress.stop()
            master = self.master
            on_done = self.on_done
            self.destroy()
            SignIn(master, self.data_dir, on_done).pack(fill="both", expand=True)

        def failed(exc: BaseException) -> None:
            self.progress.stop()
            self.say(describe(exc) if isinstance(exc, DomainError) else str(exc))
            self.button.configure(state="normal")

        self.worker = Worker(self)
        self.worker.submit("demo", lambda _p: make_demo(ctx), done, failed)

    def submit(self) -> Context | None:
        if self.held("submit"):
            return None
        v = self.form.values()
        self.form.clear_errors()
        if v["pin"] != v["pin2"]:
            self.form.set_error("pin2", _("The two PINs differ."))
            return None
        try:
            shop = {k: v[k] for k in accounts.SHOP_FIELDS}
            owner = accounts.create_owner(v["login"], v["display_name"], v["pin"], shop=shop)
            ctx = accounts.login(self.data_dir, v["login"], v["pin"])
        except ValidationError as exc:
            if not self.form.show_errors(exc):
                self.say(describe(exc))
            return None
        except DomainError as exc:
            self.say(describe(exc))
            return None
        self.recovery = RecoveryCode(self.winfo_toplevel(), owner.recovery_code)
        self.on_done(ctx)
        return ctx


class RecoveryCode(tk.Toplevel):
    """The owner's recovery code, shown once after owner setup (not modal: the window opens
    behind it). It signs the owner in when the PIN is forgotten or the account locked."""

    def __init__(self, master: tk.Misc, code: str) -> None:
        super().__init__(master)
        self.title(_("Owner's recovery code"))
        self.transient(master)  # type: ignore[arg-type]
        frame = ttk.Frame(self, padding=20)
        frame.pack(fill="both", expand=True)
        ttk.Label(
            frame,
            text=_(
                "Write this code down and keep it away from the PC. Typed instead of the PIN, "
                "it signs the owner in when the PIN is forgotten or the account is locked. It "
                "is shown only now."
            ),
            wraplength=420,
            justify="left",
        ).pack(anchor="w")
        self.code = ttk.Label(frame, text=code, font=("TkFixedFont", 16, "bold"))
        self.code.pack(anchor="w", pady=12)
        ttk.Button(
            frame, text=_("I have written it down"), bootstyle="primary", command=self.destroy
        ).pack(anchor="e")


class SignIn(Card):
    """Pick your name, type your PIN."""

    def __init__(
        self,
        master: tk.Misc,
        data_dir: Path,
        on_done: Callable[[Context], Any],
        *,
        title: str = "",
        only: str = "",
        listed: accounts.SignInList | None = None,
    ) -> None:
        """`listed`: the names read before the database was opened (else read now)."""
        listed = listed or accounts.SignInList(accounts.login_names(), accounts.demo_pins_in_use())
        demo = listed.demo
        subtitle = (
            _("Demo accounts: {names} — PIN 123456. Change these PINs before real use.").format(
                names=", ".join(demo)
            )
            if demo
            else ""
        )
        super().__init__(master, title or _("Sign in"), subtitle)
        self.data_dir = data_dir
        self.on_done = on_done
        names = listed.logins
        self.logins = [n for n, _d in names]
        labels = [f"{d} ({n})" if d != n else n for n, d in names]
        ttk.Label(self.body, text=_("Who are you?")).grid(row=0, column=0, sticky="e", padx=(0, 8))
        self.who = Combobox(self.body, values=labels, state="readonly", width=26)
        self.who.grid(row=0, column=1, sticky="w", pady=4)
        if only and only in self.logins:
            self.who.current(self.logins.index(only))
        elif self.logins:
            self.who.current(0)
        ttk.Label(self.body, text=_("PIN")).grid(row=1, column=0, sticky="e", padx=(0, 8))
        self.pin = tk.StringVar(self)
        self.pin_entry = ttk.Entry(self.body, textvariable=self.pin, show="•", width=28)
        self.pin_entry.grid(row=1, column=1, sticky="w", pady=4)
        self.button = ttk.Button(
            self.body, text=_("Sign in"), bootstyle="primary", command=self.submit
        )
        self.button.grid(row=2, column=1, sticky="e", pady=(10, 0))
        self.pin_entry.bind("<Return>", lambda _e: self.submit())
        self.after_idle(self.pin_entry.focus_set)

    def chosen(self) -> str:
        i = self.who.current()
        return self.logins[i] if 0 <= i < len(self.logins) else ""

    def choose(self, login: str) -> None:
        self.who.current(self.logins.index(login))

    def take_over(self, shown: Card) -> str:
        if not isinstance(shown, SignIn) or shown.chosen() not in self.logins:
            return ""  # a name no longer listed: its PIN is never tried on someone else
        self.choose(shown.chosen())
        self.pin.set(shown.pin.get())
        return shown.asked

    def submit(self) -> Context | None:
        if self.held("submit"):
            return None
        try:
            ctx = accounts.login(self.data_dir, self.chosen(), self.pin.get())
        except DomainError as exc:
            self.pin.set("")
            self.say(describe(exc))
            return None
        self.on_done(ctx)
        return ctx


def first_screen(
    master: tk.Misc,
    data_dir: Path,
    on_done: Callable[[Context], Any],
    listed: accounts.SignInList | None = None,
) -> Card:
    """Owner setup on a new shop, sign-in otherwise. `listed`: read before the database was
    opened (else read now)."""
    listed = listed or accounts.sign_in_list()
    if listed.owner_setup:
        return OwnerSetup(master, data_dir, on_done)
    return SignIn(master, data_dir, on_done, listed=listed)
