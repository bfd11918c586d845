"""Client A's job and published monthly service report for the scoping sweep."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _report(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_service_report", None)
    if cached is None:
        from hragency.reports import services
        from hragency.reports.models import ServiceReport

        services.generate_reports(
            actor=cast.admin,
            kind="monthly",
            period="2026-11",
            client_ids=[cast.client_a.pk],
            with_pdf=False,
        )
        cached = ServiceReport.objects.get(client=cast.client_a, kind="monthly", period="2026-11")
        cached = services.publish_report(actor=cast.admin, report=cached)
        cast._sweep_service_report = cached  # type: ignore[attr-defined]
    return cached


def _job(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_job", None)
    if cached is None:
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from hragency.reports.models import Job

        cached = Job.objects.create(
            kind="reports.service_reports",
            title=f"2026-11 月度服务报告（{cast.client_a.name}）",
            created_by=cast.rep_a,
            client=cast.client_a,
            params={"kind": "monthly", "period": "2026-11"},
            status=Job.Status.DONE,
            done=1,
            total=1,
            file_name="汇总.xlsx",
            finished_at=timezone.now(),
        )
        cached.file.save("汇总.xlsx", ContentFile(cast.client_a.name.encode()), save=True)
        cast._sweep_job = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "job_id": lambda cast: str(_job(cast).pk),
    "report_id": lambda cast: str(_report(cast).pk),
}
