"""Early in the month the owner's window says last month's summary is ready and opens it; the
Reports tab sends the signed summary to every recipient's folder (003)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.services.casework.rules import update_settings
from app.services.shop.context import Context
from app.store.models import User
from tests.conftest import Clock
from tests.ui.conftest import pump
from tests.ui.test_reports_ui import _wait_for_worker


def test_the_owner_is_offered_last_months_summary_and_it_opens(
    window: Any, demo_ctx: Context, clock: Clock
) -> None:
    # The demo's clock: Monday 2 March 2026 — February's summary is due by the 5th. While the
    # demo PINs are in use their warning has the one banner row; the offer waits in the status.
    assert window.demo_banner.winfo_ismapped() and not window.summary_banner.winfo_ismapped()
    User.update(demo_pin=False).execute()  # a real shop: the PINs were changed
    window._update_demo_banner()
    pump(window.root)
    assert window.summary_banner.winfo_ismapped()
    assert "2026-02" in window.summary_text.cget("text")
    _screenshot(window, "summary_offer.png")
    window.summary_button.invoke()
    pump(window.root)
    tab = window.current_tab()
    assert (tab.year, tab.month) == (2026, 2)
    assert not window.summary_banner.winfo_ismapped()
    _wait_for_worker(window)
    assert tab.last_file is not None and "report_2026-02_" in tab.last_file.name
    window.root.after(0, tab.print_dialog.destroy)
    pump(window.root)
    # Made: the next sign-in says nothing; on the 6th nothing either.
    window._update_summary_banner()
    pump(window.root)
    assert not window.summary_banner.winfo_ismapped()


def test_no_offer_after_the_5th(window: Any, demo_ctx: Context, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # 6 March 00:30 in Shanghai
    window._update_summary_banner()
    pump(window.root)
    assert not window.summary_banner.winfo_ismapped()


def test_send_to_recipients_from_the_reports_tab(
    window: Any, demo_ctx: Context, tmp_path: Path
) -> None:
    folders = {c: tmp_path / c for c in ("qc", "technical", "sales", "management")}
    for f in folders.values():
        f.mkdir()
    window.desk.with_settings(
        update_settings(demo_ctx, {f"report.folder_{c}": str(f) for c, f in folders.items()})
    )
    tab = window.show_tab("reports")
    tab.prev_button.invoke()
    pump(window.root)
    tab.send_button.invoke()
    _wait_for_worker(window)
    kept = tab.last_file.read_bytes()
    for f in folders.values():
        (copy,) = f.iterdir()
        assert copy.read_bytes() == kept
    assert "copied to" in window.status.cget("text")
    assert not window.summary_banner.winfo_ismapped()  # February's summary is made now
    _screenshot(window, "reports_send.png")


def _screenshot(window: Any, name: str) -> None:
    """Opt-in (AFTERDESK_SHOT_DIR): the screen as the owner sees it, to look at by eye."""
    import os
    import subprocess

    folder = os.environ.get("AFTERDESK_SHOT_DIR")
    if folder:
        pump(window.root, 300)
        subprocess.run(["import", "-window", "root", str(Path(folder) / name)], check=False)
