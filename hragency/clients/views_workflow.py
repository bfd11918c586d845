"""The client page's workflow tabs: 服务需求表, 信息审核, 服务协议, 资料交接."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hragency.clients import forms, services
from hragency.clients.models import Agreement, Intake
from hragency.clients.queries import (
    agreement_for,
    agreements_for,
    client_for,
    current_handover,
    handover_item_for,
    intake_for,
    intakes_for,
    review_for,
    reviews_for,
)
from hragency.clients.validation import AGREEMENT_FIELDS, INTAKE_FIELDS
from hragency.clients.views import client_context, need, submit
from hragency.core.errors import ServiceError


def _staff_only(request: HttpRequest) -> None:
    # Intake and due diligence are the agency's internal records, not the client's.
    if request.user.kind != "staff":  # type: ignore[union-attr]
        raise PermissionDenied


# ---- 服务需求表 ----


@login_required
def intake_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    _staff_only(request)
    values: Any = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        need(request, "clients.add_intake")
        values = forms.posted(request.POST, INTAKE_FIELDS, forms.INTAKE_WIDGETS)

        def save() -> None:
            intake = services.create_intake(client=client, data=values, actor=request.user)
            if request.POST.get("complete"):
                services.complete_intake(intake=intake, actor=request.user)

        errors, done = submit(
            request,
            save,
            success="《服务需求表》已保存",
            done_url=reverse("clients:intake", args=[client.pk]),
        )
        if done:
            return done
    context = client_context(request, client, "intake")
    context.update(
        {
            "intakes": list(intakes_for(request.user).filter(client=client)),
            "fields": forms.intake_form(values, errors),
            "errors": errors,
            "may_add": request.user.has_perm("clients.add_intake") and not client.is_blacklisted,
            "may_change": request.user.has_perm("clients.change_intake"),
        }
    )
    return render(request, "clients/intake.html", context, status=400 if errors else 200)


@login_required
def intake_edit(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = intake_for(request.user, intake_id)
    _staff_only(request)
    need(request, "clients.change_intake")
    values: Any = forms.instance_values(intake, INTAKE_FIELDS)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, INTAKE_FIELDS, forms.INTAKE_WIDGETS)
        # The first contact time is fixed once recorded; the form shows it read-only.
        values.pop("first_contact_at", None)
        save = services.complete_intake if request.POST.get("complete") else services.update_intake
        errors, done = submit(
            request,
            lambda: save(intake=intake, data=values, actor=request.user),
            success="《服务需求表》已保存",
            done_url=reverse("clients:intake", args=[intake.client_id]),
        )
        if done:
            return done
        values["first_contact_at"] = intake.first_contact_at
    fields = forms.intake_form(values, errors)
    fields[0].widget = "readonly"
    return render(
        request,
        "clients/form.html",
        {
            "title": f"《服务需求表》：{intake.client.name}",
            "client": intake.client,
            "fields": fields,
            "errors": errors,
            "complete_button": intake.status == Intake.Status.DRAFT,
            "locked": intake.status == Intake.Status.COMPLETED,
        },
        status=400 if errors else 200,
    )


# ---- 信息审核 ----


@login_required
def review_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    _staff_only(request)
    errors: dict[str, str] = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        need(request, "clients.review_client_info")
        posted = {
            "originals_seen": "是" if request.POST.get("originals_seen") else "否",
            "outcome": request.POST.get("outcome", ""),
            "note": request.POST.get("note", ""),
            "checks": forms.review_checks(request.POST),
        }
        errors, done = submit(
            request,
            lambda: services.record_first_review(client=client, data=posted, actor=request.user),
            success="初审已记录，等待总经理复审",
            done_url=reverse("clients:review", args=[client.pk]),
        )
        if done:
            return done
    context = client_context(request, client, "review")
    context.update(
        {
            "reviews": list(reviews_for(request.user).filter(client=client)),
            "errors": errors,
            "posted": posted,
            "sources": forms.REVIEW_SOURCES,
            "results": forms.REVIEW_RESULTS,
            "outcomes": forms.REVIEW_OUTCOMES,
            "decisions": forms.REVIEW_DECISIONS,
            "may_review": request.user.has_perm("clients.review_client_info")
            and not client.is_blacklisted,
            "may_decide": request.user.has_perm("clients.approve_client_info"),
            "user_id": request.user.pk,
        }
    )
    return render(request, "clients/review.html", context, status=400 if errors else 200)


@login_required
@require_POST
def review_decide(request: HttpRequest, info_review_id: int) -> HttpResponse:
    review = review_for(request.user, info_review_id)
    need(request, "clients.approve_client_info")
    try:
        services.decide_review(
            review=review,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("decision_note", ""),
            actor=request.user,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "复审意见已记录")
    return redirect("clients:review", review.client_id)


# ---- 服务协议 ----


@login_required
def agreement_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    context = client_context(request, client, "agreements")
    context.update(
        {
            "agreements": list(agreements_for(request.user).filter(client=client)),
            "may_manage": request.user.has_perm("clients.manage_agreement")
            and not client.is_blacklisted,
        }
    )
    return render(request, "clients/agreements.html", context)


def _agreement_form(
    request: HttpRequest, client: Any, title: str, values: Any, errors: dict[str, str]
) -> HttpResponse:
    return render(
        request,
        "clients/form.html",
        {
            "title": title,
            "client": client,
            "fields": forms.agreement_form(values, errors),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def agreement_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    need(request, "clients.manage_agreement")
    values: Any = {"payment_day": 10, "payment_method": Agreement.PaymentMethod.TRANSFER}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, AGREEMENT_FIELDS, forms.AGREEMENT_WIDGETS)
        errors, done = submit(
            request,
            lambda: services.create_agreement(client=client, data=values, actor=request.user),
            success=lambda agreement: f"协议草稿 {agreement.number} 已保存",
            done_url=lambda agreement: reverse("clients:agreement", args=[agreement.pk]),
            refused_url=reverse("clients:agreements", args=[client.pk]),
        )
        if done:
            return done
    return _agreement_form(request, client, f"起草服务协议：{client.name}", values, errors)


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    client = client_for(request.user, agreement.client_id)
    context = client_context(request, client, "agreements")
    manage = request.user.has_perm("clients.manage_agreement") and not client.is_blacklisted
    context.update(
        {
            "agreement": agreement,
            "module_fees": [
                (label, agreement.module_fees.get(code))
                for code, label in forms.Module.choices
                if code in (agreement.module_fees or {})
            ],
            "may_manage": manage,
        }
    )
    return render(request, "clients/agreement.html", context)


@login_required
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    need(request, "clients.manage_agreement")
    values: Any = forms.instance_values(agreement, AGREEMENT_FIELDS)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, AGREEMENT_FIELDS, forms.AGREEMENT_WIDGETS)
        errors, done = submit(
            request,
            lambda: services.update_agreement(agreement=agreement, data=values, actor=request.user),
            success="协议草稿已保存",
            done_url=reverse("clients:agreement", args=[agreement.pk]),
        )
        if done:
            return done
    title = f"修改协议草稿 {agreement.number}"
    return _agreement_form(request, agreement.client, title, values, errors)


@login_required
@require_POST
def agreement_sign(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    need(request, "clients.manage_agreement")
    try:
        services.sign_agreement(agreement=agreement, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"协议 {agreement.number} 已签订，资料交接清单已生成")
    return redirect("clients:agreement", agreement.pk)


@login_required
def agreement_renew(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    need(request, "clients.manage_agreement")
    error = ""
    if request.method == "POST":
        data = {k: request.POST[k] for k in ("start_date", "end_date") if request.POST.get(k)}
        try:
            successor = services.renew_agreement(agreement=agreement, data=data, actor=request.user)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已续签，新协议 {successor.number}")
            return redirect("clients:agreement", successor.pk)
    context = client_context(request, client_for(request.user, agreement.client_id), "agreements")
    context.update({"agreement": agreement, "error": error})
    return render(request, "clients/renew.html", context, status=400 if error else 200)


@login_required
@require_POST
def agreement_terminate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    need(request, "clients.manage_agreement")
    try:
        services.terminate_agreement(
            agreement=agreement, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"协议 {agreement.number} 已终止")
    return redirect("clients:agreement", agreement.pk)


# ---- 资料交接清单 ----


@login_required
def handover_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    agreement, items = current_handover(request.user, client)
    context = client_context(request, client, "handover")
    context.update(
        {
            "agreement": agreement,
            "items": items,
            "done": sum(1 for i in items if i.done),
            "may_change": request.user.has_perm("clients.change_handoveritem")
            and not client.is_blacklisted,
            "may_add": request.user.has_perm("clients.add_handoveritem")
            and not client.is_blacklisted,
            "may_delete": request.user.has_perm("clients.delete_handoveritem"),
            "checks": forms.HandoverItem.Check.choices,
        }
    )
    return render(request, "clients/handover.html", context)


@login_required
@require_POST
def handover_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = agreement_for(request.user, agreement_id)
    need(request, "clients.add_handoveritem")
    try:
        services.add_handover_item(
            agreement=agreement, name=request.POST.get("name", ""), actor=request.user
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("clients:handover", agreement.client_id)


@login_required
@require_POST
def handover_update(request: HttpRequest, handover_item_id: int) -> HttpResponse:
    item = handover_item_for(request.user, handover_item_id)
    need(request, "clients.change_handoveritem")
    data = {
        "received": "是" if request.POST.get("received") else "否",
        "check_result": request.POST.get("check_result", ""),
        "note": request.POST.get("note", ""),
    }
    try:
        services.update_handover_item(item=item, data=data, actor=request.user)
    except ServiceError as exc:
        messages.error(request, f"{item.name}：{exc}")
    else:
        messages.success(request, f"已登记：{item.name}")
    return redirect("clients:handover", item.client_id)


@login_required
@require_POST
def handover_remove(request: HttpRequest, handover_item_id: int) -> HttpResponse:
    item = handover_item_for(request.user, handover_item_id)
    need(request, "clients.delete_handoveritem")
    try:
        services.remove_handover_item(item=item, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("clients:handover", item.client_id)
