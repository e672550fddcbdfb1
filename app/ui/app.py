"""Start the window: open the data folder, pick language and theme, build the main window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import ttkbootstrap as ttk

from app import i18n, paths
from app.domain.errors import DomainError
from app.i18n import _
from app.i18n.check_texts import closed_by_rule_text
from app.i18n.messages import describe
from app.services.safekeeping.backups import Health
from app.services.shop.context import Context
from app.ui.desk import Desk
from app.ui.errors import install, setup_log_file
from app.ui.main_window import MainWindow
from app.ui.start_check import StartCheck
from app.ui.theme import apply_fonts, apply_spacing, theme_name
from app.ui.widgets.scrolling import install_wheel
from app.ui.window_events import keep_to_itself

log = logging.getLogger("afterdesk.ui")


def build(ctx: Context, root: ttk.App | None = None) -> MainWindow:
    """The main window for a context, in a new (or the given) root. Used by tests too."""
    if root is None:
        root = ttk.App(
            title=_("AfterDesk"),
            theme=theme_name(ctx.settings.ui.theme),
            size=(1360, 860),
            minsize=(1100, 700),
        )
    else:
        ttk.Style.get_instance().theme_use(theme_name(ctx.settings.ui.theme))
    apply_fonts(root)
    apply_spacing(root)
    install_wheel(root)
    desk = Desk(root, ctx)
    install(root, lambda text: desk.notify(text, "danger"))
    window = MainWindow(root, desk)
    window.pack(fill="both", expand=True)
    keep_to_itself(root)  # before the first draw of the window's widgets
    return window


def window_title(shop_name: str) -> str:
    """The window's title: the shop's name, and DEMO when the folder was made as a demo."""
    from app.services.shop.demo_folder import is_demo_folder

    title = _("AfterDesk") + " — " + shop_name
    if is_demo_folder():
        title += " — " + _("DEMO DATA (not a real shop)")
    return title


def start_language(lang: str | None, setting: str) -> str:
    """--lang wins; else the ui.language setting; else the system's language. Returns it."""
    return i18n.setup(lang or setting or None)


