"""/api/desk: tickets (list, create, detail, every workflow action, lookup by number) and the
service-level policies. Thin: services and queries do the work; a client's HR gets only the
events visible to the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.clients.models import Client
from hragency.clients.queries import clients_for
from hragency.servicedesk import forms, services
from hragency.servicedesk.intake import open_ticket, record_client_message
from hragency.servicedesk.models import Channel, SlaPolicy, Ticket
from hragency.servicedesk.queries import (
    apply_filters,
    events_for,
    is_staff,
    queue,
    ticket_by_number,
    ticket_for,
    tickets_for,
    with_list_columns,
)
from hragency.servicedesk.schemas import (
    KbAnswerIn,
    NoteIn,
    ReasonIn,
    ReassignIn,
    ResolveIn,
    ReviewIn,
    SlaPolicyOut,
    TextIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    TransferIn,
    TriageIn,
    WaitIn,
)

router = Router(tags=["服务台"])


def _out(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "number": t.number,
        "client_id": t.client_id,
        "client": t.client.name if t.client_id else "",
        "channel": t.channel,
        "module": t.module,
        "nature": t.nature,
        "urgency": t.urgency,
        "subject": t.subject,
        "description": t.description,
        "status": t.status,
        "status_label": t.get_status_display(),
        "first_owner": str(t.first_owner) if t.first_owner_id else "",
        "handler": str(t.handler) if t.handler_id else "",
        "created_at": t.created_at,
        "first_response_at": t.first_response_at,
        "response_due_at": t.response_due_at,
        "resolution_due_at": t.resolution_due_at,
        "resolved_at": t.resolved_at,
        "closed_at": t.closed_at,
        "solution": t.solution,
        "urge_count": t.urge_count,
        "supervised": t.supervised,
        "satisfaction": t.satisfaction,
    }


def _detail(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    ticket = ticket_for(request.user, ticket_id)
    staff = is_staff(request.user)
    data = _out(ticket)
    data["events"] = [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "author": (str(e.actor) if e.actor_id else e.author_name) if staff else e.author_name,
            "body": e.body,
            "visible_to_client": e.visible_to_client,
            "created_at": e.created_at,
        }
        for e in events_for(request.user, ticket)
    ]
    return data


def _view(request: HttpRequest) -> None:
    if not request.user.has_perm("servicedesk.view_ticket"):
        raise PermissionDenied("无权查看工单")


@router.get("/tickets", response=list[TicketOut], summary="工单列表")
@paginate
def list_tickets(
    request: HttpRequest,
    tab: str = "all",
    status: str = "",
    channel: str = "",
    module: str = "",
    nature: str = "",
    urgency: str = "",
    client: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    """Staff: a queue tab (mine, first, department, soon, overdue, triage, all); client HR:
    their company's tickets. Filters as on the 工单台."""
    _view(request)
    user = request.user
    filters = {
        "status": status,
        "channel": channel,
        "module": module,
        "nature": nature,
        "urgency": urgency,
        "client": client,
        "q": q,
    }
    qs = queue(user, tab) if is_staff(user) else tickets_for(user)
    qs = with_list_columns(apply_filters(qs, filters)).order_by("-created_at", "-pk")
    return [_out(t) for t in qs]


@router.post("/tickets", response={201: TicketDetailOut}, summary="登记工单")
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status:
    user = request.user
    _view(request)
    if getattr(user, "kind", "") == "client_hr":
        client: Client | None = Client.objects.get(pk=user.client_id)
        channel = Channel.PORTAL
    else:
        if payload.client_id is None:
            raise Http404("对象不存在或无权查看")
        client = get_object_or_404(clients_for(user), pk=payload.client_id)
        channel = payload.channel
    fields = payload.dict(exclude={"client_id", "channel"})
    ticket = open_ticket(actor=user, channel=channel, client=client, **fields)
    return Status(201, _detail(request, ticket.pk))


@router.get("/tickets/lookup", response=TicketDetailOut, summary="按工单号查询")
def lookup(request: HttpRequest, number: str) -> dict[str, Any]:
    _view(request)
    ticket = ticket_by_number(request.user, number)
    if ticket is None:
        raise Http404("未找到该工单")
    return _detail(request, ticket.pk)


@router.get("/tickets/{ticket_id}", response=TicketDetailOut, summary="工单详情")
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _detail(request, ticket_id)


def _action(
    request: HttpRequest, ticket_id: int, call: Callable[[Any, Ticket], Any]
) -> dict[str, Any]:
    ticket = ticket_for(request.user, ticket_id)
    call(request.user, ticket)
    return _detail(request, ticket_id)


def _user(user_id: int | None) -> Any:
    return forms.staff_user(user_id) if user_id is not None else None


