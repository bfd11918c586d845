"""Client services (R-CRM-1…8): record, contacts, intake, two-level review, blacklist,
agreements, hand-over, tags and timeline — through the real services and database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hragency.clients import services
from hragency.clients.models import Agreement, Client, Contact, InfoReview, Intake
from hragency.clients.queries import clients_for
from hragency.clients.tags import tags_for
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from tests.conftest import Cast
from tests.test_clients_support import (
    GOOD_CODE,
    Staff,
    agreement_data,
    approve,
    make_staff,
    review_data,
    signed_agreement,
)


@pytest.fixture
def staff(cast: Cast) -> Staff:
    return make_staff(cast)


# ---- client record ----


@pytest.mark.django_db
def test_it_creates_a_prospect_owned_and_visible_to_its_creator(cast: Cast, staff: Staff) -> None:
    client = services.create_client(
        data={"name": "丙方制造有限公司", "credit_code": GOOD_CODE, "service_cities": "上海，苏州"},
        actor=staff.sales,
    )
    assert client.status == Client.Status.PROSPECT
    assert client.owner == staff.sales
    assert client.service_cities == "上海、苏州"
    assert client.number.startswith("KH")
    assert clients_for(staff.sales).filter(pk=client.pk).exists()
    assert AuditLog.objects.filter(action="clients.create", client=client).exists()


@pytest.mark.django_db
def test_it_refuses_a_bad_credit_code_naming_the_field(cast: Cast, staff: Staff) -> None:
    with pytest.raises(InvalidFields) as caught:
        services.create_client(
            data={"name": "丁方", "credit_code": "91350100M000100Y44"}, actor=staff.sales
        )
    assert caught.value.by_field()["credit_code"] == "校验位错误：应为 3，实为 4"
    assert not Client.objects.filter(name="丁方").exists()


# ---- contacts ----


@pytest.mark.django_db
def test_it_keeps_one_primary_contact(cast: Cast, staff: Staff) -> None:
    first = services.add_contact(
        client=cast.client_a, data={"name": "王经理", "phone": "13900001111"}, actor=staff.sales
    )
    assert first.is_primary  # the first contact is the primary one
    second = services.add_contact(
        client=cast.client_a,
        data={"name": "李主管", "email": "li@example.cn", "is_primary": "是"},
        actor=staff.sales,
    )
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    services.update_contact(contact=first, data={"title": "财务"}, actor=staff.sales)
    services.remove_contact(contact=second, actor=staff.sales)
    assert list(Contact.objects.filter(client=cast.client_a).values_list("name", flat=True)) == [
        "王经理"
    ]
    assert (
        AuditLog.objects.filter(action__startswith="clients.contact_", client=cast.client_a).count()
        == 4
    )


@pytest.mark.django_db
def test_it_requires_a_phone_or_email_and_the_permission(cast: Cast, staff: Staff) -> None:
    with pytest.raises(InvalidFields, match="至少填一项"):
        services.add_contact(client=cast.client_a, data={"name": "赵"}, actor=staff.sales)
    with pytest.raises(PermissionDenied):
        services.add_contact(
            client=cast.client_a, data={"name": "赵", "phone": "13900001111"}, actor=cast.hr_a
        )
    assert not Contact.objects.exists()


# ---- 服务需求表 ----


@pytest.mark.django_db
def test_it_opens_the_intake_deadline_24_hours_after_first_contact_and_closes_it_met(
    cast: Cast, staff: Staff
) -> None:
    contact_at = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    intake = services.create_intake(
        client=cast.client_a,
        data={"first_contact_at": contact_at, "headcount": "120", "modules": ["si_hf", "薪酬代发"]},
        actor=staff.sales,
    )
    deadline = intake.deadline
    assert deadline.kind == "clients.intake"
    assert deadline.owner == staff.sales
    assert deadline.due_at == contact_at + dt.timedelta(hours=24)
    assert intake.modules == ["si_hf", "payroll"]
    with pytest.raises(InvalidFields) as caught:
        services.complete_intake(intake=intake, actor=staff.sales)
    assert set(caught.value.by_field()) == {"insured_cities"}
    services.complete_intake(intake=intake, data={"insured_cities": "上海"}, actor=staff.sales)
    deadline.refresh_from_db()
    intake.refresh_from_db()
    assert intake.status == Intake.Status.COMPLETED
    assert deadline.status == Deadline.Status.MET


@pytest.mark.django_db
def test_it_records_a_late_intake(cast: Cast, staff: Staff) -> None:
    intake = services.create_intake(
        client=cast.client_a,
        data={
            "first_contact_at": timezone.now() - dt.timedelta(hours=30),
            "headcount": 20,
            "insured_cities": "上海",
            "modules": "si_hf",
        },
        actor=staff.sales,
    )
    services.complete_intake(intake=intake, actor=staff.sales)
    intake.deadline.refresh_from_db()
    assert intake.deadline.status == Deadline.Status.LATE
    with pytest.raises(ServiceError, match="已完成"):
        services.update_intake(intake=intake, data={"headcount": 5}, actor=staff.sales)


@pytest.mark.django_db
def test_it_refuses_an_intake_in_the_future_or_without_permission(cast: Cast, staff: Staff) -> None:
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(InvalidFields, match="不能晚于当前时间"):
        services.create_intake(
            client=cast.client_a, data={"first_contact_at": later}, actor=staff.sales
        )
    with pytest.raises(PermissionDenied):
        services.create_intake(
            client=cast.client_a, data={"first_contact_at": timezone.now()}, actor=cast.rep_a
        )
    assert not Intake.objects.exists() and not Deadline.objects.exists()


# ---- two-level review ----


@pytest.mark.django_db
def test_it_needs_first_review_and_gm_approval_before_signing(cast: Cast, staff: Staff) -> None:
    draft = services.create_agreement(
        client=cast.client_a, data=agreement_data(), actor=staff.sales
    )
    with pytest.raises(ServiceError, match="尚未审核"):
        services.sign_agreement(agreement=draft, actor=staff.sales)

    review = services.record_first_review(
        client=cast.client_a, data=review_data(), actor=staff.reviewer
    )
    assert review.status == InfoReview.Status.AWAITING_APPROVAL
    assert [c.source for c in review.checks.all()] == ["gsxt", "website"]
    with pytest.raises(ServiceError, match="待总经理复审"):
        services.sign_agreement(agreement=draft, actor=staff.sales)
    with pytest.raises(PermissionDenied):  # the info officer cannot sign off their own review
        services.decide_review(review=review, decision="approve", note="", actor=staff.reviewer)

    services.decide_review(review=review, decision="approve", note="同意", actor=staff.gm)
    review.refresh_from_db()
    assert (review.status, review.approver, review.decided_at is not None) == (
        InfoReview.Status.APPROVED,
        staff.gm,
        True,
    )
    signed = services.sign_agreement(agreement=draft, actor=staff.sales)
    assert signed.status == Agreement.Status.ACTIVE
    cast.client_a.refresh_from_db()
    assert cast.client_a.status == Client.Status.ACTIVE


@pytest.mark.django_db
def test_it_lets_the_latest_review_decide(cast: Cast, staff: Staff) -> None:
    approve(cast.client_a, staff)
    services.record_first_review(
        client=cast.client_a,
        data=review_data(outcome="reject", note="营业执照已过期"),
        actor=staff.reviewer,
    )
    draft = services.create_agreement(
        client=cast.client_a, data=agreement_data(), actor=staff.sales
    )
    with pytest.raises(ServiceError, match="审核未通过"):
        services.sign_agreement(agreement=draft, actor=staff.sales)


@pytest.mark.django_db
def test_it_checks_what_a_pass_requires(cast: Cast, staff: Staff) -> None:
    with pytest.raises(InvalidFields) as caught:
        services.record_first_review(
            client=cast.client_a,
            data=review_data(
                originals_seen=False,
                checks=[{"source": "website", "result": "consistent", "note": ""}],
            ),
            actor=staff.reviewer,
        )
    assert set(caught.value.by_field()) == {"originals_seen", "checks"}
    with pytest.raises(InvalidFields, match="不一致"):
        services.record_first_review(
            client=cast.client_a,
            data=review_data(
                checks=[{"source": "gsxt", "result": "inconsistent", "note": "法人不符"}]
            ),
            actor=staff.reviewer,
        )
    assert not InfoReview.objects.exists()


@pytest.mark.django_db
def test_it_blacklists_when_the_gm_confirms_forgery(cast: Cast, staff: Staff) -> None:
    review = services.record_first_review(
        client=cast.client_a,
        data=review_data(outcome="suspected_forgery", note="营业执照印章与公示信息不符"),
        actor=staff.reviewer,
    )
    with pytest.raises(ServiceError, match="不能同意"):
        services.decide_review(review=review, decision="approve", note="", actor=staff.gm)
    services.decide_review(
        review=review, decision="confirm_forgery", note="经核实系伪造", actor=staff.gm
    )
    cast.client_a.refresh_from_db()
    assert cast.client_a.status == Client.Status.BLACKLISTED
    assert "经核实系伪造" in cast.client_a.blacklist_reason


# ---- blacklist ----


@pytest.mark.django_db
def test_it_refuses_every_service_operation_after_blacklisting(cast: Cast, staff: Staff) -> None:
    from hragency.domain.idcard import make_id_number
    from hragency.employees.services import create_person, update_person

    agreement = signed_agreement(cast.client_a, staff)
    draft = services.create_agreement(
        client=cast.client_a, data=agreement_data(kind="payroll"), actor=staff.sales
    )
    item = agreement.handover_items.first()
    open_before = Deadline.objects.filter(client=cast.client_a, status="open").count()
    assert open_before == 2  # renewal reminder and hand-over

    with pytest.raises(PermissionDenied):
        services.blacklist_client(client=cast.client_a, reason="伪造", actor=staff.sales)
    with pytest.raises(InvalidFields, match="失信原因"):
        services.blacklist_client(client=cast.client_a, reason=" ", actor=staff.gm)
    services.blacklist_client(client=cast.client_a, reason="伪造营业执照", actor=staff.gm)

    cast.client_a.refresh_from_db()
    assert cast.client_a.status == Client.Status.BLACKLISTED
    assert cast.client_a.blacklisted_at is not None
    assert not Deadline.objects.filter(client=cast.client_a, status="open").exists()
    assert set(
        Agreement.objects.filter(pk__in=[agreement.pk, draft.pk]).values_list("status", flat=True)
    ) == {"terminated"}
    assert AuditLog.objects.filter(action="clients.blacklist", client=cast.client_a).exists()

    refused = "失信客户名单"
    number = make_id_number(
        region_code="310115", birth_date=dt.date(1991, 1, 1), sequence=21, gender="M"
    )
    attempts: list[Any] = [
        lambda: create_person(client_id=cast.client_a.pk, name="新人", id_number=number),
        lambda: update_person(person=cast.person_a, data={"position": "主管"}, actor=cast.rep_a),
        lambda: services.add_contact(
            client=cast.client_a, data={"name": "甲", "phone": "13900001111"}, actor=staff.sales
        ),
        lambda: services.create_intake(
            client=cast.client_a, data={"first_contact_at": timezone.now()}, actor=staff.sales
        ),
        lambda: services.record_first_review(
            client=cast.client_a, data=review_data(), actor=staff.reviewer
        ),
        lambda: services.create_agreement(
            client=cast.client_a, data=agreement_data(), actor=staff.sales
        ),
        lambda: services.update_handover_item(item=item, data={"received": True}, actor=staff.gm),
        lambda: services.ensure_all_serviceable([cast.client_b.pk, cast.client_a.pk]),
    ]
    writes = AuditLog.objects.count()
    for attempt in attempts:
        with pytest.raises(ServiceError, match=refused):
            attempt()
    assert AuditLog.objects.count() == writes
    with pytest.raises(ServiceError, match="已在失信客户名单中"):
        services.blacklist_client(client=cast.client_a, reason="再次", actor=staff.gm)


# ---- agreements ----


@pytest.mark.django_db
def test_it_validates_fees_as_exact_decimals(cast: Cast, staff: Staff) -> None:
    with pytest.raises(InvalidFields) as caught:
        services.create_agreement(
            client=cast.client_a,
            data=agreement_data(fee_per_head="80.123", payment_day=31),
            actor=staff.sales,
        )
    assert set(caught.value.by_field()) == {"fee_per_head", "payment_day"}
    with pytest.raises(InvalidFields, match="所选收费方式须填写此项"):
        services.create_agreement(
            client=cast.client_a,
            data=agreement_data(fee_model="percentage", fee_per_head=""),
            actor=staff.sales,
        )
    modular = services.create_agreement(
        client=cast.client_a,
        data=agreement_data(
            fee_model="modular",
            modules=["si_hf", "payroll"],
            module_fees={"si_hf": "1200", "薪酬代发": 800.5},
        ),
        actor=staff.sales,
    )
    assert modular.module_fees == {"si_hf": "1200.00", "payroll": "800.50"}
    rate = services.create_agreement(
        client=cast.client_a,
        data=agreement_data(fee_model="percentage", fee_rate="3.5", fee_per_head=""),
        actor=staff.sales,
    )
    rate.refresh_from_db()
    assert rate.fee_rate == Decimal("3.500")
    with pytest.raises(InvalidFields, match="不能早于开始日期"):
        services.update_agreement(
            agreement=rate, data={"end_date": "2000-01-01"}, actor=staff.sales
        )


@pytest.mark.django_db
def test_it_signs_with_a_renewal_reminder_and_a_handover_checklist(
    cast: Cast, staff: Staff
) -> None:
    from hragency.core.worktime import due_after

    agreement = signed_agreement(cast.client_a, staff)
    reminder = agreement.expiry_deadline
    assert reminder.kind == "clients.agreement_renewal"
    expected = timezone.localtime(reminder.due_at)
    assert expected.date() == agreement.end_date - dt.timedelta(days=30)
    assert (expected.hour, expected.minute) == (9, 0)
    handover = agreement.handover_deadline
    assert handover.kind == "clients.handover"
    assert handover.due_at == due_after(agreement.signed_at, days=3)
    names = list(agreement.handover_items.values_list("name", flat=True))
    assert "营业执照复印件（加盖公章）" in names and "工资表" in names
    assert AuditLog.objects.filter(action="clients.agreement_sign", client=cast.client_a).exists()
    with pytest.raises(ServiceError, match="不能签订"):
        services.sign_agreement(agreement=agreement, actor=staff.sales)


@pytest.mark.django_db
def test_it_reminds_on_the_end_date_when_signed_late(cast: Cast, staff: Staff) -> None:
    today = timezone.localdate()
    agreement = signed_agreement(
        cast.client_a,
        staff,
        start_date=(today - dt.timedelta(days=340)).isoformat(),
        end_date=(today + dt.timedelta(days=10)).isoformat(),
    )
    assert timezone.localtime(agreement.expiry_deadline.due_at).date() == agreement.end_date
    assert [t.label for t in tags_for([agreement.client])[agreement.client_id]].count(
        "协议即将到期"
    ) == 1


@pytest.mark.django_db
def test_it_renews_moving_the_expiry_deadline(cast: Cast, staff: Staff) -> None:
    agreement = signed_agreement(
        cast.client_a, staff, start_date="2026-01-01", end_date="2026-12-31"
    )
    old_reminder = agreement.expiry_deadline
    successor = services.renew_agreement(
        agreement=agreement, data={"fee_per_head": "85.00"}, actor=staff.sales
    )
    agreement.refresh_from_db()
    old_reminder.refresh_from_db()
    assert agreement.status == Agreement.Status.RENEWED
    assert old_reminder.status == Deadline.Status.MET
    assert successor.renewed_from == agreement
    assert (successor.start_date, successor.end_date) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert successor.status == Agreement.Status.ACTIVE
    assert successor.fee_per_head == Decimal("85.00")
    assert successor.expiry_deadline.status == Deadline.Status.OPEN
    assert timezone.localtime(successor.expiry_deadline.due_at).date() == dt.date(2027, 12, 1)
    with pytest.raises(ServiceError, match="不能续签"):
        services.renew_agreement(agreement=agreement, actor=staff.sales)


@pytest.mark.django_db
def test_it_terminates_cancelling_the_reminders(cast: Cast, staff: Staff) -> None:
    agreement = signed_agreement(cast.client_a, staff)
    with pytest.raises(InvalidFields, match="终止原因"):
        services.terminate_agreement(agreement=agreement, reason="", actor=staff.sales)
    services.terminate_agreement(agreement=agreement, reason="客户业务调整", actor=staff.sales)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    assert agreement.expiry_deadline.status == Deadline.Status.CANCELLED
    assert agreement.handover_deadline.status == Deadline.Status.CANCELLED


@pytest.mark.django_db
def test_it_expires_agreements_past_their_end_date(cast: Cast, staff: Staff) -> None:
    agreement = signed_agreement(cast.client_a, staff)
    assert services.expire_agreements(today=agreement.end_date) == 0
    assert services.expire_agreements(today=agreement.end_date + dt.timedelta(days=1)) == 1
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED
    assert agreement.expiry_deadline.status == Deadline.Status.LATE
    renewed = services.renew_agreement(agreement=agreement, actor=staff.sales)
    assert renewed.start_date == agreement.end_date + dt.timedelta(days=1)
