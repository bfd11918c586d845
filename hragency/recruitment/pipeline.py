"""Writes on candidates and applications: add a candidate (résumé checked like archive
documents), shortlist and send to the client (closes the 24 h deadline), schedule the client's
interview, the client's feedback, offer, hire, reject/withdraw (with a reason), probation, and
creating the hire's insured-person record.

Application stages go in order: 初筛中 → 已推荐 → 客户面试 → 已发录用 → 已入职; 未通过 and
已退出 end an application from any stage before 已入职 and need a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.accounts.queries import client_hr_users
from hragency.core import audit, fields
from hragency.core.deadlines import close_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.core.uploads import RejectedFile, check_upload
from hragency.recruitment.models import Application, Candidate, Interview, Requisition
from hragency.recruitment.services import (
    SHORTLIST_KIND,
    S,
    advance,
    ensure_open,
    ensure_stage,
    link,
    locked,
    open_deadline_of,
    portal_link,
    require_client_or_handler,
    require_handler,
)

A = Application.Stage
FINAL = (A.HIRED, A.REJECTED, A.WITHDRAWN)


def _clean_file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "未命名")[-200:]


def _locked_application(application: Application) -> tuple[Application, Requisition]:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .get(pk=application.pk)
    )
    requisition = locked(application.requisition)
    application.requisition = requisition
    return application, requisition


def _audit(
    actor: Any, action: str, application: Application, before: dict[str, Any], **extra: Any
) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=application,
        before=before,
        after=audit.snapshot(application),
        client_id=application.requisition.client_id,
        extra=extra or None,
    )


def _save_requisition(actor: Any, requisition: Requisition, before: dict[str, Any]) -> None:
    after = audit.snapshot(requisition)
    if after != before:
        requisition.save()
        audit.record(
            actor=actor,
            action="recruitment.stage",
            instance=requisition,
            before=before,
            after=after,
        )


# ---- candidates ----------------------------------------------------------------------------


@transaction.atomic
def add_candidate(
    *,
    actor: Any,
    requisition: Requisition,
    name: Any,
    source: Any,
    phone: Any = "",
    notes: Any = "",
    resume: Any = None,
) -> Application:
    """A sourced candidate enters screening for the requisition."""
    require_handler(actor, requisition)
    requisition = locked(requisition)
    ensure_open(requisition)
    ensure_stage(requisition, S.SCREENING, "请先发布招聘渠道，再录入候选人")
    errors: list[FieldError] = []
    name = fields.text(name, "name", "姓名", errors, required=True, max_length=60)
    source = fields.text(source, "source", "来源渠道", errors, required=True, max_length=60)
    phone = fields.phone(phone, "phone", "手机号", errors)
    notes = fields.text(notes, "notes", "备注", errors)
    sniffed = None
    original = ""
    if resume is not None:
        original = _clean_file_name(getattr(resume, "name", "") or "")
        size = int(getattr(resume, "size", 0) or 0)
        resume.seek(0)
        head = resume.read(16)
        resume.seek(0)
        try:
            sniffed = check_upload(original, size, head)
        except RejectedFile as exc:
            errors.append(FieldError("resume", "简历", str(exc)))
    if errors:
        raise InvalidFields(errors)
    candidate = Candidate(
        client=requisition.client,
        name=name,
        phone=phone,
        source=source,
        notes=notes,
        created_by=actor,
    )
    if sniffed is not None:
        candidate.resume_name = original
        candidate.resume_type = sniffed.content_type
        candidate.resume.save(f"resume.{sniffed.extension}", File(resume), save=False)
    try:
        candidate.save()
        application = Application.objects.create(requisition=requisition, candidate=candidate)
        audit.record(
            actor=actor,
            action="recruitment.candidate_add",
            instance=candidate,
            after=audit.snapshot(candidate),
        )
        _audit(actor, "recruitment.application_add", application, {})
    except BaseException:
        if candidate.resume:
            default_storage.delete(candidate.resume.name)
        raise
    return application


def record_resume_download(*, candidate: Candidate, actor: Any) -> None:
    """A résumé is personal data: its download is logged like a reveal."""
    audit.record(
        actor=actor,
        action="reveal.resume",
        instance=candidate,
        extra={"resume": candidate.resume_name},
    )


# ---- the pipeline --------------------------------------------------------------------------


def _require_stage(application: Application, allowed: tuple[str, ...], message: str) -> None:
    if application.stage not in allowed:
        raise ServiceError(f"{message}（当前：{application.get_stage_display()}）")


@transaction.atomic
def shortlist(*, actor: Any, application: Application, note: Any) -> Application:
    """Pass the screening and send the candidate to the client; the first one sent closes the
    24 h shortlist deadline."""
    require_handler(actor, application.requisition)
    application, requisition = _locked_application(application)
    ensure_open(requisition)
    _require_stage(application, (A.SCREENING,), "只有初筛中的候选人可以推荐给客户")
    errors: list[FieldError] = []
    note = fields.text(note, "note", "推荐理由", errors, required=True)
    if errors:
        raise InvalidFields(errors)
    now = timezone.now()
    before = audit.snapshot(application)
    application.stage = A.SHORTLISTED
    application.screening_note = note
    application.shortlisted_at = now
    application.save()
    _audit(actor, "recruitment.shortlist", application, before)
    req_before = audit.snapshot(requisition)
    first = requisition.shortlist_sent_at is None
    if first:
        requisition.shortlist_sent_at = now
    _save_requisition(actor, requisition, req_before)
    if first:
        deadline = open_deadline_of(requisition, SHORTLIST_KIND)
        if deadline is not None:
            close_deadline(deadline, at=now, actor=actor)
    notify(
        recipients=client_hr_users(requisition.client_id),
        title=f"推荐人选：{requisition.position}（{requisition.number}）",
        body=f"候选人 {application.candidate.name}：{note}",
        link=portal_link(requisition),
    )
    return application


@transaction.atomic
def schedule_interview(
    *,
    actor: Any,
    application: Application,
    at: Any,
    place: Any,
    interviewer: Any,
    note: Any = "",
) -> Interview:
    """The client's interview of a shortlisted candidate (002 §2(5)); a second round may follow."""
    require_client_or_handler(actor, application.requisition)
    application, requisition = _locked_application(application)
    ensure_open(requisition)
    _require_stage(
        application, (A.SHORTLISTED, A.CLIENT_INTERVIEW), "只有已推荐的候选人可以安排客户面试"
    )
    errors: list[FieldError] = []
    moment = fields.moment(at, "at", "面试时间", errors)
    place = fields.text(place, "place", "地点", errors, required=True, max_length=120)
    interviewer = fields.text(
        interviewer, "interviewer", "面试官", errors, required=True, max_length=60
    )
    note = fields.text(note, "note", "说明", errors, max_length=200)
    if errors or moment is None:
        raise InvalidFields(errors)
    before = audit.snapshot(application)
    interview = Interview.objects.create(
        application=application, at=moment, place=place, interviewer=interviewer, note=note
    )
    application.stage = A.CLIENT_INTERVIEW
    application.interview_result = ""
    application.save()
    _audit(
        actor,
        "recruitment.interview",
        application,
        before,
        interview={"at": f"{timezone.localtime(moment):%Y-%m-%d %H:%M}", "place": place},
    )
    req_before = audit.snapshot(requisition)
    advance(requisition, S.INTERVIEW)
    _save_requisition(actor, requisition, req_before)
    recipients = [*client_hr_users(requisition.client_id), requisition.recruiter]
    notify(
        recipients=[u for u in recipients if u.pk != actor.pk],
        title=f"面试安排：{application.candidate.name}·{requisition.position}",
        body=f"{timezone.localtime(moment):%Y-%m-%d %H:%M}，{place}，面试官 {interviewer}",
        link=portal_link(requisition),
    )
    return interview


