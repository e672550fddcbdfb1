"""Refusals specific to services; all are DomainErrors carrying a code and parameters."""

from __future__ import annotations

from app.domain.errors import DomainError, FieldError, ValidationError

__all__ = ["DomainError", "FieldError", "NotFound", "PermissionDenied", "ValidationError"]


class NotFound(DomainError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__("not_found", what=what, key=key)


class PermissionDenied(DomainError):
    def __init__(self, action: str, needs: str) -> None:
        super().__init__("permission_denied", action=action, needs=needs)
