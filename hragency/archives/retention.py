"""Retention of archive materials (pure Python, no Django import; mypy --strict clean).

Seed 003 §5.1 asks for rules on forming, filing, borrowing, appraisal and destruction but names
no periods. The table below is derived from 《企业文件材料归档范围和档案保管期限规定》
(国家档案局令第10号: permanent / 30 years / 10 years), 《劳动合同法》第五十条 (a terminated
contract's text kept at least two years) and 《会计档案管理办法》 (vouchers 30 years):

| kind (003 §4.8)              | years | why                                        |
|------------------------------|-------|--------------------------------------------|
| a) agreement 代理服务协议书  | 30    | an important contract (令第10号: 30 年)    |
| b) client materials 客户资料 | 10    | ordinary business records (令第10号: 10 年)|
| c) add/remove 社保增减资料   | 30    | proof of contributions, read for pensions  |
| d) correspondence 往来函件   | 10    | ordinary correspondence (令第10号: 10 年)  |

A period counts from 1 January of the year after the material's month (archival practice:
"保管期限从文件形成的次年1月1日起算"), so it ends on 31 December of month.year + years, and
an item may be proposed for destruction from the next day on.
"""

from __future__ import annotations

import datetime as dt

AGREEMENT = "agreement"
CLIENT_MATERIALS = "client_materials"
SI_CHANGES = "si_changes"
CORRESPONDENCE = "correspondence"

RETENTION_YEARS: dict[str, int] = {
    AGREEMENT: 30,
    CLIENT_MATERIALS: 10,
    SI_CHANGES: 30,
    CORRESPONDENCE: 10,
}

BORROW_DAYS_DEFAULT = 7
BORROW_DAYS_MAX = 30


def destroy_after(kind: str, month: dt.date) -> dt.date:
    """The last day of the retention period of a material of ``kind`` formed in ``month``."""
    return dt.date(month.year + RETENTION_YEARS[kind], 12, 31)


def past_retention(kind: str, month: dt.date, today: dt.date) -> bool:
    return today > destroy_after(kind, month)


def filing_due(month: dt.date) -> dt.date:
    """The materials of ``month`` are filed by the 15th of the next month (003 §5.3)."""
    if month.month == 12:
        return dt.date(month.year + 1, 1, 15)
    return dt.date(month.year, month.month + 1, 15)


def parse_month(text: str) -> dt.date:
    """ "2026-11" (or "2026-11-01") → date(2026, 11, 1); ValueError with a Chinese reason."""
    raw = (text or "").strip()
    parts = raw.split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"月份格式应为 2026-11，实为「{raw}」")
    year, month = int(parts[0]), int(parts[1])
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError(f"月份无效：{raw}")
    return dt.date(year, month, 1)
