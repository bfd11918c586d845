"""The recruitment report as Excel (sheets 按招聘专员, 按客户): exact Decimal figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.recruitment.report import Group, Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "需求数",
    "已完成",
    "已取消",
    "录用人数",
    "渠道费用（元）",
    "平均招聘周期（天）",
    "人均招聘成本（元）",
    "客户满意度（平均）",
    "试用期通过率（%）",
    "2小时联系按时率（%）",
    "24小时推荐按时率（%）",
]


def group_values(group: Group) -> list[Any]:
    return [
        group.requested,
        group.filled,
        group.cancelled,
        group.hires,
        group.channel_cost,
        group.avg_time_to_fill,
        group.cost_per_hire,
        group.avg_satisfaction,
        group.probation_pass_rate,
        group.contact_rate,
        group.shortlist_rate,
    ]


def filename(report: Report) -> str:
    return f"招聘服务报告-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"


def _sheet(book: Workbook, title: str, first: str, groups: list[Group], total: Group) -> None:
    sheet = book.create_sheet(title)
    sheet.append([first, *HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for group in [*groups, total]:
        sheet.append([group.label, *["—" if v is None else v for v in group_values(group)]])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet[sheet.max_row][0].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28


def workbook(report: Report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "按招聘专员", "招聘专员", report.by_recruiter, report.total)
    _sheet(book, "按客户", "客户", report.by_client, report.total)
    info = book.create_sheet("说明")
    info.append(["期间", f"{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}（按需求提出时间）"])
    info.append(["人均招聘成本", "渠道费用合计 ÷ 录用人数，四舍五入到分"])
    info.append(["招聘周期", "需求提出日至招满（最后一人确认入职）日的天数"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
