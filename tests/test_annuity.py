"""Enterprise annuity (企业年金, R-SI-10): plan caps, data check, enrolment, contributions
(hand-checked, idempotent), vesting withdrawals, the portal views and the CLI."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hragency.accounts.roles import Role
from hragency.accounts.services import assign_client, create_user
from hragency.annuity import services
from hragency.annuity.models import AnnuityContribution, AnnuityMember
from hragency.core.errors import InvalidFields
from hragency.core.models import AuditLog
from hragency.domain.idcard import make_id_number
from hragency.employees.models import InsuredPerson
from hragency.insurance.models import Enrollment
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, PASSWORD, Cast, login_client

D = Decimal


def specialist(cast: Cast) -> Any:
    user = create_user(
        username="si_guo", password=PASSWORD, display_name="郭社保", roles=[Role.SI_SPECIALIST]
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def enrol_si(person: Any, wage: str, start: dt.date, end: dt.date | None = None) -> Enrollment:
    return Enrollment.objects.create(
        client_id=person.client_id,
        person=person,
        city="上海",
        wage=D(wage),
        start_month=start,
        end_month=end,
    )


def plan_for(cast: Cast, si: Any) -> Any:
    return services.create_plan(
        actor=si,
        client=cast.client_a,
        name="甲方企业年金计划",
        employer_rate="8",
        employee_rate="4",
        effective_from="2026-01",
        vesting="0:0, 1:20, 2:40, 3:60, 4:80, 5:100",
        base_floor="5000",
        base_ceiling="30000",
        trustee="平安养老保险",
    )


@pytest.fixture
def setup(cast: Cast) -> dict[str, Any]:
    si = specialist(cast)
    cast.person_a.hire_date = dt.date(2023, 3, 15)
    cast.person_a.save()
    enrol_si(cast.person_a, "12345.67", dt.date(2026, 1, 1))
    enrol_si(cast.person_a2, "3000", dt.date(2026, 1, 1))
    nobody = InsuredPerson.objects.create(
        client=cast.client_a,
        name="赵未保",
        id_number=make_id_number(
            region_code="110105", birth_date=dt.date(1990, 1, 1), sequence=21, gender="M"
        ),
        gender="M",
        birth_date=dt.date(1990, 1, 1),
        retirement_category="male_60",
    )
    left = InsuredPerson.objects.create(
        client=cast.client_a,
        name="钱离职",
        id_number="110105199002021230",  # wrong check digit
        gender="M",
        birth_date=dt.date(1990, 2, 2),
        retirement_category="male_60",
        status=InsuredPerson.Status.LEFT,
    )
    enrol_si(left, "8000", dt.date(2026, 1, 1))
    return {"si": si, "plan": plan_for(cast, si), "nobody": nobody, "left": left}


@pytest.mark.django_db
def test_it_refuses_plans_beyond_the_legal_caps(cast: Cast) -> None:
    si = specialist(cast)
    base = {
        "actor": si,
        "client": cast.client_a,
        "name": "方案",
        "effective_from": "2026-01",
    }
    with pytest.raises(InvalidFields, match="不得超过 8%"):
        services.create_plan(**base, employer_rate="9", employee_rate="2")
    with pytest.raises(InvalidFields, match="合计不得超过 12%"):
        services.create_plan(**base, employer_rate="8", employee_rate="5")
    with pytest.raises(InvalidFields, match="8 年内完全归属"):
        services.create_plan(**base, employer_rate="8", employee_rate="4", vesting="0:0, 9:100")
    plan = services.create_plan(**base, employer_rate="6.25", employee_rate="5.75")
    assert (plan.employer_rate, plan.employee_rate) == (D("0.0625"), D("0.0575"))
    assert [(v.years, v.percent) for v in plan.vesting.all()] == [(0, 100)]
    # A client's HR user reads but does not create.
    with pytest.raises(Exception, match="无权"):
        services.create_plan(**{**base, "actor": cast.hr_a}, employer_rate="8", employee_rate="4")


@pytest.mark.django_db
def test_it_checks_data_and_enrols_those_who_pass(cast: Cast, setup: dict[str, Any]) -> None:
    si, plan, nobody, left = setup["si"], setup["plan"], setup["nobody"], setup["left"]
    # A person with client A's person's ID number is an active member of a plan at client B.
    twin = InsuredPerson.objects.create(
        client=cast.client_b,
        name="孪生",
        id_number=cast.person_a2.id_number,
        gender="F",
        birth_date=dt.date(1990, 3, 7),
        retirement_category="female_50",
    )
    admin = cast.admin
    enrol_si(twin, "9000", dt.date(2026, 1, 1))
    plan_b = services.create_plan(
        actor=admin,
        client=cast.client_b,
        name="乙方年金",
        employer_rate="5",
        employee_rate="2",
        effective_from="2026-01",
    )
    assert services.enrol_members(
        actor=admin, plan=plan_b, person_ids=[twin.pk], month="2026-01"
    ).members

    check = services.data_check(actor=si, plan=plan, month="2026-11")
    found = {r["name"]: r["problems"] for r in check.results}
    assert found[CANARY_PERSON_A] == []
    assert found[CANARY_PERSON_A2] == ["已在其他企业年金方案中缴费"]
    assert found["赵未保"] == ["2026-11 无在保的社保参保记录"]
    assert found["钱离职"][0] == "人员状态为「已离职」"
    assert found["钱离职"][1].startswith("身份证号码无效：校验位错误")
    assert check.passed == 1

    result = services.enrol_members(
        actor=si,
        plan=plan,
        person_ids=[cast.person_a.pk, nobody.pk, left.pk, cast.person_b.pk],
        month="2026-01",
    )
    assert [m.person_id for m in result.members] == [cast.person_a.pk]
    assert result.refused[nobody.pk] == ["2026-01 无在保的社保参保记录"]
    assert result.refused[cast.person_b.pk] == ["不是该客户的人员"]
    again = services.data_check(actor=si, plan=plan, month="2026-11", person_ids=[cast.person_a.pk])
    assert again.results[0]["problems"] == ["已是本方案成员"]


@pytest.mark.django_db
def test_it_computes_contributions_idempotently_and_withdraws_with_vesting(
    cast: Cast, setup: dict[str, Any]
) -> None:
    si, plan = setup["si"], setup["plan"]
    services.enrol_members(
        actor=si, plan=plan, person_ids=[cast.person_a.pk, cast.person_a2.pk], month="2026-01"
    )
    # A: 12,345.67 × 8 % = 987.6536 → 987.65, × 4 % = 493.8268 → 493.83.
    # A2: 3,000 is below the floor 5,000: 400.00 and 200.00.
    first = services.compute_contributions(actor=si, plan=plan, month="2026-10")
    assert (first.rows, first.employer_fen, first.employee_fen) == (2, 138765, 69383)
    rows = {
        c.person_id: (c.base_fen, c.employer_fen, c.employee_fen)
        for c in AnnuityContribution.objects.filter(month="2026-10")
    }
    assert rows == {
        cast.person_a.pk: (1234567, 98765, 49383),
        cast.person_a2.pk: (500000, 40000, 20000),
    }
    again = services.compute_contributions(actor=si, plan=plan, month="2026-10")
    assert (again.rows, again.employer_fen, again.employee_fen) == (2, 138765, 69383)
    assert AnnuityContribution.objects.filter(month="2026-10").count() == 2

    # A's base changes from November (a new enrollment segment): 20,000 → 1,600.00 / 800.00.
    Enrollment.objects.filter(person=cast.person_a).update(end_month=dt.date(2026, 10, 1))
    enrol_si(cast.person_a, "20000", dt.date(2026, 11, 1))
    nov = services.compute_contributions(actor=si, plan=plan, month="2026-11")
    assert nov.employer_fen == 160000 + 40000
    oct_again = services.compute_contributions(actor=si, plan=plan, month="2026-10")
    assert oct_again.employer_fen == 138765  # October keeps October's base

    # A leaves on 30 Nov 2026 after 3 full years (hired 15 Mar 2023): 60 % of the employer part.
    # Employer 987.65 + 1,600.00 + returns 100.00 = 2,687.65 × 60 % = 1,612.59; forfeited 1,075.06.
    # Employee 493.83 + 800.00 = 1,293.83 in full. Payable 2,906.42.
    member = AnnuityMember.objects.get(person=cast.person_a)
    w = services.withdraw(
        actor=si, member=member, reason="leave", date="2026-11-30", employer_returns="100"
    )
    assert (w.years_of_service, w.vested_percent) == (3, 60)
    assert (w.employer_balance_fen, w.vested_fen, w.forfeited_fen) == (268765, 161259, 107506)
    assert (w.employee_balance_fen, w.payable_fen) == (129383, 290642)
    # Withdrawn members' rows are frozen: a recompute leaves them alone and skips the member.
    services.compute_contributions(actor=si, plan=plan, month="2026-11")
    assert AnnuityContribution.objects.filter(member=member).count() == 2
    # Retirement vests fully whatever the years.
    member2 = AnnuityMember.objects.get(person=cast.person_a2)
    w2 = services.withdraw(actor=si, member=member2, reason="retirement", date="2026-12-01")
    assert (w2.vested_percent, w2.forfeited_fen) == (100, 0)
    assert w2.payable_fen == 40000 * 2 + 20000 * 2
    with pytest.raises(Exception, match="已支取"):
        services.withdraw(actor=si, member=member2, reason="death", date="2026-12-02")


@pytest.mark.django_db
def test_it_shows_each_user_only_their_part(cast: Cast, setup: dict[str, Any]) -> None:
    si, plan = setup["si"], setup["plan"]
    services.enrol_members(
        actor=si, plan=plan, person_ids=[cast.person_a.pk, cast.person_a2.pk], month="2026-01"
    )
    services.compute_contributions(actor=si, plan=plan, month="2026-11")
    hr_a = login_client(cast.hr_a)
    page = hr_a.get(f"/annuity/plans/{plan.pk}/?month=2026-11").content.decode()
    assert "¥987.65" in page and CANARY_PERSON_A2 in page
    assert "计算月度缴费" not in page  # read-only for HR
    assert hr_a.get(f"/annuity/plans/{plan.pk}/export/?month=2026-11").status_code == 403
    assert login_client(cast.hr_b).get(f"/annuity/plans/{plan.pk}/").status_code == 404
    assert login_client(cast.hr_b).get("/api/annuity/plans").json()["items"] == []

    employee = login_client(cast.employee_a)
    mine = employee.get("/annuity/mine/").content.decode()
    assert "¥987.65" in mine and CANARY_PERSON_A2 not in mine and "¥400.00" not in mine
    accounts = employee.get("/api/annuity/mine").json()
    assert len(accounts) == 1 and accounts[0]["employer_total"] == "987.65"
    assert employee.get(f"/annuity/plans/{plan.pk}/").status_code == 403

    export = login_client(si).get(f"/annuity/plans/{plan.pk}/export/?month=2026-11")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "姓名", "证件类型", "证件号码")
    assert rows[1][3] == cast.person_a.id_number  # the trustee needs the full number
    assert rows[-1][1] == "合计" and D(str(rows[-1][6])) == D("1387.65")
    assert AuditLog.objects.filter(action="annuity.export").count() == 1


@pytest.mark.django_db
def test_it_computes_from_the_command_line(cast: Cast, setup: dict[str, Any]) -> None:
    si, plan = setup["si"], setup["plan"]
    services.enrol_members(actor=si, plan=plan, person_ids=[cast.person_a.pk], month="2026-01")
    out = io.StringIO()
    call_command("annuity-contributions", plan=plan.pk, month="2026-11", user="si_guo", stdout=out)
    assert "1 人" in out.getvalue() and "¥987.65" in out.getvalue()
    assert AnnuityContribution.objects.get().employee_fen == 49383


@pytest.mark.django_db
def test_it_works_through_the_api(cast: Cast, setup: dict[str, Any]) -> None:
    si = login_client(setup["si"])
    plan = setup["plan"]
    response = si.post(
        f"/api/annuity/plans/{plan.pk}/members",
        {"month": "2026-01", "person_ids": [cast.person_a.pk, setup["nobody"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(response.json()["members"]) == 1
    response = si.post(
        f"/api/annuity/plans/{plan.pk}/contributions",
        {"month": "2026-11"},
        content_type="application/json",
    )
    assert response.json()["employer"] == "987.65"
    bad = si.post(
        "/api/annuity/plans",
        {
            "client_id": cast.client_a.pk,
            "name": "x",
            "employer_rate": "10",
            "employee_rate": "1",
            "effective_from": "2026-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "8%" in bad.json()["detail"]
