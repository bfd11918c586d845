"""Opening year-to-date figures (期初累计, import kind ``payroll_opening``) for a payroll taken
over mid-year: the first month calculated here continues the client's own 累计预扣.

The hand-checked November of ``tests/test_payroll_calculate.py`` (gross 16,382.76, tax-free
500, employee SI/HF 2,703.00, child education 2,000 a month), for a person hired on
2026-01-05 whose January–October the client paid itself:
  opening through October: income 150,000.00, tax-free 5,000.00, special 27,030.00, withheld
  2,277.00 (= (150,000 − 5,000 − 50,000 − 27,030 − 20,000) × 10 % − 2,520).
  November: cumulative income 166,382.76, tax-free 5,500, standard 55,000 (11 months), special
  29,733.00, child education 22,000 → taxable 54,149.76 → tax 5,414.98 − 2,520 = 2,894.98
  (rounded to the fen) → this month 2,894.98 − 2,277.00 = 617.98; net 16,382.76 − 2,703.00 −
  617.98 = 13,061.78.
  Without the opening figures the cumulative taxable is negative and nothing is withheld.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hragency.core.imports.base import importable_kinds
from hragency.core.models import AuditLog, ImportBatch
from hragency.domain.insurance import Period
from hragency.payroll.calculate import calculate_payroll
from hragency.payroll.models import OpeningBalance, PayrollLine
from hragency.payroll.services import approve_run, calculate_run, submit_run
from tests.conftest import Cast
from tests.payroll_support import make_payroll_specialist, make_run, prepare_hand_checked
from tests.test_payroll_imports import commit, messages, upload, xlsx

NOV = Period(2026, 11)
DEC = Period(2026, 12)
HEADERS = [
    "身份证号",
    "姓名",
    "纳税年度",
    "截至月份",
    "累计收入额",
    "累计免税收入",
    "累计专项扣除",
    "累计依法确定的其他扣除",
    "累计已预缴税额",
    "本年已单独计税年终奖",
]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def takeover(cast: Cast) -> dict[str, Any]:
    from hragency.payroll.importers import register_importers

    register_importers()
    person, _items = prepare_hand_checked(cast, cast.person_a2)
    person.hire_date = dt.date(2026, 1, 5)
    person.save(update_fields=["hire_date"])
    return {"person": person, "pay": make_payroll_specialist(cast)}


def _row(person: Any, **overrides: object) -> list[object]:
    row: dict[str, object] = {
        "身份证号": person.id_number,
        "姓名": person.name,
        "纳税年度": "2026",
        "截至月份": "2026-10",
        "累计收入额": "150000.00",
        "累计免税收入": "5000",
        "累计专项扣除": "27,030.00",
        "累计依法确定的其他扣除": "",
        "累计已预缴税额": "2277.00",
        "本年已单独计税年终奖": "否",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def _import(actor: Any, client: Any, rows: list[list[object]]) -> ImportBatch:
    return upload(actor, "payroll_opening", xlsx(HEADERS, rows), client)


def test_it_continues_the_clients_year_to_date_in_the_first_month_here(
    cast: Cast, takeover: dict[str, Any]
) -> None:
    person, pay = takeover["person"], takeover["pay"]
    batch = _import(pay, cast.client_a, [_row(person)])
    assert batch.status == ImportBatch.Status.VALID, messages(batch)
    assert commit(batch, pay).status == ImportBatch.Status.COMMITTED
    opening = OpeningBalance.objects.get(person=person, year=2026)
    assert (opening.through_month, opening.cum_income_fen, opening.cum_special_fen) == (
        dt.date(2026, 10, 1),
        15_000_000,
        2_703_000,
    )
    assert AuditLog.objects.filter(action="payroll.opening_set").count() == 1

    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    line = PayrollLine.objects.get(person=person, period=NOV.first_day)
    assert line.gross_fen == 1_638_276
    assert line.cum_income_fen == 16_638_276
    assert line.cum_standard_fen == 5_500_000
    assert line.cum_additional_fen == 2_200_000
    assert line.cum_taxable_fen == 5_414_976
    assert line.cum_tax_fen == 289_498
    assert line.iit_fen == 61_798
    assert line.cum_withheld_fen == 289_498
    assert line.net_fen == 1_306_178

    # December continues from November's line, not from the opening figures again.
    run = line.run
    submit_run(actor=pay, run=run)
    approve_run(actor=cast.hr_a, run=run)
    calculate_run(actor=pay, client=cast.client_a, period=DEC)
    december = PayrollLine.objects.get(person=person, period=DEC.first_day)
    assert december.cum_income_fen == 16_638_276 + 1_550_000


def test_it_withholds_nothing_in_november_without_the_opening_figures(
    cast: Cast, takeover: dict[str, Any]
) -> None:
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    line = PayrollLine.objects.get(person=takeover["person"], period=NOV.first_day)
    assert line.cum_taxable_fen <= 0 and line.iit_fen == 0


def test_it_names_every_bad_row_and_writes_nothing(cast: Cast, takeover: dict[str, Any]) -> None:
    person, pay = takeover["person"], takeover["pay"]
    batch = _import(
        pay,
        cast.client_a,
        [
            _row(person, 截至月份="2025-10"),
            _row(person, 累计收入额="", 累计已预缴税额="-1"),
            _row(cast.person_a, 姓名="别人"),
            _row(person, 截至月份="2026-12"),
            _row(person, 累计免税收入="200000"),
            _row(person, 纳税年度="二〇二六"),
        ],
    )
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [
        "第 2 行「截至月份」：应在纳税年度 2026 内",
        "第 3 行「累计收入额」：必填",
        "第 3 行「累计已预缴税额」：不能为负数：-1.00",
        f"第 4 行「姓名」：与档案中的姓名「{cast.person_a.name}」不一致",
        "第 5 行「截至月份」：截至 12 月的全年数据无需导入（下一年度重新累计）",
        "第 6 行「累计免税收入」：不能大于累计收入额",
        "第 7 行「纳税年度」：应为整数：二〇二六",
    ]
    assert not OpeningBalance.objects.exists()


def test_it_refuses_months_already_calculated_here(cast: Cast, takeover: dict[str, Any]) -> None:
    person, pay = takeover["person"], takeover["pay"]
    # October was paid here already: the opening can only run through September…
    make_run(cast.client_a, [person], period=dt.date(2026, 10, 1), status="draft", number="GZ10")
    batch = _import(pay, cast.client_a, [_row(person)])
    assert messages(batch) == [
        "第 2 行「截至月份」：2026年10月已在本系统计算工资，期初累计只能截至此前的月份"
    ]
    # …and not at all past a run that has left draft: its tax was computed without it.
    make_run(cast.client_a, [cast.person_a], period=dt.date(2026, 11, 1), number="GZ11")
    batch = _import(pay, cast.client_a, [_row(person, 截至月份="2026-09")])
    [message] = messages(batch)
    assert message.startswith("第 2 行「截至月份」：") and "已发放" in message
    assert not OpeningBalance.objects.exists()


def test_it_replaces_the_figures_on_a_second_import(cast: Cast, takeover: dict[str, Any]) -> None:
    person, pay = takeover["person"], takeover["pay"]
    commit(_import(pay, cast.client_a, [_row(person)]), pay)
    commit(_import(pay, cast.client_a, [_row(person, 累计已预缴税额="2300")]), pay)
    assert OpeningBalance.objects.get(person=person).cum_withheld_fen == 230_000
    second = AuditLog.objects.filter(action="payroll.opening_set").order_by("pk").last()
    assert second is not None and second.changes["cum_withheld_fen"] == [227_700, 230_000]


def test_it_lets_payroll_staff_import_but_not_the_clients_hr(
    cast: Cast, takeover: dict[str, Any]
) -> None:
    assert "payroll_opening" in {k.kind for k in importable_kinds(takeover["pay"])}
    assert "payroll_opening" not in {k.kind for k in importable_kinds(cast.hr_a)}
