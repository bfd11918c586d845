"""REST API of the archive (/api/people). Thin: queries for reads, services for writes.

Errors: bad input → 400 with ``detail`` and a per-field ``errors`` list (Chinese); a person,
document or step out of the caller's scope → 404; a role without the right → 403. Eligibility
warnings never block a save: they come back in ``warnings`` of the saved record.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hragency.clients.queries import clients_for
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.idcard import age_on
from hragency.domain.retirement import retirement_age, retirement_date
from hragency.employees import services
from hragency.employees.eligibility import check_person
from hragency.employees.history import describe
from hragency.employees.models import (
    EmploymentProcess,
    InsuredPerson,
    PersonDocument,
    ProcessStep,
)
from hragency.employees.permissions import may_add, may_edit, may_upload, require
from hragency.employees.queries import (
    document_for,
    documents_of,
    history_of,
    may_reveal,
    missing_kinds,
    person_for,
    processes_of,
    search_people,
    step_for,
)
from hragency.employees.schemas import (
    DocumentOut,
    DocumentsOut,
    HistoryOut,
    OffboardingIn,
    OnboardingIn,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    ProcessOut,
    RevealOut,
    StepDoneIn,
    StepOut,
    WarningOut,
)

router = Router(tags=["员工档案"])


# ---- serialisers ---------------------------------------------------------------------------


def _detail(request: HttpRequest, person: InsuredPerson) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        name: getattr(person, name)
        for name in PersonDetailOut.model_fields
        if hasattr(person, name)
    }
    documents = list(documents_of(request.user, person))
    data.update(
        client_name=person.client.name,
        age=age_on(person.birth_date, today) if person.birth_date <= today else None,
        retirement_age=str(retirement_age(person.birth_date, person.retirement_category)),
        retirement_date=retirement_date(person.birth_date, person.retirement_category),
        missing_documents=missing_kinds(documents),
        warnings=[w.__dict__ for w in check_person(person, viewer=request.user, today=today)],
    )
    return data


def _document(d: PersonDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "kind_label": d.short_kind,
        "original_name": d.original_name,
        "size": d.size,
        "content_type": d.content_type,
        "uploaded_by": str(d.uploaded_by or ""),
        "uploaded_at": d.uploaded_at,
    }


def _step(s: ProcessStep) -> dict[str, Any]:
    return {
        "id": s.pk,
        "code": s.code,
        "title": s.title,
        "done": s.is_done,
        "done_at": s.done_at,
        "done_by": str(s.done_by or ""),
        "note": s.note,
    }


def _process(p: EmploymentProcess) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "started_at": p.started_at,
        "finished_at": p.finished_at,
        "steps": [_step(s) for s in p.steps.all()],
    }


def _fresh(request: HttpRequest, person_id: int) -> InsuredPerson:
    return person_for(request.user, person_id)


# ---- people --------------------------------------------------------------------------------


@router.get("/", response=list[PersonOut], summary="参保人列表")
@paginate
def list_people(
    request: HttpRequest,
    client_id: int | None = None,
    status: str = "",
    insured_city: str = "",
    q: str = "",
) -> Any:
    """筛选：客户、状态、参保城市；q 为姓名、工号或完整身份证号（按盲索引精确匹配）。"""
    return search_people(
        request.user, client_id=client_id, status=status, insured_city=insured_city, q=q
    )


@router.post("/", response={201: PersonDetailOut}, summary="新增参保人（返回资格提示，不阻止保存）")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    user = request.user
    require(may_add(user), "无权新增员工档案")
    client_id = user.client_id if user.kind == "client_hr" else payload.client_id
    if client_id is None:
        raise InvalidFields([FieldError("client_id", "客户", "必填")])
    if not clients_for(user).filter(pk=client_id).exists():
        raise Http404
    if payload.status not in (InsuredPerson.Status.ONBOARDING, InsuredPerson.Status.ACTIVE):
        raise InvalidFields([FieldError("status", "状态", "应为 onboarding 或 active")])
    data = payload.dict(exclude_unset=True, exclude={"client_id", "status"})
    person = services.create_person(client_id=client_id, actor=user, status=payload.status, **data)
    return Status(201, _detail(request, _fresh(request, person.pk)))


@router.get("/{person_id}", response=PersonDetailOut, summary="参保人详情（证件号脱敏）")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _detail(request, person_for(request.user, person_id))


@router.patch("/{person_id}", response=PersonDetailOut, summary="修改参保人（只改传入的字段）")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    person = person_for(request.user, person_id)
    require(may_edit(request.user), "无权修改员工档案")
    services.update_person(person=person, data=payload.dict(exclude_unset=True), actor=request.user)
    return _detail(request, _fresh(request, person_id))


@router.get("/{person_id}/eligibility", response=list[WarningOut], summary="资格检查")
def eligibility(request: HttpRequest, person_id: int) -> list[dict[str, str]]:
    person = person_for(request.user, person_id)
    return [w.__dict__ for w in check_person(person, viewer=request.user)]


@router.get("/{person_id}/history", response=list[HistoryOut], summary="变更记录")
@paginate
def history(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    rows = history_of(request.user, person_id)
    return _LazyHistory(rows)  # type: ignore[return-value]


class _LazyHistory:
    """Describe only the page being returned, not the whole history."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.count())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        result = []
        for row in self.rows[key]:
            entry = describe(row)
            item = entry.__dict__.copy()
            item["changes"] = [c.__dict__ for c in entry.changes]
            result.append(item)
        return result


