"""Parsing and checking of payroll set-up input (R-PAY-1): one set of rules for the web forms,
the API and the Excel imports, each refused value named by field with the reason in Chinese.

Nothing here reads the database: checks against other rows (unique codes, months locked by a
payroll run, deductions already declared) are the services' and the importers' (set-based), but
the deduction rules that compare one declaration with others are here (``check_against``), so
that the service and the importer apply exactly the same ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hragency.core import values
from hragency.core.errors import FieldError
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import format_cny, to_fen
from hragency.domain.tax import (
    BONUS_SEPARATE_LAST_YEAR,
    CONTINUING_EDUCATION_CERTIFICATE_FEN,
    DEDUCTION_LABELS,
    DeductionCategory,
    TaxError,
    check_deduction,
    check_exclusive,
)
from hragency.payroll.models import SalaryItem, TaxYearOption

InvalidValue = values.InvalidValue
Kind = SalaryItem.Kind
Source = SalaryItem.Source

MAX_AMOUNT_FEN = 10_000_000_000  # 1 亿元: far above any wage, catches a misplaced column
OVERTIME_LEGAL_HOURS = Decimal(36)  # 《劳动法》第四十一条：每月延长工作时间不得超过三十六小时
MAX_OVERTIME_HOURS = Decimal(300)  # more than this in a month is a typing error, not overtime
MAX_COEFFICIENT = Decimal(3)
ELDERLY_MONTHLY_FEN = 300_000  # 赡养老人：每月合计 3,000 元（国发〔2023〕13号）
CATEGORY_CHOICES = {c.value: c.label for c in DeductionCategory}
LOW_INCOME_CHOICES = dict(TaxYearOption.LowIncome.choices)
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

ITEM_LABELS = {
    "code": "代码",
    "name": "名称",
    "kind": "类别",
    "source": "取数方式",
    "taxable": "计税",
    "in_daily_basis": "计入日薪基数",
    "in_si_base": "计入社保基数",
    "order": "顺序",
    "active": "启用",
}
SETTINGS_LABELS = {
    "pay_day": "发薪日",
    "sick_leave_paid_pct": "病假工资比例（%）",
    "bank_format": "代发银行格式",
    "email_payslips": "发放后邮件发送工资条",
}
ATTENDANCE_LABELS = {
    "personal_leave_days": "事假天数",
    "sick_leave_days": "病假天数",
    "absent_days": "旷工天数",
    "overtime_workday_hours": "工作日加班小时",
    "overtime_restday_hours": "休息日加班小时",
    "overtime_holiday_hours": "法定节假日加班小时",
    "performance_coefficient": "绩效系数",
    "note": "备注",
}
DAY_FIELDS = ("personal_leave_days", "sick_leave_days", "absent_days")
HOUR_FIELDS = ("overtime_workday_hours", "overtime_restday_hours", "overtime_holiday_hours")
DEDUCTION_LABELS_BY_FIELD = {
    "category": "扣除项目",
    "monthly_amount": "每月金额",
    "start_month": "起始月份",
    "end_month": "截止月份",
    "note": "说明",
}
TAX_OPTION_LABELS = {
    "year": "纳税年度",
    "low_income_rule": "6万元减除规则",
    "first_job_in_year": "年度首次取得工资薪金",
    "bonus_separate": "全年一次性奖金单独计税",
}


# --- single values -----------------------------------------------------------------------------


def month(value: object) -> dt.date | None:
    """The first day of a month from 2026-10, 2026/10, 202610, 2026年10月, a date or a date cell.
    Empty is None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    raw = values.text(value)
    if not raw:
        return None
    try:
        return parse_period(raw).first_day
    except PolicyError:
        pass
    try:
        day = values.date(raw)
    except InvalidValue:
        day = None
    if day is None:
        raise InvalidValue(f"格式应为 2026-10 或 2026年10月：{raw}")
    return day.replace(day=1)


