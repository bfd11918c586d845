"""The service-report job (``reports.service_reports``) and the scheduled generations: on the
5th last month's monthly reports, on 10 January last year's annual ones, for every client in
service, each as one ``Job`` with progress over the clients."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.domain.money import from_fen
from hragency.reports import services
from hragency.reports.jobs import Progress, register_job, run_job
from hragency.reports.models import Job, ServiceReport


@register_job(services.JOB_KIND)
def service_reports_job(job: Job, progress: Progress) -> tuple[str, bytes]:
    params = job.params
    result = services.generate_reports(
        actor=job.created_by,
        kind=params["kind"],
        period=params["period"],
        client_ids=[job.client_id] if job.client_id else params.get("client_ids"),
        publish=bool(params.get("publish")),
        job=job,
        progress=progress,
        with_pdf=bool(params.get("pdf", True)),
    )
    label = ServiceReport.Kind(params["kind"]).label
    return f"{params['period']}{label}汇总.xlsx", summary_xlsx(job, result)


def summary_xlsx(job: Job, result: dict[str, Any]) -> bytes:
    """The job's file: one row per report generated, with its headline figures."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "汇总"
    sheet.append([job.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [f"生成 {result['generated']} 份，发布 {result['published']} 份，"
         f"已发布未重新生成 {result['skipped']} 份"]
    )  # fmt: skip
    for problem in result["problems"]:
        sheet.append([problem])
    sheet.append([])
    sheet.append(["客户编号", "客户", "在保人数", "应付合计", "已付", "工单数", "异常数", "已发布"])
    reports = (
        ServiceReport.objects.filter(job=job).select_related("client").order_by("client__number")
    )
    for report in reports:
        data = report.data
        fig = data.get("total") if data.get("kind") == "annual" else data.get("figures")
        if not fig:
            continue
        fees = fig["fees"] or {}
        sheet.append(
            [
                report.client.number,
                report.client.name,
                fig["insured"]["in_force"],
                from_fen(fees["total_fen"]) if fees else None,
                from_fen(fees["paid_fen"]) if fees else None,
                fig["tickets"]["count"],
                fig["exceptions"]["count"],
                "是" if report.published else "否",
            ]
        )
        for col in (4, 5):
            sheet.cell(row=sheet.max_row, column=col).number_format = '"¥"#,##0.00'
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _scheduled(kind: str, period: str) -> str:
    if not services.in_service_client_ids():
        return "没有服务中的客户"
    job = services.start_generation(actor=None, kind=kind, period=period)
    # Already inside the worker: run now instead of queueing a second task.
    done = run_job(job.pk)
    return f"{job.title}：{done.get_status_display() if done else '任务不存在'}"


def scheduled_monthly(today: Any = None) -> str:
    today = today or timezone.localdate()
    return _scheduled(ServiceReport.Kind.MONTHLY, services.last_month(today))


def scheduled_annual(today: Any = None) -> str:
    today = today or timezone.localdate()
    return _scheduled(ServiceReport.Kind.ANNUAL, str(today.year - 1))
