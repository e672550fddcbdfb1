"""DPI awareness on Windows (a stand-in for ctypes.windll) and the window's remembered place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.ui.placement import (
    declare_dpi_aware,
    load_placement,
    restore_placement,
    save_placement,
)
from tests.ui.conftest import end_session, pump


class FakeFunction:
    def __init__(self, log: list[str], name: str, result: Any = 0, missing: bool = False) -> None:
        self.log, self.name, self.result, self.missing = log, name, result, missing

    def __call__(self, *args: Any) -> Any:
        self.log.append(f"{self.name}{args}")
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class FakeDll:
    def __init__(self, **functions: FakeFunction) -> None:
        self.__dict__.update(functions)


class FakeWindll:
    """What ctypes.windll offers: DLLs as attributes, functions as their attributes; a missing
    function raises AttributeError as ctypes does."""

    def __init__(self, shcore: FakeDll | None, user32: FakeDll) -> None:
        if shcore is not None:
            self.shcore = shcore
        self.user32 = user32


def test_windows_declares_per_monitor_dpi_awareness_first() -> None:
    log: list[str] = []
    windll = FakeWindll(
        FakeDll(SetProcessDpiAwareness=FakeFunction(log, "shcore.SetProcessDpiAwareness")),
        FakeDll(SetProcessDPIAware=FakeFunction(log, "user32.SetProcessDPIAware", 1)),
    )
    assert declare_dpi_aware(windll, platform="win32") == "shcore"
    assert log == ["shcore.SetProcessDpiAwareness(2,)"]


def test_older_windows_falls_back_to_set_process_dpi_aware() -> None:
    log: list[str] = []
    windll = FakeWindll(None, FakeDll(SetProcessDPIAware=FakeFunction(log, "user32", 1)))
    assert declare_dpi_aware(windll, platform="win32") == "user32"
    assert log == ["user32()"]


def test_a_failing_shcore_call_falls_back_too() -> None:
    log: list[str] = []
    windll = FakeWindll(
        FakeDll(SetProcessDpiAwareness=FakeFunction(log, "shcore", OSError("denied"))),
        FakeDll(SetProcessDPIAware=FakeFunction(log, "user32", 1)),
    )
    assert declare_dpi_aware(windll, platform="win32") == "user32"


def test_already_aware_by_manifest_counts_as_done() -> None:
    log: list[str] = []
    windll = FakeWindll(
        FakeDll(SetProcessDpiAwareness=FakeFunction(log, "shcore", -2147024891)),
        FakeDll(SetProcessDPIAware=FakeFunction(log, "user32", 1)),
    )
    assert declare_dpi_aware(windll, platform="win32") == "shcore"
    assert log == ["shcore(2,)"]


def test_nothing_available_or_not_windows_is_quietly_nothing() -> None:
    log: list[str] = []
    assert declare_dpi_aware(FakeWindll(None, FakeDll()), platform="win32") == ""
    windll = FakeWindll(None, FakeDll(SetProcessDPIAware=FakeFunction(log, "user32", 1)))
    assert declare_dpi_aware(windll, platform="linux") == ""
    assert log == []
    assert declare_dpi_aware() == ""  # this test machine is not Windows


def test_first_run_opens_maximised_then_the_remembered_size(tk_root: Any, tmp_path: Path) -> None:
    root = tk_root
    try:
        assert restore_placement(root, tmp_path) == "maximised"
        pump(root, 50)
        root.wm_attributes("-zoomed", False)
        root.geometry("1200x700+30+20")
        pump(root, 100)
        save_placement(root, tmp_path)
        saved = load_placement(tmp_path)
        assert saved is not None and saved["geometry"].startswith("1200x700")
        assert saved["zoomed"] is False
        # the next start opens at that size
        root.geometry("1360x860+0+0")
        pump(root, 100)
        assert restore_placement(root, tmp_path) == "restored"
        pump(root, 100)
        assert (root.winfo_width(), root.winfo_height()) == (1200, 700)
        # a size larger than this screen (an unplugged monitor) is brought back onto it
        (tmp_path / "window.json").write_text(json.dumps({"geometry": "5000x4000+4000+3000"}))
        restore_placement(root, tmp_path)
        pump(root, 100)
        assert root.winfo_width() <= root.winfo_screenwidth()
        # a damaged file is a first run
        (tmp_path / "window.json").write_text("{not json")
        assert load_placement(tmp_path) is None
    finally:
        root.wm_attributes("-zoomed", False)
        root.geometry("1360x860+0+0")
        pump(root, 50)


def test_no_strip_of_the_sign_in_card_stays_above_the_window(
    tk_root: Any, tmp_path: Path, ctx: Any
) -> None:
    """Issue 18 §8: after owner setup → demo data → sign-in, the sign-in card (made by the setup
    card, not by the session) stayed packed above the main window's header."""
    from app.ui.app import Session
    from app.ui.login import Card, OwnerSetup, SignIn

    session = Session(tk_root, ctx.data_dir, None)
    try:
        session.screen = OwnerSetup(tk_root, ctx.data_dir, session.signed_in)
        session.screen.pack(fill="both", expand=True)
        # what OwnerSetup.demo does when the demo data is written: replaces itself
        session.screen.destroy()
        SignIn(tk_root, ctx.data_dir, session.signed_in).pack(fill="both", expand=True)
        pump(tk_root)
        session.signed_in(ctx)
        pump(tk_root)
        assert not [c for c in tk_root.winfo_children() if isinstance(c, Card)]
        assert session.window is not None and session.window.winfo_ismapped()
    finally:
        end_session(tk_root, session)
