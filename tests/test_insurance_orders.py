"""增减员 orders through the services (R-SI-2, R-SI-5): the cut-off, duplicate insurance across
clients (without telling one client's HR another client's name), removals ending the
enrollment with the previous month, the blacklist gate, reject/cancel, and the specialist's
deadline opened at the cut-off and closed when the order is processed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline, Notification
from hragency.insurance import services
from hragency.insurance.models import Enrollment, Order
from tests.conftest import CANARY_CLIENT_A, Cast
from tests.si_support import CITY, enroll, make_specialist, make_test_city


@pytest.fixture
def si(cast: Cast) -> Any:
    make_test_city()
    cast.specialist = make_specialist(cast)  # type: ignore[attr-defined]
    return cast


def add(actor: Any, person: Any, period: Any = None, **kw: Any) -> Order:
    values: dict[str, Any] = {"city": CITY, "wage": Decimal("8000.00")}
    values.update(kw)
    return services.submit_order(
        actor=actor,
        person=person,
        kind="add",
        period=period or services.earliest_open_period(),
        **values,
    )


def deadline_of(order: Order) -> Deadline:
    return Deadline.objects.get(subject_type="insurance.order", subject_id=str(order.pk))


def test_it_refuses_an_order_after_the_cut_off_and_names_the_first_open_month(si: Cast) -> None:
    earliest = services.earliest_open_period()
    late = earliest.shifted(-1)
    with pytest.raises(InvalidFields) as refused:
        add(si.hr_a, si.person_a, late)
    reason = refused.value.by_field()["month"]
    assert f"{late} 的增减员已于" in reason and "截止" in reason
    assert f"最早可选 {earliest}" in reason and "补缴" in reason
    assert not Order.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="insurance.").exists()


def test_it_opens_the_specialists_deadline_at_the_cut_off_and_closes_it_when_processed(
    si: Cast,
) -> None:
    period = services.earliest_open_period()
    order = add(si.hr_a, si.person_a, hf_wage=Decimal("6000.00"), hf=True)
    assert order.number.startswith("ZY") and order.status == Order.Status.SUBMITTED
    deadline = deadline_of(order)
    assert deadline.owner == si.specialist
    assert deadline.due_at == services.cutoff(period)
    assert deadline.status == Deadline.Status.OPEN and deadline.client_id == si.client_a.pk

    done = services.process_order(actor=si.specialist, order=order, note="已网上申报")
    assert done.status == Order.Status.DONE and done.handling_note == "已网上申报"
    enrollment = Enrollment.objects.get(person=si.person_a)
    assert enrollment.start_month == period.first_day and enrollment.end_month is None
    assert (enrollment.wage, enrollment.hf_wage, enrollment.city) == (
        Decimal("8000.00"),
        Decimal("6000.00"),
        CITY,
    )
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MET
    note = Notification.objects.get(recipient=si.hr_a)
    assert note.title == f"增员单 {order.number} 已办理"

    with pytest.raises(ServiceError, match="已办理"):
        services.process_order(actor=si.specialist, order=order)


def test_it_refuses_duplicate_insurance_through_another_client_without_naming_it(
    si: Cast,
) -> None:
    from hragency.employees.services import create_person

    # Client B archived the same person (same ID number) while client A insures them.
    same = create_person(
        client_id=si.client_b.pk,
        name="张甲",
        id_number=si.person_a.id_number,
        insured_city=CITY,
    )
    enroll(si.person_a, "9000.00")
    with pytest.raises(ServiceError) as refused:
        add(si.hr_b, same)
    message = str(refused.value)
    assert "已有参保记录：其他单位" in message and "不能重复参保" in message
    assert CANARY_CLIENT_A not in message
    # Staff whose scope covers client A are told where.
    with pytest.raises(ServiceError, match=CANARY_CLIENT_A):
        add(si.specialist, same)
    assert not Order.objects.exists()


def test_it_refuses_a_second_add_while_another_client_has_one_pending(si: Cast) -> None:
    from hragency.employees.services import create_person

    same = create_person(
        client_id=si.client_b.pk, name="张甲", id_number=si.person_a.id_number, insured_city=CITY
    )
    add(si.hr_a, si.person_a)
    with pytest.raises(ServiceError) as refused:
        add(si.hr_b, same)
    assert "待办理的增员单：其他单位" in str(refused.value)
    assert CANARY_CLIENT_A not in str(refused.value)


def test_it_ends_the_enrollment_with_the_previous_month_on_removal(si: Cast) -> None:
    period = services.earliest_open_period()
    enrollment = enroll(si.person_a, "9000.00")
    with pytest.raises(InvalidFields) as refused:
        services.submit_order(
            actor=si.hr_a, person=si.person_a, kind="remove", city=CITY, period=period
        )
    assert refused.value.by_field() == {"reason": "减员必须填写原因"}
    order = services.submit_order(
        actor=si.hr_a,
        person=si.person_a,
        kind="remove",
        city=CITY,
        period=period,
        reason="离职",
    )
    assert order.wage is None
    services.process_order(actor=si.specialist, order=order)
    enrollment.refresh_from_db()
    assert enrollment.end_month == period.shifted(-1).first_day
    order.refresh_from_db()
    assert order.enrollment == enrollment and order.status == Order.Status.DONE


def test_it_refuses_a_removal_of_someone_not_insured_there(si: Cast) -> None:
    with pytest.raises(InvalidFields) as refused:
        services.submit_order(
            actor=si.hr_a,
            person=si.person_a2,
            kind="remove",
            city=CITY,
            period=services.earliest_open_period(),
            reason="离职",
        )
    assert "没有该月在保的记录" in refused.value.by_field()["city"]


def test_it_refuses_every_order_of_a_blacklisted_client(si: Cast) -> None:
    from hragency.clients.services import blacklist_client

    order = add(si.hr_a, si.person_a2)
    blacklist_client(client=si.client_a, reason="伪造营业执照", actor=si.admin)
    with pytest.raises(ServiceError, match="失信客户名单"):
        add(si.hr_a, si.person_a)
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.process_order(actor=si.specialist, order=order)
    assert not Enrollment.objects.exists()
    # Closing the order without doing any work stays possible.
    services.reject_order(actor=si.specialist, order=order, reason="客户已列入失信名单")


def test_it_checks_the_order_fields_all_at_once(si: Cast) -> None:
    with pytest.raises(InvalidFields) as refused:
        services.submit_order(
            actor=si.hr_a,
            person=si.person_a,
            kind="add",
            city="火星",
            period=services.earliest_open_period(),
            wage=None,
            si=False,
            hf=False,
        )
    errors = refused.value.by_field()
    assert "政策库中没有城市「火星」" in errors["city"]
    assert errors["wage"] == "增员必须填写申报工资"
    assert errors["si"] == "参加社保与缴存公积金至少选一项"


def test_it_refuses_a_second_pending_order_for_the_same_person(si: Cast) -> None:
    first = add(si.hr_a, si.person_a)
    with pytest.raises(ServiceError, match=f"已有待办理的增员单 {first.number}"):
        add(si.rep_a, si.person_a)


def test_it_rejects_with_a_reason_and_tells_the_submitter(si: Cast) -> None:
    order = add(si.hr_a, si.person_a)
    with pytest.raises(InvalidFields) as refused:
        services.reject_order(actor=si.specialist, order=order, reason="  ")
    assert refused.value.by_field() == {"reason": "请填写退回原因"}
    with pytest.raises(PermissionDenied):
        services.reject_order(actor=si.rep_a, order=order, reason="不办")
    services.reject_order(actor=si.specialist, order=order, reason="申报工资低于最低工资")
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED
    assert order.handling_note == "申报工资低于最低工资"
    assert deadline_of(order).status == Deadline.Status.MET
    note = Notification.objects.get(recipient=si.hr_a)
    assert "被退回" in note.title and note.body == "申报工资低于最低工资"
    assert not Enrollment.objects.exists()


def test_it_lets_the_submitter_or_staff_cancel_and_cancels_the_deadline(si: Cast) -> None:
    from hragency.accounts.models import User
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    colleague = create_user(
        username="hr_a2",
        password="Cast@2026pass",
        kind=User.Kind.CLIENT_HR,
        roles=[Role.CLIENT_HR],
        client_id=si.client_a.pk,
    )
    order = add(si.hr_a, si.person_a)
    with pytest.raises(PermissionDenied, match="提交人或服务人员"):
        services.cancel_order(actor=colleague, order=order)
    services.cancel_order(actor=si.hr_a, order=order)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert deadline_of(order).status == Deadline.Status.CANCELLED
    with pytest.raises(ServiceError, match="已撤销"):
        services.cancel_order(actor=si.hr_a, order=order)
    # Staff may withdraw an order someone else submitted.
    other = add(si.hr_a, si.person_a2)
    services.cancel_order(actor=si.rep_a, order=other)
    assert Order.objects.get(pk=other.pk).status == Order.Status.CANCELLED


def test_it_requires_the_right_to_submit_and_to_process(si: Cast) -> None:
    with pytest.raises(PermissionDenied):
        add(si.employee_a, si.person_a)
    order = add(si.hr_a, si.person_a)
    with pytest.raises(PermissionDenied):
        services.process_order(actor=si.hr_a, order=order)


def test_it_sets_client_rates_within_the_citys_range(si: Cast) -> None:
    with pytest.raises(InvalidFields) as refused:
        services.set_client_rate(
            actor=si.specialist,
            client=si.client_a,
            city=CITY,
            injury_rate=Decimal("0.001"),
            hf_rate=Decimal("0.15"),
        )
    errors = refused.value.by_field()
    assert errors["injury_rate"] == f"低于{CITY}允许的下限 0.2%"
    assert errors["hf_rate"] == f"高于{CITY}允许的上限 12%"
    rate = services.set_client_rate(
        actor=si.specialist,
        client=si.client_a,
        city=f"{CITY}市",
        injury_rate=Decimal("0.004"),
        hf_rate=Decimal("0.12"),
    )
    assert (rate.city, rate.injury_rate, rate.hf_rate) == (CITY, Decimal("0.004"), Decimal("0.12"))
    with pytest.raises(InvalidFields, match="政策库中没有城市"):
        services.set_client_rate(
            actor=si.specialist, client=si.client_a, city="火星", injury_rate=None, hf_rate=None
        )


def test_it_lets_the_clients_hr_confirm_the_bases_in_force(si: Cast) -> None:
    enroll(si.person_a, "9000.00")
    enroll(si.person_b, "9000.00")
    with pytest.raises(PermissionDenied):
        services.confirm_bases(actor=si.rep_a, client=si.client_a)
    assert services.confirm_bases(actor=si.hr_a, client=si.client_a) == 1
    assert Enrollment.objects.get(person=si.person_a).bases_confirmed_at is not None
    assert Enrollment.objects.get(person=si.person_b).bases_confirmed_at is None
    with pytest.raises(PermissionDenied):
        services.confirm_bases(actor=si.hr_a, client=si.client_b)
    row = AuditLog.objects.get(action="insurance.bases_confirmed")
    assert row.client_id == si.client_a.pk and row.changes["enrollments"] == 1
