"""``plan_visits``: the daily, set-based, idempotent planner of return visits and quarterly
survey calls (R-VISIT-1/2).

One pass costs a fixed number of queries whatever the number of clients:

1. open tasks of clients no longer served (blacklisted, terminated) are cancelled with their
   deadlines (blacklisting already cancels the deadlines; termination does not);
2. every client 服务中 without an open 定期回访/新客户首访 gets the next one from the active rule
   set (``rules.next_visit``); a client can never hold two open tasks of one kind (a partial
   unique index says so too);
3. every client 服务中 gets one 满意度调查 task per quarter (due on the quarter's last day) unless
   it already answered the quarter's survey or had a survey task for that quarter.

The owner is the client's CS rep (``accounts.queries.serving(client, CS_REP)`` first), else a CS
supervisor serving it, else the first CS supervisor; a client with none of them is left out and
counted (``no_owner``). Each task has a ``visits.visit`` deadline due at the end of the office
day (``BUSINESS_HOURS_END``) of its due date, so the engine warns and escalates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.clients.models import Agreement, Client
from hragency.core import audit
from hragency.core.deadlines import new_deadline
from hragency.core.deadlines import open_deadlines as save_deadlines
from hragency.core.models import Deadline
from hragency.visits.models import Survey, VisitTask
from hragency.visits.quarters import Quarter
from hragency.visits.rules import Facts, active_rules, next_visit

DEADLINE_KIND = "visits.visit"
VISIT_KINDS = [VisitTask.Kind.ROUTINE, VisitTask.Kind.FIRST]
NOT_SERVED = [Client.Status.BLACKLISTED, Client.Status.TERMINATED]


@dataclass(frozen=True)
class PlanResult:
    created: int
    surveys: int
    cancelled: int
    no_owner: int


def task_link(task: VisitTask) -> str:
    return f"/visits/tasks/{task.pk}/"


def due_moment(day: dt.date) -> dt.datetime:
    """The end of the office day on ``day`` (local time): when a visit due that day is late."""
    hour, minute = (int(x) for x in settings.BUSINESS_HOURS_END.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def deadline_title(task: VisitTask, client_name: str) -> str:
    return f"{task.get_kind_display()}：{client_name}"[:200]


def open_deadlines(tasks: Sequence[VisitTask], names: dict[int, str], actor: Any = None) -> None:
    """Open one ``visits.visit`` deadline per task, in one insert (the same rows
    ``core.deadlines.open_deadline`` writes), and link them to the tasks."""
    tasks = [t for t in tasks if t.owner_id is not None]
    if not tasks:
        return
    now = timezone.now()
    rows = []
    for task in tasks:
        due_at = due_moment(task.due_date)
        rows.append(
            new_deadline(
                kind=DEADLINE_KIND,
                title=deadline_title(task, names.get(task.client_id, "")),
                owner_id=task.owner_id,
                client_id=task.client_id,
                subject_type=VisitTask._meta.label_lower,
                subject_id=str(task.pk),
                link=task_link(task),
                starts_at=min(now, due_at),
                due_at=due_at,
            )
        )
    created = save_deadlines(rows, actor=actor)
    for task, row in zip(tasks, created, strict=True):
        task.deadline_id = row.pk
    VisitTask.objects.bulk_update(tasks, ["deadline"])


def owners_for(client_ids: Iterable[int] | None) -> tuple[dict[int, int], int | None]:
    """({client id: owner user id}, fallback): the lowest-id CS rep serving the client (as
    ``serving(client, CS_REP).first()``), else a serving CS supervisor; the fallback is the
    first CS supervisor, for clients nobody serves."""
    result: dict[int, int] = {}
    for role in (Role.CS_REP, Role.CS_SUPERVISOR):
        holders = role_holders(role).order_by()
        found: dict[int, int] = {}
        for path in ("client_assignments__client", "department__client_assignments__client"):
            qs = holders.filter(**{f"{path}__status": Client.Status.ACTIVE})
            if client_ids is not None:
                qs = qs.filter(**{f"{path}__in": list(client_ids)})
            for client_id, user_id in qs.values_list(path, "pk"):
                if client_id not in result:
                    found[client_id] = min(user_id, found.get(client_id, user_id))
        result.update(found)
    fallback = role_holders(Role.CS_SUPERVISOR).values_list("pk", flat=True).first()
    return result, fallback


def _cancel_unserved(client_ids: list[int] | None, actor: Any) -> int:
    qs = VisitTask.objects.filter(status=VisitTask.Status.OPEN, client__status__in=NOT_SERVED)
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    tasks = list(qs.select_for_update(of=("self",)))
    if not tasks:
        return 0
    now = timezone.now()
    deadlines = list(
        Deadline.objects.select_for_update().filter(
            pk__in=[t.deadline_id for t in tasks if t.deadline_id], status=Deadline.Status.OPEN
        )
    )
    Deadline.objects.filter(pk__in=[d.pk for d in deadlines]).update(
        status=Deadline.Status.CANCELLED, closed_at=now, next_escalation_at=None
    )
    VisitTask.objects.filter(pk__in=[t.pk for t in tasks]).update(
        status=VisitTask.Status.CANCELLED, note="客户已终止服务或列入失信名单"
    )
    entries = [
        audit.entry(
            actor=actor,
            action="visits.task_cancel",
            instance=t,
            before={"status": VisitTask.Status.OPEN},
            after={"status": VisitTask.Status.CANCELLED, "note": "客户已终止服务或列入失信名单"},
        )
        for t in tasks
    ]
    entries += [
        audit.entry(
            actor=actor,
            action="deadline.cancel",
            instance=d,
            before={"status": Deadline.Status.OPEN},
            after={"status": Deadline.Status.CANCELLED},
        )
        for d in deadlines
    ]
    audit.record_all(entries)
    return len(tasks)


def _facts(clients: list[dict[str, Any]], client_ids: list[int] | None) -> dict[int, Facts]:
    signed = Agreement.objects.filter(signed_at__isnull=False, client__status=Client.Status.ACTIVE)
    visits = VisitTask.objects.filter(kind__in=VISIT_KINDS, client__status=Client.Status.ACTIVE)
    if client_ids is not None:
        signed = signed.filter(client_id__in=client_ids)
        visits = visits.filter(client_id__in=client_ids)
    agreements = {
        row["client_id"]: row
        for row in signed.values("client_id")
        .annotate(first=Min("signed_at"), start=Min("start_date"))
        .order_by()
    }
    done = dict(
        visits.filter(status=VisitTask.Status.DONE)
        .values("client_id")
        .annotate(last=Max("done_at"))
        .values_list("client_id", "last")
        .order_by()
    )
    skipped = dict(
        visits.filter(status=VisitTask.Status.CANCELLED)
        .values("client_id")
        .annotate(last=Max("due_date"))
        .values_list("client_id", "last")
        .order_by()
    )
    result: dict[int, Facts] = {}
    for row in clients:
        pk = row["pk"]
        agreement = agreements.get(pk)
        first_signed = timezone.localdate(agreement["first"]) if agreement else None
        start = agreement["start"] if agreement else timezone.localdate(row["created_at"])
        last_done = timezone.localdate(done[pk]) if pk in done else None
        candidates = [d for d in (last_done, skipped.get(pk)) if d is not None]
        result[pk] = Facts(
            client_id=pk,
            headcount=row["headcount"],
            vip=row["grade"] == Client.Grade.VIP,
            first_signed=first_signed,
            service_start=start,
            last_visit=max(candidates) if candidates else None,
        )
    return result


def current_survey(today: dt.date, actor: Any = None) -> Survey:
    """The quarter's survey, created on first use."""
    quarter = Quarter.of(today)
    return survey_for(quarter, actor=actor)


