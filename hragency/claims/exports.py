"""The claims list as Excel (出险理赔清单): one row per claim, amounts in yuan as exact numbers.
No ID numbers: the list is for tracking, not for the bureau."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.claims.models import Claim
from hragency.domain.money import from_fen

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "理赔编号",
    "客户",
    "出险人员",
    "类型",
    "出险日期",
    "报案时间",
    "当前环节",
    "状态",
    "代偿专员",
    "申请金额",
    "核定金额",
    "已支付金额",
    "结果",
]


def claims_workbook(claims: list[Claim]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "出险理赔"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in claims:
        sheet.append(
            [
                c.number,
                c.client.name,
                c.person.name,
                c.get_kind_display(),
                c.incident_date,
                timezone.localtime(c.reported_at).replace(tzinfo=None),
                c.current_step_label or "—",
                c.get_status_display(),
                str(c.owner) if c.owner_id else "",
                from_fen(c.claimed_fen),
                from_fen(c.approved_fen) if c.approved_fen is not None else None,
                from_fen(c.paid_fen),
                c.outcome,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = "yyyy-mm-dd"
        row[5].number_format = "yyyy-mm-dd hh:mm"
        for cell in row[9:12]:
            cell.number_format = "#,##0.00"
    for letter, width in zip(
        "ABCDEFGHIJKLM", [18, 24, 12, 8, 12, 17, 12, 10, 10, 12, 12, 12, 30], strict=False
    ):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
