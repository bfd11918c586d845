"""The payroll engine against the plain reference (``domain.payroll``), person by person.

hypothesis draws a client's items (every kind and source), people with standing and monthly
amounts, attendance, SI/HF parts, deductions, tax flags and year-to-date figures; the engine's
row must equal ``compute_payslip`` to the fen in every column.
"""

from __future__ import annotations

import json

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hragency.domain.payroll import (
    AttendanceInput,
    ItemKind,
    ItemSource,
    ItemSpec,
    PayInput,
    absence_fen,
    compute_payslip,
    overtime_fen,
    performance_fen,
    resolve_items,
)
from hragency.domain.payroll_engine import compute_payroll
from hragency.domain.tax import Cumulative

YEAR = 2026

# A client's items: codes are fixed, the flags drawn.
_SOURCES_BY_KIND = {
    ItemKind.EARNING: [ItemSource.FIXED, ItemSource.MONTHLY, ItemSource.PERFORMANCE],
    ItemKind.DEDUCTION: [ItemSource.MONTHLY, ItemSource.FIXED],
    ItemKind.OTHER_DEDUCTIBLE: [ItemSource.MONTHLY, ItemSource.FIXED],
    ItemKind.POST_TAX: [ItemSource.MONTHLY],
    ItemKind.ANNUAL_BONUS: [ItemSource.MONTHLY],
}


@st.composite
def item_specs(draw: st.DrawFn) -> list[ItemSpec]:
    specs = [
        ItemSpec("base", ItemKind.EARNING, ItemSource.FIXED, True, True),
        ItemSpec("overtime", ItemKind.EARNING, ItemSource.OVERTIME, True, False),
        ItemSpec("absence", ItemKind.DEDUCTION, ItemSource.ABSENCE, True, False),
    ]
    for index in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(list(_SOURCES_BY_KIND)))
        specs.append(
            ItemSpec(
                f"x{index}",
                kind,
                draw(st.sampled_from(_SOURCES_BY_KIND[kind])),
                draw(st.booleans()),
                draw(st.booleans()) if kind is ItemKind.EARNING else False,
            )
        )
    return draw(st.permutations(specs))


_amount = st.integers(0, 5_000_000)
_small = st.integers(0, 300_000)


@st.composite
def person(draw: st.DrawFn, specs: list[ItemSpec]) -> dict[str, object]:
    standing = {s.code: draw(_amount) for s in specs if draw(st.booleans())}
    monthly = {s.code: draw(_small) for s in specs if draw(st.booleans())}
    attendance = AttendanceInput(
        personal_leave_centi=draw(st.sampled_from([0, 50, 100, 250, 2175, 3000])),
        sick_leave_centi=draw(st.sampled_from([0, 50, 100, 700])),
        absent_centi=draw(st.sampled_from([0, 100, 150])),
        overtime_workday_centi=draw(st.integers(0, 6000)),
        overtime_restday_centi=draw(st.integers(0, 3000)),
        overtime_holiday_centi=draw(st.integers(0, 2400)),
        performance_e4=draw(st.integers(0, 30_000)),
    )
    prior_income = draw(st.integers(0, 100_000_000))
    return {
        "standing": standing,
        "monthly": monthly,
        "attendance": attendance,
        "sick_paid_ppm": draw(st.sampled_from([0, 600_000, 800_000, 1_000_000])),
        "si_employee_fen": draw(_small),
        "hf_employee_fen": draw(_small),
        "additional_fen": draw(st.sampled_from([0, 100_000, 200_000, 500_000])),
        "pension_fen": draw(st.sampled_from([0, 100_000])),
        "standard": draw(st.booleans()),
        "low_income": draw(st.booleans()),
        "bonus_separate": draw(st.booleans()),
        "prior": Cumulative(
            income_fen=prior_income,
            tax_free_fen=draw(st.integers(0, prior_income)),
            standard_fen=draw(st.sampled_from([0, 500_000, 2_500_000, 5_500_000])),
            special_fen=draw(st.integers(0, 3_000_000)),
            additional_fen=draw(st.integers(0, 2_000_000)),
            other_fen=draw(st.integers(0, 500_000)),
            withheld_fen=draw(st.integers(0, 5_000_000)),
        ),
    }


def _frames(specs: list[ItemSpec], people: list[dict[str, object]]) -> tuple[pl.DataFrame, ...]:
    item_rows = []
    people_rows = []
    for row_id, p in enumerate(people):
        standing = p["standing"]
        monthly = p["monthly"]
        attendance = p["attendance"]
        prior = p["prior"]
        assert isinstance(standing, dict) and isinstance(monthly, dict)
        assert isinstance(attendance, AttendanceInput) and isinstance(prior, Cumulative)
        for spec in specs:
            item_rows.append(
                {
                    "row_id": row_id,
                    "code": spec.code,
                    "kind": spec.kind.value,
                    "source": spec.source.value,
                    "taxable": spec.taxable,
                    "in_daily_basis": spec.in_daily_basis,
                    "standing_fen": standing.get(spec.code),
                    "monthly_fen": monthly.get(spec.code),
                }
            )
        people_rows.append(
            {
                "row_id": row_id,
                "personal_leave_centi": attendance.personal_leave_centi,
                "sick_leave_centi": attendance.sick_leave_centi,
                "absent_centi": attendance.absent_centi,
                "overtime_workday_centi": attendance.overtime_workday_centi,
                "overtime_restday_centi": attendance.overtime_restday_centi,
                "overtime_holiday_centi": attendance.overtime_holiday_centi,
                "performance_e4": attendance.performance_e4,
                "sick_paid_ppm": p["sick_paid_ppm"],
                "si_employee_fen": p["si_employee_fen"],
                "hf_employee_fen": p["hf_employee_fen"],
                "additional_fen": p["additional_fen"],
                "pension_fen": p["pension_fen"],
                "standard": p["standard"],
                "low_income": p["low_income"],
                "bonus_separate": p["bonus_separate"],
                "cum_income_fen": prior.income_fen,
                "cum_tax_free_fen": prior.tax_free_fen,
                "cum_standard_fen": prior.standard_fen,
                "cum_special_fen": prior.special_fen,
                "cum_additional_fen": prior.additional_fen,
                "cum_other_fen": prior.other_fen,
                "cum_withheld_fen": prior.withheld_fen,
            }
        )
    return pl.DataFrame(people_rows), pl.DataFrame(item_rows)


