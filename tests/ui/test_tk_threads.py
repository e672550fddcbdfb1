"""Tk objects dropped on a reader thread are freed on the Tk thread, never from the reader."""

from __future__ import annotations

import threading
import tkinter
from typing import Any

import pytest

from app.ui import tk_threads


def _drop_on_a_thread(holder: list[Any]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            holder.clear()  # the last reference goes here: __del__ runs on this thread
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return errors


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_variable_and_an_image_freed_by_a_reader_are_deleted_by_the_tk_thread(
    tk_root: Any,
) -> None:
    tk_threads.install(tk_root)
    var = tkinter.StringVar(tk_root, value="x")
    image = tkinter.PhotoImage(master=tk_root, width=4, height=4)
    var_name, image_name = str(var), str(image)
    holder: list[Any] = [var, image]
    del var, image
    assert _drop_on_a_thread(holder) == []
    # Still there: the reader did not call Tcl.
    assert tk_root.tk.getboolean(tk_root.tk.call("info", "exists", var_name))
    assert image_name in tk_root.tk.splitlist(tk_root.tk.call("image", "names"))
    assert tk_threads.drain() >= 2
    assert not tk_root.tk.getboolean(tk_root.tk.call("info", "exists", var_name))
    assert image_name not in tk_root.tk.splitlist(tk_root.tk.call("image", "names"))


def test_on_the_tk_thread_they_are_freed_at_once(tk_root: Any) -> None:
    tk_threads.install(tk_root)
    var = tkinter.StringVar(tk_root, value="y")
    name = str(var)
    del var
    assert not tk_root.tk.getboolean(tk_root.tk.call("info", "exists", name))
