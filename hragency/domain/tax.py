"""Individual income tax (个人所得税) withheld on wages and on the annual bonus (R-PAY-2).

This is the plain-Python **reference**: one person at a time, integer fen, easy to check by
hand. The payroll close uses the vectorised engine in ``iit_engine``, which must give exactly the
same fen for every input (a property test compares the two).

Cumulative withholding (累计预扣法, 国家税务总局公告2018年第61号)
---------------------------------------------------------------------
Each month the withholding agent works on the year-to-date figures **at this agent**::

    累计预扣预缴应纳税所得额 = 累计收入 − 累计免税收入 − 累计减除费用 − 累计专项扣除
                              − 累计专项附加扣除 − 累计依法确定的其他扣除        (negative → 0)
    累计应纳税额 = 累计应纳税所得额 × 预扣率 − 速算扣除数                  (``ANNUAL_BRACKETS``)
    本期应预扣预缴税额 = 累计应纳税额 − 累计已预扣预缴税额                    (negative → 0)

* 累计减除费用 is 5,000 元 for every month the standard deduction applies (``MonthInput.standard``:
  normally from the month of hire; a person's first job in the year may count from January,
  国家税务总局公告2020年第13号 — the caller then passes the months before the hire with no income
  and ``standard=True``).
* Low-income rule (国家税务总局公告2020年第19号, "6万元规则"): where it applies to the person for
  the year (``low_income_rule=True``), 累计减除费用 is 60,000 元 in every month from January, so
  nothing is withheld while the cumulative income is at most 60,000 元; the other deductions
  apply as usual. It is meant for the whole year: the caller passes the same flag every month.
* 专项扣除 is the employee's own social insurance and housing fund; 依法确定的其他扣除 includes
  the personal pension (个人养老金), which is why ``DeductionCategory.PERSONAL_PENSION`` is flagged
  ``is_other_deduction``.
* A negative 本期 amount is not refunded: the month withholds 0, the cumulative withheld stays,
  and later months compare against it (the difference is settled at the annual reconciliation,
  汇算清缴). Hence the cumulative withheld is always the running maximum of the cumulative tax.
* The product 累计应纳税所得额 × 预扣率 is rounded half up to the fen, in exact integers:
  ``(taxable_fen × pct + 50) // 100`` (never negative, so floor division is half up), then the
  quick deduction is subtracted.

Annual one-off bonus (全年一次性奖金)
-------------------------------------
财税〔2018〕164号, extended to 2027-12-31 by 财政部 税务总局公告2023年第30号: the bonus may be taxed
on its own. bonus ÷ 12 picks the rate in the monthly table (``BONUS_BRACKETS``; compared as
``bonus_fen ≤ 12 × upper_fen`` so nothing is divided) and the tax is ``bonus × rate − quick
deduction`` — the quick deduction is **not** multiplied by 12. That is the law as written, and
it makes a bonus just above a threshold yield less after tax than one on it (36,000 元 leaves
34,920.00 元, 36,000.01 元 leaves 32,610.01 元). Alternatively the bonus is added to the year's
comprehensive income (``combined_bonus_tax``); ``compare_bonus`` says which is lower.

Special additional deductions (专项附加扣除)
-------------------------------------------
The amounts in force since 2023-01 (国发〔2023〕13号) are checked by ``check_deduction``. 大病医疗
(serious-illness medical costs) is deliberately absent: it can only be claimed in the annual
reconciliation, never in monthly withholding, so a withholding agent never receives it.

Every amount is an ``int`` of fen; ``bool``, ``float`` and ``Decimal`` are refused (``TypeError``).
Amounts are at most ``MAX_FEN`` in absolute value, so that the engine's ``Int64`` arithmetic
stays exact; the reference refuses the same inputs so that both always agree.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

from .money import from_fen

__all__ = [
    "ANNUAL_BRACKETS",
    "BONUS_BRACKETS",
    "BONUS_SEPARATE_FIRST_YEAR",
    "BONUS_SEPARATE_LAST_YEAR",
    "CONTINUING_EDUCATION_CERTIFICATE_FEN",
    "CONTINUING_EDUCATION_MONTHLY_FEN",
    "DEDUCTION_LABELS",
    "LOW_INCOME_DEDUCTION_FEN",
    "MAX_FEN",
    "MONTHS_PER_YEAR",
    "PERSONAL_PENSION_ANNUAL_FEN",
    "STANDARD_DEDUCTION_FEN",
    "BonusComparison",
    "BonusTax",
    "Bracket",
    "Cumulative",
    "DeductionCategory",
    "MonthInput",
    "MonthResult",
    "TaxError",
    "annual_bracket",
    "annual_tax",
    "bonus_bracket",
    "bonus_tax",
    "check_bonus_year",
    "check_deduction",
    "check_exclusive",
    "combined_bonus_tax",
    "compare_bonus",
    "max_monthly_fen",
    "withhold_month",
    "withhold_year",
]


class TaxError(ValueError):
    """An input the tax rules do not allow; the message says which and why (Chinese)."""


MAX_FEN = 10**15
"""Largest absolute amount (10 万亿元) of any input or cumulative figure.

