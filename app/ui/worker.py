"""Long work (demo data, printing, backups) off the Tk thread.

Worker threads never touch Tk: they put results on a queue that the Tk thread drains with
``after()``. Each job reports progress through a callback that also goes through the queue.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import Misc
from typing import Any

Progress = Callable[[float, str], None]


@dataclass
class Job:
    name: str
    done: bool = False
    result: Any = None
    error: BaseException | None = None


class Worker:
    """Runs one callable per job in a daemon thread and calls back on the Tk thread."""

    POLL_MS = 40

    def __init__(self, widget: Misc) -> None:
        self._widget = widget
        self._queue: queue.Queue[tuple[str, Job, Any]] = queue.Queue()
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]]
        self._callbacks = {}
        self._progress: Callable[[float, str], None] | None = None
        self.running: list[Job] = []
        self._polling = False

    def on_progress(self, callback: Callable[[float, str], None]) -> None:
        self._progress = callback

    def submit(
        self,
        name: str,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> Job:
        """Run ``fn(progress)`` in a thread; ``on_done``/``on_error`` run on the Tk thread."""
        job = Job(name)
        self._callbacks[id(job)] = (on_done, on_error)
        self.running.append(job)

        def progress(fraction: float, text: str = "") -> None:
            self._queue.put(("progress", job, (fraction, text)))

        def run() -> None:
            try:
                result = fn(progress)
            except BaseException as exc:  # noqa: BLE001 - handed to the Tk thread to report
                self._queue.put(("error", job, exc))
            else:
                self._queue.put(("done", job, result))

        threading.Thread(target=run, name=f"afterdesk-{name}", daemon=True).start()
        self._schedule()
        return job

    def _schedule(self) -> None:
        if not self._polling:
            self._polling = True
            self._widget.after(self.POLL_MS, self._drain)

    def _drain(self) -> None:
        self._polling = False
        while True:
            try:
                what, job, payload = self._queue.get_nowait()
            except queue.Empty:
                break
            if what == "progress":
                if self._progress:
                    self._progress(*payload)
                continue
            job.done = True
            self.running.remove(job)
            on_done, on_error = self._callbacks.pop(id(job))
            if what == "done":
                job.result = payload
                on_done(payload)
            else:
                job.error = payload
                on_error(payload)
        if self.running:
            self._schedule()
