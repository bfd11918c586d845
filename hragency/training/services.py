"""Writes on training programmes (002 §3): a client's request (needs analysis) → resources
(trainer, venue, budget, materials) → sessions (the client's HR is notified) → enrolment of the
client's people (bulk) → attendance and results → the programme's evaluation.

Keyword-only, atomic, audited; every operation for a client calls ``ensure_serviceable``. Bulk
paths (enrol, attendance, results) cost a fixed number of queries whatever the head count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.accounts.queries import client_hr_users, role_holders, serving
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit, fields
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.uploads import RejectedFile, check_upload
from hragency.training.models import Material, Session, TrainingProgramme
from hragency.training.queries import programmes_for

P = TrainingProgramme.Status
MAX_NAMES = 500


def link(programme: TrainingProgramme) -> str:
    return f"/training/{programme.pk}/"


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")


def _visible(actor: Any, programme: TrainingProgramme) -> None:
    if not programmes_for(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied("无权处理该客户的培训项目")


def require_manager(actor: Any, programme: TrainingProgramme | None = None) -> None:
    _authenticated(actor)
    if not actor.has_perm("training.manage_training"):
        raise PermissionDenied("无权管理培训项目")
    if programme is not None:
        _visible(actor, programme)


def require_client_or_manager(actor: Any, programme: TrainingProgramme) -> None:
    """The client's own HR user (enrol its people, withdraw the request), or a trainer."""
    _authenticated(actor)
    if getattr(actor, "kind", "") == "client_hr":
        if actor.client_id != programme.client_id or not actor.has_perm(
            "training.view_trainingprogramme"
        ):
            raise PermissionDenied("无权处理该培训项目")
        return
    require_manager(actor, programme)


def _locked(programme: TrainingProgramme) -> TrainingProgramme:
    programme = (
        TrainingProgramme.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=programme.pk)
    )
    ensure_serviceable(programme.client)
    return programme


def _audit(
    actor: Any, action: str, programme: TrainingProgramme, before: dict[str, Any], **extra: Any
) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=programme,
        before=before,
        after=audit.snapshot(programme),
        extra=extra or None,
    )


def pick_owner(client: Client) -> Any:
    return serving(client, Role.TRAINER).first() or role_holders(Role.TRAINER).first()


@transaction.atomic
def request_programme(
    *,
    actor: Any,
    client: Client,
    title: Any,
    needs: Any,
    objectives: Any = "",
    audience: Any = "",
    format: Any = "",
    requested_at: dt.datetime | None = None,
) -> TrainingProgramme:
    """A client's training need (from the portal, or taken by staff): numbered and given to a
    trainer serving the client, who is told."""
    _authenticated(actor)
    if not actor.has_perm("training.add_trainingprogramme"):
        raise PermissionDenied("无权提出培训需求")
    if getattr(actor, "kind", "") == "client_hr" and actor.client_id != client.pk:
        raise PermissionDenied("只能为本企业提出培训需求")
    client = ensure_serviceable(client)
    errors: list[FieldError] = []
    title = fields.text(title, "title", "培训主题", errors, required=True, max_length=100)
    needs = fields.text(needs, "needs", "需求分析", errors, required=True)
    objectives = fields.text(objectives, "objectives", "培训目标", errors)
    audience = fields.text(audience, "audience", "培训对象", errors, max_length=200)
    fmt = (
        fields.choice(format, "format", "培训形式", TrainingProgramme.Format.choices, errors)
        if format not in (None, "")
        else ""
    )
    if errors:
        raise InvalidFields(errors)
    owner = pick_owner(client)
    if owner is None:
        raise ServiceError("尚未设置培训专员，无法受理培训需求，请联系管理员")
    now = timezone.now()
    programme = TrainingProgramme.objects.create(
        number=next_number("PX"),
        client=client,
        title=title,
        needs=needs,
        objectives=objectives,
        audience=audience,
        format=fmt,
        requested_by=actor,
        requested_at=requested_at or now,
        owner=owner,
    )
    audit.record(
        actor=actor,
        action="training.request",
        instance=programme,
        after=audit.snapshot(programme),
    )
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            title=f"新培训需求 {programme.number}：{client.name}·{title}",
            body=needs[:200],
            link=link(programme),
        )
    return programme