Far beyond any wage, and small enough that ``taxable × 45`` and every sum of the engine stay well
inside ``Int64``."""

MONTHS_PER_YEAR = 12
STANDARD_DEDUCTION_FEN = 500_000
"""减除费用: 5,000 元 per month."""
LOW_INCOME_DEDUCTION_FEN = 6_000_000
"""累计减除费用 under the low-income rule: 60,000 元 from January."""
BONUS_SEPARATE_FIRST_YEAR = 2019
"""财税〔2018〕164号 applies from 2019-01-01 (before, the bonus was taxed under the old table)."""
BONUS_SEPARATE_LAST_YEAR = 2027
"""财政部 税务总局公告2023年第30号 extends separate taxation to 2027-12-31."""


@dataclass(frozen=True)
class Bracket:
    """One row of a rate table: up to ``upper_fen`` inclusive (``None``: no upper limit)."""

    upper_fen: int | None
    rate_pct: int
    quick_fen: int


ANNUAL_BRACKETS: tuple[Bracket, ...] = (
    Bracket(3_600_000, 3, 0),
    Bracket(14_400_000, 10, 252_000),
    Bracket(30_000_000, 20, 1_692_000),
    Bracket(42_000_000, 25, 3_192_000),
    Bracket(66_000_000, 30, 5_292_000),
    Bracket(96_000_000, 35, 8_592_000),
    Bracket(None, 45, 18_192_000),
)
"""个人所得税税率表一（综合所得适用）, also the 预扣率表 of cumulative withholding on wages."""

BONUS_BRACKETS: tuple[Bracket, ...] = (
    Bracket(300_000, 3, 0),
    Bracket(1_200_000, 10, 21_000),
    Bracket(2_500_000, 20, 141_000),
    Bracket(3_500_000, 25, 266_000),
    Bracket(5_500_000, 30, 441_000),
    Bracket(8_000_000, 35, 716_000),
    Bracket(None, 45, 1_516_000),
)
"""按月换算后的综合所得税率表: the annual one-off bonus ÷ 12 is looked up here."""


# --- checks -------------------------------------------------------------------------------------


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}必须是整数（单位：分），实为 {type(value).__name__}")
    return value


def _amount(value: object, what: str, *, negative: bool = False) -> int:
    """``value`` as fen: an ``int`` within ``MAX_FEN``; negative only where ``negative``."""
    fen = _int(value, what)
    if fen < 0 and not negative:
        raise TaxError(f"{what}不能为负数，实为 {_yuan(fen)}")
    if abs(fen) > MAX_FEN:
        raise TaxError(f"{what}超出允许范围（绝对值不超过 {_yuan(MAX_FEN)}），实为 {_yuan(fen)}")
    return fen


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what}必须是布尔值，实为 {type(value).__name__}")
    return value


def _yuan(fen: int) -> str:
    return f"{from_fen(fen):,} 元"


# --- rate tables --------------------------------------------------------------------------------


def annual_bracket(taxable_fen: int) -> Bracket:
    """The row of ``ANNUAL_BRACKETS`` for an annual (cumulative) taxable income; ≤ 0 → the first."""
    taxable = _int(taxable_fen, "应纳税所得额")
    for bracket in ANNUAL_BRACKETS:
        if bracket.upper_fen is None or taxable <= bracket.upper_fen:
            return bracket
    raise AssertionError("the last bracket has no upper limit")  # pragma: no cover


def _table_tax(amount_fen: int, bracket: Bracket) -> int:
    """``amount × rate`` rounded half up to the fen, minus the quick deduction (amount ≥ 0)."""
    return (amount_fen * bracket.rate_pct + 50) // 100 - bracket.quick_fen


def annual_tax(taxable_fen: int) -> tuple[int, Bracket]:
    """Tax on an annual (or cumulative) taxable income and the bracket used.

    A negative taxable income (deductions not used up) is taken as 0.
    """
    taxable = max(_int(taxable_fen, "应纳税所得额"), 0)
    bracket = annual_bracket(taxable)
    return _table_tax(taxable, bracket), bracket


# --- cumulative withholding ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cumulative:
    """Year-to-date figures at this withholding agent, after ``months`` months of this year.

    ``income_fen`` may be negative (a correction month can take back more than was paid); every
    other amount is at least 0. ``taxable_fen`` and ``tax_fen`` are this state's 累计应纳税所得额
    and 累计应纳税额; ``withheld_fen`` is 累计已预扣预缴税额. The next month only reads the
    income, deduction and withheld figures.
    """

    income_fen: int = 0
    tax_free_fen: int = 0
    standard_fen: int = 0
    special_fen: int = 0
    additional_fen: int = 0
    other_fen: int = 0
    taxable_fen: int = 0
    tax_fen: int = 0
    withheld_fen: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        for name, what in _CUMULATIVE_FIELDS.items():
            _amount(getattr(self, name), what, negative=name == "income_fen")
        months = _int(self.months, "累计月份数")
        if not 0 <= months <= MONTHS_PER_YEAR:
            raise TaxError(f"累计月份数应在 0 到 {MONTHS_PER_YEAR} 之间，实为 {months}")


_CUMULATIVE_FIELDS: dict[str, str] = {
    "income_fen": "累计收入",
    "tax_free_fen": "累计免税收入",
    "standard_fen": "累计减除费用",
    "special_fen": "累计专项扣除",
    "additional_fen": "累计专项附加扣除",
    "other_fen": "累计其他扣除",
    "taxable_fen": "累计应纳税所得额",
    "tax_fen": "累计应纳税额",
    "withheld_fen": "累计已预扣预缴税额",
}
assert set(_CUMULATIVE_FIELDS) | {"months"} == {f.name for f in fields(Cumulative)}


@dataclass(frozen=True)
class MonthInput:
    """One month's wage figures at this withholding agent.

    ``income_fen``: 本期收入 (may be negative in a correction month). ``special_fen``: the
    employee's own social insurance and housing fund (专项扣除). ``additional_fen``: the month's
    special additional deductions (专项附加扣除; a late declaration may cover earlier months of
    the year at once). ``other_fen``: other deductions by law (e.g. personal pension).
    ``standard``: whether the 5,000 元 standard deduction counts for this month.
    """

    income_fen: int
    tax_free_fen: int = 0
    special_fen: int = 0
    additional_fen: int = 0
    other_fen: int = 0
    standard: bool = True

    def __post_init__(self) -> None:
        _amount(self.income_fen, "本期收入", negative=True)
        _amount(self.tax_free_fen, "本期免税收入")
        _amount(self.special_fen, "本期专项扣除")
        _amount(self.additional_fen, "本期专项附加扣除")
        _amount(self.other_fen, "本期其他扣除")
        _flag(self.standard, "是否扣除减除费用")


@dataclass(frozen=True)
class MonthResult:
    """The state after the month, the rate row of its cumulative taxable income, and
    ``tax_fen``: the tax withheld this month (本期应预扣预缴税额, never negative)."""

    cumulative: Cumulative
    rate_pct: int
    quick_fen: int
    tax_fen: int


def withhold_month(
    prior: Cumulative, month: MonthInput, *, low_income_rule: bool = False
) -> MonthResult:
    """The tax to withhold this month, given the year-to-date state before it."""
    if not isinstance(prior, Cumulative):
        raise TypeError(f"prior 必须是 Cumulative，实为 {type(prior).__name__}")
    if not isinstance(month, MonthInput):
        raise TypeError(f"month 必须是 MonthInput，实为 {type(month).__name__}")
    low_income = _flag(low_income_rule, "是否适用6万元减除费用规则")
    if prior.months >= MONTHS_PER_YEAR:
        raise TaxError(
            f"一个纳税年度最多预扣 {MONTHS_PER_YEAR} 个月，本年度已有 {prior.months} 个月"
        )

    income = prior.income_fen + month.income_fen
    tax_free = prior.tax_free_fen + month.tax_free_fen
    if low_income:
        standard = LOW_INCOME_DEDUCTION_FEN
    else:
        standard = prior.standard_fen + (STANDARD_DEDUCTION_FEN if month.standard else 0)
    special = prior.special_fen + month.special_fen
    additional = prior.additional_fen + month.additional_fen
    other = prior.other_fen + month.other_fen
    taxable = max(income - tax_free - standard - special - additional - other, 0)
    tax, bracket = annual_tax(taxable)
    withheld_now = max(tax - prior.withheld_fen, 0)
    cumulative = Cumulative(
        income_fen=income,
        tax_free_fen=tax_free,
        standard_fen=standard,
        special_fen=special,
        additional_fen=additional,
        other_fen=other,
        taxable_fen=taxable,
        tax_fen=tax,
        withheld_fen=prior.withheld_fen + withheld_now,
        months=prior.months + 1,
    )
    return MonthResult(cumulative, bracket.rate_pct, bracket.quick_fen, withheld_now)


def withhold_year(
    months: Sequence[MonthInput], *, low_income_rule: bool = False
) -> list[MonthResult]:
    """Every month of a year at one agent, from its first month there (at most 12)."""
    if len(months) > MONTHS_PER_YEAR:
        raise TaxError(f"一个纳税年度最多 {MONTHS_PER_YEAR} 个月，实为 {len(months)} 个月")
    results: list[MonthResult] = []
    state = Cumulative()
    for month in months:
        result = withhold_month(state, month, low_income_rule=low_income_rule)
        results.append(result)
        state = result.cumulative
    return results


# --- annual one-off bonus -----------------------------------------------------------------------


def check_bonus_year(year: int) -> int:
    """``year`` if separate taxation of the annual bonus is available in it, else ``TaxError``."""
    year = _int(year, "年度")
    if year < BONUS_SEPARATE_FIRST_YEAR:
        raise TaxError(
            f"{year}年不适用全年一次性奖金单独计税：财税〔2018〕164号自"
            f"{BONUS_SEPARATE_FIRST_YEAR}年1月1日起施行"
        )
    if year > BONUS_SEPARATE_LAST_YEAR:
        raise TaxError(
            f"{year}年不适用全年一次性奖金单独计税：该政策执行至"
            f"{BONUS_SEPARATE_LAST_YEAR}年12月31日（财政部 税务总局公告2023年第30号），"
            "请并入当年综合所得计税"
        )
    return year


def bonus_bracket(bonus_fen: int) -> Bracket:
    """The row of ``BONUS_BRACKETS`` for a bonus: the first whose ``12 × upper`` holds it."""
    bonus = _int(bonus_fen, "全年一次性奖金")
    for bracket in BONUS_BRACKETS:
        if bracket.upper_fen is None or bonus <= MONTHS_PER_YEAR * bracket.upper_fen:
            return bracket
    raise AssertionError("the last bracket has no upper limit")  # pragma: no cover


@dataclass(frozen=True)
class BonusTax:
    bonus_fen: int
    rate_pct: int
    quick_fen: int
    tax_fen: int
    net_fen: int
    """The bonus after tax."""


def bonus_tax(bonus_fen: int, *, year: int) -> BonusTax:
    """Tax on an annual one-off bonus taxed on its own (财税〔2018〕164号 一(一))."""
    check_bonus_year(year)
    bonus = _amount(bonus_fen, "全年一次性奖金")
    bracket = bonus_bracket(bonus)
    tax = _table_tax(bonus, bracket)
    return BonusTax(bonus, bracket.rate_pct, bracket.quick_fen, tax, bonus - tax)


def combined_bonus_tax(bonus_fen: int, annual_taxable_fen: int) -> int:
    """The extra annual tax when the bonus is added to the year's comprehensive income.

    ``annual_taxable_fen`` is the year's taxable comprehensive income without the bonus; it is
    negative where the deductions are not used up (the bonus then fills them first).
    """
    bonus = _amount(bonus_fen, "全年一次性奖金")
    taxable = _int(annual_taxable_fen, "年度应纳税所得额")
    with_bonus, _ = annual_tax(max(taxable + bonus, 0))
    without, _ = annual_tax(max(taxable, 0))
    return with_bonus - without


@dataclass(frozen=True)
class BonusComparison:
    """Both ways of taxing the bonus; ``better`` is the lower (a tie counts as separate) and
    ``saving_fen`` how much lower it is."""

    separate: BonusTax
    combined_tax_fen: int
    better: Literal["separate", "combined"]
    saving_fen: int


def compare_bonus(bonus_fen: int, *, annual_taxable_fen: int, year: int) -> BonusComparison:
    separate = bonus_tax(bonus_fen, year=year)
    combined = combined_bonus_tax(bonus_fen, annual_taxable_fen)
    if separate.tax_fen <= combined:
        return BonusComparison(separate, combined, "separate", combined - separate.tax_fen)
    return BonusComparison(separate, combined, "combined", separate.tax_fen - combined)


# --- special additional deductions --------------------------------------------------------------


class DeductionCategory(enum.StrEnum):
    """Deductions an employee declares to the withholding agent. Values are stored in the
    database; do not rename them. (大病医疗 is annual-reconciliation only: not here.)"""

    CHILDREN_EDUCATION = "children_education"
    INFANT_CARE = "infant_care"
    CONTINUING_EDUCATION = "continuing_education"
    HOUSING_LOAN = "housing_loan"
    HOUSING_RENT = "housing_rent"
    ELDERLY_SUPPORT = "elderly_support"
    PERSONAL_PENSION = "personal_pension"

    @property
    def label(self) -> str:
        return DEDUCTION_LABELS[self]

    @property
    def is_other_deduction(self) -> bool:
        """In withholding this goes to 依法确定的其他扣除 (``other_fen``), not to 专项附加扣除."""
        return self is DeductionCategory.PERSONAL_PENSION


DEDUCTION_LABELS: dict[DeductionCategory, str] = {
    DeductionCategory.CHILDREN_EDUCATION: "子女教育",
    DeductionCategory.INFANT_CARE: "3岁以下婴幼儿照护",
    DeductionCategory.CONTINUING_EDUCATION: "继续教育",
    DeductionCategory.HOUSING_LOAN: "住房贷款利息",
    DeductionCategory.HOUSING_RENT: "住房租金",
    DeductionCategory.ELDERLY_SUPPORT: "赡养老人",
    DeductionCategory.PERSONAL_PENSION: "个人养老金",
}

CONTINUING_EDUCATION_MONTHLY_FEN = 40_000
"""学历（学位）继续教育: 400 元 per month."""
CONTINUING_EDUCATION_CERTIFICATE_FEN = 360_000
"""职业资格继续教育: 3,600 元 once, in the year the certificate is obtained."""
PERSONAL_PENSION_ANNUAL_FEN = 1_200_000
"""个人养老金: actual contributions, at most 12,000 元 a year."""

_ALLOWED: dict[DeductionCategory, tuple[int, ...]] = {
    DeductionCategory.CHILDREN_EDUCATION: (200_000, 100_000),
    DeductionCategory.INFANT_CARE: (200_000, 100_000),
    DeductionCategory.CONTINUING_EDUCATION: (
        CONTINUING_EDUCATION_MONTHLY_FEN,
        CONTINUING_EDUCATION_CERTIFICATE_FEN,
    ),
    DeductionCategory.HOUSING_LOAN: (100_000, 50_000),
    DeductionCategory.HOUSING_RENT: (150_000, 110_000, 80_000),
}
_ELDERLY_ONLY_CHILD_FEN = 300_000
_ELDERLY_SHARE_MAX_FEN = 150_000

_MAX_MONTHLY: dict[DeductionCategory, int] = {
    **{category: max(amounts) for category, amounts in _ALLOWED.items()},
    DeductionCategory.ELDERLY_SUPPORT: _ELDERLY_ONLY_CHILD_FEN,
    DeductionCategory.PERSONAL_PENSION: PERSONAL_PENSION_ANNUAL_FEN,
}


def _category(category: object) -> DeductionCategory:
    if not isinstance(category, str):
        raise TypeError(f"扣除类别必须是字符串，实为 {type(category).__name__}")
    try:
        return DeductionCategory(category)
    except ValueError:
        raise TaxError(f"未知的扣除类别：「{category}」") from None


def max_monthly_fen(category: DeductionCategory | str) -> int:
    """The largest amount one record of the category may carry in one month.

    Continuing education: 3,600 元 (the certificate lump sum; the monthly 学历 amount is 400 元).
    Personal pension: 12,000 元 (the year's cap may be contributed in one month).
    """
    return _MAX_MONTHLY[_category(category)]


def check_deduction(
    category: DeductionCategory | str, monthly_fen: int, *, pension_earlier_fen: int = 0
) -> None:
    """Refuse (``TaxError``, with the reason) an amount the category does not allow.

    ``monthly_fen`` is one record's amount for one month (one child, one parent-support
    arrangement, one certificate …). ``pension_earlier_fen``: personal-pension contributions
    already deducted earlier in the same year, so that the year's total stays within 12,000 元.
    """
    chosen = _category(category)
    amount = _int(monthly_fen, f"{chosen.label}扣除金额")
    label = chosen.label
    if amount <= 0:
        raise TaxError(f"{label}扣除金额必须大于 0，实为 {_yuan(amount)}")
    if chosen in (DeductionCategory.CHILDREN_EDUCATION, DeductionCategory.INFANT_CARE):
        if amount not in _ALLOWED[chosen]:
            raise TaxError(
                f"{label}每个子女每月扣除 2,000.00 元（一方按 100% 扣除）或 1,000.00 元"
                f"（父母双方各按 50% 扣除），实为 {_yuan(amount)}"
            )
    elif chosen is DeductionCategory.CONTINUING_EDUCATION:
        if amount not in _ALLOWED[chosen]:
            raise TaxError(
                f"继续教育按学历（学位）每月扣除 400.00 元，或在取得职业资格证书的当年一次性扣除 "
                f"3,600.00 元，实为 {_yuan(amount)}"
            )
    elif chosen is DeductionCategory.HOUSING_LOAN:
        if amount not in _ALLOWED[chosen]:
            raise TaxError(
                f"住房贷款利息每月扣除 1,000.00 元，夫妻双方婚前各自购房的可各按 50% 扣除"
                f" 500.00 元，实为 {_yuan(amount)}"
            )
    elif chosen is DeductionCategory.HOUSING_RENT:
        if amount not in _ALLOWED[chosen]:
            raise TaxError(
                "住房租金按城市每月扣除 1,500.00 元（直辖市、省会等城市）、1,100.00 元"
                f"（市辖区户籍人口超过100万的城市）或 800.00 元（其他城市），实为 {_yuan(amount)}"
            )
    elif chosen is DeductionCategory.ELDERLY_SUPPORT:
        if amount > _ELDERLY_ONLY_CHILD_FEN:
            raise TaxError(
                f"赡养老人每月最多扣除 {_yuan(_ELDERLY_ONLY_CHILD_FEN)}（独生子女），"
                f"实为 {_yuan(amount)}"
            )
        if _ELDERLY_SHARE_MAX_FEN < amount < _ELDERLY_ONLY_CHILD_FEN:
            raise TaxError(
                f"赡养老人：独生子女每月扣除 {_yuan(_ELDERLY_ONLY_CHILD_FEN)}；非独生子女分摊"
                f"每月 {_yuan(_ELDERLY_ONLY_CHILD_FEN)} 的扣除额度，每人每月不能超过 "
                f"{_yuan(_ELDERLY_SHARE_MAX_FEN)}，实为 {_yuan(amount)}"
            )
    else:
        earlier = _int(pension_earlier_fen, "本年已扣除的个人养老金")
        if earlier < 0:
            raise TaxError(f"本年已扣除的个人养老金不能为负数，实为 {_yuan(earlier)}")
        if earlier + amount > PERSONAL_PENSION_ANNUAL_FEN:
            raise TaxError(
                f"个人养老金每年最多扣除 {_yuan(PERSONAL_PENSION_ANNUAL_FEN)}，本年已扣除 "
                f"{_yuan(earlier)}，本次 {_yuan(amount)}"
            )


def check_exclusive(categories: Iterable[DeductionCategory | str]) -> None:
    """Refuse deductions that cannot be claimed in the same month (housing loan and rent)."""
    chosen = {_category(category) for category in categories}
    if {DeductionCategory.HOUSING_LOAN, DeductionCategory.HOUSING_RENT} <= chosen:
        raise TaxError("住房贷款利息和住房租金不能在同一月份同时扣除，只能选择其中一项")
