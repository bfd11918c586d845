"""Coverage checks across clients and cities (R-SI-5): nobody insured twice for a month, no
month missed while a person is employed.

Set-based: the scoped people, then every enrollment of anyone with the same ID number (blind
index) in one query per 5,000 people. A client's HR user is never told another client's name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.utils import timezone

from hragency.clients.queries import clients_for
from hragency.domain.insurance import Period
from hragency.employees.models import InsuredPerson
from hragency.employees.queries import people_for
from hragency.insurance.models import Enrollment

CHUNK = 5000


@dataclass(frozen=True)
class CoverageIssue:
    kind: str  # "duplicate" | "gap" | "lapsed" | "uninsured"
    client_id: int
    client: str
    person_id: int
    person: str
    detail: str

    @property
    def label(self) -> str:
        return {
            "duplicate": "重复参保",
            "gap": "断缴",
            "lapsed": "在职未参保",
            "uninsured": "入职未参保",
        }[self.kind]


def _month(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else "至今"


def coverage_issues(
    user: Any, *, client_id: int | None = None, today: dt.date | None = None
) -> list[CoverageIssue]:
    today = today or timezone.localdate()
    current = Period.of(today).first_day
    people = people_for(user).filter(
        status__in=[
            InsuredPerson.Status.ONBOARDING,
            InsuredPerson.Status.ACTIVE,
            InsuredPerson.Status.OFFBOARDING,
        ]
    )
    if client_id is not None:
        people = people.filter(client_id=client_id)
    visible_clients = set(clients_for(user).values_list("pk", flat=True))
    rows = list(
        people.values_list(
            "pk", "name", "client_id", "client__name", "id_number_index", "hire_date"
        )
    )
    issues: list[CoverageIssue] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        by_index: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for enrollment in Enrollment.objects.filter(
            person__id_number_index__in={r[4] for r in chunk}
        ).values(
            "pk",
            "person_id",
            "person__id_number_index",
            "client_id",
            "client__name",
            "city",
            "start_month",
            "end_month",
        ):
            by_index[enrollment["person__id_number_index"]].append(enrollment)
        for person_id, name, client, client_name, index, hire_date in chunk:
            issues += _issues_of(
                person_id,
                name,
                client,
                client_name,
                hire_date,
                sorted(by_index.get(index, []), key=lambda e: e["start_month"]),
                visible_clients,
                current,
            )
    return issues


def _issues_of(
    person_id: int,
    name: str,
    client_id: int,
    client_name: str,
    hire_date: dt.date | None,
    enrollments: list[dict[str, Any]],
    visible_clients: set[int],
    current: dt.date,
) -> list[CoverageIssue]:
    def issue(kind: str, detail: str) -> CoverageIssue:
        return CoverageIssue(kind, client_id, client_name, person_id, name, detail)

    found = []
    far = dt.date.max
    for i, a in enumerate(enrollments):
        for b in enrollments[i + 1 :]:
            if b["start_month"] <= (a["end_month"] or far) and a["start_month"] <= (
                b["end_month"] or far
            ):
                if person_id not in (a["person_id"], b["person_id"]):
                    continue
                other = b if a["person_id"] == person_id else a
                where = (
                    f"「{other['client__name']}」"
                    if other["client_id"] in visible_clients
                    else "其他单位"
                )
                found.append(
                    issue(
                        "duplicate",
                        f"{a['city']} {_month(a['start_month'])}–{_month(a['end_month'])} 与 "
                        f"{where}{other['city']} {_month(other['start_month'])}–"
                        f"{_month(other['end_month'])} 重叠",
                    )
                )
    own = [e for e in enrollments if e["client_id"] == client_id and e["person_id"] == person_id]
    for a, b in pairwise(own):
        if a["end_month"] is None:
            continue
        gap_from = Period.of(a["end_month"]).shifted(1)
        gap_to = Period.of(b["start_month"]).shifted(-1)
        if gap_from <= gap_to:
            found.append(issue("gap", f"{gap_from} 至 {gap_to} 未缴费（{a['city']}）"))
    if own:
        last = own[-1]
        if last["end_month"] is not None and last["end_month"] < current:
            found.append(issue("lapsed", f"参保已于 {_month(last['end_month'])} 结束，人员仍在职"))
    elif hire_date is not None and Period.of(hire_date).first_day < current:
        found.append(issue("uninsured", f"{hire_date:%Y-%m-%d} 入职，至今没有参保记录"))
    return found
