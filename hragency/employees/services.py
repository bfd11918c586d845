"""Every write to the insured-person archive: the record, its documents, its onboarding and
offboarding (用退工) steps, and the logged reveal of personal data.

Every audit row of a person's archive is recorded on the person (object type
``employees.insuredperson``), so one query gives the whole field and event history (R-EMP-5).
Callers check permissions (``permissions.py``); services check the client (blacklist) and the
state of the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.clients.services import ensure_serviceable
from hragency.core import audit, values
from hragency.core.crypto import blind_index
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.uploads import RejectedFile, check_upload
from hragency.employees.models import (
    EmploymentProcess,
    InsuredPerson,
    PersonDocument,
    ProcessStep,
)
from hragency.employees.validation import (
    PERSON_FIELDS,
    default_retirement_category,
    validate_person,
)


def _refuse_duplicate(client_id: int, id_number: str, *, exclude: int | None = None) -> None:
    clash = (
        InsuredPerson.objects.filter(client_id=client_id, id_number_index=blind_index(id_number))
        .exclude(pk=exclude)
        .first()
    )
    if clash is not None:
        raise InvalidFields(
            [
                FieldError(
                    "id_number",
                    PERSON_FIELDS["id_number"],
                    f"该客户下已有此身份证号的档案（{clash.name}），请直接编辑该档案",
                )
            ]
        )


@transaction.atomic
def create_person(
    *,
    client_id: int,
    actor: Any = None,
    today: dt.date | None = None,
    **data: object,
) -> InsuredPerson:
    """A new archive record. ``data`` holds field values as typed by a user (see
    ``validation.PERSON_FIELDS``); every error comes back at once in ``InvalidFields``."""
    unknown = set(data) - set(PERSON_FIELDS) - {"status"}
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    client = ensure_serviceable(client_id)
    status = str(data.pop("status", "") or InsuredPerson.Status.ACTIVE)
    if status not in InsuredPerson.Status.values:
        raise ServiceError(f"状态无效：{status}")
    clean, errors = validate_person(data, today=today)
    if errors:
        raise InvalidFields(errors)
    _refuse_duplicate(client.pk, clean["id_number"])
    person = InsuredPerson.objects.create(client=client, status=status, **clean)
    audit.record(
        actor=actor, action="employees.create", instance=person, after=audit.snapshot(person)
    )
    if status == InsuredPerson.Status.ONBOARDING:
        # A new hire comes with the onboarding checklist, so nobody has to remember to open it.
        _open_process(person, EmploymentProcess.Kind.ONBOARDING, actor)
    return person


@transaction.atomic
def update_person(
    *,
    person: InsuredPerson,
    data: Mapping[str, object],
    actor: Any,
    today: dt.date | None = None,
) -> InsuredPerson:
    """Change the fields present in ``data``; the audit row is the field history (R-EMP-5)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    person = InsuredPerson.objects.select_for_update().get(pk=person.pk)
    ensure_serviceable(person.client_id)
    clean, errors = validate_person(data, partial=True, today=today)
    if errors:
        raise InvalidFields(errors)
    if clean.get("id_number"):
        _refuse_duplicate(person.client_id, clean["id_number"], exclude=person.pk)
        if "retirement_category" not in clean and clean["gender"] != person.gender:
            clean["retirement_category"] = default_retirement_category(clean["gender"])
    elif "id_number" in clean:
        raise InvalidFields([FieldError("id_number", PERSON_FIELDS["id_number"], "必填")])
    if "name" in clean and not clean["name"]:
        raise InvalidFields([FieldError("name", PERSON_FIELDS["name"], "必填")])
    category = clean.get("retirement_category")
    gender = clean.get("gender", person.gender)
    if category and (gender == "M") != (category == InsuredPerson.RetirementCategory.MALE):
        raise InvalidFields(
            [FieldError("retirement_category", PERSON_FIELDS["retirement_category"], "与性别不符")]
        )
    before = audit.snapshot(person)
    for field, value in clean.items():
        setattr(person, field, value)
    person.save()
    after = audit.snapshot(person)
    if audit.diff(before, after):
        audit.record(
            actor=actor, action="employees.update", instance=person, before=before, after=after
        )
    return person


def reveal(*, person: InsuredPerson, field: str, actor: Any) -> str:
    """The full value of a masked field. Callers check permission first; the reveal is logged."""
    if field not in InsuredPerson.REVEALABLE_FIELDS:
        raise ServiceError(f"该字段不可查看：{field}")
    audit.record(
        actor=actor,
        action=f"reveal.{field}",
        instance=person,
        extra={"field": InsuredPerson.REVEALABLE_FIELDS[field]},
    )
    return str(getattr(person, field))


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked(person: InsuredPerson) -> InsuredPerson:
    return InsuredPerson.objects.select_for_update().get(pk=person.pk)


