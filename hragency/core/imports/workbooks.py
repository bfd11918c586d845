"""The .xlsx files the pipeline hands out: the template of an importer and the error report."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hragency.core.imports.base import Importer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TEXT = "@"
_TEMPLATE_ROWS = 5000  # rows prepared with text format and dropdowns
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_workbook(importer: type[Importer]) -> bytes:
    """Header row, one example row, text format where Excel would mangle digits, dropdowns for
    choice columns, and a 填写说明 sheet describing every column."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "导入数据"
    for index, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=column.label)
        head.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        head.fill = _HEADER_FILL
        example = sheet.cell(row=2, column=index, value=column.example or None)
        sheet.column_dimensions[letter].width = max(12, len(column.label) * 2 + 4)
        if column.text:
            example.number_format = _TEXT
            if example.value is not None:
                example.value = str(example.value)
            # Style every prepared cell: Excel applies a column style only to cells it creates.
            for row in range(3, _TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = _TEXT
            sheet.column_dimensions[letter].width = 22
        if column.choices:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error="请从下拉列表中选择",
            )
            rule.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明", "示例", "可选值"])
    for cell in notes[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in importer.columns:
        notes.append(
            [
                column.label,
                "必填" if column.required else "选填",
                column.help,
                str(column.example or ""),
                "、".join(column.choices),
            ]
        )
    notes.append([])
    notes.append(["说明", "", "第 2 行是示例，导入前请删除或改为真实数据；红色表头为必填列。"])
    notes.append(["", "", "身份证号、手机号、银行账号等列已设为文本格式，请勿改为数字格式。"])
    notes.append(["", "", "请保留第一行表头，不要改动列名；多余的列会被忽略。"])
    for letter, width in zip("ABCDE", (18, 10, 60, 24, 40), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(headers: list[str], rows: Iterable[tuple[int, list[object], list[str]]]) -> bytes:
    """The rows that have errors, with their original cells, their row number in the uploaded
    file and a 错误原因 column, so the user can fix them and upload again."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误行")
    header_cells = []
    for label in ["原文件行号", *headers, "错误原因"]:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = _HEADER_FONT
        header_cells.append(cell)
    sheet.append(header_cells)
    for row_number, values, reasons in rows:
        cells: list[object] = [row_number]
        for value in values:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # keep codes readable; the float already lost its digits
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = _TEXT
                cells.append(cell)
            else:
                cells.append(value)
        cells.append("；".join(reasons))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
