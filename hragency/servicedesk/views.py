"""Staff screens of the desk under /desk/: 工单台 (queue), 新建工单, ticket detail and its
actions, the classification suggestion fragment. The client portal is in `views_portal`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.queries import clients_for
from hragency.clients.views import submit
from hragency.core.errors import FieldError, InvalidFields
from hragency.servicedesk import classify, forms, services, sla
from hragency.servicedesk.intake import open_ticket
from hragency.servicedesk.models import Ticket
from hragency.servicedesk.queries import (
    TABS,
    apply_filters,
    events_for,
    is_overdue,
    queue,
    ticket_for,
    with_list_columns,
)

PAGE_SIZE = 30


def _staff(request: HttpRequest, perm: str = "servicedesk.view_ticket") -> Any:
    user = request.user
    if getattr(user, "kind", "") != "staff" or not user.has_perm(perm):
        raise PermissionDenied("无权使用工单台")
    return user


def kb_suggest_url() -> str:
    """The knowledge helper's suggestion fragment, once it exists."""
    try:
        return reverse("knowledge:suggest")
    except NoReverseMatch:
        return ""


@login_required
def ticket_queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    tab = request.GET.get("tab", "mine")
    if tab not in TABS:
        tab = "mine"
    now = timezone.now()
    qs = with_list_columns(apply_filters(queue(user, tab, now), request.GET))
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, is_overdue(t, now)) for t in page.object_list]
    keep = {k: v for k, v in request.GET.items() if k not in ("page",) and v}
    tabs = {
        k: v for k, v in TABS.items() if k != "triage" or user.has_perm("servicedesk.triage_ticket")
    }
    return render(
        request,
        "servicedesk/queue.html",
        {
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "rows": rows,
            "filters": keep,
            "query": "&".join(f"{k}={v}" for k, v in keep.items()),
            "clients": clients_for(user).order_by("name").only("pk", "name")[:500],
            **forms.choices(),
        },
    )


