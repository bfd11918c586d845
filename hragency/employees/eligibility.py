"""Eligibility checks of an insured person (R-EMP-3): statutory retirement, active insurance at
another client (duplicate insurance), and the client's own age limits.

Decision: the checks **warn, they do not block**. Agencies do keep people past retirement age
(re-employed retirees are covered by a labour-service agreement and work-injury insurance only),
and the duplicate at another client is often the person's previous employer that has not yet
filed the removal. The archive is the record of fact; the add/remove order of the social
insurance issue is where a hard stop belongs. So ``create_person``/``update_person`` save and
the form, the detail page and the API return the warnings next to the record.

Set-based: ``check_many`` answers any number of rows with two queries per chunk of
``CHUNK`` rows (client age limits, other active records by blind index), for the Excel import.
``check_person`` is the same check for one archive record.

Privacy: a warning about another client names it only to a viewer whose scope covers that
client. A client's HR user (or anyone else) reads only "该人员已在其他单位在职参保".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone

from hragency.core.scoping import scope_for
from hragency.domain.idcard import age_on
from hragency.domain.retirement import add_months, retirement_age, retirement_date
from hragency.employees.models import InsuredPerson

CHUNK = 900  # SQLite's default limit is 999 bound parameters per statement on old builds
ACTIVE_STATUSES = (
    InsuredPerson.Status.ONBOARDING,
    InsuredPerson.Status.ACTIVE,
    InsuredPerson.Status.OFFBOARDING,
)
OTHER_CLIENT_GENERIC = "该人员已在其他单位在职参保"


def retirement_notice_months() -> int:
    """How long before the statutory retirement date the softer notice starts (default 6)."""
    return int(getattr(settings, "EMPLOYEES_RETIREMENT_NOTICE_MONTHS", 6))


class Candidate(NamedTuple):
    """One row to check; a plain tuple ``(client_id, id_number_index, birth_date,
    retirement_category)`` works too."""

    client_id: int
    id_number_index: str
    birth_date: dt.date | None
    retirement_category: str


@dataclass(frozen=True)
class EligibilityWarning:
    code: str  # retirement_past, retirement_soon, other_client, below_min_age, above_max_age
    level: str  # "danger" or "warning" (Bootstrap alert colours)
    message: str

    def __str__(self) -> str:
        return self.message


def check_many(
    rows: Sequence[Candidate | tuple[int, str, dt.date | None, str]],
    *,
    viewer: Any = None,
    today: dt.date | None = None,
) -> list[list[EligibilityWarning]]:
    """Warnings for each row, in the order of ``rows``. ``viewer`` decides whether another
    client's name may be shown (None: never)."""
    from hragency.clients.models import Client

    today = today or timezone.localdate()
    candidates = [Candidate(*row) for row in rows]
    limits: dict[int, tuple[int | None, int | None]] = {}
    client_ids = sorted({c.client_id for c in candidates})
    for chunk in _chunks(client_ids):
        for pk, low, high in Client.objects.filter(pk__in=chunk).values_list(
            "pk", "min_age", "max_age"
        ):
            limits[pk] = (low, high)
    active: dict[str, list[tuple[int, str]]] = defaultdict(list)
    indexes = sorted({c.id_number_index for c in candidates if c.id_number_index})
    for chunk in _chunks(indexes):
        for index, client_id, client_name in InsuredPerson.objects.filter(
            id_number_index__in=chunk, status__in=ACTIVE_STATUSES
        ).values_list("id_number_index", "client_id", "client__name"):
            active[index].append((client_id, client_name))
    scope = scope_for(viewer) if viewer is not None else None
    result: list[list[EligibilityWarning]] = []
    for c in candidates:
        warnings = _retirement(c, today)
        others = sorted(
            {pair for pair in active.get(c.id_number_index, []) if pair[0] != c.client_id}
        )
        if others:
            visible = [
                name
                for client_id, name in others
                if scope is not None and (scope.all_clients or client_id in scope.client_ids)
            ]
            if visible and len(visible) == len(others):
                message = f"该人员已在「{'」「'.join(visible)}」在职参保，请核实是否重复参保"
            else:
                message = f"{OTHER_CLIENT_GENERIC}，请核实是否重复参保"
            warnings.append(EligibilityWarning("other_client", "danger", message))
        warnings.extend(_age_limits(c, limits.get(c.client_id, (None, None)), today))
        result.append(warnings)
    return result


def check_person(
    person: InsuredPerson, *, viewer: Any = None, today: dt.date | None = None
) -> list[EligibilityWarning]:
    """The checks for one archive record. A person who has left is no longer insured through
    this client, so there is nothing to warn about."""
    if person.status == InsuredPerson.Status.LEFT:
        return []
    return check_many(
        [
            Candidate(
                person.client_id,
                person.id_number_index,
                person.birth_date,
                person.retirement_category,
            )
        ],
        viewer=viewer,
        today=today,
    )[0]


def _retirement(c: Candidate, today: dt.date) -> list[EligibilityWarning]:
    if not c.retirement_category or c.birth_date is None:
        return []
    age = retirement_age(c.birth_date, c.retirement_category)
    due = retirement_date(c.birth_date, c.retirement_category)
    if today >= due:
        return [
            EligibilityWarning(
                "retirement_past",
                "danger",
                f"已达法定退休年龄（{age}，{due.isoformat()} 退休），不能再以职工身份参加社会保险",
            )
        ]
    if today >= add_months(due, -retirement_notice_months()):
        return [
            EligibilityWarning(
                "retirement_soon",
                "warning",
                f"即将达到法定退休年龄（{age}，{due.isoformat()} 退休），请提前安排退休手续",
            )
        ]
    return []


def _age_limits(
    c: Candidate, limits: tuple[int | None, int | None], today: dt.date
) -> list[EligibilityWarning]:
    low, high = limits
    if c.birth_date is None or c.birth_date > today or (low is None and high is None):
        return []
    age = age_on(c.birth_date, today)
    if low is not None and age < low:
        return [
            EligibilityWarning(
                "below_min_age", "warning", f"年龄 {age} 岁，低于客户要求的最低年龄 {low} 岁"
            )
        ]
    if high is not None and age > high:
        return [
            EligibilityWarning(
                "above_max_age", "warning", f"年龄 {age} 岁，超过客户要求的最高年龄 {high} 岁"
            )
        ]
    return []


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
