"""The single window: header with search, tabs, status bar. Wires tabs to the Desk."""

from __future__ import annotations

import calendar
import tkinter as tk
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import import_module
from typing import Any

import ttkbootstrap as ttk

from app.i18n import N_, _
from app.services.casework.cases import count_cases, show_case
from app.services.casework.views import CaseDetail
from app.ui.commands import LABELS, Command, CommandTable
from app.ui.desk import Desk, Message
from app.ui.theme import apply_spacing, theme_name
from app.ui.widgets.scrolling import ScrollFrame
from app.ui.worker import Latest

# (id, module, class, label): the order is the tab order.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("intake", "app.ui.tabs.intake", "IntakeTab", N_("Intake")),
    ("repairs", "app.ui.tabs.repairs", "RepairsTab", N_("Repairs")),
    ("returns", "app.ui.tabs.returns", "ReturnsTab", N_("Returns")),
    ("cases", "app.ui.tabs.cases", "CasesTab", N_("All cases")),
    ("forms", "app.ui.tabs.printing", "PrintingTab", N_("Print")),
    ("reports", "app.ui.tabs.reports", "ReportsTab", N_("Reports")),
    ("lists", "app.ui.tabs.lists", "ListsTab", N_("Lists")),
    ("settings", "app.ui.tabs.settings", "SettingsTab", N_("Settings")),
)


class LazyTabs(Mapping[str, Any]):
    """Tab id → tab, each built (module imported, widgets made) the first time it is asked for.

    The notebook holds an empty page per tab; the tab is packed into its page when built. Only
    the tab in front is built at start: building all seven took most of a second. Each page is
    a ScrollFrame, so a tab taller than a 1366×728 window scrolls instead of being cut off; a tab
    that scrolls its own parts says so with ``scrolls_itself = True``.
    """

    def __init__(self, notebook: ttk.Notebook, desk: Desk) -> None:
        self.notebook = notebook
        self.desk = desk
        self.pages: dict[str, ttk.Frame] = {}
        self._specs: dict[str, tuple[str, str]] = {}
        self._built: dict[str, Any] = {}

    def add(self, tab_id: str, module: str, cls: str, text: str) -> None:
        page = ttk.Frame(self.notebook)
        page.scroll = None  # type: ignore[attr-defined]  # made with the tab
        self.notebook.add(page, text=f"  {text}  ")
        self.pages[tab_id] = page
        self._specs[tab_id] = (module, cls)

    def tab_class(self, tab_id: str) -> type:
        module, cls = self._specs[tab_id]
        return getattr(import_module(module), cls)

    def is_built(self, tab_id: str) -> bool:
        return tab_id in self._built

    def id_of_page(self, page_name: str) -> str | None:
        return next((i for i, p in self.pages.items() if str(p) == page_name), None)

    def __getitem__(self, tab_id: str) -> Any:
        if tab_id not in self._built:
            if tab_id not in self._specs:
                raise KeyError(tab_id)
            cls = self.tab_class(tab_id)
            page = self.pages[tab_id]
            holder: tk.Misc = page
            if not getattr(cls, "scrolls_itself", False):
                page.scroll = ScrollFrame(page)  # type: ignore[attr-defined]
                page.scroll.pack(fill="both", expand=True)  # type: ignore[attr-defined]
                shown = self._shown_page()
                if shown is not None:  # every page gets the same room
                    page.scroll.presize(shown.winfo_width(), shown.winfo_height())  # type: ignore[attr-defined]
                holder = page.scroll.interior  # type: ignore[attr-defined]
            frame = cls(holder, self.desk)
            frame.pack(fill="both", expand=True)
            self._built[tab_id] = frame
        return self._built[tab_id]

    def _shown_page(self) -> tk.Misc | None:
        try:
            page = self.notebook.nametowidget(self.notebook.select())
        except (KeyError, tk.TclError):
            return None
        return page if page.winfo_ismapped() else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


