"""Writes of the reports app: generate service reports (figures frozen, PDF and Excel
rendered), start a generation as a job, publish and withdraw. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import client_hr_users
from hragency.clients.models import Client
from hragency.clients.services.base import ensure_all_serviceable, ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.notifications import Message, notify_all
from hragency.core.pdf import PdfUnavailable
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.reports import figures, render
from hragency.reports.models import Job, ServiceReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
JOB_KIND = "reports.service_reports"


def parse_report_period(kind: str, text: str) -> str:
    """ "2026-11" (monthly) or "2026" (annual), normalised; ServiceError otherwise."""
    text = (text or "").strip()
    if kind == ServiceReport.Kind.ANNUAL:
        if not (text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
            raise ServiceError(f"年度格式不正确：「{text}」，示例：2026")
        return text
    if kind != ServiceReport.Kind.MONTHLY:
        raise ServiceError(f"未知的报告类型：{kind}")
    try:
        return str(parse_period(text))
    except (PolicyError, ValueError) as exc:
        raise ServiceError(str(exc)) from None


def in_service_client_ids() -> list[int]:
    """Clients in service (status 服务中), in number order."""
    return list(
        Client.objects.filter(status=Client.Status.ACTIVE)
        .order_by("number")
        .values_list("pk", flat=True)
    )


def report_data(*, kind: str, period: str, client_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The frozen content of each client's report (set-based: a fixed number of queries)."""
    clients = {
        c.pk: {"name": c.name, "number": c.number}
        for c in Client.objects.filter(pk__in=client_ids).only("pk", "name", "number")
    }
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    out: dict[int, dict[str, Any]] = {}
    if kind == ServiceReport.Kind.ANNUAL:
        by_client = figures.annual_figures(int(period), client_ids)
        for pk in client_ids:
            year = by_client[pk]
            out[pk] = {
                "kind": kind,
                "period": period,
                "client": clients[pk],
                "generated_at": now,
                "months": year["months"],
                "total": year["total"],
            }
    else:
        p = parse_period(period)
        monthly = figures.monthly_figures(p, client_ids)
        for pk in client_ids:
            out[pk] = {
                "kind": kind,
                "period": period,
                "client": clients[pk],
                "generated_at": now,
                "figures": monthly[pk],
            }
    return out


def generate_reports(
    *,
    actor: Any,
    kind: str,
    period: str,
    client_ids: Iterable[int] | None = None,
    publish: bool = False,
    job: Job | None = None,
    progress: Progress | None = None,
    with_pdf: bool = True,
) -> dict[str, Any]:
    """Generate (or regenerate) the reports of ``period`` for the clients (default: every
    client in service). A published report is left as the client saw it. Each client's
    report is written in its own short transaction, so progress and a failure in one client
    do not hold the others. Returns counts and the problems met."""
    period = parse_report_period(kind, period)
    ids = sorted(set(client_ids)) if client_ids is not None else in_service_client_ids()
    ensure_all_serviceable(ids)
    tick = progress or (lambda done, total, message: None)
    total = len(ids)
    tick(0, total, "正在汇总数据")
    published = set(
        ServiceReport.objects.filter(
            kind=kind, period=period, client_id__in=ids, published=True
        ).values_list("client_id", flat=True)
    )
    todo = [pk for pk in ids if pk not in published]
    data = report_data(kind=kind, period=period, client_ids=todo)
    result: dict[str, Any] = {
        "generated": 0,
        "published": 0,
        "skipped": len(published),
        "problems": [],
    }
    pdf_ok = with_pdf
    for index, pk in enumerate(todo, start=1):
        content = data[pk]
        pdf: bytes | None = None
        if pdf_ok:
            try:
                pdf = render.pdf_bytes(content)
            except PdfUnavailable as exc:
                pdf_ok = False  # Chromium missing or failing: Excel only, said once
                result["problems"].append(f"PDF 未生成：{exc}")
        xlsx = render.xlsx_bytes(content)
        report = _save_report(
            actor=actor, client_id=pk, kind=kind, period=period, data=content, pdf=pdf,
            xlsx=xlsx, job=job,
        )  # fmt: skip
        result["generated"] += 1
        if publish:
            publish_report(actor=actor, report=report)
            result["published"] += 1
        tick(index, total, f"已生成 {content['client']['name']}")
    tick(total, total, f"已生成 {result['generated']} 份")
    return result


