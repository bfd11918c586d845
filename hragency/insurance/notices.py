"""Policy change notices (R-SI-7): when the library gets new or changed rules for a city, every
client with people insured there hears about it — its HR users and the staff serving it — and
the notice goes on each client's timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from hragency.core import audit
from hragency.core.notifications import Message, notify_all
from hragency.domain.insurance import Item
from hragency.insurance.models import Enrollment, PolicyRule


def _percent(rate: Any) -> str:
    return "按客户" if rate is None else f"{(rate * 100).normalize():f}%"


def describe_rule(rule: PolicyRule) -> str:
    return (
        f"{Item(rule.item).label}：基数 {rule.base_floor:,.2f}–{rule.base_ceiling:,.2f}，"
        f"单位 {_percent(rule.employer_rate)}，个人 {_percent(rule.employee_rate)}"
    )


def _recipients(client_ids: set[int]) -> dict[int, set[Any]]:
    from hragency.accounts.models import ClientAssignment
    from hragency.accounts.queries import client_hr_users

    people: dict[int, set[Any]] = defaultdict(set)
    for user in client_hr_users(*client_ids):
        people[user.client_id].add(user)
    for assignment in ClientAssignment.objects.filter(
        client_id__in=client_ids, user__isnull=False, user__is_active=True
    ).select_related("user"):
        people[assignment.client_id].add(assignment.user)
    return people


def announce_policy_changes(*, actor: Any, rules: Iterable[PolicyRule]) -> int:
    """Tell every affected client about ``rules`` (new or changed); returns how many clients.

    A client is affected when it has an enrollment in the rule's city that is in force on or
    after the rule's month. Set-based: one query for enrollments, one for users, one insert for
    the notices and one for the audit rows."""
    by_city: dict[str, list[PolicyRule]] = defaultdict(list)
    for rule in rules:
        by_city[rule.city].append(rule)
    if not by_city:
        return 0
    condition = Q()
    for city, city_rules in by_city.items():
        since = min(r.effective_from for r in city_rules)
        condition |= Q(city=city) & (Q(end_month__isnull=True) | Q(end_month__gte=since))
    affected: dict[int, set[str]] = defaultdict(set)
    for client_id, city in (
        Enrollment.objects.filter(condition).values_list("client_id", "city").distinct()
    ):
        affected[client_id].add(city)
    recipients = _recipients(set(affected))
    messages, entries = [], []
    for client_id, cities in affected.items():
        for city in sorted(cities):
            city_rules = sorted(by_city[city], key=lambda r: (r.effective_from, r.item))
            since = city_rules[0].effective_from
            title = f"政策变更：{city} {since:%Y-%m} 起社保公积金政策调整"
            body = "\n".join(describe_rule(r) for r in city_rules)
            if recipients.get(client_id):
                messages.append(
                    Message(
                        sorted(recipients[client_id], key=lambda u: u.pk),
                        title,
                        body,
                        "/insurance/calculator/",
                    )
                )
            entries.append(
                audit.entry(
                    actor=actor,
                    action="insurance.policy_notice",
                    client_id=client_id,
                    extra={
                        "city": city,
                        "since": f"{since:%Y-%m}",
                        "items": [r.item for r in city_rules],
                    },
                )
            )
    notify_all(messages)
    audit.record_all(entries)
    return len(affected)
