"""A service report's tables (one definition for the screen, the PDF and the Excel), the PDF
(headless Chromium from ``report_pdf.html``) and the Excel workbook (one sheet per section)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from hragency.core.pdf import render_pdf
from hragency.domain.money import format_cny, from_fen


@dataclass(frozen=True)
class Col:
    label: str
    get: Callable[[dict[str, Any]], Any]
    kind: str = "int"  # int | fen | pct | avg | text


def _fees(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda f: None if f["fees"] is None else f["fees"][key]


def _payroll(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda f: None if f["payroll"] is None else f["payroll"][key]


def _ratio(section: str, step: str) -> Callable[[dict[str, Any]], Any]:
    return lambda f: f[section][f"{step}_rate"]


SECTIONS: list[tuple[str, list[Col]]] = [
    (
        "参保人员",
        [
            Col("月末在保人数", lambda f: f["insured"]["in_force"]),
            Col("增员", lambda f: f["insured"]["added"]),
            Col("减员", lambda f: f["insured"]["removed"]),
        ],
    ),
    (
        "费用",
        [
            Col("社保", _fees("si_fen"), "fen"),
            Col("公积金", _fees("hf_fen"), "fen"),
            Col("服务费", _fees("service_fen"), "fen"),
            Col("税费及风险金", _fees("other_fen"), "fen"),
            Col("应付合计", _fees("total_fen"), "fen"),
            Col("已付", _fees("paid_fen"), "fen"),
            Col("未付", _fees("unpaid_fen"), "fen"),
        ],
    ),
    (
        "异常处理",
        [
            Col("异常数", lambda f: f["exceptions"]["count"]),
            Col("已解决", lambda f: f["exceptions"]["closed"]),
            Col("1小时响应按时率", _ratio("exceptions", "response"), "pct"),
            Col("24小时解决按时率", _ratio("exceptions", "resolution"), "pct"),
        ],
    ),
    (
        "工单",
        [
            Col("工单数", lambda f: f["tickets"]["count"]),
            Col("已解决", lambda f: f["tickets"]["closed"]),
            Col("投诉建议", lambda f: f["tickets"]["complaints"]),
            Col("首次响应按时率", _ratio("tickets", "response"), "pct"),
            Col("解决按时率", _ratio("tickets", "resolution"), "pct"),
        ],
    ),
    (
        "满意度",
        [
            Col("工单评价数", lambda f: f["satisfaction"]["rated"]),
            Col("工单平均评分", lambda f: f["satisfaction"]["rating_avg"], "avg"),
            Col("满意度调查答卷", lambda f: f["satisfaction"]["surveys"]),
            Col("调查总体满意度", lambda f: f["satisfaction"]["survey_avg"], "avg"),
        ],
    ),
    (
        "薪资代发",
        [
            Col("发放人数", _payroll("headcount")),
            Col("应发合计", _payroll("gross_fen"), "fen"),
            Col("个税", _payroll("iit_fen"), "fen"),
            Col("实发合计", _payroll("net_fen"), "fen"),
        ],
    ),
]


def show(value: Any, kind: str) -> str:
    """The value as a person reads it: ¥1,234.56, 95.00%, 4.50, — for nothing."""
    if value is None:
        return "—"
    if kind == "fen":
        return format_cny(int(value))
    if kind == "pct":
        return f"{value}%"
    return str(value)


def cell(value: Any, kind: str) -> Any:
    """The value for an Excel cell: exact Decimal yuan for money, Decimal for rates."""
    if value is None:
        return None
    if kind == "fen":
        return from_fen(int(value))
    if kind in ("pct", "avg"):
        return Decimal(value)
    return value


def _sections_for(figures: dict[str, Any]) -> list[tuple[str, list[Col]]]:
    # Payroll only when the client uses it.
    return [(t, cols) for t, cols in SECTIONS if t != "薪资代发" or figures["payroll"] is not None]


def month_label(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def tables(report_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's tables as display strings: monthly → one "项目 / 数值" table per section;
    annual → one month-by-month table per section with the year's total."""
    if report_data["kind"] == "annual":
        total = report_data["total"]
        out = []
        for title, cols in _sections_for(total):
            rows = []
            for index, month in enumerate(report_data["months"], start=1):
                rows.append([f"{index}月", *(show(c.get(month), c.kind) for c in cols)])
            rows.append(["全年", *(show(c.get(total), c.kind) for c in cols)])
            out.append({"title": title, "header": ["月份", *(c.label for c in cols)], "rows": rows})
        return out
    figures = report_data["figures"]
    out = []
    for title, cols in _sections_for(figures):
        rows = [[c.label, show(c.get(figures), c.kind)] for c in cols]
        out.append({"title": title, "header": ["项目", "数值"], "rows": rows})
    return out


