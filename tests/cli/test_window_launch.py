"""`python main.py` with no command opens the window: the desktop icon's start. It parses only
the options every run takes, so none of the command families (the PDF library among them, 0.3 s
of imports) is loaded before the window; a command, --help or a bad option still goes through
the whole command line as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import app.cli.window as window
seen = {}
def opened(args):
    seen["args"] = args
    return 0
window.open_window = opened
from app.cli import main
rc = main(sys.argv[1:])
heavy = sorted(m for m in ("app.cli.documents", "app.cli.cases", "app.cli.report", "reportlab")
               if m in sys.modules)
args = seen.get("args")
print(rc, args.lang if args else "-", args.data_dir if args else "-", args.verb if args else "-",
      ",".join(heavy) or "none")
"""


def _probe(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_the_window_launch_loads_no_command_family(tmp_path: Path) -> None:
    got = _probe("--lang", "en", "--data-dir", str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert got.stdout.split() == ["0", "en", str(tmp_path), "None", "none"]
    bare = _probe()
    assert bare.stdout.split() == ["0", "None", "None", "None", "none"]


def test_commands_help_and_bad_options_still_use_the_whole_command_line(tmp_path: Path) -> None:
    helped = _probe("--help")
    assert helped.returncode == 0
    assert "selftest" in helped.stdout and "dealer-statement" in helped.stdout
    bad = _probe("--lang", "fr")
    assert bad.returncode == 2
    assert bad.stderr.count("invalid choice") == 1  # said once, by the whole command line
    missing = _probe("--data-dir")
    assert missing.returncode == 2 and "expected one argument" in missing.stderr
