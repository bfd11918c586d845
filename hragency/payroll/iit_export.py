"""Individual income tax withholding declaration export (个税扣缴申报, R-PAY-2/3).

One .xlsx with a sheet per import template of the tax authority's withholding client
(自然人电子税务局·扣缴端): 「正常工资薪金所得」 for everyone of the run, and 「全年一次性奖金收入」
for those whose annual bonus is taxed separately this month.

**The column layout follows the public import templates as we know them; the tax client
changes its templates from time to time, so check the headers against the current template
version before the first import of a season.** Amounts are numbers with two decimals; 工号 and
证件号码 are text. The file holds full ID numbers, so every export is audited
(``payroll.iit_export``). Only approved or paid runs are exported.

Where the figures come from:

* 本期收入 / 本期免税收入: the line's ``income_fen`` (wages, without a separately taxed bonus)
  and ``tax_free_fen``.
* 基本养老保险费 / 基本医疗保险费 / 失业保险费 / 住房公积金: the person's employee parts in the
  month's ``insurance.Contribution`` rows (supplementary medical counted with medical). A
  difference from the line's SI/HF is reported as a warning.
* 累计子女教育 … 累计个人养老金: each ``SpecialDeduction`` record × the months of the year it
  covers from max(January, hire month) — January for a first job in the year — to the run's
  month, as the calculation counts them. A difference from the line's 累计专项附加扣除 is
  reported.
* 企业(职业)年金 / 商业健康保险 / 税延养老保险 / 其他: this month's "other deductible" salary
  items, by their name (年金 / 健康 / 税延; anything else → 其他).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import Period
from hragency.domain.money import format_cny, from_fen
from hragency.domain.tax import DeductionCategory
from hragency.payroll import queries_outputs as q
from hragency.payroll.models import PayrollRun, SalaryItem, SpecialDeduction
from hragency.payroll.queries import items_of_client

EXPORTABLE = (PayrollRun.Status.APPROVED, PayrollRun.Status.PAID)
ID_TYPE = "居民身份证"
WAGE_SHEET = "正常工资薪金所得"
BONUS_SHEET = "全年一次性奖金收入"

WAGE_HEADERS = [
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "本期收入",
    "本期免税收入",
    "基本养老保险费",
    "基本医疗保险费",
    "失业保险费",
    "住房公积金",
    "累计子女教育",
    "累计继续教育",
    "累计住房贷款利息",
    "累计住房租金",
    "累计赡养老人",
    "累计3岁以下婴幼儿照护",
    "累计个人养老金",
    "企业(职业)年金",
    "商业健康保险",
    "税延养老保险",
    "其他",
    "准予扣除的捐赠额",
    "减免税额",
    "备注",
]
BONUS_HEADERS = [
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "*全年一次性奖金额",
    "免税收入",
    "其他",
    "准予扣除的捐赠额",
    "减免税额",
    "备注",
]
TEXT_HEADERS = {"工号", "*姓名", "*证件类型", "*证件号码", "备注"}

CUMULATIVE_HEADERS: dict[str, str] = {
    DeductionCategory.CHILDREN_EDUCATION: "累计子女教育",
    DeductionCategory.CONTINUING_EDUCATION: "累计继续教育",
    DeductionCategory.HOUSING_LOAN: "累计住房贷款利息",
    DeductionCategory.HOUSING_RENT: "累计住房租金",
    DeductionCategory.ELDERLY_SUPPORT: "累计赡养老人",
    DeductionCategory.INFANT_CARE: "累计3岁以下婴幼儿照护",
    DeductionCategory.PERSONAL_PENSION: "累计个人养老金",
}

OTHER_DEDUCTIBLE_COLUMNS = [
    ("年金", "企业(职业)年金"),
    ("健康", "商业健康保险"),
    ("税延", "税延养老保险"),
]


def other_column(item_name: str) -> str:
    """Which declaration column an "other deductible" salary item goes to, by its name."""
    for word, header in OTHER_DEDUCTIBLE_COLUMNS:
        if word in item_name:
            return header
    return "其他"


def _start_index(person: Any, period: Period, first_job: bool) -> int:
    jan = Period(period.year, 1).index
    hire = getattr(person, "hire_date", None)
    if first_job or hire is None:
        return jan
    return max(jan, Period.of(hire).index)


def cumulative_deductions(
    records: list[SpecialDeduction], period: Period, start_index: int
) -> dict[str, int]:
    """Per declaration header: Σ amount × months from max(start, record start) to
    min(record end, period), for one person's records."""
    sums: dict[str, int] = defaultdict(int)
    now = period.index
    for record in records:
        begin = max(Period.of(record.start_month).index, start_index)
        end = now if record.end_month is None else min(Period.of(record.end_month).index, now)
        months = max(0, end - begin + 1)
        header = CUMULATIVE_HEADERS.get(record.category)
        if months and header:
            sums[header] += record.amount_fen * months
    return dict(sums)


@dataclass
class IitData:
    wages: list[dict[str, Any]] = field(default_factory=list)
    bonus: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _yuan(fen: int) -> Decimal:
    return from_fen(int(fen))