def breakdowns(report_data: dict[str, Any]) -> list[dict[str, Any]]:
    figures = report_data["total"] if report_data["kind"] == "annual" else report_data["figures"]
    out = []
    for key, title in (("by_channel", "工单渠道分布"), ("by_nature", "工单性质分布")):
        counts = figures["tickets"][key]
        if counts:
            rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out.append({"title": title, "rows": rows, "chart": bar_chart(rows)})
    return out


def bar_chart(rows: list[tuple[str, int]], *, width: int = 420) -> SafeString:
    """A horizontal bar chart as inline SVG (no JavaScript: it prints in the PDF)."""
    if not rows:
        return mark_safe("")
    top = max(v for _label, v in rows) or 1
    bar_h, gap, label_w = 16, 6, 96
    height = len(rows) * (bar_h + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * (bar_h + gap)
        w = int((width - label_w - 40) * value / top)
        parts.append(f'<text x="0" y="{y + 12}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#3b6fb6"/>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 12}">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def series_chart(report_data: dict[str, Any]) -> SafeString:
    """Annual: persons in force per month as bars."""
    if report_data["kind"] != "annual":
        return mark_safe("")
    rows = [(f"{i}月", m["insured"]["in_force"]) for i, m in enumerate(report_data["months"], 1)]
    return bar_chart(rows)


def context(report_data: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": report_data,
        "tables": tables(report_data),
        "breakdowns": breakdowns(report_data),
        "series_chart": series_chart(report_data),
    }


def title_of(report_data: dict[str, Any]) -> str:
    if report_data["kind"] == "annual":
        return f"{report_data['period']}年度服务报告"
    return f"{month_label(report_data['period'])}服务报告"


def pdf_bytes(report_data: dict[str, Any]) -> bytes:
    html = render_to_string(
        "reports/report_pdf.html",
        {**context(report_data), "title": title_of(report_data), "printed_at": timezone.now()},
    )
    return render_pdf(html)


def xlsx_bytes(report_data: dict[str, Any]) -> bytes:
    """One sheet per section (概况 first); money as exact yuan with ¥ format."""
    book = Workbook()
    head = book.active
    assert head is not None
    head.title = "概况"
    head.append([title_of(report_data)])
    head["A1"].font = Font(bold=True, size=14)
    head.append(["客户", report_data["client"]["name"]])
    head.append(["客户编号", report_data["client"]["number"]])
    head.append(["期间", report_data["period"]])
    head.append(["生成时间", report_data["generated_at"]])
    annual = report_data["kind"] == "annual"
    figures = report_data["total"] if annual else report_data["figures"]
    fill = PatternFill("solid", fgColor="EEF2F7")
    for title, cols in _sections_for(figures):
        sheet = book.create_sheet(title)
        header = ["月份", *(c.label for c in cols)] if annual else ["项目", "数值"]
        sheet.append(header)
        for c in sheet[1]:
            c.font, c.fill = Font(bold=True), fill
        if annual:
            series = [(f"{i}月", m) for i, m in enumerate(report_data["months"], 1)]
            for label, month in [*series, ("全年", figures)]:
                sheet.append([label, *(cell(c.get(month), c.kind) for c in cols)])
                _format_row(sheet, cols, offset=2)
        else:
            for c in cols:
                sheet.append([c.label, cell(c.get(figures), c.kind)])
                _format_cell(sheet.cell(row=sheet.max_row, column=2), c.kind)
        for index in range(1, len(header) + 1):
            sheet.column_dimensions[chr(64 + index)].width = 16
    for key, title in (("by_channel", "工单渠道"), ("by_nature", "工单性质")):
        sheet = book.create_sheet(title)
        sheet.append(["分类", "工单数"])
        for label, count in sorted(figures["tickets"][key].items(), key=lambda kv: -kv[1]):
            sheet.append([label, count])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _format_row(sheet: Any, cols: list[Col], *, offset: int) -> None:
    row = sheet.max_row
    for index, c in enumerate(cols):
        _format_cell(sheet.cell(row=row, column=offset + index), c.kind)


def _format_cell(target: Any, kind: str) -> None:
    if kind == "fen":
        target.number_format = '"¥"#,##0.00'
    elif kind == "pct":
        target.number_format = '0.00"%"'
    elif kind == "avg":
        target.number_format = "0.00"
    target.alignment = Alignment(horizontal="right")