class Session:
    """The screens of one program run: damaged-database offer, owner setup or sign-in, then the
    main window; backups on a timer and on close."""

    BACKUP_CHECK_MS = 60_000
    PREBUILD_MS = 1_000  # the other tabs are built ahead once the window has settled
    WARM_PRINT_MS = 300  # after the first screen is drawn
    POLL_MS = 20  # how often the first screen looks whether the start-up check has answered

    def __init__(
        self, root: ttk.App, folder: Path, lang: str | None, check: StartCheck | None = None
    ) -> None:
        self.root = root
        self.folder = folder
        self.lang = lang
        self._check = check  # the start-up check begun early (app.ui.start_check), used once
        self.failure: BaseException | None = None  # what ended the start after the first screen
        self.screen: ttk.Frame | None = None
        self.window: MainWindow | None = None
        root.protocol("WM_DELETE_WINDOW", self.close)

    def _show(self, screen: ttk.Frame) -> ttk.Frame:
        if self.screen is not None:
            self.screen.destroy()
        self.screen = screen
        screen.pack(fill="both", expand=True)
        return screen

    def start(self) -> None:
        """Check the database, then the first screen. With the check begun early and still
        running, the first screen is shown at once from the lists read before it (the clerk can
        pick a name and type the PIN) and signing in waits for the check."""
        from app.services.safekeeping.backups import check_database

        early, self._check = self._check, None
        if early is None:
            self._checked(lambda: check_database(self.folder))
            return
        listed = None if early.done() else early.listed()
        if listed is None:
            self._checked(early.result)
            return
        from app.ui.login import first_screen

        card = first_screen(self.root, self.folder, self.signed_in, listed)
        card.waiting = True
        self._show(card)
        self._await(early)

    def _await(self, early: StartCheck) -> None:
        if not early.done():
            self.root.after(self.POLL_MS, self._await, early)
            return
        try:
            self._checked(early.result)
        except Exception as exc:  # noqa: BLE001 - as if start() had raised: the program ends
            log.exception("start-up failed")
            self.failure = exc
            self.root.quit()

    def _checked(self, health_of: Callable[[], Health]) -> None:
        try:
            health = health_of()
            if health.ok:
                self.open()
            elif health.problem in ("locked", "read_only"):
                self._show(HeldScreen(self.root, self.folder, health, self.start))
            else:
                self._show(DamagedScreen(self.root, self.folder, health, self.open))
        except DomainError as exc:
            if not exc.code.startswith("server_"):
                raise
            log.warning("shop server: %s", describe(exc))
            self._show(ServerProblemScreen(self.root, self.folder, exc, self.start))

    def open(self) -> None:
        from app.services.shop.setup import load_settings, open_data_folder
        from app.ui.login import Card, OwnerSetup, first_screen

        open_data_folder(self.folder)
        settings = load_settings()
        start_language(self.lang, settings.ui.language)
        ttk.Style.get_instance().theme_use(theme_name(settings.ui.theme))
        apply_spacing(self.root)
        self.root.title(window_title(settings.shop.name))
        shown = self.screen if isinstance(self.screen, Card) and self.screen.waiting else None
        screen = first_screen(self.root, self.folder, self.signed_in)
        asked = screen.take_over(shown) if shown is not None else ""
        self._show(screen)
        if asked == "submit":
            screen.submit()  # type: ignore[attr-defined]
        elif asked == "demo" and isinstance(screen, OwnerSetup):
            screen.demo()

    def signed_in(self, ctx: Context) -> None:
        from app.ui.login import Card

        if self.screen is not None:
            self.screen.destroy()
            self.screen = None
        # A card that replaced itself (owner setup → demo data → sign-in) is not self.screen:
        # left packed, a strip of it stayed above the main window's header (issue 18 §8).
        for child in self.root.winfo_children():
            if isinstance(child, Card):
                child.destroy()
        closed = self._apply_reply_rule(ctx)
        self.window = build(ctx, self.root)
        if closed:
            self.window.desk.notify(closed_by_rule_text(ctx, closed), "info")
        notice = self._certificate_notice(ctx)
        if notice:
            self.window.desk.notify(notice, "warning")
        self.root.title(window_title(ctx.settings.shop.name))  # a demo made at first run: say so
        self.window.desk.on("restored", self.after_restore)
        self.root.after(self.BACKUP_CHECK_MS, self._backup_tick)
        self.root.after(self.WARM_PRINT_MS, self._warm_printing)
        window = self.window
        self.root.after(self.PREBUILD_MS, lambda: window.winfo_exists() and window.prebuild_tabs())

    @staticmethod
    def _apply_reply_rule(ctx: Context) -> list[str]:
        """Close the returns whose customer stayed silent past the reply window (no service runs
        in the background: the rule catches up whenever someone signs in)."""
        from app.services.remedies.replies import apply_reply_rule

        try:
            return apply_reply_rule(ctx)
        except Exception:  # noqa: BLE001 - a rule that cannot run now never blocks sign-in
            log.exception("reply rule failed")
            return []

    @staticmethod
    def _certificate_notice(ctx: Context) -> str:
        """The owner sees in the status bar when the shop's certificate needs them (it ends
        within 60 days and cannot be renewed here, a new root is near, the server's copy cannot
        be opened); with a shop server this PC also takes a certificate another PC renewed."""
        from app.i18n.messages import describe
        from app.services.paper.certificates import sign_in_notice

        try:
            notice = sign_in_notice(ctx)
        except Exception:  # noqa: BLE001 - a notice never blocks sign-in
            log.exception("certificate notice failed")
            return ""
        return describe(notice) if notice is not None else ""

    def _warm_printing(self) -> None:
        """Fonts, forms and the signing key loaded on a worker thread once the window is up, so
        the first Ctrl+P is as quick as the tenth (0.6 s -> 0.08 s at first print)."""
        from app.services.paper.documents import warm_printing

        if self.window is None or not self.window.winfo_exists():
            return
        desk = self.window.desk
        desk.worker.submit(
            "warm-printing",
            lambda _progress: warm_printing(desk.ctx),
            lambda _result: None,
            lambda exc: log.warning("printing warm-up failed: %s", exc),
        )

    def after_restore(self) -> None:
        from app.ui.login import SignIn

        if self.window is not None:
            self.window.destroy()
            self.window = None
        self._show(SignIn(self.root, self.folder, self.signed_in))

    def _backup_tick(self) -> None:
        from app.services.safekeeping.backups import backup_if_due

        if self.window is None or not self.window.winfo_exists():
            return
        try:
            backup_if_due(self.window.desk.ctx)
        except Exception:  # noqa: BLE001 - a failed automatic backup is logged, work goes on
            log.exception("automatic backup failed")
        self.root.after(self.BACKUP_CHECK_MS, self._backup_tick)

    def close(self) -> None:
        from app.services.safekeeping.backups import backup_on_close
        from app.ui.placement import save_placement

        save_placement(self.root, self.folder)

        if self.window is not None:
            try:
                backup_on_close(self.window.desk.ctx)
            except Exception:  # noqa: BLE001 - closing must never be blocked by a backup
                log.exception("backup on close failed")
        self.root.destroy()


