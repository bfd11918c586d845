"""Reading uploaded tables (.xlsx, .xls, .csv) into rows with their spreadsheet row numbers.

The shared first stage of every import: later stages validate each row and report
``RowError``s that name the row, the column and the reason; nothing is written unless every
row is valid. ``iter_table`` streams rows so a 200,000-row file is never held as dicts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from python_calamine import CalamineWorkbook

MAX_ROWS = 200_000
MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".xls", ".xlsm", ".csv")


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as the user sees it in Excel (the header is row 1)
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]


@dataclass
class StreamedTable:
    headers: list[str]
    # (row number, cell values in header order); blank rows are skipped.
    rows: Iterator[tuple[int, list[object]]]
    # Data rows as far as the file says before reading them (for the progress bar).
    estimated_rows: int = 0


def iter_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> StreamedTable:
    """Header and a lazy iterator over the data rows; ``ImportRejected`` when the file cannot be
    read or has more than ``max_rows`` data rows (raised while iterating)."""
    name = filename.lower()
    raw: Iterator[list[object]]
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030")
        raw = iter(csv.reader(io.StringIO(text)))  # type: ignore[arg-type]
        estimate = text.count("\n")
    elif name.endswith((".xlsx", ".xls", ".xlsm")):
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
            estimate = sheet.height - 1
            raw = iter(sheet.iter_rows())
        except Exception as exc:  # calamine raises several internal error types
            raise ImportRejected([RowError(0, "文件", f"无法读取表格文件：{exc}")]) from exc
    else:
        raise ImportRejected([RowError(0, "文件", "只支持 .xlsx、.xls 或 .csv 文件")])
    try:
        first = next(raw)
    except StopIteration:
        raise ImportRejected([RowError(1, "表头", "文件是空的")]) from None
    headers = [str(h).strip() for h in first]
    return StreamedTable(
        headers=headers,
        rows=_data_rows(raw, len(headers), max_rows),
        estimated_rows=max(0, estimate),
    )


def _data_rows(
    raw: Iterator[list[object]], width: int, max_rows: int
) -> Iterator[tuple[int, list[object]]]:
    count = 0
    for index, values in enumerate(raw, start=2):
        if not any(str(v).strip() for v in values):
            continue
        count += 1
        if count > max_rows:
            raise ImportRejected(
                [RowError(index, "文件", f"数据超过 {max_rows:,} 行，请拆分为多个文件后分别导入")]
            )
        if len(values) < width:
            values = [*values, *([""] * (width - len(values)))]
        yield index, values


def read_table(upload: IO[bytes], filename: str) -> Table:
    """The whole table as dicts keyed by header; for small files (the holiday schedule)."""
    streamed = iter_table(upload.read(), filename)
    headers = streamed.headers
    rows = [(n, dict(zip(headers, values, strict=False))) for n, values in streamed.rows]
    return Table(headers=headers, rows=rows)


def require_columns(table: Table | StreamedTable, columns: list[str]) -> None:
    missing = [c for c in columns if c not in table.headers]
    if missing:
        raise ImportRejected([RowError(1, c, "缺少此列") for c in missing])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