@login_required
def suggest_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: the classification suggestion for what the rep is typing."""
    _staff(request)
    text = f"{request.GET.get('subject', '')}\n{request.GET.get('description', '')}"
    suggestion = classify.suggest(text, user=request.user) if text.strip() else None
    return render(
        request,
        "servicedesk/_suggestion.html",
        {"suggestion": suggestion, **forms.choices()},
    )


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request, "servicedesk.add_ticket")
    clients = clients_for(user).order_by("name")
    errors: dict[str, str] = {}
    values: Any = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        client = get_object_or_404(clients, pk=values.get("client") or 0)
        fields = forms.ticket_fields(values)
        article = values.get("kb_article_id", "")
        answer = values.get("kb_answer", "")

        @transaction.atomic
        def save() -> Ticket:
            ticket = open_ticket(
                actor=user, channel=values.get("channel", ""), client=client, **fields
            )
            if article.strip():
                if not article.strip().isdigit():
                    raise InvalidFields([FieldError("article_id", "知识库文章", "请输入文章编号")])
                services.answer_from_kb(
                    actor=user, ticket=ticket, article_id=int(article), answer=answer
                )
            return ticket

        errors, response = submit(
            request,
            save,
            success=lambda t: f"已登记工单 {t.number}",
            done_url=lambda t: reverse("servicedesk:detail", args=[t.pk]),
            refused_url=reverse("servicedesk:new"),
        )
        if response is not None:
            return response
    text = f"{values.get('subject', '')}\n{values.get('description', '')}"
    return render(
        request,
        "servicedesk/new.html",
        {
            "clients": clients,
            "values": values,
            "errors": errors,
            "suggestion": classify.suggest(text, user=user) if text.strip() else None,
            "kb_suggest_url": kb_suggest_url(),
            **forms.choices(),
        },
        status=400 if errors else 200,
    )


def _detail_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    handle = user.has_perm("servicedesk.handle_ticket")
    worker = handle and services._is_worker(user, ticket)
    supervise = user.has_perm("servicedesk.supervise_ticket")
    open_ = ticket.status in services.OPEN_STATES
    return {
        "ticket": ticket,
        "events": events_for(user, ticket),
        "deadlines": sla.deadlines_of(ticket),
        "response_left": sla.remaining(ticket.response_due_at, now)
        if ticket.first_response_at is None and open_
        else "",
        "resolution_left": sla.remaining(ticket.resolution_due_at, now)
        if ticket.status in (Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS)
        else "",
        "overdue": is_overdue(ticket, now),
        "may": {
            "accept": worker and ticket.status == Ticket.Status.PENDING,
            "reply": worker and (open_ or ticket.status == Ticket.Status.RESOLVED),
            "note": handle,
            "transfer": worker and open_,
            "urge": open_,
            "supervise": supervise and open_,
            "request_return": open_
            and ticket.handler_id == user.pk
            and ticket.first_owner_id != user.pk
            and not ticket.return_requested_by_id,
            "review_return": supervise and bool(ticket.return_requested_by_id),
            "reassign": supervise and open_,
            "wait": worker and ticket.status == Ticket.Status.IN_PROGRESS,
            "resume": worker and ticket.status == Ticket.Status.WAITING,
            "resolve": worker and open_,
            "close": ticket.status == Ticket.Status.RESOLVED
            and (user.pk == ticket.first_owner_id or supervise),
            "triage": ticket.client_id is None and user.has_perm("servicedesk.triage_ticket"),
        },
        "handlers": forms.handlers() if (worker or supervise) and open_ else [],
        "departments": _departments() if worker and open_ else [],
        "triage_clients": clients_for(user).order_by("name")[:500]
        if ticket.client_id is None
        else [],
        "kb_suggest_url": kb_suggest_url(),
    }


def _departments() -> Any:
    from hragency.accounts.models import Department

    return Department.objects.order_by("name")


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    _staff(request)
    ticket = ticket_for(request.user, ticket_id)
    return render(request, "servicedesk/detail.html", _detail_context(request, ticket))


def _act(
    request: HttpRequest, ticket_id: int, action: Callable[[Any, Any], Any], done: str
) -> HttpResponse:
    user = _staff(request)
    ticket = ticket_for(user, ticket_id)
    url = reverse("servicedesk:detail", args=[ticket.pk])
    errors, response = submit(request, lambda: action(user, ticket), success=done, done_url=url)
    if response is not None:
        return response
    for reason in errors.values():
        messages.error(request, reason)
    return redirect(url)


def _post(name: str, done: str, call: Callable[[HttpRequest, Any, Any], Any]) -> Any:
    @require_POST
    @login_required
    def view(request: HttpRequest, ticket_id: int) -> HttpResponse:
        return _act(request, ticket_id, lambda user, ticket: call(request, user, ticket), done)

    view.__name__ = f"ticket_{name}"
    return view


def _p(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")


ACTIONS: dict[str, Any] = {
    "accept": _post("accept", "已受理", lambda r, u, t: services.accept_ticket(actor=u, ticket=t)),
    "reply": _post(
        "reply",
        "已答复客户",
        lambda r, u, t: services.reply_to_client(actor=u, ticket=t, body=_p(r, "body")),
    ),
    "note": _post(
        "note",
        "已添加内部备注",
        lambda r, u, t: services.add_note(actor=u, ticket=t, body=_p(r, "body")),
    ),
    "transfer": _post(
        "transfer",
        "已转办",
        lambda r, u, t: services.transfer_ticket(
            actor=u,
            ticket=t,
            to_user=forms.staff_user(_p(r, "to_user")),
            department=forms.department(_p(r, "department")),
            reason=_p(r, "reason"),
        ),
    ),
    "urge": _post(
        "urge",
        "已催办",
        lambda r, u, t: services.urge_ticket(actor=u, ticket=t, note=_p(r, "note")),
    ),
    "supervise": _post(
        "supervise",
        "已督办",
        lambda r, u, t: services.supervise_ticket(actor=u, ticket=t, note=_p(r, "note")),
    ),
    "return": _post(
        "return",
        "已提交退单申请，等待主管审核",
        lambda r, u, t: services.request_return(actor=u, ticket=t, reason=_p(r, "reason")),
    ),
    "review-return": _post(
        "review_return",
        "已审核退单",
        lambda r, u, t: services.review_return(
            actor=u, ticket=t, approve=_p(r, "approve") == "1", reason=_p(r, "reason")
        ),
    ),
    "reassign": _post(
        "reassign",
        "已改派",
        lambda r, u, t: services.reassign_ticket(
            actor=u, ticket=t, to_user=forms.staff_user(_p(r, "to_user")), reason=_p(r, "reason")
        ),
    ),
    "wait": _post(
        "wait",
        "已设为等待客户反馈，解决时限暂停",
        lambda r, u, t: services.wait_for_client(actor=u, ticket=t, message=_p(r, "message")),
    ),
    "resume": _post(
        "resume", "已恢复处理", lambda r, u, t: services.resume_ticket(actor=u, ticket=t)
    ),
    "resolve": _post(
        "resolve",
        "已解决，结果将反馈给客户",
        lambda r, u, t: services.resolve_ticket(actor=u, ticket=t, solution=_p(r, "solution")),
    ),
    "close": _post("close", "已关闭", lambda r, u, t: services.close_ticket(actor=u, ticket=t)),
    "kb-answer": _post(
        "kb_answer",
        "已用知识库解答",
        lambda r, u, t: services.answer_from_kb(
            actor=u,
            ticket=t,
            article_id=int(_p(r, "article_id")) if _p(r, "article_id").isdigit() else 0,
            answer=_p(r, "answer"),
        ),
    ),
    "triage": _post(
        "triage",
        "已归属客户",
        lambda r, u, t: services.triage_ticket(
            actor=u,
            ticket=t,
            client=get_object_or_404(clients_for(u), pk=_p(r, "client") or 0),
        ),
    ),
}
