"""运营日报: the screen (/reports/daily/?date=…) and its Excel download. Staff with
``reports.view_daily_report``; figures limited to the user's clients (directors and managers
see all)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hragency.core import values
from hragency.reports.daily import daily_report, show, xlsx_bytes
from hragency.reports.queries import can_view_daily
from hragency.reports.views_jobs import download


def _day(request: HttpRequest) -> tuple[dt.date, str]:
    raw = request.GET.get("date", "").strip()
    default = timezone.localdate() - dt.timedelta(days=1)
    if not raw:
        return default, ""
    try:
        day = values.date(raw)
    except values.InvalidValue as exc:
        return default, f"日期无效：{exc}"
    return (day, "") if isinstance(day, dt.date) else (default, "日期无效")


def _require(request: HttpRequest) -> None:
    if not can_view_daily(request.user):
        raise PermissionDenied("无权查看运营日报")


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    _require(request)
    day, error = _day(request)
    report = daily_report(day, request.user)
    for row in report["rows"]:
        row["shown"] = [show(row[k], row["kind"]) for k in ("today", "previous", "last_week")]
    return render(
        request,
        "reports/daily.html",
        {"report": report, "error": error, "day": day},
        status=400 if error else 200,
    )


@login_required
def daily_excel(request: HttpRequest) -> HttpResponse:
    _require(request)
    day, _error = _day(request)
    return download(xlsx_bytes(daily_report(day, request.user)), f"运营日报{day:%Y%m%d}.xlsx")
