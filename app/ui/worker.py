"""Long work (demo data, printing, backups) off the Tk thread.

Worker threads never touch Tk: they put results on a queue that the Tk thread drains with
``after()``. Each job reports progress through a callback that also goes through the queue.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import Misc
from typing import Any

from app.ui import tk_threads
from app.ui.settle import when_settled

Progress = Callable[[float, str], None]


@dataclass
class Job:
    name: str
    done: bool = False
    result: Any = None
    error: BaseException | None = None


class _Polled:
    """What the Tk thread shares with a worker thread: a queue it drains with ``after()`` while
    answers are awaited (worker threads never touch Tk)."""

    POLL_MS = 40
    _widget: Misc
    _queue: queue.Queue[Any]
    _polling: bool

    def _schedule(self) -> None:
        if not self._polling:
            self._polling = True
            self._widget.after(self.POLL_MS, self._drain)

    def _drain(self) -> None:
        self._polling = False
        tk_threads.drain()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            self._handle(item)
        if self._waiting():
            self._schedule()

    def _handle(self, item: Any) -> None:
        raise NotImplementedError

    def _waiting(self) -> bool:
        raise NotImplementedError


class Worker(_Polled):
    """Runs one callable per job in a daemon thread and calls back on the Tk thread."""

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

    def _handle(self, item: tuple[str, Job, Any]) -> None:
        what, job, payload = item
        if what == "progress":
            if self._progress:
                self._progress(*payload)
            return
        job.done = True
        self.running.remove(job)
        on_done, on_error = self._callbacks.pop(id(job))
        if what == "done":
            job.result = payload
            on_done(payload)
        else:
            job.error = payload
            on_error(payload)

    def _waiting(self) -> bool:
        return bool(self.running)


class Latest(_Polled):
    """One reader thread for as-you-type queries: only the newest request counts.

    A newer request interrupts the query still running (SQLite's interrupt, PostgreSQL's cancel,
    on the reader thread's own connection: peewee keeps one connection per thread), requests
    that were overtaken before they started are skipped, and a result that is no longer the
    newest is dropped on the Tk thread, so a stale list is never shown.

    A request starts once the window has settled (`app.ui.settle`): the window's first screen
    or a tab shown for the first time is laid out and painted before its lists are read,
    instead of sharing the interpreter with the reader thread while it is being built.
    """

    POLL_MS = 15

    def __init__(self, widget: Misc, name: str) -> None:
        self._widget = widget
        self._name = name
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._request: tuple[int, Callable[[], Any]] | None = None
        self._running_gen = 0
        self._connection: Any = None
        self._queue: queue.Queue[tuple[int, bool, Any]] = queue.Queue()
        self._callbacks: tuple[Callable[[Any], None], Callable[[BaseException], None]] | None
        self._callbacks = None
        self.generation = 0
        self._thread: threading.Thread | None = None
        self._polling = False
        self._closed = False
        self._released = 0  # the newest generation the window let start (after drawing)
        self._root = widget.nametowidget(".")  # outlives the widget: its idle calls are safe
        _readers.add(self)
        # The thread (and its connection) ends with its widget: windows come and go in tests.
        widget.bind("<Destroy>", self._destroyed, add="+")

    @property
    def busy(self) -> bool:
        """Whether the newest request has not been answered yet."""
        return self._callbacks is not None

    def ask(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> int:
        """Run ``fn()`` on the reader thread; ``on_done`` runs on the Tk thread if no newer
        request came in meanwhile. Returns the request's generation."""
        with self._lock:
            if self._closed:
                return self.generation
            self.generation += 1
            gen = self.generation
            self._request = (gen, fn)
            self._callbacks = (on_done, on_error)
            if self._running_gen and self._connection is not None:
                _interrupt(self._connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name=f"afterdesk-{self._name}", daemon=True
                )
                self._thread.start()
        when_settled(self._root, lambda: self._release(gen))
        self._schedule()
        return gen

    def _release(self, gen: int) -> None:
        with self._lock:
            self._released = max(self._released, gen)
            self._wake.notify()

    def cancel(self) -> None:
        """Forget the pending request: whatever it answers is dropped."""
        with self._lock:
            self.generation += 1
            self._request = None
            self._callbacks = None
            if self._running_gen and self._connection is not None:
                _interrupt(self._connection)

    def close(self) -> None:
        """End the reader thread and close its connection; later requests are ignored."""
        self.cancel()
        with self._lock:
            self._closed = True
            self._wake.notify()

    def _destroyed(self, event: Any) -> None:
        if event.widget is self._widget:
            self.close()

    def _loop(self) -> None:
        from app.services.shop.setup import thread_connection, thread_done

        # Nothing that allocates runs while this thread holds the lock: a garbage collection
        # started here may free Tk objects of closed windows, whose clean-up waits for the Tk
        # thread, and the Tk thread may be waiting for this lock in `ask`.
        while True:
            with self._lock:
                while not self._closed and (
                    self._request is None or self._request[0] > self._released
                ):
                    self._wake.wait()
                if self._closed:
                    self._connection = None
                    break
                gen, fn = self._request
                self._request = None
                self._running_gen = gen
            try:
                connection = thread_connection()  # this thread's own; opened on first use
            except Exception:  # noqa: BLE001 - the call below reports it
                connection = None
            with self._lock:
                self._connection = connection
            try:
                result: tuple[int, bool, Any] = (gen, True, fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the Tk thread
                result = (gen, False, exc)
            with self._lock:
                self._running_gen = 0
            self._queue.put(result)
        with contextlib.suppress(Exception):  # a database closed meanwhile needs no closing
            thread_done()

    def _handle(self, item: tuple[int, bool, Any]) -> None:
        gen, ok, payload = item
        if gen != self.generation or self._callbacks is None:
            return  # overtaken by a newer request: never shown
        on_done, on_error = self._callbacks
        self._callbacks = None
        (on_done if ok else on_error)(payload)

    def _waiting(self) -> bool:
        return self._callbacks is not None


_readers: weakref.WeakSet[Latest] = weakref.WeakSet()


def idle() -> bool:
    """Whether every reader has answered its newest request (tests wait for this)."""
    return not any(reader.busy for reader in list(_readers))


def _interrupt(connection: Any) -> None:
    """Stop the query running on another thread's connection (it raises there)."""
    for name in ("interrupt", "cancel"):
        stop = getattr(connection, name, None)
        if stop is not None:
            with contextlib.suppress(Exception):  # a finished query needs no stopping
                stop()
            return
