from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """A refused operation, with the reason in words the user reads. Views show it; the API
    turns it into a 400 with the message; nothing has been written when it is raised."""


@dataclass(frozen=True)
class FieldError:
    field: str  # model field name
    label: str  # what the user sees: the form label, the template column
    reason: str

    def __str__(self) -> str:
        return f"「{self.label}」：{self.reason}"


class InvalidFields(ServiceError):
    """Several fields refused at once; forms show each beside its field, imports turn each into
    a row/column/reason line, the API returns them all in one 400."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        return {e.field: e.reason for e in self.errors}
