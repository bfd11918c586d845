"""A month's contribution list as Excel (年金缴费清单, the trustee's upload). It carries full ID
numbers, so every export is audited (``annuity.export``)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.annuity.models import AnnuityContribution, AnnuityPlan
from hragency.core import audit
from hragency.domain.money import from_fen

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "序号",
    "姓名",
    "证件类型",
    "证件号码",
    "缴费月份",
    "缴费基数",
    "单位缴费",
    "个人缴费",
    "合计",
]


def contributions_workbook(
    *, actor: Any, plan: AnnuityPlan, month: str, rows: list[AnnuityContribution]
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{month}缴费清单"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, r in enumerate(rows, start=1):
        sheet.append(
            [
                n,
                r.person.name,
                "居民身份证",
                r.person.id_number,
                month,
                from_fen(r.base_fen),
                from_fen(r.employer_fen),
                from_fen(r.employee_fen),
                from_fen(r.total_fen),
            ]
        )
    total = len(rows) + 2
    sheet.cell(total, 2, "合计")
    for col, key in ((6, "base_fen"), (7, "employer_fen"), (8, "employee_fen")):
        sheet.cell(total, col, from_fen(sum(getattr(r, key) for r in rows)))
    sheet.cell(total, 9, from_fen(sum(r.total_fen for r in rows)))
    for row in sheet.iter_rows(min_row=2):
        row[3].number_format = "@"
        for cell in row[5:9]:
            cell.number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGHI", [6, 12, 10, 22, 10, 12, 12, 12, 12], strict=True):
        sheet.column_dimensions[letter].width = width
    audit.record(
        actor=actor,
        action="annuity.export",
        instance=plan,
        extra={"month": month, "rows": len(rows)},
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
