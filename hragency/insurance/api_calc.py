"""``POST /api/calc/contributions``: the contributions calculator (R-SI-1).

Open without login: it reads only the public policy library, never client data, and our
acceptance checks and the reps' phone script call it directly. Every amount is a decimal
string; a bad or unknown input is a 422 whose ``detail`` says what is wrong and whose
``missing`` names the field (``city``, ``period``, ``hf_rate``, ``injury_rate``) when one is
missing or unknown.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hragency.core.errors import ServiceError
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.insurance.policies import MissingInput, calculate
from hragency.insurance.schemas import CalcErrorOut, CalcIn, CalcOut

router = Router(tags=["计算器"])


def _error(detail: str, missing: str | None = None) -> Status:
    return Status(422, {"detail": detail, "missing": missing})


@router.post(
    "/contributions",
    auth=None,
    response={200: CalcOut, 422: CalcErrorOut},
    summary="社保公积金计算器",
)
def calc_contributions(request: HttpRequest, payload: CalcIn) -> object:
    try:
        period = parse_period(payload.period)
    except PolicyError as exc:
        return _error(str(exc), "period")
    try:
        calculation = calculate(
            city=payload.city,
            period=period,
            wage=payload.wage,
            hf_rate=payload.hf_rate,
            injury_rate=payload.injury_rate,
            hf_wage=payload.hf_wage,
        )
    except MissingInput as exc:
        return _error(str(exc), exc.missing)
    except ServiceError as exc:
        return _error(str(exc))
    result = calculation.result
    si_er, si_ee = result.subtotal_fen(housing_fund=False)
    hf_er, hf_ee = result.subtotal_fen(housing_fund=True)
    return {
        "city": calculation.city,
        "period": str(period),
        "items": [line.as_strings() for line in result.lines],
        "si_employer": str(from_fen(si_er)),
        "si_employee": str(from_fen(si_ee)),
        "hf_employer": str(from_fen(hf_er)),
        "hf_employee": str(from_fen(hf_ee)),
        "employer_total": str(from_fen(result.employer_fen)),
        "employee_total": str(from_fen(result.employee_fen)),
        "total": str(from_fen(result.total_fen)),
        "unverified_items": calculation.unverified,
    }