_LEVEL_STYLE = {"info": "secondary", "success": "success", "warning": "warning", "danger": "danger"}


def _banner_facts(ctx: Any, summary: bool) -> tuple[int, list[str], Any, bool]:
    """What the banners show, in one request of their reader thread: the number of cases (none:
    the welcome), the accounts on the demo PIN, the summary's offer when asked for, and whether
    demo data may still go in (not into a live shop: its owner has a PIN)."""
    from app.services.paper.delivery import summary_offer
    from app.services.shop.accounts import demo_pins_in_use
    from app.services.shop.demo_folder import demo_allowed

    cases = count_cases(ctx)
    offer = summary_offer(ctx) if summary else None
    if offer is not None and not _had_cases_before(ctx, offer):
        offer = None  # the shop's first month: there is no last month to report on
    return cases, demo_pins_in_use(), offer, cases == 0 and demo_allowed()


def _had_cases_before(ctx: Any, offer: Any) -> bool:
    """Whether any case was taken by the end of the offered month (a shop that started on the
    program this month is not told to print an empty summary)."""
    from app.services.casework.cases import CaseFilter

    last = date(offer.year, offer.month, calendar.monthrange(offer.year, offer.month)[1])
    return count_cases(ctx, CaseFilter(date_to=last)) > 0


WELCOME_DEMO = N_(
    "Welcome to AfterDesk. The database is empty: take a first intake, or load realistic demo "
    "data to look around."
)
WELCOME_SHOP = N_(
    "Welcome to AfterDesk. No case yet: take the first intake when a customer comes in. The "
    "shop's products, spare parts, suppliers and customers are kept under Lists."
)


