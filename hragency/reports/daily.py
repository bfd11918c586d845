"""The daily operations report (运营日报, R-WFM-4): one day's figures of the service desk,
deadlines, social-insurance orders, exceptions, complaints, visits, payroll and statements,
compared with the previous day and the same weekday a week earlier.

``daily_report(day, user=None)``: ``user`` None = every client (the mailed report); otherwise
every figure is limited to the user's clients through ``scope_queryset``. A fixed number of
queries per day (three days per report), whatever the number of clients.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hragency.billing.models import Statement
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.insurance.models import Incident, Order
from hragency.payroll.models import PayrollRun
from hragency.reports.figures import CHANNEL_LABELS, local_range, percent
from hragency.servicedesk.models import Nature, Ticket
from hragency.visits.models import VisitTask

KIND_LABELS = {
    "servicedesk.response": "工单首次响应",
    "servicedesk.resolution": "工单解决",
    "servicedesk.followup_plan": "低分回访计划",
    "servicedesk.followup_visit": "低分二次回访",
    "insurance.incident_response": "异常响应",
    "insurance.incident_resolution": "异常解决",
    "insurance.order_cutoff": "增减员办理",
    "billing.invoice_due": "开票",
    "billing.statement_dispute": "费用异议",
    "clients.agreement_renewal": "协议续签",
    "clients.handover": "资料交接",
    "clients.intake": "需求登记",
    "visits.visit": "回访",
}


def call_centre_section(date: dt.date) -> list[tuple[str, Any]] | None:
    """The day's hotline figures per channel from the imported contact volumes (R-WFM-4):
    offered, answered, abandoned, service level (answered within the channel's threshold ÷
    offered) and average handling time; None when nothing was imported for the day. The
    hotline serves every client at once, so these figures carry no client scope."""
    from django.db.models import F, Sum

    from hragency.workforce.models import Channel, ContactVolume

    start, end = local_range(date, date + dt.timedelta(days=1))
    rows = (
        ContactVolume.objects.filter(interval_start__gte=start, interval_start__lt=end)
        .values("channel")
        .annotate(
            offered_sum=Sum("offered"),
            answered_sum=Sum("answered"),
            abandoned_sum=Sum("abandoned"),
            in_target_sum=Sum("answered_in_target"),
            handled_seconds=Sum(F("aht_seconds") * F("answered")),
        )
        .order_by("channel")
    )
    section: list[tuple[str, Any]] = []
    for row in rows:
        label = Channel(row["channel"]).label
        answered = row["answered_sum"] or 0
        level = percent(row["in_target_sum"] or 0, row["offered_sum"] or 0)
        section += [
            (f"{label}·呼入量", row["offered_sum"] or 0),
            (f"{label}·接通量", answered),
            (f"{label}·放弃量", row["abandoned_sum"] or 0),
            (f"{label}·服务水平", f"{level} %" if level is not None else "—"),
            (
                f"{label}·平均处理时长",
                f"{(row['handled_seconds'] or 0) // answered} 秒" if answered else "—",
            ),
        ]
    return section or None


def _scoped(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return qs if user is None else scope_queryset(qs, user)


def day_figures(day: dt.date, user: Any = None) -> dict[str, Any]:
    """One day's figures (ints, and rate texts like "95.00" or None)."""
    start, end = local_range(day, day + dt.timedelta(days=1))
    f: dict[str, Any] = {}

    tickets = _scoped(Ticket.objects.all(), user)
    opened = tickets.filter(created_at__gte=start, created_at__lt=end)
    f["tickets_opened"] = 0
    f["by_channel"] = {}
    for row in opened.values("channel").annotate(n=Count("id")).order_by("channel"):
        label = CHANNEL_LABELS.get(row["channel"], row["channel"])
        f["by_channel"][label] = row["n"]
        f["tickets_opened"] += row["n"]
    f["tickets_resolved"] = tickets.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    f["complaints"] = opened.filter(nature=Nature.COMPLAINT).count()

    counted = Q(status__in=[Deadline.Status.MET, Deadline.Status.LATE]) | Q(
        status=Deadline.Status.OPEN, breached=True
    )
    rates = (
        _scoped(Deadline.objects.all(), user)
        .filter(
            kind__in=["servicedesk.response", "servicedesk.resolution"],
            due_at__gte=start,
            due_at__lt=end,
        )
        .values("kind")
        .annotate(
            met=Count("id", filter=Q(status=Deadline.Status.MET)),
            counted=Count("id", filter=counted),
        )
    )
    by_kind = {row["kind"]: row for row in rates}
    for key, kind in (
        ("response_rate", "servicedesk.response"),
        ("resolution_rate", "servicedesk.resolution"),
    ):
        row = by_kind.get(kind, {"met": 0, "counted": 0})
        f[key] = percent(row["met"], row["counted"])

    # Deadlines overdue at the end of the day: due before, not closed by then.
    overdue = (
        _scoped(Deadline.objects.all(), user)
        .filter(due_at__lt=end)
        .exclude(status=Deadline.Status.CANCELLED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    f["overdue"] = {KIND_LABELS.get(row["kind"], row["kind"]): row["n"] for row in overdue}
    f["overdue_total"] = sum(f["overdue"].values())

    orders = _scoped(Order.objects.all(), user)
    received = orders.filter(submitted_at__gte=start, submitted_at__lt=end)
    processed = orders.filter(handled_at__gte=start, handled_at__lt=end, status=Order.Status.DONE)
    for name, qs in (("received", received), ("processed", processed)):
        counts = {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("id"))}
        f[f"add_{name}"] = counts.get(Order.Kind.ADD, 0)
        f[f"remove_{name}"] = counts.get(Order.Kind.REMOVE, 0)

    incidents = _scoped(Incident.objects.all(), user)
    f["incidents_opened"] = incidents.filter(reported_at__gte=start, reported_at__lt=end).count()
    f["incidents_resolved"] = incidents.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    f["visits_done"] = (
        _scoped(VisitTask.objects.all(), user)
        .filter(status=VisitTask.Status.DONE, done_at__gte=start, done_at__lt=end)
        .count()
    )
    f["payroll_paid"] = (
        _scoped(PayrollRun.objects.all(), user)
        .filter(status=PayrollRun.Status.PAID, paid_at__gte=start, paid_at__lt=end)
        .count()
    )
    f["statements_confirmed"] = (
        _scoped(Statement.objects.all(), user)
        .filter(status=Statement.Status.CONFIRMED, responded_at__gte=start, responded_at__lt=end)
        .count()
    )
    return f


ROWS: list[tuple[str, str, Callable[[dict[str, Any]], Any], str]] = [
    ("服务台", "新建工单", lambda f: f["tickets_opened"], "int"),
    ("服务台", "解决工单", lambda f: f["tickets_resolved"], "int"),
    ("服务台", "首次响应按时率", lambda f: f["response_rate"], "pct"),
    ("服务台", "解决按时率", lambda f: f["resolution_rate"], "pct"),
    ("服务台", "投诉", lambda f: f["complaints"], "int"),
    ("时限", "日终超时未完成", lambda f: f["overdue_total"], "int"),
    ("社保", "收到增员", lambda f: f["add_received"], "int"),
    ("社保", "收到减员", lambda f: f["remove_received"], "int"),
    ("社保", "办结增员", lambda f: f["add_processed"], "int"),
    ("社保", "办结减员", lambda f: f["remove_processed"], "int"),
    ("社保", "新增异常", lambda f: f["incidents_opened"], "int"),
    ("社保", "解决异常", lambda f: f["incidents_resolved"], "int"),
    ("回访", "完成回访", lambda f: f["visits_done"], "int"),
    ("薪资", "发放工资表", lambda f: f["payroll_paid"], "int"),
    ("费用", "客户确认费用明细表", lambda f: f["statements_confirmed"], "int"),
]


def _delta(today: Any, other: Any, kind: str) -> str:
    if today is None or other is None:
        return ""
    if kind == "pct":
        from decimal import Decimal

        diff = Decimal(today) - Decimal(other)
        return f"{diff:+.2f}"
    diff = int(today) - int(other)
    return f"{diff:+d}"


def daily_report(day: dt.date, user: Any = None) -> dict[str, Any]:
    """The report of ``day``: rows with today, the previous day and a week earlier."""
    days = {
        "today": day,
        "previous": day - dt.timedelta(days=1),
        "last_week": day - dt.timedelta(days=7),
    }
    figures = {key: day_figures(d, user) for key, d in days.items()}
    rows = []
    for section, label, get, kind in ROWS:
        values = {key: get(fig) for key, fig in figures.items()}
        rows.append(
            {
                "section": section,
                "label": label,
                "kind": kind,
                **values,
                "vs_previous": _delta(values["today"], values["previous"], kind),
                "vs_last_week": _delta(values["today"], values["last_week"], kind),
            }
        )
    channels = sorted(
        {c for fig in figures.values() for c in fig["by_channel"]},
        key=lambda c: -figures["today"]["by_channel"].get(c, 0),
    )
    channel_rows = [
        {"label": c, **{k: fig["by_channel"].get(c, 0) for k, fig in figures.items()}}
        for c in channels
    ]
    kinds = sorted({k for fig in figures.values() for k in fig["overdue"]})
    overdue_rows = [
        {"label": k, **{key: fig["overdue"].get(k, 0) for key, fig in figures.items()}}
        for k in kinds
    ]
    return {
        "day": day,
        "days": days,
        "rows": rows,
        "channels": channel_rows,
        "overdue": overdue_rows,
        "call_centre": call_centre_section(day),
    }


def show(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    return f"{value}%" if kind == "pct" else str(value)


def xlsx_bytes(report: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "运营日报"
    days = report["days"]
    sheet.append([f"运营日报 {report['day']:%Y-%m-%d}"])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [
        "类别",
        "指标",
        f"当日 {days['today']:%m-%d}",
        f"前一日 {days['previous']:%m-%d}",
        f"上周同日 {days['last_week']:%m-%d}",
        "环比",
        "周同比",
    ]
    sheet.append(header)
    fill = PatternFill("solid", fgColor="EEF2F7")
    for c in sheet[2]:
        c.font, c.fill = Font(bold=True), fill
    for row in report["rows"]:
        sheet.append(
            [row["section"], row["label"],
             *(show(row[k], row["kind"]) if row["kind"] == "pct" else row[k]
               for k in ("today", "previous", "last_week")),
             row["vs_previous"], row["vs_last_week"]]
        )  # fmt: skip
    for title, key in (("工单渠道", "channels"), ("超时时限", "overdue")):
        extra = book.create_sheet(title)
        extra.append(["分类", "当日", "前一日", "上周同日"])
        for row in report[key]:
            extra.append([row["label"], row["today"], row["previous"], row["last_week"]])
    if report["call_centre"]:
        extra = book.create_sheet("呼叫中心")
        for label, value in report["call_centre"]:
            extra.append([label, value])
    for col in "ABCDEFG":
        sheet.column_dimensions[col].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mail_text(report: dict[str, Any]) -> str:
    lines = [f"运营日报 {report['day']:%Y-%m-%d}（全部客户）", ""]
    for row in report["rows"]:
        lines.append(
            f"{row['section']}·{row['label']}：{show(row['today'], row['kind'])}"
            f"（前一日 {show(row['previous'], row['kind'])}，"
            f"上周同日 {show(row['last_week'], row['kind'])}）"
        )
    if report["overdue"]:
        lines.append("")
        lines.append(
            "超时未完成：" + "，".join(f"{r['label']} {r['today']}" for r in report["overdue"])
        )
    if report["call_centre"]:
        lines.append("")
        lines.extend(f"呼叫中心·{label}：{value}" for label, value in report["call_centre"])
    return "\n".join(lines)


def recipients() -> list[Any]:
    from hragency.accounts.models import User
    from hragency.accounts.roles import ROLE_LABELS, Role

    names = [ROLE_LABELS[Role.CS_DIRECTOR], ROLE_LABELS[Role.GENERAL_MANAGER]]
    return list(
        User.objects.filter(is_active=True, kind=User.Kind.STAFF, groups__name__in=names)
        .distinct()
        .order_by("pk")
    )


def mail_daily_report(day: dt.date | None = None) -> str:
    """Mail yesterday's report (all clients) to the CS directors and general managers."""
    from hragency.core.notifications import notify

    day = day or timezone.localdate() - dt.timedelta(days=1)
    people = recipients()
    if not people:
        return "没有收件人（客服总监/总经理）"
    report = daily_report(day)
    link = f"{reverse('reports:daily')}?date={day:%Y-%m-%d}"
    notify(
        recipients=people,
        title=f"运营日报 {day:%Y-%m-%d}",
        body=mail_text(report),
        link=link,
        email=True,
    )
    return f"已发送 {day:%Y-%m-%d} 运营日报给 {len(people)} 人"
