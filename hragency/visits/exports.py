"""The 《客户满意度分析报告》 as Excel (sheets 概览, 各维度, 按客户规模, 低分客户) and as PDF
(``core.pdf.render_pdf`` from an HTML template, A4 portrait). Percentages and averages are
exact ``Decimal`` values with two places, never floats."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.core.pdf import render_pdf
from hragency.visits.models import DIMENSIONS
from hragency.visits.report import Figures, Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
TITLE = "客户满意度分析报告"
NUMBER = "0.00"


def filename(report: Report, suffix: str) -> str:
    return f"{TITLE}-{report.current.quarter}.{suffix}"


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else ("达标" if value else "未达标")


def overview_rows(report: Report) -> list[tuple[str, Any, Any, Any]]:
    """(label, this quarter, previous quarter, change) rows of the overview."""
    c, p, ch = report.current, report.previous, report.changes
    return [
        ("在服务客户数", c.clients_in_service, p.clients_in_service, None),
        ("参与调查客户数", c.clients_surveyed, p.clients_surveyed, None),
        ("调查覆盖率（%）", c.coverage, p.coverage, None),
        ("答卷数", c.responses, p.responses, None),
        ("满意答卷数（总体满意度≥4）", c.satisfied, p.satisfied, None),
        ("满意度（%）", c.rate, p.rate, ch.get("rate")),
        (f"目标 ≥ {report.target}%", _yes_no(c.target_met), _yes_no(p.target_met), None),
        ("总体满意度平均分", c.average_overall, p.average_overall, ch.get("average_overall")),
        ("到期回访数（计入考核）", c.visits_counted, p.visits_counted, None),
        ("按时完成回访数", c.visits_met, p.visits_met, None),
        ("回访按时率（%）", c.visits_on_time, p.visits_on_time, ch.get("visits_on_time")),
        ("本季完成回访任务数", c.visits_done, p.visits_done, None),
    ]


def _row(sheet: Any, values: list[Any], bold: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, Decimal):
            cell.number_format = NUMBER
        if bold:
            cell.font = Font(bold=True)


def workbook(report: Report) -> bytes:
    c: Figures = report.current
    book = Workbook()
    overview = book.active
    overview.title = "概览"
    overview.column_dimensions["A"].width = 30
    for column in "BCD":
        overview.column_dimensions[column].width = 16
    _row(overview, [f"{TITLE}（{c.quarter.label}）"], bold=True)
    _row(overview, ["项目", str(c.quarter), str(report.previous.quarter), "变化"], bold=True)
    for label, now, before, change in overview_rows(report):
        _row(overview, [label, now, before, change])

    dims = book.create_sheet("各维度")
    _row(dims, ["维度", "平均分", "1分", "2分", "3分", "4分", "5分", "上季度平均分"], bold=True)
    previous = {d.field: d.average for d in report.previous.dimensions}
    for d in c.dimensions:
        _row(dims, [d.label, d.average, *d.distribution, previous.get(d.field)])

    sizes = book.create_sheet("按客户规模")
    _row(
        sizes,
        ["客户规模", "客户数", "答卷数", "满意答卷数", "满意度（%）", "总体满意度平均分"],
        True,
    )
    for x in c.by_size:
        _row(sizes, [x.label, x.clients, x.responses, x.satisfied, x.rate, x.average_overall])

    low = book.create_sheet("低分客户")
    headers = ["客户编号", "客户", "受访人", *[label for _, label in DIMENSIONS], "意见", "建议"]
    _row(low, headers, bold=True)
    for x in c.low_scores:
        _row(
            low,
            [
                x.client_number,
                x.client,
                x.respondent,
                *[v for _, v in x.scores],
                x.comments,
                x.suggestions,
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_html(report: Report) -> str:
    return render_to_string(
        "visits/report_pdf.html",
        {
            "report": report,
            "c": report.current,
            "p": report.previous,
            "overview": overview_rows(report),
            "printed_at": timezone.localtime(),
            "title": TITLE,
        },
    )


def report_pdf(report: Report) -> bytes:
    """``PdfUnavailable`` (a ServiceError) when no PDF can be made."""
    return render_pdf(report_html(report))
