"""Writes of agent profiles (人员异动: team, position, leave), assessment events (exam, discipline,
skill) and the staffing-ratio limits. Keyword-only, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hragency.agents.common import MANAGE, parse_score, require
from hragency.agents.models import AgentEvent, AgentProfile, StaffingRatioRule
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError

# --- profiles and events -----------------------------------------------------------------------

PROFILE_FIELDS = [
    "team",
    "position",
    "hire_date",
    "leave_date",
    "status",
    "person",
    "skills",
    "note",
]


def _profile_values(raw: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    from hragency.accounts.models import Department
    from hragency.core import values
    from hragency.employees.models import InsuredPerson

    clean: dict[str, Any] = {}
    errors: list[FieldError] = []

    def parse(name: str, label: str, fn: Any) -> None:
        if partial and name not in raw:
            return
        try:
            clean[name] = fn(raw.get(name))
        except values.InvalidValue as exc:
            errors.append(FieldError(name, label, str(exc)))

    parse("hire_date", "入职日期", values.date)
    parse("leave_date", "离职日期", values.date)
    parse("note", "备注", values.text)
    if not partial or "position" in raw:
        try:
            clean["position"] = values.choice(
                raw.get("position") or AgentProfile.Position.REP,
                dict(AgentProfile.Position.choices),
            )
        except values.InvalidValue as exc:
            errors.append(FieldError("position", "岗位", str(exc)))
    if "team" in raw:
        team_id = raw.get("team")
        clean["team"] = None
        if team_id not in (None, ""):
            clean["team"] = (
                Department.objects.filter(pk=str(team_id)).first()
                if str(team_id).isdigit()
                else None
            )
            if clean["team"] is None:
                errors.append(FieldError("team", "班组", "班组不存在"))
    if "person" in raw:
        person_id = raw.get("person")
        clean["person"] = None
        if person_id not in (None, ""):
            found = (
                InsuredPerson.objects.filter(pk=str(person_id)).first()
                if str(person_id).isdigit()
                else None
            )
            if found is None:
                errors.append(FieldError("person", "本公司工资档案", "人员不存在"))
            clean["person"] = found
    if "skills" in raw:
        skills = raw.get("skills") or []
        if isinstance(skills, str):
            skills = [s for s in skills.replace("，", ",").split(",")]
        clean["skills"] = [str(s).strip()[:20] for s in skills if str(s).strip()][:20]
    if (
        not partial
        and clean.get("hire_date") is None
        and not any(e.field == "hire_date" for e in errors)
    ):
        errors.append(FieldError("hire_date", "入职日期", "必填"))
    if len(clean.get("note") or "") > 200:
        errors.append(FieldError("note", "备注", "最多 200 个字"))
    if errors:
        raise InvalidFields(errors)
    return clean


@transaction.atomic
def create_profile(*, actor: Any, user: Any, **raw: Any) -> AgentProfile:
    require(actor, MANAGE, "无权维护坐席档案")
    if getattr(user, "kind", "") != "staff":
        raise ServiceError("只有本公司员工账号可以建立坐席档案")
    if AgentProfile.objects.filter(user=user).exists():
        raise ServiceError(f"{user} 已有坐席档案")
    clean = _profile_values(raw, partial=False)
    leave = clean.get("leave_date")
    profile = AgentProfile(user=user, **{k: v for k, v in clean.items() if k in PROFILE_FIELDS})
    profile.status = AgentProfile.Status.LEFT if leave else AgentProfile.Status.ON_JOB
    _check_dates(profile)
    profile.save()
    audit.record(
        actor=actor,
        action="agents.profile_create",
        instance=profile,
        after=audit.snapshot(profile, ["user", *PROFILE_FIELDS]),
    )
    return profile


def _check_dates(profile: AgentProfile) -> None:
    if profile.leave_date and profile.hire_date and profile.leave_date < profile.hire_date:
        raise InvalidFields([FieldError("leave_date", "离职日期", "不能早于入职日期")])


@transaction.atomic
def update_profile(*, actor: Any, profile: AgentProfile, **raw: Any) -> AgentProfile:
    """Change the profile; a leave date makes the agent 离职, clearing it 在职 again."""
    require(actor, MANAGE, "无权维护坐席档案")
    profile = AgentProfile.objects.select_for_update().get(pk=profile.pk)
    clean = _profile_values(raw, partial=True)
    before = audit.snapshot(profile, PROFILE_FIELDS)
    for name, value in clean.items():
        if name == "hire_date" and value is None:
            continue
        setattr(profile, name, value)
    profile.status = AgentProfile.Status.LEFT if profile.leave_date else AgentProfile.Status.ON_JOB
    _check_dates(profile)
    profile.save()
    audit.record(
        actor=actor,
        action="agents.profile_update",
        instance=profile,
        before=before,
        after=audit.snapshot(profile, PROFILE_FIELDS),
    )
    if profile.status == AgentProfile.Status.LEFT:
        from hragency.agents.training import cancel_training_deadlines

        cancel_training_deadlines(agent_ids=[profile.pk], actor=actor)
    return profile


@transaction.atomic
def record_event(*, actor: Any, agent: AgentProfile, **raw: Any) -> AgentEvent:
    """An exam score (0–100), a skill assessment or certification (score 0–100 optional), or a
    discipline incident (deduction points 1–100: lateness, absence, a violation)."""
    from hragency.core import values

    require(actor, MANAGE, "无权登记考核事件")
    errors: list[FieldError] = []
    event = AgentEvent(agent=agent, recorded_by=actor)
    try:
        event.kind = values.choice(raw.get("kind"), dict(AgentEvent.Kind.choices))
    except values.InvalidValue as exc:
        errors.append(FieldError("kind", "类型", str(exc)))
    try:
        day = values.date(raw.get("happened_on"))
        if day is None:
            errors.append(FieldError("happened_on", "日期", "必填"))
        else:
            event.happened_on = day
    except values.InvalidValue as exc:
        errors.append(FieldError("happened_on", "日期", str(exc)))
    event.title = values.text(raw.get("title"))[:100]
    if not event.title:
        errors.append(FieldError("title", "事项", "必填"))
    event.note = values.text(raw.get("note"))[:200]
    try:
        event.score = parse_score("score", raw.get("score"), label="得分")
    except InvalidFields as exc:
        errors.extend(exc.errors)
    try:
        points = values.integer(raw.get("points"))
    except values.InvalidValue as exc:
        errors.append(FieldError("points", "扣分", str(exc)))
        points = None
    if event.kind == AgentEvent.Kind.EXAM and event.score is None and not errors:
        errors.append(FieldError("score", "得分", "考试成绩必填"))
    if event.kind == AgentEvent.Kind.DISCIPLINE:
        if points is None or not 1 <= points <= 100:
            errors.append(FieldError("points", "扣分", "纪律事件请填写扣分 1–100"))
        event.points = points
        event.score = None
    if errors:
        raise InvalidFields(errors)
    event.save()
    audit.record(
        actor=actor,
        action="agents.event",
        instance=event,
        after=audit.snapshot(event, ["agent", "kind", "happened_on", "title", "score", "points"]),
    )
    return event


@transaction.atomic
def set_ratio_limit(*, actor: Any, kind: str, limit: object) -> StaffingRatioRule:
    from hragency.agents.models import RATIO_SOURCES
    from hragency.core import values

    require(actor, MANAGE, "无权修改人员配比")
    if kind not in RATIO_SOURCES:
        raise InvalidFields([FieldError("kind", "配比", f"未知配比：{kind}")])
    try:
        number = values.integer(limit)
    except values.InvalidValue as exc:
        raise InvalidFields([FieldError("limit", "上限", str(exc))]) from None
    if number is None or not 1 <= number <= 100_000:
        raise InvalidFields([FieldError("limit", "上限", "应为 1–100000 的整数")])
    row = StaffingRatioRule.objects.select_for_update().filter(kind=kind).first()
    before = audit.snapshot(row, ["limit"]) if row else None
    row = row or StaffingRatioRule(kind=kind, source=RATIO_SOURCES[kind])
    row.limit = number
    row.save()
    audit.record(
        actor=actor,
        action="agents.ratio_limit",
        instance=row,
        before=before,
        after=audit.snapshot(row, ["kind", "limit"]),
    )
    return row
