"""`main.py selftest`: every check passes on a sound installation; a broken one fails loudly.

The selftest works in a temporary folder of its own: these tests point the user's data folder,
home and temp folder at empty places and check that it wrote nothing there (and left nothing).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.cli import main
from tests.build import x_display

# The selftest always checks a fresh local SQLite folder, whatever the shop's backend.
pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[2]
CHECKS = (
    "database",
    "time zone",
    "demo data",
    "sign-in",
    "font",
    "forms",
    "signature",
    "monthly report",
    "translations",
    "window",
)


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a run whose real data folder, home and temp folder we can watch."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERDESK_")}
    for name in ("real-data", "home", "tmp"):
        (tmp_path / name).mkdir()
    env.update(
        AFTERDESK_DATA_DIR=str(tmp_path / "real-data"),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
        TMPDIR=str(tmp_path / "tmp"),
        PYTHONIOENCODING="utf-8",
        PYTHONUTF8="1",
    )
    return env


def assert_left_nothing(tmp_path: Path) -> None:
    for name in ("real-data", "home", "tmp"):
        assert list((tmp_path / name).iterdir()) == [], name


def check_lines(out: str) -> dict[str, str]:
    """{check name: the rest of its line}; every line is one check, every check says ok."""
    lines = out.splitlines()
    assert [line.split(":", 1)[0].split(None, 1)[1] for line in lines] == list(CHECKS), out
    bad = [line for line in lines if not line.startswith("ok  ")]
    assert bad == [], out
    return {line.split(":", 1)[0][4:]: line.split(":", 1)[1].strip() for line in lines}


def test_selftest_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    with x_display() as display:
        env["DISPLAY"] = display
        proc = subprocess.run(
            [sys.executable, "main.py", "--lang", "en", "selftest"],
            cwd=REPO,
            env=env,
            capture_output=True,
            encoding="utf-8",
            timeout=300,
            check=False,
        )
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stdout + proc.stderr
    lines = check_lines(proc.stdout)
    assert lines["database"] == "journal WAL, foreign keys on, synchronous FULL"
    assert lines["forms"] == "9 forms rendered with Chinese text"
    assert lines["window"].startswith("main window built")
    assert_left_nothing(tmp_path)


def test_selftest_speaks_chinese_and_never_uses_the_shop_server(tmp_path: Path) -> None:
    # Nothing listens on port 9: had the selftest followed --db, the database check would fail.
    env = isolated_env(tmp_path)
    env.pop("DISPLAY", None)
    server = "postgresql://selftest@127.0.0.1:9/afterdesk"
    proc = subprocess.run(
        [sys.executable, "main.py", "--lang", "zh", "--db", server, "selftest"],
        cwd=REPO,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0].startswith("ok  数据库:"), proc.stdout
    assert "已跳过（无显示器）" in proc.stdout.splitlines()[-1]
    assert_left_nothing(tmp_path)


def test_selftest_fails_without_the_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "no-forms"
    empty.mkdir()
    monkeypatch.setattr(paths, "form_spec", lambda *parts: empty.joinpath(*parts))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")  # no display on any system
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    assert main(["--lang", "en", "selftest"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert f"FAIL  forms: no form files in {empty}" in lines
    assert any(line.startswith("FAIL  signature: ") for line in lines), lines
    assert "ok  database: journal WAL, foreign keys on, synchronous FULL" in lines
    assert "ok  window: skipped (no display)" in lines
    assert [p for p in tmp_path.iterdir() if p != empty] == []  # its temp folder is gone