@transaction.atomic
def plan_resources(
    *,
    actor: Any,
    programme: TrainingProgramme,
    trainer_id: Any = None,
    external_trainer: Any = "",
    venue: Any = "",
    budget: Any = "",
    objectives: Any = None,
    format: Any = None,
    pass_score: Any = None,
) -> TrainingProgramme:
    """Resources (002 §3(2)): an internal trainer (a 培训专员) or an external one, the venue and
    the budget (exact yuan)."""
    require_manager(actor, programme)
    programme = _locked(programme)
    if programme.status in (P.EVALUATED, P.CANCELLED):
        raise ServiceError(f"该培训项目{programme.get_status_display()}，不能再修改")
    errors: list[FieldError] = []
    trainer = None
    if trainer_id not in (None, ""):
        trainer = (
            role_holders(Role.TRAINER).filter(pk=str(trainer_id)).first()
            if str(trainer_id).isdigit()
            else None
        )
        if trainer is None:
            errors.append(FieldError("trainer_id", "内部讲师", "请选择培训专员"))
    external = fields.text(external_trainer, "external_trainer", "外部讲师", errors, max_length=100)
    if trainer_id in (None, "") and not external:
        errors.append(FieldError("trainer_id", "讲师", "请选择内部讲师或填写外部讲师"))
    venue = fields.text(venue, "venue", "场地", errors, max_length=120)
    amount = fields.amount(budget, "budget", "预算", errors, required=False)
    score = (
        fields.integer(pass_score, "pass_score", "考核合格分", errors, low=0, high=100)
        if pass_score not in (None, "")
        else programme.pass_score
    )
    goals = (
        fields.text(objectives, "objectives", "培训目标", errors)
        if objectives is not None
        else programme.objectives
    )
    fmt = (
        fields.choice(format, "format", "培训形式", TrainingProgramme.Format.choices, errors)
        if format not in (None, "")
        else programme.format
    )
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(programme)
    programme.trainer = trainer
    programme.external_trainer = external
    programme.venue = venue
    programme.budget = amount
    programme.pass_score = score if score is not None else programme.pass_score
    programme.objectives = goals
    programme.format = fmt
    if programme.status == P.NEEDS:
        programme.status = P.RESOURCES
    programme.save()
    _audit(actor, "training.resources", programme, before)
    return programme


def _clean_file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "未命名")[-200:]


@transaction.atomic
def add_material(*, actor: Any, programme: TrainingProgramme, file: Any) -> Material:
    """A course material (PDF or image, checked like archive documents), stored privately."""
    require_manager(actor, programme)
    programme = _locked(programme)
    if file is None:
        raise InvalidFields([FieldError("file", "文件", "请选择要上传的文件")])
    original = _clean_file_name(getattr(file, "name", "") or "")
    size = int(getattr(file, "size", 0) or 0)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        sniffed = check_upload(original, size, head)
    except RejectedFile as exc:
        raise InvalidFields([FieldError("file", "文件", str(exc))]) from exc
    material = Material(
        programme=programme,
        original_name=original,
        size=size,
        content_type=sniffed.content_type,
        uploaded_by=actor,
    )
    material.file.save(f"material.{sniffed.extension}", File(file), save=False)
    try:
        material.save()
        audit.record(
            actor=actor,
            action="training.material_add",
            instance=programme,
            extra={"material": {"id": material.pk, "name": original}},
        )
    except BaseException:
        default_storage.delete(material.file.name)
        raise
    return material


