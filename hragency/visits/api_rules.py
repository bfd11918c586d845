"""/api/visits/rule-sets: the return-visit rule sets (R-VISIT-1), for the CS director
(`visits.manage_rules`): read, change the intervals, activate one, plan now."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from hragency.visits import rules as rule_services
from hragency.visits.models import VisitRuleSet
from hragency.visits.planning import plan_visits
from hragency.visits.queries import rule_sets

router = Router(tags=["回访与满意度"])


class RuleOut(Schema):
    condition: str
    label: str
    interval_months: int
    within_days: int


class RuleSetOut(Schema):
    id: int
    name: str
    basis: str
    basis_label: str
    active: bool
    rules: list[RuleOut]


class RulesIn(Schema):
    """Condition → months between visits (`new_client` → days after signing), e.g.
    {"small": 6, "medium": 3, "large": 2}."""

    values: dict[str, int]


class PlanOut(Schema):
    created: int
    surveys: int
    cancelled: int
    no_owner: int


def _manager(request: HttpRequest) -> Any:
    if not request.user.has_perm("visits.manage_rules"):
        raise PermissionDenied("无权配置回访规则")
    return request.user


def _out(rule_set: VisitRuleSet) -> dict[str, Any]:
    labels = dict(rule_services.C.choices)
    return {
        "id": rule_set.pk,
        "name": rule_set.name,
        "basis": rule_set.basis,
        "basis_label": rule_set.get_basis_display(),
        "active": rule_set.active,
        "rules": [
            {
                "condition": r.condition,
                "label": labels.get(r.condition, r.condition),
                "interval_months": r.interval_months,
                "within_days": r.within_days,
            }
            for r in rule_set.rules.all()
        ],
    }


@router.get("/rule-sets", response=list[RuleSetOut])
def list_rule_sets(request: HttpRequest) -> list[dict[str, Any]]:
    rule_services.ensure_default_rules(actor=_manager(request))
    return [_out(s) for s in rule_sets()]


@router.post("/rule-sets/{rule_set_id}", response=RuleSetOut)
def update_rule_set(request: HttpRequest, rule_set_id: int, payload: RulesIn) -> dict[str, Any]:
    actor = _manager(request)
    rule_set = get_object_or_404(VisitRuleSet, pk=rule_set_id)
    # Conditions not named keep their interval (the service reads a missing one as "remove").
    current = {
        r.condition: r.within_days
        if r.condition == rule_services.C.NEW_CLIENT
        else r.interval_months
        for r in rule_set.rules.all()
    }
    values = {key: str(value) for key, value in {**current, **payload.values}.items()}
    rule_services.update_rules(actor=actor, rule_set=rule_set, values=values)
    return _out(rule_sets().get(pk=rule_set.pk))


@router.post("/rule-sets/{rule_set_id}/activate", response=RuleSetOut)
def activate_rule_set(request: HttpRequest, rule_set_id: int) -> dict[str, Any]:
    actor = _manager(request)
    rule_set = get_object_or_404(VisitRuleSet, pk=rule_set_id)
    rule_services.activate_rule_set(actor=actor, rule_set=rule_set)
    return _out(rule_sets().get(pk=rule_set.pk))


@router.post("/plan", response=PlanOut)
def plan_now(request: HttpRequest) -> dict[str, int]:
    result = plan_visits(actor=_manager(request))
    return {
        "created": result.created,
        "surveys": result.surveys,
        "cancelled": result.cancelled,
        "no_owner": result.no_owner,
    }
