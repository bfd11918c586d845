"""参保核查 (R-SI-5): duplicates across clients and cities by ID number, gaps, lapses."""

from __future__ import annotations

import datetime as dt

import pytest

from hragency.domain.idcard import parse_id_number
from hragency.employees.services import create_person
from hragency.insurance.coverage import coverage_issues
from hragency.insurance.models import Enrollment
from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A
from tests.si_support import enroll, make_test_city

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def city(cast):
    make_test_city()
    return cast


def _same_person_at_b(cast):
    """The same ID number as person A, archived by client B too."""
    from hragency.employees.models import InsuredPerson

    number = InsuredPerson.objects.get(pk=cast.person_a.pk).id_number
    assert parse_id_number(number)
    return create_person(
        client_id=cast.client_b.pk, name=cast.person_a.name, id_number=number, insured_city="北京"
    )


def test_it_finds_the_same_person_insured_twice_and_hides_the_other_client(city):
    cast = city
    enroll(cast.person_a, "12345.67", month=dt.date(2026, 1, 1))
    twin = _same_person_at_b(cast)
    Enrollment.objects.create(
        client=cast.client_b, person=twin, city="北京", wage="9000", start_month=dt.date(2026, 6, 1)
    )
    staff = coverage_issues(cast.admin, today=TODAY)
    duplicates = [i for i in staff if i.kind == "duplicate"]
    assert {i.client_id for i in duplicates} == {cast.client_a.pk, cast.client_b.pk}
    assert any(CANARY_CLIENT_A in i.detail for i in duplicates)  # admin may see both names
    hr_b = [i for i in coverage_issues(cast.hr_b, today=TODAY) if i.kind == "duplicate"]
    assert len(hr_b) == 1 and "其他单位" in hr_b[0].detail
    assert CANARY_CLIENT_A not in hr_b[0].detail


def test_it_finds_gaps_lapses_and_people_never_insured(city):
    cast = city
    enroll(cast.person_a, "8000", month=dt.date(2026, 1, 1), end_month=dt.date(2026, 3, 1))
    enroll(cast.person_a, "8000", month=dt.date(2026, 6, 1), end_month=dt.date(2026, 9, 1))
    from hragency.employees.models import InsuredPerson

    InsuredPerson.objects.filter(pk=cast.person_a2.pk).update(hire_date=dt.date(2026, 5, 10))
    issues = {(i.person_id, i.kind): i.detail for i in coverage_issues(cast.hr_a, today=TODAY)}
    assert issues[(cast.person_a.pk, "gap")] == "2026-04 至 2026-05 未缴费（示例）"
    assert issues[(cast.person_a.pk, "lapsed")] == "参保已于 2026-09 结束，人员仍在职"
    assert issues[(cast.person_a2.pk, "uninsured")] == "2026-05-10 入职，至今没有参保记录"


def test_it_shows_the_checks_page_within_scope(city, as_user):
    cast = city
    enroll(cast.person_a, "8000", month=dt.date(2026, 1, 1), end_month=dt.date(2026, 3, 1))
    page = as_user(cast.hr_a).get("/insurance/checks/").content.decode()
    assert "参保已于 2026-03 结束，人员仍在职" in page and CANARY_PERSON_A in page
    other = as_user(cast.hr_b).get("/insurance/checks/").content.decode()
    assert CANARY_PERSON_A not in other and "参保已于" not in other
