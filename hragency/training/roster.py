"""Writes on a session's roster: bulk enrolment of the client's people (and named
participants) within the capacity, attendance, and each attendee's satisfaction and score.

Set-based: a fixed number of queries whatever the head count. Same rules as ``services``
(keyword-only, atomic, audited, ``ensure_serviceable``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from hragency.core import audit, fields
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.training.models import Enrolment, Session, TrainingProgramme
from hragency.training.services import (
    MAX_NAMES,
    P,
    _audit,
    _locked,
    require_client_or_manager,
    require_manager,
)


def _locked_session(session: Session) -> tuple[Session, TrainingProgramme]:
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    programme = _locked(session.programme)
    session.programme = programme
    return session, programme


@transaction.atomic
def enrol(
    *,
    actor: Any,
    session: Session,
    person_ids: Iterable[Any] = (),
    names: Iterable[Any] = (),
) -> list[Enrolment]:
    """Enrol the client's insured people (bulk) and named participants; people already enrolled
    are skipped; the capacity holds. Three queries plus one insert whatever the count."""
    require_client_or_manager(actor, session.programme)
    session, programme = _locked_session(session)
    if session.status != Session.Status.SCHEDULED:
        raise ServiceError(f"该场次{session.get_status_display()}，不能再报名")
    errors: list[FieldError] = []
    ids: set[int] = set()
    for raw in person_ids:
        if not str(raw).isdigit():
            errors.append(FieldError("person_ids", "参保人", f"无效的编号：{raw}"))
        else:
            ids.add(int(raw))
    clean_names = []
    for raw in names:
        name = fields.text(raw, "names", "学员姓名", errors, max_length=60)
        if name:
            clean_names.append(name)
    if len(ids) + len(clean_names) > MAX_NAMES:
        errors.append(FieldError("person_ids", "参保人", f"一次最多报名 {MAX_NAMES} 人"))
    from hragency.employees.queries import people_for

    people = dict(
        people_for(actor)
        .filter(client_id=programme.client_id, pk__in=ids)
        .exclude(status="left")
        .values_list("pk", "name")
    )
    if set(people) != ids:
        errors.append(FieldError("person_ids", "参保人", "只能报名本客户在职的参保人"))
    if not ids and not clean_names:
        errors.append(FieldError("person_ids", "参保人", "请选择要报名的人员"))
    if errors:
        raise InvalidFields(errors)
    already = set(session.enrolments.filter(person_id__in=ids).values_list("person_id", flat=True))
    new = [
        Enrolment(session=session, person_id=pk, participant_name=people[pk])
        for pk in sorted(ids - already)
    ] + [Enrolment(session=session, participant_name=name) for name in clean_names]
    taken = session.enrolments.count()
    if taken + len(new) > session.capacity:
        raise ServiceError(
            f"超出人数上限：已报名 {taken} 人，本次 {len(new)} 人，上限 {session.capacity} 人"
        )
    created = Enrolment.objects.bulk_create(new)
    audit.record(
        actor=actor,
        action="training.enrol",
        instance=programme,
        extra={
            "session": session.pk,
            "enrolled": [e.participant_name for e in created],
            "skipped": len(already),
        },
    )
    return created


@transaction.atomic
def mark_attendance(*, actor: Any, session: Session, attended_ids: Iterable[Any]) -> Session:
    """Take attendance: the listed enrolments attended, every other one of the session did not.
    The session counts as delivered; the programme too once no session is waiting."""
    require_manager(actor, session.programme)
    session, programme = _locked_session(session)
    if session.status == Session.Status.CANCELLED:
        raise ServiceError("该场次已取消")
    if session.starts_at > timezone.now():
        raise ServiceError("场次尚未开始，不能登记出勤")
    present = {int(x) for x in attended_ids if str(x).isdigit()}
    enrolments = session.enrolments.all()
    if present - set(enrolments.values_list("pk", flat=True)):
        raise InvalidFields([FieldError("attended", "出勤", "名单中没有该学员")])
    enrolments.filter(pk__in=present).update(attended=True)
    enrolments.exclude(pk__in=present).update(attended=False, satisfaction=None, score=None)
    session.status = Session.Status.DELIVERED
    session.delivered_at = timezone.now()
    session.save()
    before = audit.snapshot(programme)
    if (
        programme.status == P.SCHEDULED
        and not programme.sessions.filter(status=Session.Status.SCHEDULED).exists()
    ):
        programme.status = P.DELIVERED
        programme.save()
    _audit(
        actor,
        "training.attendance",
        programme,
        before,
        session=session.pk,
        attended=len(present),
        absent=enrolments.count() - len(present),
    )
    return session


@transaction.atomic
def record_results(
    *, actor: Any, session: Session, results: Mapping[Any, Mapping[str, Any]]
) -> int:
    """Satisfaction (1–5), test score (0–100) and a comment per attendee: ``{enrolment id:
    {"satisfaction", "score", "comment"}}``; empty values clear. One bulk update."""
    require_manager(actor, session.programme)
    session, programme = _locked_session(session)
    if session.status != Session.Status.DELIVERED:
        raise ServiceError("请先登记出勤，再录入评估结果")
    rows = {e.pk: e for e in session.enrolments.all()}
    errors: list[FieldError] = []
    changed: list[Enrolment] = []
    for raw_id, values in results.items():
        enrolment = rows.get(int(raw_id)) if str(raw_id).isdigit() else None
        if enrolment is None:
            errors.append(FieldError("results", "评估结果", f"名单中没有编号 {raw_id}"))
            continue
        name = enrolment.participant_name
        sat = fields.integer(
            values.get("satisfaction"),
            "satisfaction",
            f"{name} 满意度",
            errors,
            low=1,
            high=5,
            required=False,
        )
        score = fields.integer(
            values.get("score"), "score", f"{name} 成绩", errors, low=0, high=100, required=False
        )
        comment = fields.text(
            values.get("comment"), "comment", f"{name} 意见", errors, max_length=300
        )
        if not enrolment.attended and (sat is not None or score is not None):
            errors.append(FieldError("results", f"{name}", "缺勤学员不能录入满意度或成绩"))
            continue
        enrolment.satisfaction, enrolment.score, enrolment.comment = sat, score, comment
        changed.append(enrolment)
    if errors:
        raise InvalidFields(errors)
    Enrolment.objects.bulk_update(changed, ["satisfaction", "score", "comment"])
    audit.record(
        actor=actor,
        action="training.results",
        instance=programme,
        extra={"session": session.pk, "rows": len(changed)},
    )
    return len(changed)
