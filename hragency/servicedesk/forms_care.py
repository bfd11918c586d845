"""Form input of the care screens: typed values through ``core.values`` with field errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from hragency.core import values
from hragency.core.errors import FieldError, InvalidFields


def date_field(data: Any, name: str, label: str) -> dt.date | None:
    try:
        return values.date(data.get(name, ""))
    except values.InvalidValue as exc:
        raise InvalidFields([FieldError(name, label, str(exc))]) from None


def staff_user(data: Any, name: str, label: str) -> Any:
    """An active staff member chosen by id (None when empty)."""
    from hragency.accounts.models import User

    raw = str(data.get(name, "") or "").strip()
    if not raw:
        return None
    user = (
        User.objects.filter(pk=int(raw), kind=User.Kind.STAFF, is_active=True).first()
        if raw.isdigit()
        else None
    )
    if user is None:
        raise InvalidFields([FieldError(name, label, "请选择在职员工")])
    return user


def department(data: Any, name: str = "target_department") -> Any:
    from hragency.accounts.models import Department

    raw = str(data.get(name, "") or "").strip()
    if not raw:
        return None
    found = Department.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if found is None:
        raise InvalidFields([FieldError(name, "涉及部门", "请选择部门")])
    return found


def staff_choices() -> Any:
    from hragency.accounts.models import User

    return User.objects.filter(kind=User.Kind.STAFF, is_active=True).order_by("username")


def department_choices() -> Any:
    from hragency.accounts.models import Department

    return Department.objects.order_by("name")


def require_desk_staff(user: Any) -> None:
    """The care screens are internal: staff with ``servicedesk.view_ticket`` only."""
    from hragency.servicedesk.queries_care import is_desk_staff

    if not is_desk_staff(user):
        raise PermissionDenied("无权查看")


def not_found() -> Http404:
    return Http404("对象不存在或无权查看")