def decimal(value: object, *, places: int) -> Decimal | None:
    """An exact number with at most ``places`` decimals (days, hours, coefficients, percents).
    Empty is None; a float cell goes through its shortest repr."""
    if isinstance(value, bool):
        raise InvalidValue("应为数字")
    if isinstance(value, Decimal):
        number, raw = value, str(value)
    elif isinstance(value, int):
        number, raw = Decimal(value), str(value)
    else:
        raw = repr(value) if isinstance(value, float) else values.text(value)
        if not raw:
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise InvalidValue(f"应为数字：{raw}") from None
    if not number.is_finite():
        raise InvalidValue(f"应为数字：{raw}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise InvalidValue(f"最多 {places} 位小数：{raw}")
    return number.quantize(Decimal(1).scaleb(-places))


def money_fen(value: object) -> int | None:
    """A yuan amount (≤ 2 places, ¥ and thousands separators allowed) as fen, at least 0."""
    if isinstance(value, float) and not isinstance(value, bool):
        amount = values.amount(repr(value))
    else:
        amount = values.amount(value)
    if amount is None:
        return None
    if amount < 0:
        raise InvalidValue(f"不能为负数：{amount}")
    fen = to_fen(amount)
    if fen > MAX_AMOUNT_FEN:
        raise InvalidValue(f"金额过大（不超过 {format_cny(MAX_AMOUNT_FEN)}）：{amount}")
    return fen


def flag(value: object) -> bool:
    """是/否, true/false, 1/0 and a ticked checkbox ("on")."""
    if isinstance(value, str) and value.strip().lower() == "on":
        return True
    return values.yes_no(value)


class _Collector:
    """Parse fields one by one, collecting each refusal as a ``FieldError``."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels
        self.errors: list[FieldError] = []
        self.clean: dict[str, Any] = {}

    def parse(self, field: str, raw: object, parser: Any, *, required: bool = False) -> Any:
        try:
            value = parser(raw)
        except InvalidValue as exc:
            self.fail(field, str(exc))
            return None
        if required and value in (None, ""):
            self.fail(field, "必填")
            return None
        self.clean[field] = value
        return value

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(FieldError(field, self.labels[field], reason))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)


# --- salary items -------------------------------------------------------------------------------


def parse_item(raw: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    """A salary item's fields (all of them: an edit merges the stored values first)."""
    c = _Collector(ITEM_LABELS)
    code = c.parse("code", raw.get("code"), lambda v: values.text(v).lower(), required=True)
    if code and (len(code) > 30 or not _CODE.match(code)):
        c.fail("code", "只能由小写字母、数字和下划线组成，以字母开头，最多 30 个字符")
    name = c.parse("name", raw.get("name"), values.text, required=True)
    if name and len(name) > 30:
        c.fail("name", "最多 30 个字")
    kind = c.parse(
        "kind", raw.get("kind"), lambda v: values.choice(v, dict(Kind.choices)), required=True
    )
    source = c.parse(
        "source",
        raw.get("source"),
        lambda v: values.choice(v, dict(Source.choices)),
        required=True,
    )
    for field, default in (("taxable", True), ("in_daily_basis", False), ("in_si_base", True)):
        c.parse(field, raw.get(field, default), flag)
    c.parse("active", raw.get("active", True), flag)
    order = c.parse("order", raw.get("order") or 0, values.integer)
    if order is not None and not 0 <= order <= 999:
        c.fail("order", "应在 0 到 999 之间")
    if kind and source:
        _check_combination(c, kind, source)
    return c.clean, c.errors


def _check_combination(c: _Collector, kind: str, source: str) -> None:
    needed: dict[str, tuple[str, str]] = {
        Source.OVERTIME: (Kind.EARNING, "加班费按考勤计算，类别应为“应发项”"),
        Source.PERFORMANCE: (Kind.EARNING, "绩效工资类别应为“应发项”"),
        Source.ABSENCE: (Kind.DEDUCTION, "缺勤扣款按考勤计算，类别应为“税前扣款”"),
    }
    if source in needed and kind != needed[source][0]:
        c.fail("kind", needed[source][1])
    if kind == Kind.ANNUAL_BONUS and source != Source.MONTHLY:
        c.fail("source", "全年一次性奖金只能按月录入或导入")
    if c.clean.get("in_daily_basis") and (
        kind != Kind.EARNING or source not in (Source.FIXED, Source.PERFORMANCE)
    ):
        c.fail("in_daily_basis", "只有按人员定薪的应发项可以计入日薪基数")
    if c.clean.get("taxable") is False and kind != Kind.EARNING:
        c.fail("taxable", "只有应发项可以设为不计税（免税收入）")


# --- payroll settings ---------------------------------------------------------------------------


def parse_settings(raw: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    c = _Collector(SETTINGS_LABELS)
    day = c.parse("pay_day", raw.get("pay_day"), values.integer, required=True)
    if day is not None and not 1 <= day <= 31:
        c.fail("pay_day", "应在 1 到 31 之间（当月没有该日的，在月末发放）")
    pct = c.parse(
        "sick_leave_paid_pct",
        raw.get("sick_leave_paid_pct"),
        lambda v: decimal(v, places=4),
        required=True,
    )
    if pct is not None:
        if not 0 <= pct <= 100:
            c.fail("sick_leave_paid_pct", "应在 0 到 100 之间")
        else:
            c.clean["sick_leave_paid_ppm"] = int(pct * 10_000)
    c.parse("bank_format", raw.get("bank_format"), values.integer)
    c.parse("email_payslips", raw.get("email_payslips", False), flag)
    return c.clean, c.errors


# --- salaries, monthly amounts, attendance -------------------------------------------------------


def parse_amount_and_month(
    raw_amount: object, raw_month: object, *, month_label: str
) -> tuple[int | None, dt.date | None, list[FieldError]]:
    c = _Collector({"amount": "金额", "month": month_label})
    fen = c.parse("amount", raw_amount, money_fen, required=True)
    first = c.parse("month", raw_month, month, required=True)
    return fen, first, c.errors


def days_in(first: dt.date) -> int:
    return calendar.monthrange(first.year, first.month)[1]


def parse_attendance(
    raw: Mapping[str, object], period: dt.date | None
) -> tuple[dict[str, Any], list[FieldError], list[str]]:
    """A month's attendance: days and hours ≥ 0 (2 places), the leave days of the month at most
    its calendar days, overtime at most 300 hours (over 36 warns: legal limit), performance
    coefficient 0–3 (4 places; empty is 1). Returns clean values, errors and warnings."""
    c = _Collector(ATTENDANCE_LABELS)
    for field in (*DAY_FIELDS, *HOUR_FIELDS):
        number = c.parse(field, raw.get(field), lambda v: decimal(v, places=2))
        if number is None and not c.failed(field):
            c.clean[field] = Decimal("0.00")
        elif number is not None and number < 0:
            c.fail(field, f"不能为负数：{number}")
    coefficient = c.parse(
        "performance_coefficient",
        raw.get("performance_coefficient"),
        lambda v: decimal(v, places=4),
    )
    if coefficient is None and not c.failed("performance_coefficient"):
        c.clean["performance_coefficient"] = Decimal("1.0000")
    elif coefficient is not None and not 0 <= coefficient <= MAX_COEFFICIENT:
        c.fail("performance_coefficient", f"应在 0 到 {MAX_COEFFICIENT} 之间：{coefficient}")
    note = c.parse("note", raw.get("note"), values.text) or ""
    if len(note) > 200:
        c.fail("note", "最多 200 个字")
    warnings: list[str] = []
    if c.errors:
        return c.clean, c.errors, warnings
    limit = days_in(period) if period is not None else 31
    for field in DAY_FIELDS:
        if c.clean[field] > limit:
            c.fail(field, f"不能超过当月天数 {limit} 天")
    leave = sum(c.clean[f] for f in DAY_FIELDS)
    if not c.errors and leave > limit:
        c.fail("personal_leave_days", f"事假、病假、旷工合计 {leave} 天，超过当月天数 {limit} 天")
    hours = sum(c.clean[f] for f in HOUR_FIELDS)
    if hours > MAX_OVERTIME_HOURS:
        c.fail(
            "overtime_workday_hours",
            f"加班合计 {hours} 小时，超过每月 {MAX_OVERTIME_HOURS} 小时，请核对",
        )
    elif hours > OVERTIME_LEGAL_HOURS:
        warnings.append(
            f"加班合计 {hours} 小时，超过《劳动法》第四十一条规定的每月 "
            f"{OVERTIME_LEGAL_HOURS} 小时上限，请核实"
        )
    return c.clean, c.errors, warnings


# --- special additional deductions ---------------------------------------------------------------


def parse_deduction(raw: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    """Category (code or label), monthly amount, start and optional end month, note; the amount
    checked against the category (``domain.tax.check_deduction``)."""
    c = _Collector(DEDUCTION_LABELS_BY_FIELD)
    category = c.parse(
        "category",
        raw.get("category"),
        lambda v: values.choice(v, CATEGORY_CHOICES),
        required=True,
    )
    fen = c.parse("monthly_amount", raw.get("monthly_amount"), money_fen, required=True)
    start = c.parse("start_month", raw.get("start_month"), month, required=True)
    end = c.parse("end_month", raw.get("end_month"), month)
    note = c.parse("note", raw.get("note"), values.text) or ""
    if len(note) > 100:
        c.fail("note", "最多 100 个字")
    if start and end and end < start:
        c.fail("end_month", f"不能早于起始月份 {start:%Y-%m}")
    if category and fen is not None and category != DeductionCategory.PERSONAL_PENSION:
        try:
            check_deduction(category, fen)
        except TaxError as exc:
            c.fail("monthly_amount", str(exc))
    if category == DeductionCategory.PERSONAL_PENSION and fen is not None and fen <= 0:
        c.fail("monthly_amount", "个人养老金扣除金额必须大于 0")
    certificate = (
        category == DeductionCategory.CONTINUING_EDUCATION
        and fen == CONTINUING_EDUCATION_CERTIFICATE_FEN
    )
    if certificate and start and not c.failed("end_month"):
        if end is not None and end != start:
            c.fail(
                "end_month", "职业资格继续教育 3,600 元在取得证书的当年一次性扣除，起止月份应相同"
            )
        c.clean["end_month"] = start
    return c.clean, c.errors


FAR = dt.date(9999, 12, 1)


@dataclass(frozen=True)
class Span:
    """One declaration as the overlap rules see it; ``where`` names it in a message."""

    category: str
    amount_fen: int
    start: dt.date
    end: dt.date | None
    where: str
    note: str = ""

    def covers(self, first: dt.date) -> bool:
        return self.start <= first <= (self.end or FAR)

    def overlaps(self, other: Span) -> bool:
        return self.start <= (other.end or FAR) and other.start <= (self.end or FAR)

    def months_in(self, year: int) -> int:
        start = max(self.start, dt.date(year, 1, 1))
        end = min(self.end or FAR, dt.date(year, 12, 1))
        return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def describe(category: str, start: dt.date, end: dt.date | None) -> str:
    label = DEDUCTION_LABELS[DeductionCategory(category)]
    until = f"至 {end:%Y-%m}" if end is not None else "起"
    return f"已申报的{label}（{start:%Y-%m}{until}）"


def check_against(new: Span, others: Iterable[Span]) -> tuple[str, str] | None:
    """Why ``new`` cannot be declared beside the person's other declarations, as (field,
    reason), or None: not the same declaration twice, housing loan and rent never in the same
    month, one housing declaration at a time, elderly support at most 3,000 元 a month in
    total, personal pension at most 12,000 元 a year."""
    others = list(others)
    overlapping = [o for o in others if o.overlaps(new)]
    housing = (DeductionCategory.HOUSING_LOAN, DeductionCategory.HOUSING_RENT)
    label = DEDUCTION_LABELS[DeductionCategory(new.category)]
    for other in overlapping:
        same = (other.category, other.amount_fen, other.start, other.note)
        if same == (new.category, new.amount_fen, new.start, new.note):
            reason = f"与{other.where}重复"
            if new.category in (
                DeductionCategory.CHILDREN_EDUCATION,
                DeductionCategory.INFANT_CARE,
            ):
                reason += "；为多个子女分别申报的，请在说明中填写子女姓名"
            return "category", reason
        try:
            check_exclusive([new.category, other.category])
        except TaxError as exc:
            return "category", f"{exc}：与{other.where}重叠"
        if new.category == other.category and new.category in housing:
            return "category", f"同一期间只能申报一处{label}：与{other.where}重叠"
    if new.category == DeductionCategory.ELDERLY_SUPPORT:
        elderly = [o for o in overlapping if o.category == new.category]
        for first in sorted({new.start, *(o.start for o in elderly if new.covers(o.start))}):
            covering = [o for o in elderly if o.covers(first)]
            total = new.amount_fen + sum(o.amount_fen for o in covering)
            if total > ELDERLY_MONTHLY_FEN:
                return "monthly_amount", (
                    f"赡养老人每月合计最多扣除 {format_cny(ELDERLY_MONTHLY_FEN)}，"
                    f"{first:%Y-%m} 合计为 {format_cny(total)}"
                    f"（含{'、'.join(o.where for o in covering)}）"
                )
    if new.category == DeductionCategory.PERSONAL_PENSION:
        pensions = [o for o in others if o.category == new.category]
        points = [new.start.year, *(o.start.year for o in pensions)]
        points += [s.end.year for s in (new, *pensions) if s.end is not None]
        last = new.end.year if new.end is not None else max(points) + 1
        for year in range(new.start.year, last + 1):
            mine = new.amount_fen * new.months_in(year)
            if mine <= 0:
                continue
            earlier = sum(o.amount_fen * o.months_in(year) for o in pensions)
            try:
                check_deduction(
                    DeductionCategory.PERSONAL_PENSION, mine, pension_earlier_fen=earlier
                )
            except TaxError as exc:
                return "monthly_amount", f"{year}年{exc}"
    return None


# --- tax-year options ---------------------------------------------------------------------------


def parse_tax_option(raw: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    c = _Collector(TAX_OPTION_LABELS)
    year = c.parse("year", raw.get("year"), values.integer, required=True)
    if year is not None and not 2019 <= year <= 2100:
        c.fail("year", "应在 2019 到 2100 之间（累计预扣法自2019年起施行）")
    c.parse(
        "low_income_rule",
        raw.get("low_income_rule") or TaxYearOption.LowIncome.AUTO,
        lambda v: values.choice(v, LOW_INCOME_CHOICES),
    )
    c.parse("first_job_in_year", raw.get("first_job_in_year", False), flag)
    separate = c.parse("bonus_separate", raw.get("bonus_separate", False), flag)
    if separate and year is not None and year > BONUS_SEPARATE_LAST_YEAR:
        c.fail(
            "bonus_separate",
            f"全年一次性奖金单独计税政策执行至{BONUS_SEPARATE_LAST_YEAR}年12月31日"
            "（财政部 税务总局公告2023年第30号），请并入当年综合所得计税",
        )
    return c.clean, c.errors