@transaction.atomic
def record_feedback(
    *, actor: Any, application: Application, result: Any, comment: Any
) -> Application:
    """The client's verdict on the interview: pass, or fail (the comment is the reason)."""
    require_client_or_handler(actor, application.requisition)
    application, requisition = _locked_application(application)
    ensure_open(requisition)
    _require_stage(application, (A.CLIENT_INTERVIEW,), "只有客户面试阶段的候选人可以反馈面试结果")
    if not application.interviews.exists():
        raise ServiceError("尚未安排面试，不能反馈面试结果")
    errors: list[FieldError] = []
    result = fields.choice(result, "result", "面试结果", Application.Result.choices, errors)
    comment = fields.text(
        comment, "comment", "反馈意见", errors, required=result == Application.Result.FAIL
    )
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(application)
    application.interview_result = result
    application.client_feedback = comment
    application.feedback_by = actor
    application.feedback_at = timezone.now()
    if result == Application.Result.FAIL:
        application.stage = A.REJECTED
        application.reason = f"客户面试未通过：{comment}"[:300]
    application.save()
    _audit(actor, "recruitment.feedback", application, before)
    if actor.pk != requisition.recruiter_id:
        notify(
            recipients=[requisition.recruiter],
            title=(
                f"面试反馈：{application.candidate.name} "
                f"{application.get_interview_result_display()}"
            ),
            body=comment,
            link=link(requisition),
        )
    return application


@transaction.atomic
def make_offer(*, actor: Any, application: Application) -> Application:
    """The client decides to hire a candidate who passed its interview."""
    require_client_or_handler(actor, application.requisition)
    application, requisition = _locked_application(application)
    ensure_open(requisition)
    _require_stage(application, (A.CLIENT_INTERVIEW,), "只有客户面试通过的候选人可以录用")
    if application.interview_result != Application.Result.PASS:
        raise ServiceError("客户面试通过后才能录用")
    before = audit.snapshot(application)
    application.stage = A.OFFERED
    application.offered_at = timezone.now()
    application.save()
    _audit(actor, "recruitment.offer", application, before)
    req_before = audit.snapshot(requisition)
    advance(requisition, S.HIRE)
    _save_requisition(actor, requisition, req_before)
    return application


