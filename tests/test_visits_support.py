"""Shared set-up for the visits tests: the role grants proposed for accounts/roles.py (applied
to the role groups until the lead adds them there; a no-op afterwards), clients in service
with a signed agreement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

_TASKS = ["visits.view_visittask", "visits.change_visittask"]
_SURVEY = ["visits.view_surveyresponse", "visits.add_surveyresponse"]
_REPORT = ["visits.view_satisfaction_report"]
VISIT_GRANTS: dict[str, list[str]] = {
    "客服专员": [*_TASKS, *_SURVEY],
    "客服主管": [*_TASKS, *_SURVEY, *_REPORT],
    "客服总监": [*_TASKS, *_SURVEY, *_REPORT, "visits.manage_rules"],
    "总经理": ["visits.view_visittask", "visits.view_surveyresponse", *_REPORT],
    "管理员": [*_TASKS, *_SURVEY, *_REPORT, "visits.manage_rules"],
    "企业HR": _SURVEY,
}


def grant_visit_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for label, perms in VISIT_GRANTS.items():
        group = Group.objects.filter(name=label).first()
        if group is None:
            continue
        for perm in perms:
            app, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=codename)
            )


def in_service(client: Any, start: dt.date, *, signed: dt.date | None = None) -> Any:
    """Put the client in service with a signed agreement starting ``start``."""
    from hragency.clients.models import Agreement, Client

    Client.objects.filter(pk=client.pk).update(status=Client.Status.ACTIVE)
    signed = signed or start
    Agreement.objects.create(
        client=client,
        number=f"XY{client.pk:04d}{start:%y%m%d}",
        kind=Agreement.Kind.SI_AGENCY,
        start_date=start,
        end_date=start + dt.timedelta(days=364),
        fee_model=Agreement.FeeModel.PER_HEAD,
        status=Agreement.Status.ACTIVE,
        signed_at=dt.datetime.combine(signed, dt.time(10), tzinfo=timezone.get_current_timezone()),
    )
    client.refresh_from_db()
    return client


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


SCORES_5 = {"efficiency": 5, "expertise": 5, "communication": 5, "accuracy": 5, "overall": 5}
