from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from hragency.employees import services
from hragency.employees.models import InsuredPerson
from hragency.employees.queries import may_reveal, people_for, person_for
from hragency.employees.schemas import PersonOut, RevealOut

router = Router(tags=["员工档案"])


@router.get("/", response=list[PersonOut], summary="参保人列表")
@paginate
def list_people(
    request: HttpRequest, client_id: int | None = None, q: str = ""
) -> list[InsuredPerson]:
    qs = people_for(request.user)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs  # type: ignore[return-value]


@router.get("/{person_id}", response=PersonOut, summary="参保人详情（证件号脱敏）")
def get_person(request: HttpRequest, person_id: int) -> InsuredPerson:
    return person_for(request.user, person_id)


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