@transaction.atomic
def confirm_hire(*, actor: Any, application: Application, hire_date: Any) -> Application:
    """The candidate has started (or will start on ``hire_date``); when the headcount is met the
    requisition is filled and moves to evaluation."""
    require_client_or_handler(actor, application.requisition)
    application, requisition = _locked_application(application)
    ensure_open(requisition)
    _require_stage(
        application, (A.OFFERED,), "只有已发录用的候选人可以确认入职（须先经客户面试并录用）"
    )
    errors: list[FieldError] = []
    day = fields.date(hire_date, "hire_date", "入职日期", errors)
    if errors or day is None:
        raise InvalidFields(errors)
    now = timezone.now()
    before = audit.snapshot(application)
    application.stage = A.HIRED
    application.hire_date = day
    application.hired_at = now
    application.save()
    _audit(actor, "recruitment.hire", application, before)
    req_before = audit.snapshot(requisition)
    hires = requisition.applications.filter(stage=A.HIRED).count()
    if hires >= requisition.headcount:
        requisition.status = Requisition.Status.FILLED
        requisition.filled_at = now
        advance(requisition, S.EVALUATION)
    _save_requisition(actor, requisition, req_before)
    notify(
        recipients=[
            u
            for u in [requisition.recruiter, *client_hr_users(requisition.client_id)]
            if u.pk != actor.pk
        ],
        title=f"确认入职：{application.candidate.name}·{requisition.position}",
        body=f"入职日期 {day:%Y-%m-%d}；已录用 {hires}/{requisition.headcount} 人",
        link=link(requisition),
    )
    return application


def _end(actor: Any, application: Application, stage: str, reason: Any, action: str) -> Application:
    application, _requisition = _locked_application(application)
    if application.stage in FINAL:
        raise ServiceError(f"该候选人{application.get_stage_display()}，不能再变更")
    errors: list[FieldError] = []
    reason = fields.text(reason, "reason", "原因", errors, required=True, max_length=300)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(application)
    application.stage = stage
    application.reason = reason
    application.save()
    _audit(actor, action, application, before)
    return application


@transaction.atomic
def reject(*, actor: Any, application: Application, reason: Any) -> Application:
    """Not suitable (screening or later); the reason is required."""
    require_handler(actor, application.requisition)
    return _end(actor, application, A.REJECTED, reason, "recruitment.reject")


@transaction.atomic
def withdraw(*, actor: Any, application: Application, reason: Any) -> Application:
    """The candidate withdrew (declined the offer, took another job…); the reason is required."""
    require_client_or_handler(actor, application.requisition)
    return _end(actor, application, A.WITHDRAWN, reason, "recruitment.withdraw")


@transaction.atomic
def record_probation(
    *, actor: Any, application: Application, result: Any, note: Any = ""
) -> Application:
    """Whether the hire passed probation (part of the requisition's evaluation)."""
    require_client_or_handler(actor, application.requisition)
    application, _requisition = _locked_application(application)
    _require_stage(application, (A.HIRED,), "只有已入职的人员可以记录试用期考核")
    errors: list[FieldError] = []
    result = fields.choice(result, "result", "试用期考核", Application.Result.choices, errors)
    note = fields.text(note, "note", "试用期评价", errors, max_length=300)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(application)
    application.probation_result = result
    application.probation_note = note
    application.save()
    _audit(actor, "recruitment.probation", application, before)
    return application


@transaction.atomic
def create_person_for_hire(
    *,
    actor: Any,
    application: Application,
    id_number: Any,
    insured_city: Any = "",
    today: dt.date | None = None,
) -> Application:
    """The hire's insured-person record (入职办理中, with the onboarding checklist), through
    ``employees.services.create_person``: name, phone, position and hire date come from the
    application; the ID number from the client or the candidate."""
    from hragency.employees.services import create_person

    require_client_or_handler(actor, application.requisition)
    if not actor.has_perm("employees.add_insuredperson"):
        raise PermissionDenied("无权新建参保人档案")
    application, requisition = _locked_application(application)
    _require_stage(application, (A.HIRED,), "确认入职后才能建立参保人档案")
    if application.person_id is not None:
        raise ServiceError("已为该人员建立参保人档案")
    person = create_person(
        client_id=requisition.client_id,
        actor=actor,
        today=today,
        status="onboarding",
        name=application.candidate.name,
        id_number=id_number,
        phone=application.candidate.phone,
        position=requisition.position,
        hire_date=application.hire_date,
        insured_city=insured_city or requisition.location,
    )
    before = audit.snapshot(application)
    application.person = person
    application.save()
    _audit(actor, "recruitment.person_created", application, before)
    return application
