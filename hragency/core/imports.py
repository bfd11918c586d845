"""Reading uploaded tables (.xlsx, .xls, .csv) into rows with their spreadsheet row numbers.

The shared first stage of every import: later stages validate each row and report
``RowError``s that name the row, the column and the reason; nothing is written unless every
row is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO

from python_calamine import CalamineWorkbook


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as the user sees it in Excel (the header is row 1)
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]


def read_table(upload: IO[bytes], filename: str) -> Table:
    name = filename.lower()
    data = upload.read()
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030")
        raw_rows = list(csv.reader(io.StringIO(text)))
    elif name.endswith((".xlsx", ".xls", ".xlsm")):
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            raw_rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several internal error types
            raise ImportRejected([RowError(0, "文件", f"无法读取表格文件：{exc}")]) from exc
    else:
        raise ImportRejected([RowError(0, "文件", "只支持 .xlsx、.xls 或 .csv 文件")])
    if not raw_rows:
        raise ImportRejected([RowError(1, "表头", "文件是空的")])
    headers = [str(h).strip() for h in raw_rows[0]]
    rows = [
        (index, dict(zip(headers, values, strict=False)))
        for index, values in enumerate(raw_rows[1:], start=2)
        if any(str(v).strip() for v in values)
    ]
    return Table(headers=headers, rows=rows)


def require_columns(table: Table, columns: list[str]) -> None:
    missing = [c for c in columns if c not in table.headers]
    if missing:
        raise ImportRejected([RowError(1, c, "缺少此列") for c in missing])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
