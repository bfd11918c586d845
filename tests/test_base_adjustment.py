"""Annual base adjustment (R-SI-3): new segments from the adjustment month, old months keep
their base; the Excel path through the import pipeline names bad rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from hragency.billing.close import close_month
from hragency.core.imports import pipeline
from hragency.domain.insurance import Period
from hragency.employees.models import InsuredPerson
from hragency.insurance.bases import adjust_bases
from hragency.insurance.models import Contribution, Enrollment
from tests.si_support import activate, enroll, make_specialist, make_test_city, set_rates

JULY = Period(2027, 7)


@pytest.fixture
def specialist(cast):
    make_test_city()
    activate(cast.client_a)
    set_rates(cast.client_a)
    return make_specialist(cast)


def test_it_starts_a_new_segment_and_keeps_old_months(cast, specialist):
    old = enroll(cast.person_a, "12345.67")
    counts = adjust_bases(
        actor=specialist, client=cast.client_a, month=JULY, wages={old.pk: Decimal("13000.00")}
    )
    assert counts == {"adjusted": 1, "unchanged": 0}
    segments = list(Enrollment.objects.filter(person=cast.person_a).order_by("start_month"))
    assert [(s.start_month, s.end_month, s.wage) for s in segments] == [
        (dt.date(2026, 1, 1), dt.date(2027, 6, 1), Decimal("12345.67")),
        (dt.date(2027, 7, 1), None, Decimal("13000.00")),
    ]
    close_month(period=Period(2027, 6))
    close_month(period=JULY)
    bases = dict(
        Contribution.objects.filter(person=cast.person_a).values_list("period", "pension_base")
    )
    assert bases == {dt.date(2027, 6, 1): 1234567, dt.date(2027, 7, 1): 1300000}


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "姓名", "生效月份", "新申报工资"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_imports_an_adjustment_file(cast, specialist):
    enroll(cast.person_a, "12345.67")
    number = InsuredPerson.objects.get(pk=cast.person_a.pk).id_number
    other = InsuredPerson.objects.get(pk=cast.person_b.pk).id_number
    bad = pipeline.validate_batch(
        pipeline.start_import(
            kind="si_bases",
            actor=specialist,
            data=_workbook(
                [
                    [number, "别人", "2027-07", "13000"],
                    [other, cast.person_b.name, "2027-07", "9000"],
                    [number, cast.person_a.name, "2027-08", "abc"],
                ]
            ),
            filename="基数.xlsx",
            client_id=cast.client_a.pk,
            run=False,
        ).pk
    )
    reasons = [f"第 {e['row']} 行「{e['column']}」：{e['reason']}" for e in bad.errors]
    assert reasons[0].startswith("第 2 行「姓名」：与档案中的姓名")
    assert reasons[1] == "第 3 行「身份证号」：该人员在 2027-07 没有本单位的参保记录"
    assert reasons[2].startswith("第 4 行「生效月份」：同一文件的生效月份须一致")
    good = pipeline.validate_batch(
        pipeline.start_import(
            kind="si_bases",
            actor=specialist,
            data=_workbook([[number, cast.person_a.name, "2027年7月", "13000.00"]]),
            filename="基数.xlsx",
            client_id=cast.client_a.pk,
            run=False,
        ).pk
    )
    assert good.errors == []
    pipeline.request_commit(batch=good, actor=specialist, run=False)
    done = pipeline.commit_batch(good.pk)
    assert done.status == "committed", done.message
    assert done.result.get("调整") == 1
    assert Enrollment.objects.filter(person=cast.person_a, wage=Decimal("13000.00")).exists()
