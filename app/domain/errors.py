"""Errors the domain and services raise: codes and parameters, never translated text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field; `code` is stable, `params` fill the message."""

    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    """A refusal the user can act on (bad input, forbidden transition, missing approval)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class ValidationError(DomainError):
    """One or more fields are invalid; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("invalid_input", fields=[e.field for e in errors])
        self.errors = list(errors)

    @classmethod
    def single(cls, field_name: str, code: str, **params: Any) -> ValidationError:
        return cls([FieldError(field_name, code, params)])
