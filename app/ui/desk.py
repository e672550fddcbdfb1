"""The one controller every tab and dialog shares.

Tabs never talk to each other: they call services through `Desk.call`, and listen for
"changed" (something was written: refresh), "open" (show this record) and "message" events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from tkinter import Misc
from typing import Any, Protocol

from app.domain.errors import DomainError, ValidationError
from app.services.shop.context import Context
from app.ui import tk_threads
from app.ui.errors import user_text
from app.ui.worker import Latest, Progress, Worker

log = logging.getLogger("afterdesk.ui")


class ShowsErrors(Protocol):
    """A form that can put validation messages next to its fields."""

    def show_errors(self, exc: ValidationError) -> bool: ...

    def clear_errors(self) -> None: ...


@dataclass
class Outcome:
    """What a service call gave: the value, or the error already shown to the user."""

    ok: bool
    value: Any = None
    error: BaseException | None = None

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class Message:
    level: str  # info, success, warning, danger
    text: str


class Desk:
    def __init__(self, root: Misc, ctx: Context) -> None:
        self.root = root
        self.ctx = ctx
        tk_threads.install(root)  # readers may free Tk objects: their clean-up comes back here
        self.worker = Worker(root)
        self.messages: list[Message] = []
        self._listeners: dict[str, list[Callable[..., object]]] = {}

    @property
    def data_dir(self) -> Path:
        return self.ctx.data_dir

    # --- events ----------------------------------------------------------------------------

    def on(self, event: str, callback: Callable[..., object]) -> None:
        self._listeners.setdefault(event, []).append(callback)

    def emit(self, event: str, *args: Any) -> None:
        for callback in list(self._listeners.get(event, ())):
            callback(*args)

    def notify(self, text: str, level: str = "info") -> None:
        """A one-line message in the status bar (never a modal box at the counter)."""
        message = Message(level, text)
        self.messages.append(message)
        del self.messages[:-50]
        self.emit("message", message)

    def changed(self) -> None:
        self.emit("changed")

    def open(self, number: str) -> None:
        """Show one record: the window switches to the tab that owns it."""
        self.emit("open", number)

    def set_context(self, ctx: Context) -> None:
        self.ctx = ctx
        self.emit("context", ctx)

    def with_settings(self, settings: Any) -> None:
        self.set_context(replace(self.ctx, settings=settings))

    # --- calling services ----------------------------------------------------------------------

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        form: ShowsErrors | None = None,
        done: str = "",
        writes: bool = True,
        as_ctx: Context | None = None,
        **kwargs: Any,
    ) -> Outcome:
        """Run ``fn(ctx, *args, **kwargs)``; errors become messages, never tracebacks.

        Validation errors go next to the fields of ``form`` when it is given. ``done`` is shown
        on success; ``writes`` tells listeners to refresh. ``as_ctx`` acts as someone else for
        this one call (the owner who just confirmed with their PIN).
        """
        if form is not None:
            form.clear_errors()
        try:
            value = fn(as_ctx or self.ctx, *args, **kwargs)
        except ValidationError as exc:
            if form is not None:
                form.show_errors(exc)  # next to the fields it names
            self.notify(user_text(exc), "warning")
            return Outcome(False, error=exc)
        except DomainError as exc:
            self.notify(user_text(exc), "warning")
            return Outcome(False, error=exc)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback, shown as one line
            self.notify(user_text(exc), "danger")
            return Outcome(False, error=exc)
        if done:
            self.notify(done, "success")
        if writes:
            self.changed()
        return Outcome(True, value)

    def read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
        """A call that only reads (no refresh event)."""
        return self.call(fn, *args, writes=False, **kwargs)

    def read_later(
        self,
        reader: Latest,
        fn: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> int:
        """A read on ``reader``'s thread, so the window never waits for it: ``then(value)`` runs
        on the Tk thread unless a newer read on the same reader came first (the older query is
        interrupted and its answer dropped). Errors become a message, as in `call`."""
        ctx = self.ctx

        def error(exc: BaseException) -> None:
            self.notify(user_text(exc), "warning" if isinstance(exc, DomainError) else "danger")
            if failed is not None:
                failed(exc)

        return reader.ask(lambda: fn(ctx, *args, **kwargs), then, error)

    def run_long(
        self,
        name: str,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Work that may take seconds: a thread, a progress bar, the window stays responsive."""
        self.emit("busy", name, True)

        def finished(result: Any) -> None:
            self.emit("busy", name, False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.emit("busy", name, False)
            self.notify(user_text(exc), "danger" if not isinstance(exc, DomainError) else "warning")
            if on_error:
                on_error(exc)

        self.worker.submit(name, fn, finished, failed)
