"""The return-visit schedule (R-VISIT-1): rule sets, their defaults, and which rule a client
falls under.

Decisions (written down here, see also docs):

- **Exactly one rule set is active at a time** (a partial unique index enforces it). The
  default sets are 按客户规模 (003 §7.4: small ≤ 100 insured every 6 months, medium 101–299
  every 3 months, large ≥ 300 every 2 months; the size class is ``domain.segments``) and
  按客户关系 (004: a new client once within 7 days of signing its first agreement, existing
  clients quarterly, key accounts — ``Client.grade == VIP`` — monthly). 按客户规模 is active
  by default: it is the agency's written service plan; the CS director switches on the
  rule-set screen.
- **Within a set, the most frequent matching rule wins.** Under 按客户关系 a VIP client
  matches both "key account" and "existing"; it gets the shorter interval.
- **New client** = a client whose first agreement was signed within the last
  ``NEW_CLIENT_DAYS`` days and who has had no visit yet (done or skipped). Its first visit
  (kind 新客户首访) is due ``within_days`` after that signing. A client signed long ago and never
  visited is an existing client.
- **The next visit is due one interval after the last visit** (the date it was done, or the due
  date of a visit that was cancelled = skipped), or after the service start (earliest start
  date of a signed agreement, else the day the client was created) when there was none. A due
  date already in the past becomes today: the visit is due now, not "overdue since 2024".
- A switch of rule set (or an edited interval) applies to the next task planned; open tasks
  keep their due date (reschedule them if needed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.retirement import add_months
from hragency.domain.segments import size_class
from hragency.visits.models import VisitRule, VisitRuleSet, VisitTask

NEW_CLIENT_DAYS = 90
MAX_INTERVAL_MONTHS = 24
MAX_WITHIN_DAYS = 90

C = VisitRule.Condition
DEFAULT_SETS: list[tuple[str, str, bool, str, list[tuple[str, int, int]]]] = [
    (
        "按客户规模",
        VisitRuleSet.Basis.SIZE,
        True,
        "003 §7.4：小型每半年、中型每季度、大型每两个月回访一次",
        [(C.SMALL, 6, 0), (C.MEDIUM, 3, 0), (C.LARGE, 2, 0)],
    ),
    (
        "按客户关系",
        VisitRuleSet.Basis.RELATIONSHIP,
        False,
        "004：新客户签约后一周内回访，老客户每季度，重点客户每月",
        [(C.NEW_CLIENT, 0, 7), (C.EXISTING, 3, 0), (C.KEY_ACCOUNT, 1, 0)],
    ),
]


@dataclass(frozen=True)
class Facts:
    """What the schedule needs to know about one client (loaded set-based by the planner)."""

    client_id: int
    headcount: int
    vip: bool
    first_signed: dt.date | None
    service_start: dt.date
    last_visit: dt.date | None


@dataclass(frozen=True)
class Plan:
    kind: str
    rule: Any  # VisitRule
    due: dt.date
    reason: str


def next_visit(basis: str, rules: Mapping[str, Any], facts: Facts, today: dt.date) -> Plan | None:
    """The visit the client is due for under the active set (None: no rule applies)."""
    if basis == VisitRuleSet.Basis.RELATIONSHIP:
        first = rules.get(C.NEW_CLIENT)
        is_new = (
            facts.last_visit is None
            and facts.first_signed is not None
            and (today - facts.first_signed).days <= NEW_CLIENT_DAYS
        )
        if first is not None and is_new and facts.first_signed is not None:
            due = facts.first_signed + dt.timedelta(days=first.within_days)
            reason = f"新客户：{facts.first_signed:%Y-%m-%d} 首次签约，{first.within_days} 日内首访"
            return Plan(VisitTask.Kind.FIRST, first, max(due, today), reason)
        candidates = [rules.get(C.EXISTING)]
        if facts.vip:
            candidates.append(rules.get(C.KEY_ACCOUNT))
    else:
        candidates = [rules.get(size_class(facts.headcount).value)]
    found = [r for r in candidates if r is not None and r.interval_months > 0]
    if not found:
        return None
    rule = min(found, key=lambda r: (r.interval_months, r.position))
    base = facts.last_visit or facts.service_start
    since = "上次回访" if facts.last_visit else "服务开始"
    due = add_months(base, rule.interval_months)
    reason = (
        f"{rule.get_condition_display()}：{since} {base:%Y-%m-%d} 后每 {rule.interval_months} 个月"
    )
    return Plan(VisitTask.Kind.ROUTINE, rule, max(due, today), reason)


# ---- rule sets -----------------------------------------------------------------------------


@transaction.atomic
def ensure_default_rules(*, actor: Any = None) -> VisitRuleSet:
    """Create the two default rule sets if there are none; the active set."""
    if not VisitRuleSet.objects.exists():
        for name, basis, active, note, rules in DEFAULT_SETS:
            rule_set = VisitRuleSet.objects.create(name=name, basis=basis, active=active, note=note)
            audit.record(
                actor=actor,
                action="visits.ruleset_create",
                instance=rule_set,
                after=audit.snapshot(rule_set),
            )
            for position, (condition, months, days) in enumerate(rules):
                VisitRule.objects.create(
                    rule_set=rule_set,
                    condition=condition,
                    interval_months=months,
                    within_days=days,
                    position=position,
                )
    active = VisitRuleSet.objects.filter(active=True).first()
    if active is None:
        raise ServiceError("没有启用的回访规则集，请在「回访规则」中启用一个")
    return active


def active_rules() -> tuple[VisitRuleSet, dict[str, VisitRule]]:
    rule_set = ensure_default_rules()
    return rule_set, {r.condition: r for r in rule_set.rules.all()}


def _require_manage(actor: Any) -> None:
    if actor is None or not actor.has_perm("visits.manage_rules"):
        raise PermissionDenied("无权配置回访规则")


def conditions_for(basis: str) -> list[str]:
    if basis == VisitRuleSet.Basis.SIZE:
        return [C.SMALL, C.MEDIUM, C.LARGE]
    return [C.NEW_CLIENT, C.EXISTING, C.KEY_ACCOUNT]


@transaction.atomic
def update_rules(*, actor: Any, rule_set: VisitRuleSet, values: Mapping[str, Any]) -> VisitRuleSet:
    """Set the intervals of a rule set: ``values`` maps "<condition>" to months (for
    "new_client": days). Every condition of the set's basis must be given, 1–24 months or 1–90
    days; an empty value removes the rule (that kind of client gets no scheduled visits)."""
    _require_manage(actor)
    rule_set = VisitRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    labels = dict(C.choices)
    errors: list[FieldError] = []
    wanted: dict[str, int | None] = {}
    for condition in conditions_for(rule_set.basis):
        raw = str(values.get(condition, "") or "").strip()
        if not raw:
            wanted[condition] = None
            continue
        limit = MAX_WITHIN_DAYS if condition == C.NEW_CLIENT else MAX_INTERVAL_MONTHS
        unit = "天" if condition == C.NEW_CLIENT else "个月"
        if not raw.isdigit() or not 1 <= int(raw) <= limit:
            errors.append(FieldError(condition, labels[condition], f"应为 1–{limit} {unit}"))
            continue
        wanted[condition] = int(raw)
    if errors:
        raise InvalidFields(errors)
    if all(v is None for v in wanted.values()):
        raise InvalidFields([FieldError("rules", "回访规则", "至少保留一条规则")])
    existing = {r.condition: r for r in rule_set.rules.all()}
    before = {c: existing[c].describe() for c in existing}
    for position, (condition, number) in enumerate(wanted.items()):
        rule = existing.get(condition)
        if number is None:
            if rule is not None:
                rule.delete()
            continue
        months, days = (0, number) if condition == C.NEW_CLIENT else (number, 0)
        if rule is None:
            VisitRule.objects.create(
                rule_set=rule_set,
                condition=condition,
                interval_months=months,
                within_days=days,
                position=position,
            )
        else:
            rule.interval_months, rule.within_days, rule.position = months, days, position
            rule.save()
    after = {r.condition: r.describe() for r in rule_set.rules.all()}
    audit.record(
        actor=actor,
        action="visits.rules_update",
        instance=rule_set,
        before={"rules": str(before)},
        after={"rules": str(after)},
    )
    return rule_set


@transaction.atomic
def activate_rule_set(*, actor: Any, rule_set: VisitRuleSet) -> VisitRuleSet:
    """Make this the one active set (the previous one is switched off)."""
    _require_manage(actor)
    rule_set = VisitRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.active:
        raise ServiceError(f"规则集「{rule_set.name}」已在使用中")
    if not rule_set.rules.exists():
        raise ServiceError(f"规则集「{rule_set.name}」没有任何规则，不能启用")
    for previous in VisitRuleSet.objects.select_for_update().filter(active=True):
        previous.active = False
        previous.save(update_fields=["active"])
        audit.record(
            actor=actor,
            action="visits.ruleset_deactivate",
            instance=previous,
            before={"active": True},
            after={"active": False},
        )
    rule_set.active = True
    rule_set.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="visits.ruleset_activate",
        instance=rule_set,
        before={"active": False},
        after={"active": True},
    )
    return rule_set
