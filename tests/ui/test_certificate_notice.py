"""Issue 19 §7: the owner sees in the status bar, at sign-in, when the shop's signing
certificate ends within 60 days and cannot be renewed on this PC (an imported one)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from app.documents import shop_identity
from tests.ui.conftest import end_session, pump


def test_the_owner_sees_the_certificate_warning_in_the_status_bar_at_sign_in(
    tk_root: Any, ctx: Any, tmp_path: Path
) -> None:
    from app.ui.app import Session

    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 365 - 30)  # ends in 30 days
    shop_identity.ensure_identity(ctx.data_dir, ctx.settings.shop.name, now=past)
    (shop_identity.keys_dir(ctx.data_dir) / shop_identity.ROOT_KEY).unlink()  # as imported
    session = Session(tk_root, ctx.data_dir, None)
    try:
        session.signed_in(ctx)
        pump(tk_root, 200)
        assert session.window is not None
        text = str(session.window.status.cget("text"))
        assert "expires within 60 days" in text, text
        shot = os.environ.get("AFTERDESK_SHOT_DIR")
        if shot:  # a look at it: AFTERDESK_SHOT_DIR=/tmp python -m pytest …
            from PIL import ImageGrab

            root = session.window.winfo_toplevel()
            x, y = root.winfo_rootx(), root.winfo_rooty()
            w, h = root.winfo_width(), root.winfo_height()
            image = ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=os.environ["DISPLAY"])
            image.save(Path(shot) / "certificate_notice.png")
    finally:
        end_session(tk_root, session)


def test_after_sign_in_the_other_tabs_are_built_ahead(
    tk_root: Any, ctx: Any, monkeypatch: Any
) -> None:
    """Issue 20 §5: a clerk's first click on a tab only brings it to the front."""
    from app.ui.app import Session

    monkeypatch.setattr(Session, "PREBUILD_MS", 50)
    session = Session(tk_root, ctx.data_dir, None)
    try:
        session.signed_in(ctx)
        window = session.window
        assert window is not None
        end = time.monotonic() + 30
        while not all(window.tabs.is_built(t) for t in window.tabs):
            assert time.monotonic() < end, "the tabs were not built ahead"
            pump(tk_root, 20)
    finally:
        end_session(tk_root, session)