def collect(user: Any, run: PayrollRun) -> IitData:
    """Both sheets' rows (header → value) and the differences worth checking. A fixed number
    of queries whatever the size of the run."""
    period = Period.of(run.period)
    lines = list(q.lines_of_run(user, run))
    items = items_of_client(run.client_id)
    other_items = [i for i in items if i.kind == SalaryItem.Kind.OTHER_DEDUCTIBLE]
    contributions = q.employee_contributions(user, run)
    by_person: dict[int, list[SpecialDeduction]] = defaultdict(list)
    for record in q.special_deductions(user, run):
        by_person[record.person_id].append(record)
    first_job = q.first_job_people(user, run)
    data = IitData()
    for line in lines:
        person = line.person
        base = {
            "工号": person.employee_number or "",
            "*姓名": person.name,
            "*证件类型": ID_TYPE,
            "*证件号码": person.id_number,
        }
        si = contributions.get(person.pk, dict.fromkeys(q.EE_COLUMNS, 0))
        si_total = si["pension"] + si["medical"] + si["unemployment"]
        if si_total != line.si_employee_fen or si["housing_fund"] != line.hf_employee_fen:
            data.warnings.append(
                f"{person.name}：社保公积金缴费明细（个人社保 {format_cny(si_total)}、个人公积金 "
                f"{format_cny(si['housing_fund'])}）与工资表（{format_cny(line.si_employee_fen)}、"
                f"{format_cny(line.hf_employee_fen)}）不一致，请核对月结数据"
            )
        start = _start_index(person, period, person.pk in first_job)
        cumulative = cumulative_deductions(by_person.get(person.pk, []), period, start)
        additional = sum(fen for header, fen in cumulative.items() if header != "累计个人养老金")
        if additional != line.cum_additional_fen:
            data.warnings.append(
                f"{person.name}：专项附加扣除累计 {format_cny(additional)} 与工资表累计 "
                f"{format_cny(line.cum_additional_fen)} 不一致（扣除信息可能在计算后有变动），"
                "请重新计算工资表或核对"
            )
        others: dict[str, int] = defaultdict(int)
        amounts = line.items or {}
        for item in other_items:
            others[other_column(item.name)] += int(amounts.get(item.code, 0))
        row = {
            **base,
            "本期收入": _yuan(line.income_fen),
            "本期免税收入": _yuan(line.tax_free_fen),
            "基本养老保险费": _yuan(si["pension"]),
            "基本医疗保险费": _yuan(si["medical"]),
            "失业保险费": _yuan(si["unemployment"]),
            "住房公积金": _yuan(si["housing_fund"]),
            **{h: _yuan(cumulative.get(h, 0)) for h in CUMULATIVE_HEADERS.values()},
            **{h: _yuan(others.get(h, 0)) for _, h in OTHER_DEDUCTIBLE_COLUMNS},
            "其他": _yuan(others.get("其他", 0)),
            "准予扣除的捐赠额": _yuan(0),
            "减免税额": _yuan(0),
            "备注": "",
        }
        data.wages.append(row)
        if line.bonus_separate and line.bonus_fen > 0:
            data.bonus.append(
                {
                    **base,
                    "*全年一次性奖金额": _yuan(line.bonus_fen),
                    "免税收入": _yuan(0),
                    "其他": _yuan(0),
                    "准予扣除的捐赠额": _yuan(0),
                    "减免税额": _yuan(0),
                    "备注": "",
                }
            )
    return data


def workbook(data: IitData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, headers, rows in (
        (WAGE_SHEET, WAGE_HEADERS, data.wages),
        (BONUS_SHEET, BONUS_HEADERS, data.bonus),
    ):
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append([row[h] for h in headers])
            at = sheet.max_row
            for index, header in enumerate(headers, start=1):
                cell = sheet.cell(row=at, column=index)
                cell.number_format = "@" if header in TEXT_HEADERS else "0.00"
        for index, header in enumerate(headers, start=1):
            width = 22 if header == "*证件号码" else max(10, len(header) * 2 + 2)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(run: PayrollRun) -> str:
    return f"个税扣缴申报_{run.client.name}_{run.period:%Y%m}.xlsx"


def check_exportable(run: PayrollRun) -> None:
    if run.status not in EXPORTABLE:
        raise ServiceError(f"工资表{run.get_status_display()}，审核通过后才能导出个税申报文件")


@transaction.atomic
def export_iit(*, actor: Any, run: PayrollRun) -> tuple[str, bytes]:
    """The withholding declaration workbook of an approved or paid run. Audited: it holds
    full ID numbers."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("payroll.prepare_payroll"):
        raise PermissionDenied("无权导出个税扣缴申报文件")
    found = scope_queryset(PayrollRun.objects.select_related("client"), actor).filter(pk=run.pk)
    scoped = found.first()
    if scoped is None:
        raise PermissionDenied("无权操作该客户的工资")
    ensure_serviceable(scoped.client)
    check_exportable(scoped)
    data = collect(actor, scoped)
    content = workbook(data)
    audit.record(
        actor=actor,
        action="payroll.iit_export",
        instance=scoped,
        extra={"wages": len(data.wages), "bonus": len(data.bonus), "warnings": len(data.warnings)},
    )
    return filename(scoped), content
