"""Settings → Shop server: test, save and forget an address; a server down at start."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from app import paths
from app.services.safekeeping import server
from app.services.shop.context import Context
from tests.ui.conftest import pump

DOWN = "postgresql://shop@127.0.0.1:9/afterdesk"  # nothing listens on port 9: refused at once


def _wait_for(root: Any, label: Any, start: str, seconds: float = 20) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pump(root, 20)
        text = str(label.cget("text"))
        if text and text != start:
            return text
    raise AssertionError(f"still: {label.cget('text')}")


def test_the_server_section_tests_saves_and_forgets_an_address(
    window: Any, demo_ctx: Context
) -> None:
    tab = window.show_tab("settings")
    tab.nav_buttons["server"].invoke()
    pump(window.winfo_toplevel())
    panel = tab.server_panel
    assert panel.winfo_ismapped()
    assert tab.title.cget("text") == "Shop server (several PCs)"
    assert not tab.save_button.winfo_ismapped()  # the panel has its own Save
    assert panel.status.cget("text") == "This PC uses its own database."

    panel.address_var.set("not an address")
    panel.test_button.invoke()
    assert "is not a server address" in panel.status.cget("text")

    panel.address_var.set(DOWN)
    panel.test_button.invoke()
    connecting = panel.status.cget("text")
    assert connecting == "Connecting to 127.0.0.1:9…"
    text = _wait_for(window.winfo_toplevel(), panel.status, connecting)
    assert text.startswith("Cannot reach the shop's database server 127.0.0.1:9.")

    panel.save_button.invoke()  # refused the same way: nothing saved
    _wait_for(window.winfo_toplevel(), panel.status, panel.status.cget("text"))
    assert not paths.server_file(demo_ctx.data_dir).exists()

    server.save_address(demo_ctx.data_dir, server.parse_address(DOWN))
    panel.load()
    assert panel.address_var.get() == DOWN and panel.password_var.get() == ""
    panel.address_var.set("")
    panel.save_button.invoke()
    assert panel.status.cget("text") == "Saved: this PC uses its own database from the next start."
    assert not paths.server_file(demo_ctx.data_dir).exists()


def test_a_server_down_at_start_is_one_sentence_with_try_again(
    tk_root: Any, tmp_path: Path
) -> None:
    from app.ui.app import ServerProblemScreen, Session

    server.save_address(tmp_path, server.parse_address(DOWN))
    session = Session(tk_root, tmp_path, "en")
    try:
        session.start()
        pump(tk_root)
        screen = session.screen
        assert isinstance(screen, ServerProblemScreen)
        texts = [
            str(w.cget("text"))
            for w in screen.card.card.winfo_children()
            if w.winfo_class() == "TLabel"
        ]
        assert any(
            t.startswith("Cannot reach the shop's database server 127.0.0.1:9") for t in texts
        )
        assert screen.panel.address_var.get() == DOWN
        screen.retry_button.invoke()  # still down: the same screen again, no traceback
        pump(tk_root)
        assert isinstance(session.screen, ServerProblemScreen)
        assert not paths.db_path(tmp_path).exists()
    finally:
        for child in list(tk_root.winfo_children()):
            child.destroy()
        pump(tk_root)
