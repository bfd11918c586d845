"""Two-level information review (R-CRM-4, 002 §6): the info officer registers and checks, the
general manager reviews and signs. Nothing is signed before the latest review is approved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hragency.clients.models import Client, InfoReview, RegistryCheck
from hragency.clients.services.base import ensure_serviceable, locked, require
from hragency.clients.services.records import blacklist_client
from hragency.clients.validation import validate_review
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify


def latest_review(client: Client) -> InfoReview | None:
    return InfoReview.objects.filter(client=client).order_by("-reviewed_at", "-id").first()


def ensure_review_approved(client: Client) -> InfoReview:
    """The approved latest review, or ``ServiceError`` saying why an agreement cannot be signed."""
    review = latest_review(client)
    if review is None:
        raise ServiceError(
            f"客户「{client.name}」的信息尚未审核：须经信息初审和总经理复审后方可签订协议"
        )
    if review.status != InfoReview.Status.APPROVED:
        raise ServiceError(
            f"客户「{client.name}」最近一次信息审核状态为“{review.get_status_display()}”："
            "须经总经理复审通过后方可签订协议"
        )
    return review


def _approvers() -> list[Any]:
    from hragency.accounts.models import User

    granted = Q(
        groups__permissions__codename="approve_client_info",
        groups__permissions__content_type__app_label="clients",
    )
    return list(User.objects.filter(granted, is_active=True).distinct())


@transaction.atomic
def record_first_review(*, client: Client, data: Mapping[str, object], actor: Any) -> InfoReview:
    """The info officer's registration and first review, with each registry check."""
    require(actor, "clients.review_client_info")
    client = ensure_serviceable(locked(client))
    pending = InfoReview.objects.filter(
        client=client, status=InfoReview.Status.AWAITING_APPROVAL
    ).exists()
    if pending:
        raise ServiceError("该客户已有待总经理复审的审核记录，请等待复审结果")
    clean, errors = validate_review(data)
    if errors:
        raise InvalidFields(errors)
    checks = clean.pop("checks")
    rejected = clean["outcome"] == InfoReview.Outcome.REJECT
    review = InfoReview.objects.create(
        client=client,
        reviewer=actor,
        reviewed_at=timezone.now(),
        status=InfoReview.Status.REJECTED if rejected else InfoReview.Status.AWAITING_APPROVAL,
        **clean,
    )
    RegistryCheck.objects.bulk_create(RegistryCheck(review=review, **c) for c in checks)
    audit.record(
        actor=actor,
        action="clients.review_first",
        instance=review,
        after=audit.snapshot(review),
        extra={
            "checks": [
                f"{RegistryCheck.Source(c['source']).label}：{RegistryCheck.Result(c['result']).label}"
                + (f"（{c['note']}）" if c["note"] else "")
                for c in checks
            ]
        },
    )
    if not rejected:
        notify(
            recipients=[u for u in _approvers() if u.pk != actor.pk],
            title=f"待复审：客户「{client.name}」信息审核",
            body=f"初审结论：{review.get_outcome_display()}（{actor}）",
            link=f"/clients/{client.pk}/review/",
            level="warning" if review.outcome != InfoReview.Outcome.PASS else "info",
        )
    return review


@transaction.atomic
def decide_review(*, review: InfoReview, decision: str, note: str, actor: Any) -> InfoReview:
    """The general manager's decision. Confirming forgery puts the client on the blacklist."""
    require(actor, "clients.approve_client_info")
    locked(review.client)
    review = InfoReview.objects.select_for_update().get(pk=review.pk)
    if decision not in InfoReview.Decision.values:
        labels = "、".join(InfoReview.Decision.labels)
        raise InvalidFields([FieldError("decision", "复审意见", f"应为以下之一：{labels}")])
    note = (note or "").strip()[:2000]
    if review.status != InfoReview.Status.AWAITING_APPROVAL:
        raise ServiceError(f"该审核记录状态为“{review.get_status_display()}”，不能复审")
    if review.reviewer_id == actor.pk:
        raise ServiceError("复审须由初审人以外的人员（总经理）进行")
    if decision == InfoReview.Decision.APPROVE and review.outcome != InfoReview.Outcome.PASS:
        raise ServiceError("初审结论不是“通过”，不能同意；请确认伪造或退回重新初审")
    if decision != InfoReview.Decision.APPROVE and not note:
        raise InvalidFields([FieldError("note", "复审说明", "不同意或确认伪造时须写明理由")])
    if decision == InfoReview.Decision.CONFIRM_FORGERY:
        require(actor, "clients.blacklist_client")
    before = audit.snapshot(review)
    review.decision = decision
    review.decision_note = note
    review.approver = actor
    review.decided_at = timezone.now()
    review.status = {
        InfoReview.Decision.APPROVE: InfoReview.Status.APPROVED,
        InfoReview.Decision.REJECT: InfoReview.Status.REJECTED,
        InfoReview.Decision.CONFIRM_FORGERY: InfoReview.Status.FORGERY,
    }[InfoReview.Decision(decision)]
    review.save()
    audit.record(
        actor=actor,
        action="clients.review_decide",
        instance=review,
        before=before,
        after=audit.snapshot(review),
    )
    if decision == InfoReview.Decision.CONFIRM_FORGERY:
        blacklist_client(
            client=review.client, reason=f"信息审核确认伪造、假冒：{note}", actor=actor
        )
    if review.reviewer is not None and review.reviewer_id != actor.pk:
        notify(
            recipients=[review.reviewer],
            title=f"客户「{review.client.name}」信息复审：{review.get_decision_display()}",
            body=note,
            link=f"/clients/{review.client_id}/review/",
        )
    return review
