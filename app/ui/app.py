"""Start the window: open the data folder, pick language and theme, build the main window."""

from __future__ import annotations

from pathlib import Path

import ttkbootstrap as ttk

from app import i18n, paths
from app.i18n import _
from app.services.context import Context
from app.ui.desk import Desk
from app.ui.errors import install, setup_log_file
from app.ui.main_window import MainWindow
from app.ui.theme import apply_fonts, apply_spacing, theme_name


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
    desk = Desk(root, ctx)
    install(root, lambda text: desk.notify(text, "danger"))
    window = MainWindow(root, desk)
    window.pack(fill="both", expand=True)
    return window


def start_language(lang: str | None, setting: str) -> str:
    """--lang wins; else the ui.language setting; else the system's language. Returns it."""
    return i18n.setup(lang or setting or None)


def run(data_dir: Path | None, *, lang: str | None = None) -> int:
    from app.services.setup import close_data_folder, context_for, open_data_folder

    folder = open_data_folder(data_dir)
    setup_log_file(paths.logs_dir(folder))
    try:
        ctx = context_for(folder)
        start_language(lang, ctx.settings.ui.language)
        window = build(ctx)
        root = window.root
        root.mainloop()
    finally:
        close_data_folder()
    return 0