@router.post("/tickets/{ticket_id}/accept", response=TicketDetailOut, summary="受理")
def accept(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _action(request, ticket_id, lambda u, t: services.accept_ticket(actor=u, ticket=t))


@router.post(
    "/tickets/{ticket_id}/reply",
    response=TicketDetailOut,
    summary="答复客户（员工）/ 回复（企业HR）",
)
def reply(request: HttpRequest, ticket_id: int, payload: TextIn) -> dict[str, Any]:
    def call(u: Any, t: Ticket) -> Any:
        if is_staff(u):
            return services.reply_to_client(actor=u, ticket=t, body=payload.body)
        if t.status == Ticket.Status.CLOSED:
            from hragency.core.errors import ServiceError

            raise ServiceError("工单已关闭，如有新问题请提交新工单")
        return record_client_message(ticket=t, body=payload.body, channel=Channel.PORTAL, actor=u)

    return _action(request, ticket_id, call)


@router.post("/tickets/{ticket_id}/note", response=TicketDetailOut, summary="内部备注")
def note(request: HttpRequest, ticket_id: int, payload: TextIn) -> dict[str, Any]:
    return _action(
        request, ticket_id, lambda u, t: services.add_note(actor=u, ticket=t, body=payload.body)
    )


@router.post("/tickets/{ticket_id}/transfer", response=TicketDetailOut, summary="转办")
def transfer(request: HttpRequest, ticket_id: int, payload: TransferIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.transfer_ticket(
            actor=u,
            ticket=t,
            to_user=_user(payload.to_user_id),
            department=forms.department(payload.department_id),
            reason=payload.reason,
        ),
    )


@router.post("/tickets/{ticket_id}/urge", response=TicketDetailOut, summary="催办")
def urge(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict[str, Any]:
    return _action(
        request, ticket_id, lambda u, t: services.urge_ticket(actor=u, ticket=t, note=payload.note)
    )


@router.post("/tickets/{ticket_id}/supervise", response=TicketDetailOut, summary="督办")
def supervise(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.supervise_ticket(actor=u, ticket=t, note=payload.note),
    )


@router.post("/tickets/{ticket_id}/return", response=TicketDetailOut, summary="申请退单")
def request_return(request: HttpRequest, ticket_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.request_return(actor=u, ticket=t, reason=payload.reason),
    )


@router.post("/tickets/{ticket_id}/review-return", response=TicketDetailOut, summary="退单审核")
def review_return(request: HttpRequest, ticket_id: int, payload: ReviewIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.review_return(
            actor=u, ticket=t, approve=payload.approve, reason=payload.reason
        ),
    )


@router.post("/tickets/{ticket_id}/reassign", response=TicketDetailOut, summary="改派")
def reassign(request: HttpRequest, ticket_id: int, payload: ReassignIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.reassign_ticket(
            actor=u, ticket=t, to_user=_user(payload.to_user_id), reason=payload.reason
        ),
    )


@router.post(
    "/tickets/{ticket_id}/wait", response=TicketDetailOut, summary="等待客户反馈（暂停计时）"
)
def wait(request: HttpRequest, ticket_id: int, payload: WaitIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.wait_for_client(actor=u, ticket=t, message=payload.message),
    )


@router.post("/tickets/{ticket_id}/resume", response=TicketDetailOut, summary="恢复处理")
def resume(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _action(request, ticket_id, lambda u, t: services.resume_ticket(actor=u, ticket=t))


@router.post("/tickets/{ticket_id}/resolve", response=TicketDetailOut, summary="解决")
def resolve(request: HttpRequest, ticket_id: int, payload: ResolveIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.resolve_ticket(actor=u, ticket=t, solution=payload.solution),
    )


@router.post("/tickets/{ticket_id}/kb-answer", response=TicketDetailOut, summary="知识库直接解答")
def kb_answer(request: HttpRequest, ticket_id: int, payload: KbAnswerIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.answer_from_kb(
            actor=u, ticket=t, article_id=payload.article_id, answer=payload.answer
        ),
    )


@router.post("/tickets/{ticket_id}/close", response=TicketDetailOut, summary="关闭")
def close(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _action(request, ticket_id, lambda u, t: services.close_ticket(actor=u, ticket=t))


@router.post(
    "/tickets/{ticket_id}/triage", response=TicketDetailOut, summary="归属客户（未归属来件）"
)
def triage(request: HttpRequest, ticket_id: int, payload: TriageIn) -> dict[str, Any]:
    return _action(
        request,
        ticket_id,
        lambda u, t: services.triage_ticket(
            actor=u, ticket=t, client=get_object_or_404(clients_for(u), pk=payload.client_id)
        ),
    )


@router.get("/sla-policies", response=list[SlaPolicyOut], summary="服务级别策略")
def sla_policies(request: HttpRequest) -> list[SlaPolicy]:
    if not (is_staff(request.user) and request.user.has_perm("servicedesk.view_ticket")):
        raise PermissionDenied("无权查看服务级别策略")
    return list(SlaPolicy.objects.order_by("name"))
