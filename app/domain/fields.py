"""One input field, declared once: the window draws it, the command line makes an option of it,
the services validate with it, and the slips know where it is printed.

A field is data (a frozen dataclass). Its ``check`` is a pure validator from
``app.domain.validation`` (raise ``ValidationError`` naming the field, return the clean value);
``parse`` applies the "required" rule and the check, so a blank required field is refused the same
way in the window, on the command line and in a script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import FieldError, ValidationError

Check = Callable[[str], object]

#: Widget kinds a field may ask for. "file" is a path (the command line reads it; the window
#: offers a picker); "lines" is a list given as JSON on the command line; "combo" is text that
#: may also be picked from suggestions the window fills in.
KINDS = ("text", "multiline", "choice", "check", "password", "file", "lines", "combo")


@dataclass(frozen=True)
class FieldSpec:
    name: str  # key in the values dict; the command-line option is --name-with-dashes
    label: str  # N_ text
    kind: str = "text"
    choices: Sequence[tuple[str, str]] = ()  # (code, N_ label)
    required: bool = False
    width: int = 28
    check: Check | None = None
    hint: str = ""  # N_ text shown in grey under the field
    default: Any = ""
    height: int = 3  # multiline rows
    span: bool = False  # take a whole row of a multi-column form (an address, a note)
    cli: str | None = None  # the option's name when not derived from ``name``; "" = not offered
    printed: tuple[str, ...] = ()  # form codes that print this field

    @property
    def option(self) -> str:
        """The command-line option: ``--fault-description`` for ``fault_description``."""
        if self.cli == "":
            return ""
        return self.cli or "--" + self.name.replace("_", "-")

    def is_blank(self, raw: object) -> bool:
        if raw is None:
            return True
        if isinstance(raw, str):
            return not raw.strip()
        if isinstance(raw, (list, tuple, dict)):
            return not raw
        return False

    def parse(self, raw: object) -> Any:
        """The clean value of ``raw``, or ``ValidationError`` naming this field."""
        if self.kind == "check":
            if isinstance(raw, str):
                return raw.strip().lower() in {"1", "true", "yes", "y", "on", "是"}
            return bool(raw)
        if self.is_blank(raw):
            if self.required:
                raise ValidationError.single(self.name, "required")
            return self.default if self.default != "" else (None if self.check else "")
        if self.choices and isinstance(raw, str) and self.kind != "lines":
            codes = {code for code, _label in self.choices}
            if raw.strip() not in codes:
                raise ValidationError.single(self.name, "not_a_choice", choices=sorted(codes))
            raw = raw.strip()
        if self.check is not None:
            return self.check(raw.strip() if isinstance(raw, str) else raw)  # type: ignore[arg-type]
        return raw.strip() if isinstance(raw, str) else raw


def parse_all(fields: Sequence[FieldSpec], raw: Mapping[str, object]) -> dict[str, Any]:
    """Every field's clean value; all problems at once in one ``ValidationError``."""
    values: dict[str, Any] = {}
    problems: list[FieldError] = []
    for f in fields:
        try:
            values[f.name] = f.parse(raw.get(f.name))
        except ValidationError as e:
            problems.extend(e.errors)
    if problems:
        raise ValidationError(problems)
    return values
