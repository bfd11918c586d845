"""Return visits (R-VISIT-1): rule matching by size and relationship with hand-checked due
dates, the idempotent planner, deadlines opened and closed, completing plans the next visit,
reschedule and cancel, blacklisted and terminated clients."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hragency.clients.models import Client
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from hragency.visits import rules, services
from hragency.visits.models import VisitRule, VisitRuleSet, VisitTask
from hragency.visits.planning import DEADLINE_KIND, plan_visits
from hragency.visits.rules import Facts, next_visit
from tests.test_visits_support import grant_visit_roles, in_service, local

pytestmark = pytest.mark.django_db

NOV_23 = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _roles(db):
    grant_visit_roles()


def _rules(basis: str) -> dict[str, VisitRule]:
    rules.ensure_default_rules()
    rule_set = VisitRuleSet.objects.get(basis=basis)
    return {r.condition: r for r in rule_set.rules.all()}


def _facts(**kw) -> Facts:
    values = {
        "client_id": 1,
        "headcount": 10,
        "vip": False,
        "first_signed": None,
        "service_start": dt.date(2026, 5, 31),
        "last_visit": None,
    }
    return Facts(**{**values, **kw})


def test_it_seeds_two_rule_sets_with_size_active():
    active = rules.ensure_default_rules()
    assert active.basis == VisitRuleSet.Basis.SIZE
    assert VisitRuleSet.objects.count() == 2
    rules.ensure_default_rules()  # idempotent
    assert VisitRuleSet.objects.count() == 2
    by_size = {r.condition: r.interval_months for r in active.rules.all()}
    assert by_size == {"small": 6, "medium": 3, "large": 2}
    relationship = VisitRuleSet.objects.get(basis="relationship")
    assert {r.condition: (r.interval_months, r.within_days) for r in relationship.rules.all()} == {
        "new_client": (0, 7),
        "existing": (3, 0),
        "key_account": (1, 0),
    }


@pytest.mark.parametrize(
    ("headcount", "due"),
    [
        (0, dt.date(2026, 11, 30)),  # small: 2026-05-31 + 6 months
        (100, dt.date(2026, 11, 30)),
        (101, dt.date(2026, 8, 31)),  # medium: + 3 months
        (299, dt.date(2026, 8, 31)),
        (300, dt.date(2026, 7, 31)),  # large: + 2 months
    ],
)
def test_it_matches_size_rules(headcount, due):
    plan = next_visit("size", _rules("size"), _facts(headcount=headcount), dt.date(2026, 6, 1))
    assert plan is not None and plan.kind == VisitTask.Kind.ROUTINE and plan.due == due


def test_it_schedules_from_the_last_visit_and_clamps_a_past_due_date_to_today():
    size = _rules("size")
    plan = next_visit("size", size, _facts(last_visit=dt.date(2026, 8, 31)), dt.date(2026, 9, 1))
    assert plan.due == dt.date(2027, 2, 28)  # 6 months after 31 Aug: end of February
    late = next_visit("size", size, _facts(service_start=dt.date(2024, 1, 1)), NOV_23)
    assert late.due == NOV_23


def test_it_matches_relationship_rules():
    rel = _rules("relationship")
    today = dt.date(2026, 11, 1)
    new = next_visit("relationship", rel, _facts(first_signed=dt.date(2026, 10, 28)), today)
    assert new.kind == VisitTask.Kind.FIRST and new.due == dt.date(2026, 11, 4)  # 28 Oct + 7
    vip = next_visit(
        "relationship",
        rel,
        _facts(vip=True, first_signed=dt.date(2026, 1, 5), last_visit=dt.date(2026, 10, 15)),
        today,
    )
    assert vip.kind == VisitTask.Kind.ROUTINE and vip.due == dt.date(2026, 11, 15)  # monthly wins
    existing = next_visit(
        "relationship",
        rel,
        _facts(first_signed=dt.date(2026, 1, 5), last_visit=dt.date(2026, 10, 15)),
        today,
    )
    assert existing.due == dt.date(2027, 1, 15)  # quarterly
    # Signed long ago and never visited: an existing client, due now.
    old = next_visit(
        "relationship",
        rel,
        _facts(first_signed=dt.date(2025, 1, 2), service_start=dt.date(2025, 1, 2)),
        today,
    )
    assert old.kind == VisitTask.Kind.ROUTINE and old.due == today


def test_it_plans_idempotently_with_owners_and_deadlines(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    in_service(cast.client_b, dt.date(2026, 10, 15))
    result = plan_visits(today=NOV_23)
    assert (result.created, result.surveys, result.no_owner) == (2, 2, 0)
    a = VisitTask.objects.get(client=cast.client_a, kind="routine")
    assert a.due_date == dt.date(2027, 3, 1)  # small client: 1 Sep + 6 months
    assert a.owner == cast.rep_a
    b = VisitTask.objects.get(client=cast.client_b, kind="routine")
    assert b.due_date == dt.date(2027, 4, 15) and b.owner == cast.rep_b
    survey = VisitTask.objects.get(client=cast.client_a, kind="survey")
    assert survey.due_date == dt.date(2026, 12, 31) and survey.survey.quarter == "2026Q4"
    deadline = a.deadline
    assert deadline.kind == DEADLINE_KIND and deadline.owner == cast.rep_a
    assert deadline.due_at == local(2027, 3, 1, 18, 0)
    assert deadline.warn_at == local(2027, 2, 26, 18, 0)  # the visits policy: 3 days ahead
    assert deadline.link == f"/visits/tasks/{a.pk}/" and deadline.client_id == cast.client_a.pk
    assert AuditLog.objects.filter(action="visits.task_plan").count() == 4
    again = plan_visits(today=NOV_23)
    assert (again.created, again.surveys) == (0, 0)
    assert VisitTask.objects.count() == 4
    assert Deadline.objects.filter(kind=DEADLINE_KIND).count() == 4


def test_it_plans_only_clients_in_service_and_falls_back_to_the_supervisor(cast):
    from hragency.accounts.models import ClientAssignment

    in_service(cast.client_a, dt.date(2026, 9, 1))  # client B stays a prospect
    ClientAssignment.objects.filter(client=cast.client_a).delete()
    result = plan_visits(today=NOV_23)
    assert (result.created, result.surveys) == (1, 1)
    assert not VisitTask.objects.filter(client=cast.client_b).exists()
    assert VisitTask.objects.get(client=cast.client_a, kind="routine").owner == cast.supervisor


def test_it_completes_a_visit_closes_the_deadline_and_plans_the_next(cast):
    in_service(cast.client_a, dt.date(2026, 1, 10))
    plan_visits(today=dt.date(2026, 11, 1))  # due 10 Jul, already past: due 1 Nov
    task = VisitTask.objects.get(client=cast.client_a, kind="routine")
    assert task.due_date == dt.date(2026, 11, 1)
    with pytest.raises(InvalidFields) as refused:
        services.complete_visit(actor=cast.rep_a, task=task, method="fax", summary="")
    assert set(refused.value.by_field()) == {"method", "summary"}
    assert VisitTask.objects.get(pk=task.pk).status == "open"
    done = services.complete_visit(
        actor=cast.rep_a,
        task=task,
        method="phone",
        summary="电话回访人事经理",
        issues="询问基数调整",
        next_actions="发送通知",
        done_at=local(2026, 11, 1, 17, 30),
    )
    assert done.status == "done" and done.completed_by == cast.rep_a
    assert Deadline.objects.get(pk=task.deadline_id).status == Deadline.Status.MET
    following = VisitTask.objects.get(client=cast.client_a, kind="routine", status="open")
    assert following.due_date == dt.date(2027, 5, 1)  # 1 Nov + 6 months
    assert following.owner == cast.rep_a and following.deadline is not None
    with pytest.raises(ServiceError):
        services.complete_visit(actor=cast.rep_a, task=task, method="phone", summary="再次")


def test_it_records_a_late_visit(cast):
    in_service(cast.client_a, dt.date(2026, 1, 10))
    plan_visits(today=dt.date(2026, 11, 1))
    task = VisitTask.objects.get(client=cast.client_a, kind="routine")
    services.complete_visit(
        actor=cast.rep_a,
        task=task,
        method="onsite",
        summary="上门回访",
        done_at=local(2026, 11, 2, 9, 0),
    )
    assert Deadline.objects.get(pk=task.deadline_id).status == Deadline.Status.LATE


def test_it_refuses_outsiders(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    task = VisitTask.objects.get(client=cast.client_a, kind="routine")
    for outsider in (cast.rep_b, cast.hr_a):
        with pytest.raises(PermissionDenied):
            services.complete_visit(actor=outsider, task=task, method="phone", summary="x")


def test_it_reschedules_with_a_reason_and_moves_the_deadline(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    task = VisitTask.objects.get(client=cast.client_a, kind="routine")
    old = task.deadline
    with pytest.raises(InvalidFields) as refused:
        services.reschedule_visit(actor=cast.rep_a, task=task, due_date="2020-01-01", reason="")
    assert set(refused.value.by_field()) == {"due_date", "reason"}
    moved = services.reschedule_visit(
        actor=cast.rep_a, task=task, due_date="2027年3月15日", reason="客户人事经理出差"
    )
    assert moved.due_date == dt.date(2027, 3, 15) and moved.note == "客户人事经理出差"
    assert Deadline.objects.get(pk=old.pk).status == Deadline.Status.CANCELLED
    assert moved.deadline.due_at == local(2027, 3, 15, 18, 0)
    assert moved.deadline.status == Deadline.Status.OPEN
    assert AuditLog.objects.filter(action="visits.task_reschedule").count() == 1


def test_it_cancels_a_visit_and_plans_the_next_cycle_from_it(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    task = VisitTask.objects.get(client=cast.client_a, kind="routine")
    with pytest.raises(InvalidFields):
        services.cancel_visit(actor=cast.rep_a, task=task, reason=" ")
    services.cancel_visit(actor=cast.rep_a, task=task, reason="客户要求本期跳过")
    assert Deadline.objects.get(pk=task.deadline_id).status == Deadline.Status.CANCELLED
    plan_visits(today=NOV_23)
    following = VisitTask.objects.get(client=cast.client_a, kind="routine", status="open")
    assert following.due_date == dt.date(2027, 9, 1)  # 1 Mar 2027 (skipped) + 6 months


def test_it_cancels_open_visits_of_blacklisted_and_terminated_clients(cast):
    from hragency.clients.services import blacklist_client

    in_service(cast.client_a, dt.date(2026, 9, 1))
    in_service(cast.client_b, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    blacklist_client(client=cast.client_a, reason="伪造资料", actor=cast.admin)
    Client.objects.filter(pk=cast.client_b.pk).update(status=Client.Status.TERMINATED)
    result = plan_visits(today=NOV_23)
    assert (result.created, result.surveys, result.cancelled) == (0, 0, 4)
    assert not VisitTask.objects.filter(status="open").exists()
    assert not Deadline.objects.filter(kind=DEADLINE_KIND, status="open").exists()
    task = VisitTask.objects.filter(client=cast.client_a).first()
    with pytest.raises(ServiceError):
        services.complete_visit(actor=cast.rep_a, task=task, method="phone", summary="x")


def test_it_switches_rule_set_and_plans_a_new_client_first_visit(cast):
    rules.ensure_default_rules()
    relationship = VisitRuleSet.objects.get(basis="relationship")
    with pytest.raises(PermissionDenied):
        rules.activate_rule_set(actor=cast.rep_a, rule_set=relationship)
    rules.activate_rule_set(actor=cast.admin, rule_set=relationship)
    assert list(VisitRuleSet.objects.filter(active=True)) == [relationship]
    with pytest.raises(ServiceError):
        rules.activate_rule_set(actor=cast.admin, rule_set=relationship)
    in_service(cast.client_a, dt.date(2026, 11, 20))
    plan_visits(today=NOV_23)
    task = VisitTask.objects.get(client=cast.client_a, kind__in=["routine", "first"])
    assert task.kind == "first" and task.due_date == dt.date(2026, 11, 27)
    services.complete_visit(
        actor=cast.rep_a, task=task, method="onsite", summary="首访", done_at=local(2026, 11, 23, 9)
    )
    following = VisitTask.objects.get(client=cast.client_a, status="open", kind="routine")
    assert following.due_date == dt.date(2027, 2, 23)  # existing client: quarterly


def test_it_validates_rule_edits(cast):
    rule_set = rules.ensure_default_rules()
    with pytest.raises(InvalidFields) as refused:
        rules.update_rules(
            actor=cast.admin, rule_set=rule_set, values={"small": "0", "medium": "x", "large": "30"}
        )
    assert set(refused.value.by_field()) == {"small", "medium", "large"}
    with pytest.raises(InvalidFields):
        rules.update_rules(actor=cast.admin, rule_set=rule_set, values={})
    rules.update_rules(
        actor=cast.admin, rule_set=rule_set, values={"small": "4", "medium": "", "large": "1"}
    )
    assert {r.condition: r.interval_months for r in rule_set.rules.all()} == {
        "small": 4,
        "large": 1,
    }
    assert AuditLog.objects.filter(action="visits.rules_update").count() == 1


def test_it_plans_from_the_command_line(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    out = io.StringIO()
    call_command("plan_visits", "--date", "2026-11-23", stdout=out)
    assert "已排期回访 1 个，满意度调查 1 个" in out.getvalue()
    out = io.StringIO()
    call_command("plan_visits", "--date", "2026-11-23", stdout=out)
    assert "已排期回访 0 个，满意度调查 0 个" in out.getvalue()


def test_it_seeds_the_demo(cast):
    import random

    from hragency.visits.demo import seed_demo
    from hragency.visits.models import SurveyResponse

    in_service(cast.client_a, dt.date(2025, 12, 1))
    in_service(cast.client_b, dt.date(2026, 11, 18))
    seed_demo(
        clients=[cast.client_a, cast.client_b],
        users={"admin": cast.admin, "rep_a": cast.rep_a},
        rng=random.Random(1),
        today=NOV_23,
    )
    overdue = VisitTask.objects.get(client=cast.client_a, kind="routine", status="open")
    assert overdue.due_date == dt.date(2026, 11, 11)  # planned "12 days ago", due then
    assert (
        VisitTask.objects.filter(client=cast.client_b, kind="routine", status="done").count() == 1
    )
    assert SurveyResponse.objects.count() == 2