@transaction.atomic
def _save_report(
    *,
    actor: Any,
    client_id: int,
    kind: str,
    period: str,
    data: dict[str, Any],
    pdf: bytes | None,
    xlsx: bytes,
    job: Job | None,
) -> ServiceReport:
    report, created = ServiceReport.objects.select_for_update().get_or_create(
        client_id=client_id,
        kind=kind,
        period=period,
        defaults={"generated_at": timezone.now()},
    )
    if report.published:
        raise ServiceError(f"{report.title}已发布，不能重新生成")
    stem = f"{data['client']['number']}_{render.title_of(data)}"
    for field in ("pdf", "xlsx"):
        old = getattr(report, field)
        if old:
            old.delete(save=False)
    if pdf is not None:
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.data = data
    report.generated_at = timezone.now()
    report.job = job
    report.save()
    audit.record(
        actor=actor,
        action="reports.generate",
        instance=report,
        after={"kind": kind, "period": period, "created": created},
    )
    return report


@transaction.atomic
def publish_report(*, actor: Any, report: ServiceReport) -> ServiceReport:
    """Make the report visible in the client's portal and tell its HR users."""
    report = ServiceReport.objects.select_for_update().select_related("client").get(pk=report.pk)
    ensure_serviceable(report.client)
    if report.published:
        raise ServiceError(f"{report.title}已发布")
    report.published = True
    report.published_at = timezone.now()
    report.published_by = actor if getattr(actor, "pk", None) else None
    report.save(update_fields=["published", "published_at", "published_by"])
    audit.record(
        actor=actor,
        action="reports.publish",
        instance=report,
        before={"published": False},
        after={"published": True},
    )
    link = reverse("reports:portal")
    recipients = list(client_hr_users(report.client_id))
    if recipients:
        notify_all(
            [
                Message(
                    recipients,
                    f"{report.title}已发布",
                    f"{report.client.name}的{report.title}已发布，可在「服务报告」中查看和下载。",
                    link,
                )
            ]
        )
    return report


@transaction.atomic
def withdraw_report(*, actor: Any, report: ServiceReport) -> ServiceReport:
    """Take a published report back from the portal (to correct and regenerate it)."""
    report = ServiceReport.objects.select_for_update().get(pk=report.pk)
    if not report.published:
        raise ServiceError(f"{report.title}尚未发布")
    report.published = False
    report.published_at = None
    report.save(update_fields=["published", "published_at"])
    audit.record(
        actor=actor,
        action="reports.withdraw",
        instance=report,
        before={"published": True},
        after={"published": False},
    )
    return report


def start_generation(
    *,
    actor: Any,
    kind: str,
    period: str,
    client: Client | None = None,
    client_ids: list[int] | None = None,
    publish: bool = False,
) -> Job:
    """Queue the generation of ``period``'s reports as a job with progress: for ``client``,
    for ``client_ids`` (a user's clients in service), or for every client in service."""
    from hragency.reports.jobs import start_job

    period = parse_report_period(kind, period)
    params: dict[str, Any] = {"kind": kind, "period": period, "publish": publish}
    if client is not None:
        ensure_serviceable(client)
        scope = client.name
    elif client_ids is not None:
        if not client_ids:
            raise ServiceError("您负责的客户中没有服务中的客户，无需生成服务报告")
        params["client_ids"] = sorted(client_ids)
        scope = f"{len(client_ids)} 家客户"
    else:
        if not in_service_client_ids():
            raise ServiceError("没有服务中的客户，无需生成服务报告")
        scope = "全部服务中客户"
    label = ServiceReport.Kind(kind).label
    return start_job(
        actor=actor,
        kind=JOB_KIND,
        title=f"{period} {label}（{scope}）",
        params=params,
        client=client,
    )


def generation_scope(user: Any) -> list[int] | None:
    """What "all clients" means for this user: None (every client in service) for holders of
    ``accounts.view_all_clients``; else their own clients in service."""
    from hragency.clients.queries import clients_for

    if user.is_administrator or user.has_perm("accounts.view_all_clients"):
        return None
    return list(clients_for(user).filter(status=Client.Status.ACTIVE).values_list("pk", flat=True))


def last_month(today: dt.date) -> str:
    return str(Period.of(today).shifted(-1))
