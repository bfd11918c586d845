"""Who may change what in the archive. Scoping (which people a user sees) is applied first by
``queries``; these add the role permissions on top.

- add/edit the record, its documents and its onboarding/offboarding steps: holders of
  ``employees.add_insuredperson`` / ``employees.change_insuredperson`` (service staff and the
  client's HR user);
- an employee (self-service) reads their own record and documents, and may upload their own
  photo: self-service portals in China commonly ask for it (the photo on the social security
  card), and it changes nothing else;
- viewing full ID numbers and accounts: ``queries.may_reveal``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from hragency.employees.models import PersonDocument


def may_add(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("employees.add_insuredperson"))


def may_edit(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("employees.change_insuredperson"))


def may_upload(user: Any, kind: str | None = None) -> bool:
    if may_edit(user):
        return True
    return bool(
        user.is_authenticated
        and user.kind == "employee"
        and (kind is None or kind == PersonDocument.Kind.PHOTO)
    )


def upload_kinds(user: Any) -> list[tuple[str, str]]:
    if may_edit(user):
        return list(PersonDocument.Kind.choices)
    if may_upload(user):
        return [(PersonDocument.Kind.PHOTO, PersonDocument.Kind.PHOTO.label)]
    return []


def require(allowed: bool, message: str = "无权执行此操作") -> None:
    if not allowed:
        raise PermissionDenied(message)
