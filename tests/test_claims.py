"""Claims (出险理赔, R-SI-9): the six steps with their documents, clocks and refusals."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from hragency.accounts.roles import Role
from hragency.accounts.services import assign_client, create_user
from hragency.claims import services
from hragency.claims.models import Claim, ClaimStep
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline, Notification
from tests.conftest import CANARY_PERSON_A, PASSWORD, Cast, login_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def specialist(cast: Cast) -> Any:
    user = create_user(
        username="si_guo", password=PASSWORD, display_name="郭社保", roles=[Role.SI_SPECIALIST]
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def upload(actor: Any, claim: Claim, step: str, *kinds: str) -> None:
    for kind in kinds:
        services.add_document(
            actor=actor,
            claim=claim,
            step=step,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
        )


def report(cast: Cast, kind: str = "work_injury", day: dt.date | None = None) -> Claim:
    return services.report_claim(
        actor=cast.hr_a,
        person=cast.person_a,
        kind=kind,
        incident_date=(day or timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        description="搬运货物时右手被压伤，送医院急诊。",
        hospital="上海市第六人民医院",
    )


@pytest.mark.django_db
def test_it_walks_a_work_injury_through_the_six_steps(cast: Cast) -> None:
    si = specialist(cast)
    incident = dt.date(2026, 11, 20)
    claim = report(cast, day=incident)
    assert claim.number.startswith("LP")
    assert claim.owner == si and claim.current_step == "report"
    steps = {s.code: s.status for s in claim.steps.all()}
    assert steps == {
        "report": "pending",
        "transfer": "pending",
        "appraisal": "pending",
        "application": "pending",
        "payment": "pending",
        "continuation": "pending",
    }
    # The 工伤认定申请 clock: 30 calendar days after 20 Nov = 20 Dec 23:59:59, warned a week before.
    clock = Deadline.objects.get(kind="claims.injury_recognition")
    due = timezone.localtime(clock.due_at)
    assert (due.date(), due.time()) == (dt.date(2026, 12, 20), dt.time(23, 59, 59))
    assert clock.owner == si
    assert clock.warn_at == clock.due_at - dt.timedelta(days=7)

    # Completing without the papers names what is missing.
    with pytest.raises(ServiceError, match="缺少材料：事故经过说明、医疗诊断证明、工伤认定申请表"):
        services.complete_step(actor=si, claim=claim, step="report")
    upload(cast.hr_a, claim, "report", "accident_statement", "diagnosis")
    with pytest.raises(ServiceError, match="缺少材料：工伤认定申请表"):
        services.complete_step(actor=si, claim=claim, step="report")
    upload(si, claim, "report", "recognition_application")
    # Only the current step can be done.
    with pytest.raises(ServiceError, match="当前环节是「出险报案」"):
        services.complete_step(actor=si, claim=claim, step="application")
    claim = services.complete_step(actor=si, claim=claim, step="report", note="已递交工伤认定申请")
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET
    assert claim.current_step == "transfer"
    told = Notification.objects.filter(recipient=cast.hr_a, title__contains="已完成「出险报案」")
    assert told.count() == 1
    # The next step runs on its own working-day clock.
    assert Deadline.objects.filter(kind="claims.step", status="open").count() == 1

    claim = services.skip_step(actor=si, claim=claim, step="transfer", reason="无需转院")
    assert claim.current_step == "appraisal"
    upload(si, claim, "appraisal", "appraisal_conclusion")
    claim = services.complete_step(actor=si, claim=claim, step="appraisal", note="十级伤残")
    upload(si, claim, "application", "recognition_decision", "medical_invoices")
    with pytest.raises(InvalidFields):
        services.complete_step(actor=si, claim=claim, step="application")  # no amount
    claim = services.complete_step(actor=si, claim=claim, step="application", amount="12,345.60")
    assert claim.claimed_fen == 1234560

    with pytest.raises(ServiceError, match="不能超过申请金额"):
        services.record_approval(actor=si, claim=claim, amount="12345.61")
    claim = services.record_approval(actor=si, claim=claim, amount="10000")
    claim = services.record_payment(actor=si, claim=claim, amount="6000.00")
    with pytest.raises(ServiceError, match="支付金额超过核定金额"):
        services.record_payment(actor=si, claim=claim, amount="4000.01")
    upload(si, claim, "payment", "payment_voucher")
    with pytest.raises(ServiceError, match="待遇尚未支付完毕"):
        services.complete_step(actor=si, claim=claim, step="payment")
    claim = services.record_payment(actor=si, claim=claim, amount="4000")
    assert claim.paid_fen == 1000000
    claim = services.complete_step(actor=si, claim=claim, step="payment")
    with pytest.raises(ServiceError, match="尚有环节未办结：转移接续"):
        services.close_claim(actor=si, claim=claim, outcome="结案")
    claim = services.skip_step(actor=si, claim=claim, step="continuation", reason="仍在职")
    assert claim.current_step == ""
    claim = services.close_claim(actor=si, claim=claim, outcome="工伤待遇 ¥10,000.00 已支付")
    assert claim.status == Claim.Status.CLOSED
    assert not Deadline.objects.filter(status="open").exists()
    actions = set(AuditLog.objects.filter(client=cast.client_a).values_list("action", flat=True))
    assert {"claims.report", "claims.step_complete", "claims.payment", "claims.close"} <= actions

    page = login_client(cast.hr_a).get(f"/claims/{claim.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "已结案" in body and "¥10,000.00" in body


@pytest.mark.django_db
def test_it_skips_appraisal_for_maternity_and_never_a_required_step(cast: Cast) -> None:
    si = specialist(cast)
    claim = report(cast, kind="maternity")
    steps = {s.code: (s.status, s.note) for s in claim.steps.all()}
    assert steps["appraisal"] == (ClaimStep.Status.SKIPPED, "不适用")
    # A maternity report runs on 2 working days, not the 30-day work-injury clock.
    assert not Deadline.objects.filter(kind="claims.injury_recognition").exists()
    assert Deadline.objects.filter(kind="claims.step", status="open").count() == 1
    with pytest.raises(ServiceError, match="必经环节"):
        services.skip_step(actor=si, claim=claim, step="report", reason="x")
    with pytest.raises(ServiceError, match="缺少材料：生育登记凭证"):
        services.complete_step(actor=si, claim=claim, step="report")
    with pytest.raises(InvalidFields):
        services.skip_step(actor=si, claim=claim, step="transfer", reason="")


@pytest.mark.django_db
def test_it_keeps_client_b_out_of_client_a_claims(cast: Cast) -> None:
    specialist(cast)
    claim = report(cast)
    hr_b = login_client(cast.hr_b)
    payload = {
        "person_id": cast.person_a.pk,
        "kind": "medical",
        "incident_date": "2026-11-01",
        "description": "x",
    }
    assert hr_b.post("/api/claims/", payload, content_type="application/json").status_code == 404
    assert hr_b.get(f"/api/claims/{claim.pk}").status_code == 404
    assert hr_b.get("/api/claims/").json()["items"] == []
    assert hr_b.get(f"/claims/{claim.pk}/").status_code == 404
    with pytest.raises(Exception, match="无权"):
        services.report_claim(
            actor=cast.hr_b,
            person=cast.person_a,
            kind="medical",
            incident_date="2026-11-01",
            description="x",
        )
    # A rep may see and report but not handle.
    rep = login_client(cast.rep_a)
    response = rep.post(
        f"/api/claims/{claim.pk}/steps/report/complete", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_it_lets_client_hr_report_from_the_portal_and_export(cast: Cast) -> None:
    specialist(cast)
    hr_a = login_client(cast.hr_a)
    assert CANARY_PERSON_A in hr_a.get("/claims/new/").content.decode()
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = hr_a.post(
        "/claims/new/",
        {"person": cast.person_a.pk, "kind": "medical", "incident_date": day, "description": ""},
    )
    assert response.status_code == 400 and "必填" in response.content.decode()
    response = hr_a.post(
        "/claims/new/",
        {
            "person": cast.person_a.pk,
            "kind": "medical",
            "incident_date": day,
            "description": "住院",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    listing = hr_a.get("/claims/?kind=medical").content.decode()
    assert claim.number in listing
    assert claim.number not in hr_a.get("/claims/?kind=maternity").content.decode()
    export = hr_a.get("/claims/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "理赔编号"
    assert rows[1][0] == claim.number and rows[1][3] == "医疗" and rows[1][6] == "出险报案"


@pytest.mark.django_db
def test_it_uploads_and_serves_documents_only_in_scope(cast: Cast) -> None:
    si = specialist(cast)
    claim = report(cast)
    hr_a = login_client(cast.hr_a)
    response = hr_a.post(
        f"/api/claims/{claim.pk}/documents",
        {
            "step": "report",
            "kind": "diagnosis",
            "file": SimpleUploadedFile("诊断.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    doc_id = response.json()["id"]
    fake = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    bad = hr_a.post(
        f"/api/claims/{claim.pk}/documents", {"step": "report", "kind": "diagnosis", "file": fake}
    )
    assert bad.status_code == 400
    assert login_client(si).get(f"/claims/{claim.pk}/documents/{doc_id}/").content == PDF
    assert login_client(cast.hr_b).get(f"/claims/{claim.pk}/documents/{doc_id}/").status_code == 404
    detail = hr_a.get(f"/api/claims/{claim.pk}").json()
    report_step = detail["steps"][0]
    assert report_step["missing_documents"] == ["accident_statement", "recognition_application"]


@pytest.mark.django_db
def test_it_withdraws_and_cancels_the_clock(cast: Cast) -> None:
    specialist(cast)
    claim = report(cast)
    with pytest.raises(InvalidFields):
        services.withdraw_claim(actor=cast.hr_a, claim=claim, reason="")
    claim = services.withdraw_claim(actor=cast.hr_a, claim=claim, reason="误报")
    assert claim.status == Claim.Status.WITHDRAWN
    assert Deadline.objects.get().status == Deadline.Status.CANCELLED
    with pytest.raises(ServiceError, match="已撤销"):
        services.withdraw_claim(actor=cast.hr_a, claim=claim, reason="again")


@pytest.mark.django_db
def test_it_lists_claims_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    specialist(cast)
    for _ in range(3):
        report(cast)
    http = login_client(cast.hr_a)
    assert http.get("/claims/?overdue=1").status_code == 200
    with django_assert_max_num_queries(15) as few:
        assert http.get("/claims/").status_code == 200
    for _ in range(12):
        report(cast, kind="medical")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = http.get("/claims/").content.decode()
    assert body.count('href="/claims/') >= 15
