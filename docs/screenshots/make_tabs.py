"""Save a screenshot of every tab of the window, with demo data, to docs/screenshots/.

    python docs/screenshots/make_tabs.py [--lang zh|en] [--out DIR] [--size WxH]

``--size 1366x728`` is a 1366×768 screen less the Windows taskbar (the smallest the window must
fit); pictures at another size than the default carry it in their names (``1-intake-1366x728``).

Starts Xvfb when there is no display. Each tab may offer ``screenshot_setup()`` to show a
representative state (an open record, a filled form) before the picture is taken; a tab with
pages (the Lists tab) names them in ``screenshot_pages()`` and gets ``screenshot_setup(page)``
and one picture per page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


DEFAULT_SIZE = "1360x860"


def _display() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    number = 77
    proc = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-dpi", "96", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return proc


def _pump(root: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--size", default=DEFAULT_SIZE)
    args = parser.parse_args()
    xvfb = _display()
    from PIL import ImageGrab

    from app import i18n
    from app.demo import make_demo
    from app.services.shop.setup import close_data_folder, context_for, open_data_folder
    from app.ui.app import build

    i18n.setup(args.lang)
    data = Path(tempfile.mkdtemp(prefix="afterdesk-shots-"))
    try:
        folder = open_data_folder(data)
        make_demo(context_for(folder))
        ctx = context_for(folder, "owner")
        window = build(ctx)
        root = window.root
        root.geometry(f"{args.size}+0+0")
        _pump(root, 1.0)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        suffix = "" if args.lang == "zh" else "-en"
        if args.size != DEFAULT_SIZE:
            suffix += f"-{args.size}"
        for tab_id, tab in window.tabs.items():
            window.show_tab(tab_id)
            number = list(window.tabs).index(tab_id) + 1
            # A tab with several pages (the Lists tab) names them; each gets its own picture.
            pages = getattr(tab, "screenshot_pages", lambda: [""])()
            for page in pages:
                setup = getattr(tab, "screenshot_setup", None)
                if callable(setup):
                    setup(page) if page else setup()
                _pump(root, 0.8)
                x, y = root.winfo_rootx(), root.winfo_rooty()
                w, h = root.winfo_width(), root.winfo_height()
                shot = ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=os.environ["DISPLAY"])
                name = f"{tab_id}-{page}" if page else tab_id
                path = out / f"{number}-{name}{suffix}.png"
                shot.save(path)
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        root.destroy()
    finally:
        close_data_folder()
        shutil.rmtree(data, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