# ---- documents (R-EMP-4) -------------------------------------------------------------------


@transaction.atomic
def add_document(
    *, person: InsuredPerson, kind: str, file: Any, actor: Any, name: str | None = None
) -> PersonDocument:
    """Store an uploaded document after checking its size, extension and first bytes. The file
    goes to the default storage under a private path; it is only ever read through the scoped
    download view."""
    ensure_serviceable(person.client_id)
    if kind not in PersonDocument.Kind.values:
        raise InvalidFields([FieldError("kind", "材料类型", "请选择材料类型")])
    if file is None:
        raise InvalidFields([FieldError("file", "文件", "请选择要上传的文件")])
    original = _clean_file_name(name or getattr(file, "name", "") or "")
    size = int(getattr(file, "size", 0) or 0)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        sniffed = check_upload(original, size, head, images_only=kind == PersonDocument.Kind.PHOTO)
    except RejectedFile as exc:
        raise InvalidFields([FieldError("file", "文件", str(exc))]) from exc
    document = PersonDocument(
        person=person,
        kind=kind,
        original_name=original,
        size=size,
        content_type=sniffed.content_type,
        uploaded_by=_actor_or_none(actor),
    )
    document.file.save(f"upload.{sniffed.extension}", File(file), save=False)
    try:
        document.save()
        audit.record(
            actor=actor,
            action="employees.document_add",
            instance=person,
            extra={"document": {"id": document.pk, "kind": document.short_kind, "name": original}},
        )
    except BaseException:
        default_storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def delete_document(*, document: PersonDocument, actor: Any) -> None:
    person = document.person
    ensure_serviceable(person.client_id)
    stored = document.file.name
    audit.record(
        actor=actor,
        action="employees.document_delete",
        instance=person,
        extra={
            "document": {
                "id": document.pk,
                "kind": document.short_kind,
                "name": document.original_name,
            }
        },
    )
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: default_storage.delete(stored))


def record_download(*, document: PersonDocument, actor: Any) -> None:
    """Downloading an ID copy or contract is access to personal data: logged like a reveal."""
    audit.record(
        actor=actor,
        action="reveal.document",
        instance=document.person,
        extra={
            "document": {
                "id": document.pk,
                "kind": document.short_kind,
                "name": document.original_name,
            }
        },
    )


def _clean_file_name(name: str) -> str:
    # Browsers may send a path; keep the last part, without control characters.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "未命名")[-200:]


# ---- onboarding and offboarding (用退工, R-EMP-5) -------------------------------------------

ONBOARDING_STEPS: tuple[tuple[str, str], ...] = (
    ("contract", "签订劳动合同"),
    ("outsourcing_letter", "签署外包告知函"),
    ("materials", "收集身份证、户口本、学历证书、照片"),
    ("si_add", "社保增员"),
    ("hf_add", "公积金增员"),
)
OFFBOARDING_STEPS: tuple[tuple[str, str], ...] = (
    ("resignation", "提交离职申请、确认离职日期"),
    ("certificate", "出具离职证明"),
    ("si_remove", "社保减员"),
    ("hf_remove", "公积金减员"),
    ("final_pay", "结清工资"),
    ("handover", "档案、材料移交"),
)
_STEPS: dict[str, tuple[tuple[str, str], ...]] = {
    EmploymentProcess.Kind.ONBOARDING: ONBOARDING_STEPS,
    EmploymentProcess.Kind.OFFBOARDING: OFFBOARDING_STEPS,
}


def open_process(person: InsuredPerson) -> EmploymentProcess | None:
    return (
        EmploymentProcess.objects.filter(person=person, finished_at__isnull=True)
        .select_for_update()
        .first()
    )


def _open_process(person: InsuredPerson, kind: str, actor: Any) -> EmploymentProcess:
    process = EmploymentProcess.objects.create(
        person=person, kind=kind, started_by=_actor_or_none(actor)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(process=process, code=code, title=title, position=index)
        for index, (code, title) in enumerate(_STEPS[kind], start=1)
    )
    audit.record(
        actor=actor,
        action=f"employees.{kind}_start",
        instance=person,
        extra={"process": process.pk},
    )
    return process


