"""The recruitment report over a period, per recruiter and per client: screen and Excel
(staff only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from hragency.recruitment import exports
from hragency.recruitment.report import recruitment_report
from hragency.recruitment.views import require_staff


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    from hragency.core import values

    today = timezone.localdate()
    default_start = today.replace(day=1) - dt.timedelta(days=90)
    try:
        start = values.date(request.GET.get("start", "")) or default_start
        end = values.date(request.GET.get("end", "")) or today
    except values.InvalidValue:
        start, end = default_start, today
    if end < start:
        start, end = end, start
    return start, end


@login_required
def report(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    start, end = _period(request)
    result = recruitment_report(request.user, start, end)

    def rows(groups: list[Any]) -> list[tuple[str, list[Any], bool]]:
        body = [(g.label, exports.group_values(g), False) for g in groups]
        return (
            [*body, (result.total.label, exports.group_values(result.total), True)] if body else []
        )

    return render(
        request,
        "recruitment/report.html",
        {
            "report": result,
            "headers": exports.HEADERS,
            "tables": [
                ("按招聘专员", "招聘专员", rows(result.by_recruiter)),
                ("按客户", "客户", rows(result.by_client)),
            ],
        },
    )


@login_required
def report_excel(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    start, end = _period(request)
    result = recruitment_report(request.user, start, end)
    response = HttpResponse(exports.workbook(result), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, exports.filename(result)) or ""
    )
    response["Cache-Control"] = "private, no-store"
    return response