class ServerProblemScreen(ttk.Frame):
    """The shop's database server could not be used at start: say why, offer to try again or to
    correct the address (there is no database yet, so nothing else can be shown)."""

    def __init__(
        self, master: ttk.App, folder: Path, problem: DomainError, retry: Callable[[], object]
    ) -> None:
        from app.ui.login import Card
        from app.ui.server_panel import ServerPanel

        super().__init__(master)
        card = Card(self, _("The shop server cannot be used"), describe(problem))
        card.pack(fill="both", expand=True)
        self.card = card
        self.retry_button = ttk.Button(
            card.body, text=_("Try again"), bootstyle="primary", command=retry
        )
        self.retry_button.pack(anchor="w", pady=(0, 14))
        self.panel = ServerPanel(card.body, folder, wrap=420)
        self.panel.pack(anchor="w", fill="x")


class HeldScreen(ttk.Frame):
    """The database is not damaged but cannot be used now: another program holds it locked,
    or it lies on a read-only drive. Nothing is offered to replace it; try again later."""

    def __init__(
        self, master: ttk.App, folder: Path, health: object, retry: Callable[[], object]
    ) -> None:
        from app.ui.login import Card

        super().__init__(master)
        problem = getattr(health, "problem", "locked")
        title = (
            _("Another program holds the database")
            if problem == "locked"
            else _("The database is on a read-only drive")
        )
        from app.services.safekeeping.backups import held_error

        text = describe(held_error(health))  # type: ignore[arg-type]
        card = Card(self, title, text)
        card.pack(fill="both", expand=True)
        self.card = card
        self.retry_button = ttk.Button(
            card.body, text=_("Try again"), bootstyle="primary", command=retry
        )
        self.retry_button.pack(anchor="w")


class DamagedScreen(ttk.Frame):
    """The database failed its check at start: offer the newest good backup."""

    def __init__(self, master: ttk.App, folder: Path, health: object, then: object) -> None:
        from app.ui.login import Card

        super().__init__(master)
        self.folder, self.health, self.then = folder, health, then
        card = Card(
            self,
            _("The database is damaged"),
            _(
                "AfterDesk checked its database at start and found damage ({detail}). Nothing "
                "has been changed."
            ).format(detail=getattr(health, "detail", "") or "?"),
        )
        card.pack(fill="both", expand=True)
        self.card = card
        offer = getattr(health, "offer", None)
        if offer is not None:
            when = offer.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            ttk.Label(card.body, text=_("Newest good backup: {when}").format(when=when)).pack(
                anchor="w"
            )
            # Restoring replaces everything: only the owner may, damaged database or not.
            ttk.Label(card.body, text=_("Owner's sign-in name")).pack(anchor="w", pady=(10, 0))
            self.owner = ttk.Entry(card.body, width=24)
            self.owner.pack(anchor="w")
            ttk.Label(card.body, text=_("Owner's PIN")).pack(anchor="w", pady=(6, 0))
            self.pin = ttk.Entry(card.body, width=24, show="•")
            self.pin.pack(anchor="w")
            self.restore_button = ttk.Button(
                card.body,
                text=_("Restore this backup"),
                bootstyle="warning",
                command=self.restore,
            )
            self.restore_button.pack(anchor="e", pady=(10, 0))
        else:
            ttk.Label(
                card.body,
                text=_(
                    "No good backup was found. Copy the data folder and ask "
                    "for help; do not delete anything."
                ),
            ).pack(anchor="w")

    def restore(self) -> None:
        from app.services.safekeeping.backups import replace_damaged

        offer = getattr(self.health, "offer", None)
        try:
            replace_damaged(
                self.folder,
                offer.path,  # type: ignore[union-attr]
                self.owner.get(),
                self.pin.get(),
            )
        except DomainError as exc:
            self.pin.delete(0, "end")
            self.card.say(describe(exc))
            return
        self.then()  # type: ignore[operator]


def run(data_dir: Path | None, *, lang: str | None = None, check: StartCheck | None = None) -> int:
    """The program's window until it is closed. `check`: the start-up check of this folder's
    database, begun by the caller before this module was loaded."""
    from app.services.shop.setup import close_data_folder

    folder = paths.window_data_dir(data_dir)
    setup_log_file(paths.logs_dir(folder))
    from app.ui.placement import declare_dpi_aware, restore_placement

    declare_dpi_aware()  # before Tk exists, or Windows blurs the text at 125 %/150 %
    root = ttk.App(
        title=_("AfterDesk"), theme=theme_name("light"), size=(1360, 860), minsize=(1100, 700)
    )
    keep_to_itself(root)
    apply_fonts(root)
    apply_spacing(root)
    install(root, lambda text: log.error("window: %s", text))
    restore_placement(root, folder)
    try:
        session = Session(root, folder, lang, check)
        session.start()
        root.mainloop()
        if session.failure is not None:
            raise session.failure
    finally:
        close_data_folder()
    return 0