@transaction.atomic
def start_onboarding(
    *, person: InsuredPerson, actor: Any, hire_date: object = None
) -> EmploymentProcess:
    """Open the onboarding checklist: for a person already in "入职办理中" without one, or to
    re-hire a person who has left (the archive record is reused)."""
    person = _locked(person)
    ensure_serviceable(person.client_id)
    if open_process(person) is not None:
        raise ServiceError("该人员已有进行中的用退工办理，请先完成")
    if person.status not in (InsuredPerson.Status.ONBOARDING, InsuredPerson.Status.LEFT):
        raise ServiceError(f"该人员当前状态为「{person.get_status_display()}」，无需办理入职")
    try:
        hired = values.date(hire_date)
    except values.InvalidValue as exc:
        raise InvalidFields([FieldError("hire_date", "入职日期", str(exc))]) from exc
    before = audit.snapshot(person)
    if person.status == InsuredPerson.Status.LEFT:
        person.leave_date = None
        person.leave_reason = ""
    person.status = InsuredPerson.Status.ONBOARDING
    if hired is not None:
        person.hire_date = hired
    person.save()
    _record_update(actor, person, before)
    return _open_process(person, EmploymentProcess.Kind.ONBOARDING, actor)


@transaction.atomic
def start_offboarding(
    *, person: InsuredPerson, actor: Any, leave_date: object, reason: object
) -> EmploymentProcess:
    person = _locked(person)
    ensure_serviceable(person.client_id)
    errors: list[FieldError] = []
    left: dt.date | None = None
    try:
        left = values.date(leave_date)
        if left is None:
            errors.append(FieldError("leave_date", "离职日期", "必填"))
        elif person.hire_date and left < person.hire_date:
            errors.append(FieldError("leave_date", "离职日期", "早于入职日期"))
    except values.InvalidValue as exc:
        errors.append(FieldError("leave_date", "离职日期", str(exc)))
    why = values.text(reason)
    if not why:
        errors.append(FieldError("leave_reason", "离职原因", "必填"))
    elif len(why) > 200:
        errors.append(FieldError("leave_reason", "离职原因", "不能超过 200 个字"))
    if errors:
        raise InvalidFields(errors)
    if open_process(person) is not None:
        raise ServiceError("该人员已有进行中的用退工办理，请先完成")
    if person.status != InsuredPerson.Status.ACTIVE:
        raise ServiceError(
            f"只有「在职在保」的人员可以办理离职，该人员当前为「{person.get_status_display()}」"
        )
    before = audit.snapshot(person)
    person.status = InsuredPerson.Status.OFFBOARDING
    person.leave_date = left
    person.leave_reason = why
    person.save()
    _record_update(actor, person, before)
    return _open_process(person, EmploymentProcess.Kind.OFFBOARDING, actor)


@transaction.atomic
def complete_step(*, step: ProcessStep, actor: Any, note: object = "") -> ProcessStep:
    step = ProcessStep.objects.select_for_update().select_related("process__person").get(pk=step.pk)
    person = step.process.person
    ensure_serviceable(person.client_id)
    text = values.text(note)
    if len(text) > 200:
        raise InvalidFields([FieldError("note", "备注", "不能超过 200 个字")])
    if not step.process.is_open:
        raise ServiceError("该办理已结束，步骤不能再修改")
    if step.is_done:
        raise ServiceError(f"步骤「{step.title}」已完成")
    step.done_at = timezone.now()
    step.done_by = _actor_or_none(actor)
    step.note = text
    step.save()
    audit.record(
        actor=actor,
        action="employees.step_done",
        instance=person,
        extra={"step": {"id": step.pk, "title": step.title, "note": text}},
    )
    return step


@transaction.atomic
def finish_process(*, person: InsuredPerson, actor: Any) -> InsuredPerson:
    """Close the open checklist once every step is done: onboarding → 在职在保, offboarding →
    已离职. A step that does not apply is completed with a note saying so."""
    person = _locked(person)
    ensure_serviceable(person.client_id)
    process = open_process(person)
    if process is None:
        raise ServiceError("没有进行中的用退工办理")
    pending = [s.title for s in process.steps.all() if not s.is_done]
    if pending:
        raise ServiceError(f"尚有未完成的步骤：{'、'.join(pending)}")
    process.finished_at = timezone.now()
    process.finished_by = _actor_or_none(actor)
    process.save()
    before = audit.snapshot(person)
    if process.kind == EmploymentProcess.Kind.ONBOARDING:
        person.status = InsuredPerson.Status.ACTIVE
        person.hire_date = person.hire_date or timezone.localdate()
    else:
        person.status = InsuredPerson.Status.LEFT
    person.save()
    _record_update(actor, person, before, action=f"employees.{process.kind}_finish")
    return person


def _record_update(
    actor: Any, person: InsuredPerson, before: dict[str, Any], action: str = "employees.update"
) -> None:
    audit.record(
        actor=actor, action=action, instance=person, before=before, after=audit.snapshot(person)
    )