def _reference(specs: list[ItemSpec], p: dict[str, object]) -> dict[str, object]:
    amounts = resolve_items(
        specs,
        standing=p["standing"],  # type: ignore[arg-type]
        monthly=p["monthly"],  # type: ignore[arg-type]
        attendance=p["attendance"],  # type: ignore[arg-type]
        sick_paid_ppm=p["sick_paid_ppm"],  # type: ignore[arg-type]
    )
    slip = compute_payslip(
        p["prior"],  # type: ignore[arg-type]
        PayInput(
            specs=specs,
            amounts=amounts,
            si_employee_fen=p["si_employee_fen"],  # type: ignore[arg-type]
            hf_employee_fen=p["hf_employee_fen"],  # type: ignore[arg-type]
            additional_fen=p["additional_fen"],  # type: ignore[arg-type]
            pension_fen=p["pension_fen"],  # type: ignore[arg-type]
            standard=p["standard"],  # type: ignore[arg-type]
            low_income=p["low_income"],  # type: ignore[arg-type]
            bonus_separate=p["bonus_separate"],  # type: ignore[arg-type]
        ),
        year=YEAR,
    )
    c = slip.cumulative
    return {
        "items": {code: amounts[code] for code in [s.code for s in specs] if code in amounts},
        "earnings_fen": slip.earnings_fen,
        "deductions_fen": slip.deductions_fen,
        "bonus_fen": slip.bonus_fen,
        "gross_fen": slip.gross_fen,
        "income_fen": slip.income_fen,
        "tax_free_fen": slip.tax_free_fen,
        "other_fen": slip.other_fen,
        "post_tax_fen": slip.post_tax_fen,
        "cum_income_fen": c.income_fen,
        "cum_standard_fen": c.standard_fen,
        "cum_taxable_fen": c.taxable_fen,
        "cum_tax_fen": c.tax_fen,
        "cum_withheld_fen": c.withheld_fen,
        "rate_pct": slip.rate_pct,
        "quick_fen": slip.quick_fen,
        "iit_fen": slip.iit_fen,
        "bonus_tax_fen": slip.bonus_tax_fen,
        "net_fen": slip.net_fen,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_it_equals_the_reference(data: st.DataObject) -> None:
    specs = data.draw(item_specs())
    people = data.draw(st.lists(person(specs), min_size=1, max_size=8))
    people_frame, items_frame = _frames(specs, people)
    result = compute_payroll(people_frame, items_frame, year=YEAR)
    assert result.height == len(people)
    for p, row in zip(people, result.iter_rows(named=True), strict=True):
        expected = _reference(specs, p)
        got = {key: row[key] for key in expected if key != "items"}
        got["items"] = json.loads(row["items_json"])
        assert got == expected
        assert list(got["items"]) == list(expected["items"])  # payslip order kept


def test_it_has_no_float_column() -> None:
    specs = [ItemSpec("base", ItemKind.EARNING, ItemSource.FIXED, True, True)]
    people = [
        {
            "standing": {"base": 1_000_000},
            "monthly": {},
            "attendance": AttendanceInput(),
            "sick_paid_ppm": 600_000,
            "si_employee_fen": 0,
            "hf_employee_fen": 0,
            "additional_fen": 0,
            "pension_fen": 0,
            "standard": True,
            "low_income": False,
            "bonus_separate": True,
            "prior": Cumulative(),
        }
    ]
    result = compute_payroll(*_frames(specs, people), year=YEAR)
    assert not [name for name, dtype in result.schema.items() if dtype.is_float()]
    # 10,000 − 5,000 = 5,000 × 3 % = 150.00
    assert result.row(0, named=True)["iit_fen"] == 15_000


def test_it_computes_attendance_amounts_by_hand() -> None:
    attendance = AttendanceInput(
        personal_leave_centi=100, sick_leave_centi=200, overtime_restday_centi=800
    )
    # 8,700 / 21.75 = 400.00 a day; sick leave paid at 60 %: 1 + 2 × 0.4 = 1.8 days = 720.00.
    assert absence_fen(870_000, attendance, sick_paid_ppm=600_000) == 72_000
    # 8,700 / 174 = 50.00 an hour × 200 % × 8 h = 800.00.
    assert overtime_fen(870_000, attendance) == 80_000
    # 3,333.33 × 1.15 = 3,833.3295 → 3,833.33
    assert performance_fen(333_333, AttendanceInput(performance_e4=11_500)) == 383_333
    # Never more than the basis, however many days.
    assert absence_fen(870_000, AttendanceInput(absent_centi=3100), sick_paid_ppm=0) == 870_000