def survey_for(quarter: Quarter, actor: Any = None) -> Survey:
    survey = Survey.objects.filter(quarter=str(quarter)).first()
    if survey is None:
        survey = Survey.objects.create(
            quarter=str(quarter),
            title=f"{quarter.label}客户满意度调查",
            starts_on=quarter.first_day,
            ends_on=quarter.last_day,
        )
        audit.record(
            actor=actor,
            action="visits.survey_create",
            instance=survey,
            after=audit.snapshot(survey),
        )
    return survey


@transaction.atomic
def plan_visits(
    *, today: dt.date | None = None, client_ids: list[int] | None = None, actor: Any = None
) -> PlanResult:
    """Plan what is missing (see the module docstring); safe to run any number of times."""
    today = today or timezone.localdate()
    cancelled = _cancel_unserved(client_ids, actor)
    rule_set, rules = active_rules()
    clients_qs = Client.objects.filter(status=Client.Status.ACTIVE)
    if client_ids is not None:
        clients_qs = clients_qs.filter(pk__in=client_ids)
    clients = list(
        clients_qs.annotate(headcount=Count("people", filter=Q(people__status="active")))
        .values("pk", "name", "grade", "created_at", "headcount")
        .order_by("pk")
    )
    if not clients:
        return PlanResult(0, 0, cancelled, 0)
    ids = client_ids if client_ids is not None else None
    facts = _facts(clients, ids)
    open_tasks = VisitTask.objects.filter(status=VisitTask.Status.OPEN)
    if ids is not None:
        open_tasks = open_tasks.filter(client_id__in=ids)
    busy = set(open_tasks.values_list("client_id", "kind"))
    survey = current_survey(today, actor)
    surveyed = set(
        VisitTask.objects.filter(kind=VisitTask.Kind.SURVEY, survey=survey).values_list(
            "client_id", flat=True
        )
    ) | set(survey.responses.values_list("client_id", flat=True))
    owners, fallback = owners_for(ids)
    names = {row["pk"]: row["name"] for row in clients}
    new: list[VisitTask] = []
    no_owner = 0
    for row in clients:
        pk = row["pk"]
        owner = owners.get(pk, fallback)
        wanted: list[VisitTask] = []
        if not any((pk, kind) in busy for kind in VISIT_KINDS):
            plan = next_visit(rule_set.basis, rules, facts[pk], today)
            if plan is not None:
                wanted.append(
                    VisitTask(
                        client_id=pk,
                        kind=plan.kind,
                        rule=plan.rule,
                        due_date=plan.due,
                        reason=plan.reason[:200],
                    )
                )
        if pk not in surveyed and (pk, VisitTask.Kind.SURVEY) not in busy:
            wanted.append(
                VisitTask(
                    client_id=pk,
                    kind=VisitTask.Kind.SURVEY,
                    survey=survey,
                    due_date=max(survey.ends_on, today),
                    reason=f"{survey.title}",
                )
            )
        if wanted and owner is None:
            no_owner += 1
            continue
        for task in wanted:
            task.owner_id = owner
        new += wanted
    created = VisitTask.objects.bulk_create(new)
    if created and created[0].pk is None:  # a backend that does not return ids
        raise RuntimeError("bulk_create did not return primary keys")
    open_deadlines(created, names, actor)
    audit.record_all(
        [
            audit.entry(actor=actor, action="visits.task_plan", instance=t, after=audit.snapshot(t))
            for t in created
        ]
    )
    surveys = sum(1 for t in created if t.kind == VisitTask.Kind.SURVEY)
    return PlanResult(len(created) - surveys, surveys, cancelled, no_owner)
