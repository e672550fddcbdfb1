"""The frozen program: `python build/build.py` makes it, and its own selftest passes.

One real PyInstaller build per run (module fixture, ~35-60 s on two cores), into a temp folder;
then `AfterDesk selftest` runs without a display (and without the system's time zone database,
as on Windows: zoneinfo must find the bundled tzdata) and under Xvfb (the window is built).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from tests.build import x_display
from tests.cli.test_selftest import assert_left_nothing, check_lines, isolated_env

REPO = Path(__file__).resolve().parents[2]


def _load_build_script() -> ModuleType:
    """build/build.py as a module (build/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("afterdesk_build", REPO / "build" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_script = _load_build_script()

BUILD_BUDGET_S = 300


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built executable (dist/AfterDesk/AfterDesk[.exe]) in a temp folder."""
    root = tmp_path_factory.mktemp("frozen")
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "build" / "build.py"),
            "--work",
            str(root / "work"),
            "--dist",
            str(root / "dist"),
        ],
        cwd=REPO,
        capture_output=True,
        encoding="utf-8",
        timeout=BUILD_BUDGET_S * 2,
        check=False,
    )
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert seconds < BUILD_BUDGET_S, f"the build took {seconds:.0f} s"
    exe = build_script.executable(root / "dist")
    assert exe.is_file() and os.access(exe, os.X_OK), proc.stdout
    return exe


def run_frozen(exe: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args],
        cwd=exe.parent.parent,  # not the program folder: it must not matter where we stand
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def test_the_version_file_carries_the_app_version(tmp_path: Path) -> None:
    from app import __version__

    path = build_script.write_version_file(tmp_path, build_script.app_version())
    assert build_script.app_version() == __version__
    tree = ast.parse(path.read_text(encoding="utf-8"), mode="eval")  # PyInstaller evals it
    calls = {n.func.id: n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert {"VSVersionInfo", "FixedFileInfo", "StringStruct", "VarStruct"} <= set(calls)
    ffi = {k.arg: ast.literal_eval(k.value) for k in calls["FixedFileInfo"].keywords}
    assert ffi["filevers"] == build_script.version_tuple(__version__)
    assert f"StringStruct('ProductVersion', '{__version__}')" in path.read_text(encoding="utf-8")
    assert build_script.version_tuple("1.2.3rc1") == (1, 2, 3, 0)
    assert build_script.version_tuple("2") == (2, 0, 0, 0)


def test_the_pyproject_version_is_the_app_version() -> None:
    import tomllib

    from app import __version__

    with open(REPO / "pyproject.toml", "rb") as fh:
        assert tomllib.load(fh)["project"]["version"] == __version__


def test_the_bundle_holds_catalogs_forms_demo_data_fonts_and_icon(frozen: Path) -> None:
    files = listing(frozen.parent / "_internal")
    for locale in ("zh_CN", "en"):
        assert f"app/i18n/locale/{locale}/LC_MESSAGES/afterdesk.mo" in files
    forms = sorted(p.name for p in (REPO / "forms").glob("*.toml"))
    assert forms and all(f"forms/{name}" in files for name in forms)
    demo = sorted(p.name for p in (REPO / "app" / "demo" / "data").glob("*.json"))
    assert demo and all(f"app/demo/data/{name}" in files for name in demo)
    assert "assets/fonts/wqy-microhei.ttc" in files
    assert {"assets/afterdesk.ico", "assets/afterdesk.png"} <= files
    assert not any(f.startswith(("babel/", "pytest/", "_pytest/", "hypothesis/")) for f in files)


def test_frozen_selftest_without_display(frozen: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    env.pop("DISPLAY", None)
    env["PYTHONTZPATH"] = ""  # no system time zone database, as on Windows
    before = listing(frozen.parent)
    proc = run_frozen(frozen, env, "--lang", "en", "selftest")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stdout + proc.stderr
    lines = check_lines(proc.stdout)
    assert lines["window"] == "skipped (no display)"
    assert lines["font"].endswith("(bundled)")
    assert lines["time zone"] == "Asia/Shanghai is UTC+8"
    assert listing(frozen.parent) == before  # nothing written into the program folder
    assert_left_nothing(tmp_path)


def test_frozen_selftest_with_display(frozen: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    with x_display() as display:
        env["DISPLAY"] = display
        proc = run_frozen(frozen, env, "--lang", "en", "selftest")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stdout + proc.stderr
    lines = check_lines(proc.stdout)
    assert lines["window"].startswith("main window built")
    assert_left_nothing(tmp_path)


def test_frozen_program_speaks_chinese(frozen: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    proc = run_frozen(frozen, env, "--lang", "zh", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "售后台" in proc.stdout and "selftest" in proc.stdout


def test_paths_when_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import paths

    bundle = tmp_path / "AfterDesk" / "_internal"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle.parent / "AfterDesk.exe"))
    monkeypatch.delenv("AFTERDESK_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    assert paths.is_frozen()
    assert paths.form_spec("intake.toml") == bundle / "forms" / "intake.toml"
    assert paths.asset("fonts") == bundle / "assets" / "fonts"
    data = paths.default_data_dir()
    assert data.name == "AfterDesk" and bundle.parent not in data.parents
    monkeypatch.setenv("AFTERDESK_DATA_DIR", str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"
