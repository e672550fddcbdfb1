"""`app.ui.settle.when_settled`: work waits until the window stopped moving, and a window that
never stops (something animating) does not hold it back for long."""

from __future__ import annotations

import time
from typing import Any

import ttkbootstrap as ttk

from app.ui.settle import LONGEST_MS, when_settled


def _run_until(root: Any, done: Any, seconds: float = 5) -> None:
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        root.update()
        time.sleep(0.002)


def test_work_waits_until_a_new_screen_stops_moving(tk_root: Any) -> None:
    page = ttk.Frame(tk_root)
    page.place(x=0, y=0)
    moved: list[float] = []
    ran: list[float] = []
    try:
        for row in range(30):  # a screen that takes several rounds to lay out
            box = ttk.Frame(page)
            box.grid(row=row, column=0, sticky="we")
            label = ttk.Label(box, text=f"第 {row} 行")
            label.pack(side="left")
            label.bind("<Configure>", lambda _e: moved.append(time.monotonic()), add="+")
            ttk.Entry(box).pack(side="left", fill="x", expand=True)
        when_settled(page, lambda: ran.append(time.monotonic()))
        _run_until(tk_root, lambda: bool(ran))
        assert ran and moved
        assert ran[0] > moved[-1]
        # Nothing moving: the next piece of work runs at once (a round or two of idle work).
        started = time.monotonic()
        when_settled(page, lambda: ran.append(time.monotonic()))
        _run_until(tk_root, lambda: len(ran) == 2)
        assert len(ran) == 2 and ran[1] - started < 0.2
    finally:
        page.destroy()


def test_a_window_that_keeps_moving_holds_work_back_no_longer_than_the_limit(
    tk_root: Any,
) -> None:
    page = ttk.Frame(tk_root, width=100, height=20)
    page.place(x=0, y=0)
    growing = {"on": True, "width": 100}

    def grow() -> None:  # resized every millisecond, like an animation
        if growing["on"]:
            growing["width"] = 100 + (growing["width"] + 7) % 200
            page.place_configure(width=growing["width"])
            page.after(1, grow)

    ran: list[float] = []
    try:
        grow()
        started = time.monotonic()
        when_settled(page, lambda: ran.append(time.monotonic()))
        _run_until(tk_root, lambda: bool(ran))
        assert ran, "the work never ran"
        assert ran[0] - started >= LONGEST_MS / 1000 * 0.9  # it did wait for the window
    finally:
        growing["on"] = False
        page.destroy()