@router.post(
    "/{person_id}/reveal/{field}",
    response=RevealOut,
    summary="查看完整证件号/手机号/银行账号（记录日志）",
)
def reveal_field(request: HttpRequest, person_id: int, field: str) -> dict[str, str]:
    person = person_for(request.user, person_id)
    if not may_reveal(request.user):
        raise HttpError(403, "无权查看完整信息")
    return {
        "field": field,
        "value": services.reveal(person=person, field=field, actor=request.user),
    }


# ---- documents -----------------------------------------------------------------------------


@router.get("/{person_id}/documents", response=DocumentsOut, summary="档案材料及缺失材料")
def list_documents(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = person_for(request.user, person_id)
    documents = list(documents_of(request.user, person))
    return {"items": [_document(d) for d in documents], "missing": missing_kinds(documents)}


@router.post(
    "/{person_id}/documents",
    response={201: DocumentOut},
    summary="上传材料（JPG/PNG/PDF，不超过 10 MB）",
)
def upload_document(
    request: HttpRequest,
    person_id: int,
    kind: str = Form(""),
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    person = person_for(request.user, person_id)
    require(may_upload(request.user, kind or None), "无权上传此类材料")
    document = services.add_document(person=person, kind=kind, file=file, actor=request.user)
    return Status(201, _document(document))


@router.get("/{person_id}/documents/{document_id}", summary="下载材料（记录日志）")
def download_document(request: HttpRequest, person_id: int, document_id: int) -> HttpResponse:
    document = document_for(request.user, person_id, document_id)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    services.record_download(document=document, actor=request.user)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/{person_id}/documents/{document_id}", response={204: None}, summary="删除材料")
def delete_document(request: HttpRequest, person_id: int, document_id: int) -> Status[None]:
    document = document_for(request.user, person_id, document_id)
    require(may_edit(request.user), "无权删除材料")
    services.delete_document(document=document, actor=request.user)
    return Status(204, None)


# ---- onboarding / offboarding --------------------------------------------------------------


@router.get("/{person_id}/processes", response=list[ProcessOut], summary="用退工办理及步骤")
def list_processes(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    person = person_for(request.user, person_id)
    return [_process(p) for p in processes_of(request.user, person)]


def _editable(request: HttpRequest, person_id: int) -> InsuredPerson:
    person = person_for(request.user, person_id)
    require(may_edit(request.user), "无权办理用退工")
    return person


def _open(request: HttpRequest, person: InsuredPerson) -> dict[str, Any]:
    for process in processes_of(request.user, person):
        if process.is_open:
            return _process(process)
    raise ServiceError("没有进行中的用退工办理")  # pragma: no cover - just opened


@router.post("/{person_id}/onboarding", response={201: ProcessOut}, summary="开始入职办理")
def start_onboarding(
    request: HttpRequest, person_id: int, payload: OnboardingIn
) -> Status[dict[str, Any]]:
    person = _editable(request, person_id)
    services.start_onboarding(person=person, actor=request.user, hire_date=payload.hire_date)
    return Status(201, _open(request, person))


@router.post("/{person_id}/offboarding", response={201: ProcessOut}, summary="开始离职办理")
def start_offboarding(
    request: HttpRequest, person_id: int, payload: OffboardingIn
) -> Status[dict[str, Any]]:
    person = _editable(request, person_id)
    services.start_offboarding(
        person=person,
        actor=request.user,
        leave_date=payload.leave_date,
        reason=payload.leave_reason,
    )
    return Status(201, _open(request, person))


@router.post("/{person_id}/steps/{step_id}/done", response=StepOut, summary="完成办理步骤")
def complete_step(
    request: HttpRequest, person_id: int, step_id: int, payload: StepDoneIn
) -> dict[str, Any]:
    step = step_for(request.user, person_id, step_id)
    require(may_edit(request.user), "无权办理用退工")
    return _step(services.complete_step(step=step, actor=request.user, note=payload.note or ""))


@router.post("/{person_id}/finish", response=PersonDetailOut, summary="完成当前用退工办理")
def finish_process(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = _editable(request, person_id)
    services.finish_process(person=person, actor=request.user)
    return _detail(request, _fresh(request, person_id))