class MainWindow(ttk.Frame):
    def __init__(self, root: tk.Misc, desk: Desk) -> None:
        super().__init__(root)
        self.root = root
        self.desk = desk
        self.tabs: LazyTabs
        self.commands = CommandTable()
        # The banners' facts (is the database empty, who still has the demo PIN, is last
        # month's summary due) are read after every change: on a reader, never on Tk's thread.
        self.banner_reader = Latest(self, "banners")
        self._summary_due = True  # the summary's offer is read with the next banners' read
        self._build_header()
        self._build_banner()
        self._build_demo_banner()
        self._build_summary_banner()
        self._build_status()  # before the tabs: packed first, it is never pushed off the window
        self._build_tabs()
        self._build_commands()
        self.opener = Latest(self, "open")
        desk.on("open", self.open_record)
        desk.on("print", self.print_record)
        desk.on("message", self._show_message)
        desk.on("busy", self._busy)
        desk.on("changed", self._update_banner)
        self._update_banner()
        self.desk.on("context", lambda _ctx: self._update_summary_banner())
        self.desk.on("report_made", self._update_summary_banner)  # made: the offer goes
        from app.ui.lock import IdleLock
        from app.ui.scanner import ScanDetector

        self.scanner = ScanDetector(root, desk, owner=self)

        self.idle_lock = IdleLock(
            root, desk, lambda: desk.ctx.settings.ui.idle_lock_minutes, owner=self
        )

    # --- building --------------------------------------------------------------------------

    def _build_header(self) -> None:
        from app.ui.widgets.search import SearchBox

        bar = ttk.Frame(self, padding=(12, 8), bootstyle="primary")
        bar.pack(fill="x")
        ttk.Label(
            bar,
            text=_("AfterDesk"),
            bootstyle="@primary",
            font=("TkDefaultFont", 15, "bold"),
        ).pack(side="left")
        self.shop_label = ttk.Label(
            bar,
            text=self.desk.ctx.settings.shop.name,
            bootstyle="@primary",
            font=("TkDefaultFont", 11),
        )
        self.shop_label.pack(side="left", padx=(12, 20))
        self.search = SearchBox(bar, self.desk)
        self.search.pack(side="left", fill="x", expand=True, padx=(0, 20))
        self.help_button = ttk.Button(
            bar, text=_("Shortcuts (F1)"), bootstyle="light", command=self.show_help
        )
        self.help_button.pack(side="right")
        self.theme_button = ttk.Button(
            bar, text=_("Light/Dark"), bootstyle="light", command=self.toggle_theme
        )
        self.theme_button.pack(side="right", padx=(0, 8))
        self.user_label = ttk.Menubutton(bar, bootstyle="light")
        self.user_label.pack(side="right", padx=(0, 8))
        self.account_menu = tk.Menu(self.user_label, tearoff=False)
        self.user_label.configure(menu=self.account_menu)
        self._build_account_menu()
        self._show_user()
        self.desk.on("context", lambda _ctx: self._show_user())

    def _show_user(self) -> None:
        from app.i18n.labels import ROLES, label

        actor = self.desk.ctx.actor
        self.user_label.configure(text=f"{actor.display_name} · {label(ROLES, actor.role)}")
        self.shop_label.configure(text=self.desk.ctx.settings.shop.name)
        if hasattr(self, "demo_banner"):
            self._update_demo_banner()

    def _build_account_menu(self) -> None:
        m = self.account_menu
        m.add_command(label=_("Change my PIN…"), command=self.change_my_pin)
        m.add_command(label=_("Staff accounts…"), command=self.open_staff)
        m.add_separator()
        m.add_command(label=_("Lock now"), accelerator="Ctrl+L", command=self.lock_now)
        m.add_command(label=_("Switch user…"), command=self.lock_now)
        m.add_separator()
        m.add_command(label=_("Backups…"), command=self.open_backups)
        m.add_command(label=_("Customer data (privacy)…"), command=self.open_customer_data)

    def change_my_pin(self) -> object:
        from app.ui import account

        return account.change_pin(self, self.desk)

    def open_customer_data(self) -> object:
        from app.ui import account

        return account.customer_data(self, self.desk)

    def open_staff(self) -> object:
        from app.services.shop.permissions import Action
        from app.ui import account

        return account.with_owner(
            self, self.desk, Action.USERS, lambda ctx: account.StaffDialog(self, self.desk, ctx)
        )

    def open_backups(self) -> object:
        from app.ui import account

        self.backup_dialog = account.BackupDialog(self, self.desk, self.restored)
        return self.backup_dialog

    def restored(self) -> None:
        """After a restore the records, settings and accounts are the backup's: sign in again."""
        self.desk.emit("restored")

    def lock_now(self) -> object:
        return self.idle_lock.lock()

    def _build_demo_banner(self) -> None:
        self.demo_banner = ttk.Frame(self, padding=(12, 6), bootstyle="warning")
        self.demo_text = ttk.Label(self.demo_banner, bootstyle="@warning")
        self.demo_text.pack(side="left")
        ttk.Button(
            self.demo_banner,
            text=_("Change my PIN"),
            bootstyle="light",
            command=self.change_my_pin,
        ).pack(side="right")

    def _update_demo_banner(self) -> None:
        """Read again who still has the demo PIN (the banner follows when the answer comes)."""
        self._update_banner()

    def _show_demo_banner(self, names: list[str]) -> None:
        if names:
            self.demo_text.configure(
                text=_(
                    "These accounts still use the demo PIN 123456: {names}. Change them before "
                    "real use (Account menu → Change my PIN / Staff accounts)."
                ).format(names=", ".join(names))
            )
            if not self.demo_banner.winfo_ismapped():
                self.demo_banner.pack(fill="x", after=self.header_anchor())
        else:
            self.demo_banner.pack_forget()
        if hasattr(self, "summary_banner"):
            self._place_summary_banner()

    def _build_summary_banner(self) -> None:
        """'Last month's summary is ready': shown to the owner on the 1st–5th (003: the monthly
        figures by the 5th) until it was made; the service decides when."""
        self.summary_banner = ttk.Frame(self, padding=(12, 6), bootstyle="success")
        self.summary_text = ttk.Label(self.summary_banner, bootstyle="@success")
        self.summary_text.pack(side="left")
        ttk.Button(
            self.summary_banner, text=_("Later"), bootstyle="link", command=self.hide_summary
        ).pack(side="right")
        self.summary_button = ttk.Button(
            self.summary_banner,
            text=_("Open the summary"),
            bootstyle="light",
            command=self.open_offered_summary,
        )
        self.summary_button.pack(side="right", padx=(0, 6))
        self.summary_offer: Any = None

    def _update_summary_banner(self) -> None:
        """Read again whether last month's summary is due (shown when the answer comes)."""
        self._summary_due = True
        self._update_banner()

    def _show_summary_banner(self, offer: Any) -> None:
        self.summary_offer = offer
        if self.summary_offer is not None:
            self.summary_text.configure(
                text=_(
                    "Last month's summary ({month}) is ready: print it and send it to QC, "
                    "technical, sales and management by the 5th."
                ).format(month=self.summary_offer.label)
            )
        self._place_summary_banner()

    def _place_summary_banner(self) -> None:
        """One banner at a time fits a 1366×768 counter screen: the demo-PIN warning (security)
        goes first; the summary's offer then waits in the status bar until it is gone."""
        if self.summary_offer is None:
            self.summary_banner.pack_forget()
        elif self.demo_banner.winfo_manager():
            self.summary_banner.pack_forget()
            if not getattr(self, "_offer_said", False):  # said once, not after every change
                self._offer_said = True
                self.desk.notify(self.summary_text.cget("text"), "info")
        elif not self.summary_banner.winfo_ismapped():
            self.summary_banner.pack(fill="x", after=self.header_anchor())

    def hide_summary(self) -> None:
        self.summary_banner.pack_forget()
        self.summary_offer = None

    def open_offered_summary(self) -> None:
        """The Reports tab on last month, then its print preview (printing makes the signed
        copy, and the offer goes away)."""
        offer = self.summary_offer
        if offer is None:
            return
        tab = self.show_tab("reports")
        tab.set_month(offer.year, offer.month)
        self.hide_summary()
        tab.ask_print()

    def _build_banner(self) -> None:
        self.banner = ttk.Frame(self, padding=(12, 8), bootstyle="info")
        self.banner_text = ttk.Label(self.banner, text=_(WELCOME_DEMO), bootstyle="@info")
        self.banner_text.pack(side="left")
        self.demo_button = ttk.Button(
            self.banner, text=_("Load demo data"), bootstyle="light", command=self.load_demo
        )
        self.demo_button.pack(side="right")

    def _update_banner(self) -> None:
        """Read the banners' facts on their reader; each banner follows when they arrive. The
        summary's offer is read only when asked (sign-in, a summary made), so "Later" holds
        until then."""
        summary = self._summary_due
        self.desk.read_later(
            self.banner_reader,
            _banner_facts,
            summary,
            then=lambda facts: self._show_banners(summary, *facts),
        )

    def _show_banners(
        self, summary: bool, cases: int, pins: list[str], offer: Any, demo: bool = True
    ) -> None:
        if not self.winfo_exists():
            return
        self._show_empty_banner(cases == 0, demo)
        if summary:
            self._summary_due = False
            self._show_summary_banner(offer)
        self._show_demo_banner(pins)  # then places the summary's banner: one banner at a time

    def _show_empty_banner(self, empty: bool, demo: bool = True) -> None:
        """The welcome while there is no case. Demo data is offered only where it may go: a
        live shop (its owner set up, its lists perhaps filled in) is shown where to start."""
        self.banner_text.configure(text=_(WELCOME_DEMO if demo else WELCOME_SHOP))
        if demo and not self.demo_button.winfo_manager():
            self.demo_button.pack(side="right")
        elif not demo:
            self.demo_button.pack_forget()
        if empty and not self.banner.winfo_ismapped():
            self.banner.pack(fill="x", after=self.header_anchor())
        elif not empty:
            self.banner.pack_forget()

    def header_anchor(self) -> tk.Widget:
        return self.winfo_children()[0]

    def _build_tabs(self) -> None:
        self.notebook = ttk.Notebook(self, padding=(8, 6))
        self.notebook.pack(fill="both", expand=True)
        self.notebook.bind("<<NotebookTabChanged>>", self._tab_shown, add="+")
        self.tabs = LazyTabs(self.notebook, self.desk)
        for tab_id, module, cls, text in TABS:
            self.tabs.add(tab_id, module, cls, _(text))
        self.tabs[TABS[0][0]]  # the one in front

    def _build_status(self) -> None:
        bar = ttk.Frame(self, padding=(10, 4))
        bar.pack(fill="x", side="bottom")
        self.status = ttk.Label(bar, text=_("Ready."), bootstyle="secondary")
        self.status.pack(side="left", fill="x", expand=True)
        self._status_bar = bar
        self._progress_bar: ttk.Progressbar | None = None  # made when a first long job runs
        self.folder_label = ttk.Label(
            bar, text=str(self.desk.data_dir), bootstyle="secondary", font=("TkDefaultFont", 8)
        )
        self.folder_label.pack(side="right")
        self.desk.worker.on_progress(self._progress)

    def _build_commands(self) -> None:
        t = self.commands
        t.add(Command("search", LABELS["search"], "<Control-f>", "Ctrl+F", self.search.focus))
        t.add(
            Command("save", LABELS["save"], "<Control-s>", "Ctrl+S", lambda: self._tab_call("save"))
        )
        t.add(
            Command(
                "save_print",
                LABELS["save_print"],
                "<Control-Shift-KeyPress-S>",
                "Ctrl+Shift+S",
                lambda: self._tab_call("save_and_print"),
            )
        )
        t.add(
            Command(
                "print",
                LABELS["print"],
                "<Control-p>",
                "Ctrl+P",
                lambda: self._tab_call("print_current"),
            )
        )
        t.add(Command("new_intake", LABELS["new_intake"], "<Control-n>", "Ctrl+N", self.new_intake))
        t.add(Command("refresh", LABELS["refresh"], "<F5>", "F5", self.desk.changed))
        t.add(Command("theme", LABELS["theme"], "<Control-t>", "Ctrl+T", self.toggle_theme))
        t.add(Command("help", LABELS["help"], "<F1>", "F1", self.show_help))
        t.add(Command("lock", LABELS["lock"], "<Control-l>", "Ctrl+L", self.lock_now))
        t.add(
            Command(
                "tab_1", LABELS["tab_1"], "<Control-Key-1>", "Ctrl+1…8", lambda: self.select_tab(0)
            )
        )
        for i in range(2, len(TABS) + 1):
            t.add(
                Command(
                    f"tab_{i}",
                    LABELS["tab_1"],
                    f"<Control-Key-{i}>",
                    "",
                    lambda i=i: self.select_tab(i - 1),
                )
            )
        t.add(Command("escape", LABELS["escape"], "<Escape>", "Esc", self.search.close))
        t.bind(self.root)

    # --- behaviour -------------------------------------------------------------------------

    def _tab_call(self, method: str) -> Any:
        tab = self.current_tab()
        fn = getattr(tab, method, None)
        return fn() if callable(fn) else None

    def current_tab(self) -> Any:
        tab_id = self.tabs.id_of_page(self.notebook.select())
        return self.tabs[tab_id] if tab_id else None

    def select_tab(self, index: int) -> None:
        pages = list(self.tabs.pages.values())
        if 0 <= index < len(pages):
            self.notebook.select(pages[index])

    #: Between two tabs built ahead: the window answers keys and clicks in between.
    PREBUILD_GAP_MS = 40

    def prebuild_tabs(self) -> None:
        """Build the tabs not shown yet, one per turn of the event loop, once the window is up.

        A tab's first show costs its widgets and their layout (90-190 ms at the counter PC's
        size); built ahead while the clerk has not clicked yet, a first click only brings it to
        the front (~40 ms). Building reads nothing: each tab reads its lists when shown."""
        if not self.winfo_exists():
            return
        waiting = [t for t in self.tabs if not self.tabs.is_built(t)]
        if not waiting:
            return
        self.tabs[waiting[0]]
        if len(waiting) > 1:
            self.root.after(self.PREBUILD_GAP_MS, lambda: self.root.after_idle(self.prebuild_tabs))

    def show_tab(self, tab_id: str) -> Any:
        tab = self.tabs[tab_id]
        self.notebook.select(self.tabs.pages[tab_id])
        self._tab_shown()
        return tab

    def _tab_shown(self, _event: object = None) -> None:
        """Let a tab that works lazily fill itself when it comes to the front."""
        shown = getattr(self.current_tab(), "on_shown", None)
        if callable(shown):
            shown()

    def new_intake(self) -> None:
        if "intake" in self.tabs:
            tab = self.show_tab("intake")
            if hasattr(tab, "new"):
                tab.new()

    def open_record(self, number: str) -> None:
        """Read the record on a reader thread, then show it in the tab that owns its kind (a
        second open before the first arrived wins)."""
        self.desk.read_later(self.opener, show_case, number, then=self._opened)

    def _opened(self, d: CaseDetail) -> None:
        for tab_id in self.tabs:
            owns = getattr(self.tabs.tab_class(tab_id), "owns", None)
            if callable(owns) and owns(d.kind):
                self.show_tab(tab_id).show_record(d.number, d)
                return
        if "cases" in self.tabs:  # every kind can be shown in the list of all cases
            self.show_tab("cases").show_record(d.number, d)

    def print_record(self, number: str, form: str) -> None:
        """Show the Print tab with a record's slip chosen and previewed."""
        if "forms" not in self.tabs:
            return
        tab = self.show_tab("forms")
        tab.set_form(form)
        tab.set_number(number)
        tab.preview()

    def _show_message(self, message: Message) -> None:
        self.status.configure(
            text=message.text, bootstyle=_LEVEL_STYLE.get(message.level, "secondary")
        )

    def _busy(self, name: str, busy: bool) -> None:
        if busy:
            self.progress.pack(side="right", padx=(8, 8))
            self.progress.configure(mode="indeterminate")
            self.progress.start(12)
        elif not self.desk.worker.running and self._progress_bar is not None:
            self.progress.stop()
            self.progress.pack_forget()

    @property
    def progress(self) -> ttk.Progressbar:
        """The status bar's progress bar (its style is built when first needed, not at start)."""
        if self._progress_bar is None:
            self._progress_bar = ttk.Progressbar(
                self._status_bar, length=180, mode="indeterminate", bootstyle="info"
            )
        return self._progress_bar

    def _progress(self, fraction: float, text: str) -> None:
        self.progress.stop()
        self.progress.configure(mode="determinate", maximum=1.0, value=fraction)
        if text:
            self.status.configure(text=text, bootstyle="secondary")

    def toggle_theme(self) -> str:
        style = ttk.Style.get_instance()
        mode = "dark" if style.theme_mode == "light" else "light"
        style.theme_use(theme_name(mode))
        apply_spacing(self.root)
        self.desk.emit("theme", mode)
        return mode

    def show_help(self) -> tk.Toplevel:
        from app.ui.help import ShortcutsDialog

        self.help_dialog = ShortcutsDialog(self, self.commands.rows())
        return self.help_dialog

    def load_demo(self) -> None:
        from app.demo import make_demo

        self.demo_button.configure(state="disabled")
        ctx = self.desk.ctx

        def work(progress: Any) -> Any:
            progress(0.05, _("Writing demo data…"))
            return make_demo(ctx)

        def done(summary: Any) -> None:
            self.desk.notify(
                _("Demo data ready: {cases} cases, {customers} customers.").format(**summary),
                "success",
            )
            self.desk.changed()

        self.desk.run_long("demo", work, done)
