"""Keyboard shortcuts and window commands as data: id, label, key, handler, enabled-when.

The F1 dialog lists exactly this table, so what it shows is what the keys do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from tkinter import Misc

from app.i18n import N_, _


@dataclass(frozen=True)
class Command:
    id: str
    label: str  # N_ text, translated when shown
    key: str  # Tk event sequence, e.g. "<Control-s>"
    shown_key: str  # how the key is written for people, e.g. "Ctrl+S"
    handler: Callable[[], object]
    enabled: Callable[[], bool] = lambda: True


class CommandTable:
    """The window's commands; binds their keys once on the root."""

    def __init__(self) -> None:
        self.commands: list[Command] = []

    def add(self, command: Command) -> None:
        self.commands = [c for c in self.commands if c.id != command.id] + [command]

    def get(self, command_id: str) -> Command:
        return next(c for c in self.commands if c.id == command_id)

    def run(self, command_id: str) -> object:
        command = self.get(command_id)
        return command.handler() if command.enabled() else None

    def bind(self, root: Misc) -> None:
        for command in self.commands:
            root.bind_all(command.key, self._handler(command.id))
            if command.key.startswith("<Control-") and len(command.key) == len("<Control-s>"):
                # Caps Lock on: Tk reports the upper-case keysym.
                upper = command.key[:-2] + command.key[-2].upper() + ">"
                root.bind_all(upper, self._handler(command.id))

    def _handler(self, command_id: str) -> Callable[[object], str]:
        def handle(_event: object) -> str:
            self.run(command_id)
            return "break"

        return handle

    def rows(self) -> list[tuple[str, str]]:
        """(key, translated label) for the F1 list."""
        return [(c.shown_key, _(c.label)) for c in self.commands]


# Labels of the standard commands, so the catalogs see them.
LABELS = {
    "search": N_("Search everywhere (cases, customers, serial/IMEI, tracking)"),
    "save": N_("Save the form you are in"),
    "save_print": N_("Save the intake and print its receipt (and a repair's device label)"),
    "print": N_("Print the current record's slip"),
    "refresh": N_("Refresh lists"),
    "help": N_("Show these shortcuts"),
    "theme": N_("Switch light/dark theme"),
    "new_intake": N_("New intake"),
    "tab_1": N_("Go to tab 1–8 (Ctrl+1 … Ctrl+8)"),
    "escape": N_("Close the dialog or the search results"),
    "lock": N_("Lock the window (sign in again to continue)"),
}