@transaction.atomic
def schedule_session(
    *,
    actor: Any,
    programme: TrainingProgramme,
    starts_at: Any,
    ends_at: Any,
    capacity: Any,
    place: Any = "",
    online_link: Any = "",
) -> Session:
    """A session at a time and a place or online link; the client's HR users are told."""
    require_manager(actor, programme)
    programme = _locked(programme)
    if programme.status == P.NEEDS:
        raise ServiceError("请先配置培训资源（讲师、场地、预算），再排课")
    if programme.status in (P.EVALUATED, P.CANCELLED):
        raise ServiceError(f"该培训项目{programme.get_status_display()}，不能再排课")
    errors: list[FieldError] = []
    start = fields.moment(starts_at, "starts_at", "开始时间", errors)
    end = fields.moment(ends_at, "ends_at", "结束时间", errors)
    if start and end and end <= start:
        errors.append(FieldError("ends_at", "结束时间", "应晚于开始时间"))
    seats = fields.integer(capacity, "capacity", "人数上限", errors, low=1, high=10000)
    place = fields.text(place, "place", "地点", errors, max_length=120)
    online = fields.text(online_link, "online_link", "线上链接", errors, max_length=300)
    if online and not online.startswith(("https://", "http://")):
        errors.append(FieldError("online_link", "线上链接", "应以 https:// 开头"))
    if not place and not online:
        errors.append(FieldError("place", "地点", "请填写地点或线上链接"))
    if errors or start is None or end is None or seats is None:
        raise InvalidFields(errors)
    session = Session.objects.create(
        programme=programme,
        starts_at=start,
        ends_at=end,
        place=place,
        online_link=online,
        capacity=seats,
    )
    before = audit.snapshot(programme)
    if programme.status == P.RESOURCES:
        programme.status = P.SCHEDULED
        programme.save()
    local = timezone.localtime(start)
    _audit(
        actor,
        "training.session_schedule",
        programme,
        before,
        session={
            "id": session.pk,
            "starts_at": f"{local:%Y-%m-%d %H:%M}",
            "place": place or online,
        },
    )
    notify(
        recipients=client_hr_users(programme.client_id),
        title=f"培训排课：{programme.title} {local:%Y-%m-%d %H:%M}",
        body=f"地点：{place or online}；人数上限 {seats} 人。请安排学员报名。",
        link=f"/training/sessions/{session.pk}/",
    )
    return session


@transaction.atomic
def evaluate_programme(
    *,
    actor: Any,
    programme: TrainingProgramme,
    reaction: Any,
    learning: Any,
    behaviour: Any = "",
    results: Any = "",
) -> TrainingProgramme:
    """The programme's evaluation and summary (002 §3(4)) on Kirkpatrick's four levels:
    reaction and learning are required (the session figures feed them); behaviour and results
    are often known only months later and may be added then."""
    require_manager(actor, programme)
    programme = _locked(programme)
    if programme.status not in (P.DELIVERED, P.EVALUATED):
        raise ServiceError("培训实施（全部场次登记出勤）后才能评估")
    errors: list[FieldError] = []
    reaction = fields.text(reaction, "reaction", "反应层", errors, required=True)
    learning = fields.text(learning, "learning", "学习层", errors, required=True)
    behaviour = fields.text(behaviour, "behaviour", "行为层", errors)
    results_text = fields.text(results, "results", "结果层", errors)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(programme)
    programme.reaction, programme.learning = reaction, learning
    programme.behaviour, programme.results = behaviour, results_text
    programme.status = P.EVALUATED
    programme.evaluated_at = timezone.now()
    programme.save()
    _audit(actor, "training.evaluate", programme, before)
    return programme


@transaction.atomic
def cancel_programme(*, actor: Any, programme: TrainingProgramme, reason: Any) -> TrainingProgramme:
    require_client_or_manager(actor, programme)
    programme = TrainingProgramme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
    if programme.status in (P.DELIVERED, P.EVALUATED, P.CANCELLED):
        raise ServiceError(f"该培训项目{programme.get_status_display()}，不能取消")
    errors: list[FieldError] = []
    reason = fields.text(reason, "reason", "取消原因", errors, required=True, max_length=300)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(programme)
    programme.status = P.CANCELLED
    programme.cancel_reason = reason
    programme.save()
    programme.sessions.filter(status=Session.Status.SCHEDULED).update(
        status=Session.Status.CANCELLED
    )
    _audit(actor, "training.cancel", programme, before)
    return programme
