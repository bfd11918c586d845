"""``POST /api/calc/iit`` and ``POST /api/calc/bonus-tax``: the income-tax calculators (issue 5).

Open without login, like the contributions calculator beside them: they read no client data at
all, only the statutory tables in ``hragency.domain.tax``. Amounts travel as decimal strings
(``"10000.00"``); see ``schemas_calc`` for how JSON numbers are treated. A bad input is a 422
whose ``detail`` names the month and field (``第3个月「income」：…``) and whose ``errors`` lists
each refused value with its path in the request.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hragency.payroll.schemas_calc import (
    BonusIn,
    BonusOut,
    CalcErrorOut,
    CalcRefused,
    IitIn,
    IitOut,
    MonthRow,
    bonus_dict,
    bonus_taxes,
    iit_dict,
    withhold,
)

router = Router(tags=["计算器"])


def _refused(exc: CalcRefused) -> Status[dict[str, object]]:
    return Status(422, {"detail": str(exc), "errors": [e.as_dict() for e in exc.errors]})


@router.post(
    "/iit",
    auth=None,
    response={200: IitOut, 422: CalcErrorOut},
    summary="个税计算器（工资薪金累计预扣法）",
    description=(
        "一个人一个纳税年度在同一扣缴义务人处的各月数据（1–12 月，从小到大、不重复，"
        "最多 12 个月），"
        "按累计预扣法逐月计算本月应预扣税额及累计数。未列出的月份视为不在本单位任职"
        "（不计收入，也不计减除费用）。金额为字符串，最多两位小数。"
    ),
)
def calc_iit(request: HttpRequest, payload: IitIn) -> object:
    rows = [
        MonthRow(
            month=m.month,
            income=m.income,
            tax_free=m.tax_free,
            special=m.special,
            additional=m.additional,
            other=m.other,
            standard=m.standard_deduction,
        )
        for m in payload.months
    ]
    try:
        result = withhold(year=payload.year, low_income_rule=payload.low_income_rule, rows=rows)
    except CalcRefused as exc:
        return _refused(exc)
    return iit_dict(result)


@router.post(
    "/bonus-tax",
    auth=None,
    response={200: BonusOut, 422: CalcErrorOut},
    summary="全年一次性奖金个税计算器",
    description=(
        "单独计税（财税〔2018〕164号，执行至2027年12月31日）的税额；给出 annual_taxable"
        "（不含奖金的全年综合所得应纳税所得额，可为负数表示扣除额未用完）时，同时给出并入综合所得"
        "计税的税额、较低的一种（better）及节省的税额（saving）。"
    ),
)
def calc_bonus_tax(request: HttpRequest, payload: BonusIn) -> object:
    try:
        result = bonus_taxes(
            year=payload.year, bonus=payload.bonus, annual_taxable=payload.annual_taxable
        )
    except CalcRefused as exc:
        return _refused(exc)
    return bonus_dict(result)
