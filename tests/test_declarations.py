"""Declarations (R-SI-4): prepared from the month's rows, exported in the city's layout with
full ID numbers (logged), results recorded; a failure opens an exception; HR sees the proof."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from hragency.billing.close import close_month
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Notification
from hragency.domain.insurance import Period
from hragency.employees.models import InsuredPerson
from hragency.insurance import declarations
from hragency.insurance.models import Declaration, DeclarationFormat, Incident
from tests.si_support import CITY, activate, enroll, make_specialist, make_test_city, set_rates

NOV = Period(2026, 11)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def closed(cast):
    make_test_city()
    activate(cast.client_a)
    set_rates(cast.client_a)
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00", month=NOV.first_day)
    close_month(period=NOV)
    return make_specialist(cast)


def test_it_prepares_one_declaration_per_city_and_kind(cast, closed):
    rows = declarations.prepare_declarations(actor=closed, client=cast.client_a, month=NOV)
    by_kind = {d.kind: d for d in rows}
    assert set(by_kind) == {"si", "hf"}
    # SI: 3,296.30 + 1,299.29 (A) and 1,335.00 + 528.00 (A2); HF: 2,962.00 + 720.00.
    assert (by_kind["si"].headcount, by_kind["si"].amount_fen) == (
        2,
        329630 + 129929 + 133500 + 52800,
    )
    assert by_kind["hf"].amount_fen == 296200 + 72000
    with pytest.raises(ServiceError, match="请先完成该月月结"):
        declarations.prepare_declarations(
            actor=closed, client=cast.client_a, month=Period(2026, 12)
        )


def test_it_exports_the_city_layout_with_full_ids(cast, closed):
    DeclarationFormat.objects.create(
        city=CITY,
        kind="si",
        title="示例市社保增减员模板",
        columns=[
            {"header": "公民身份号码", "field": "id_number"},
            {"header": "姓名", "field": "name"},
            {"header": "增减类型", "field": "change"},
            {"header": "月缴费基数", "field": "base"},
        ],
    )
    si = next(
        d
        for d in declarations.prepare_declarations(actor=closed, client=cast.client_a, month=NOV)
        if d.kind == "si"
    )
    name, content = declarations.export_declaration(actor=closed, declaration=si)
    assert name.endswith("_202611.xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert rows[0] == ("公民身份号码", "姓名", "增减类型", "月缴费基数")
    full_id = InsuredPerson.objects.get(pk=cast.person_a2.pk).id_number
    assert (full_id, cast.person_a2.name, "增员", 5000) in rows  # A2 starts this month
    assert AuditLog.objects.filter(action="insurance.declaration_export", actor=closed).exists()


def test_it_records_success_and_tells_the_client(cast, closed, as_user):
    si = declarations.prepare_declarations(actor=closed, client=cast.client_a, month=NOV)[0]
    declarations.mark_declared(actor=closed, declaration=si)
    with pytest.raises(InvalidFields):
        declarations.record_result(actor=closed, declaration=si, succeeded=True)
    with pytest.raises(InvalidFields, match="不符"):
        declarations.record_result(
            actor=closed,
            declaration=si,
            succeeded=True,
            receipt_number="HZ001",
            proof_file=SimpleUploadedFile("凭证.pdf", b"not a pdf"),
        )
    si = declarations.record_result(
        actor=closed,
        declaration=si,
        succeeded=True,
        receipt_number="HZ202611001",
        proof_file=SimpleUploadedFile("凭证.pdf", PDF),
    )
    assert si.status == Declaration.Status.SUCCEEDED
    assert Notification.objects.filter(recipient=cast.hr_a, title__contains="申报成功").exists()
    hr = as_user(cast.hr_a)
    page = hr.get(f"/insurance/declarations/{si.pk}/").content.decode()
    assert "申报成功" in page and "HZ202611001" in page
    download = hr.get(f"/insurance/declarations/{si.pk}/file/proof_file/")
    assert download.status_code == 200 and download.content == PDF
    assert as_user(cast.hr_b).get(f"/insurance/declarations/{si.pk}/").status_code == 404
    assert hr.get(f"/insurance/declarations/{si.pk}/export/").status_code == 403


def test_it_opens_an_exception_when_a_declaration_fails(cast, closed):
    si = declarations.prepare_declarations(actor=closed, client=cast.client_a, month=NOV)[0]
    declarations.mark_declared(actor=closed, declaration=si)
    declarations.record_result(
        actor=closed, declaration=si, succeeded=False, failure_reason="单位账户余额不足"
    )
    incident = Incident.objects.get()
    assert incident.kind == "declaration" and "单位账户余额不足" in incident.description


def test_it_works_through_the_api(cast, closed, as_user):
    import json

    staff = as_user(closed)
    response = staff.post(
        "/api/declarations/prepare",
        json.dumps({"client_id": cast.client_a.pk, "month": "2026-11"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    hf = next(d for d in response.json() if d["kind"] == "hf")
    assert hf["amount"] == "3682.00"
    staff.post(f"/api/declarations/{hf['id']}/declared")
    response = staff.post(
        f"/api/declarations/{hf['id']}/result",
        {
            "succeeded": "true",
            "receipt_number": "GJJ-1",
            "proof_file": SimpleUploadedFile("p.pdf", PDF),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "succeeded" and response.json()["has_proof_file"]
    assert as_user(cast.hr_b).get(f"/api/declarations/{hf['id']}").status_code == 404
    listed = as_user(cast.hr_a).get("/api/declarations/?month=2026-11").json()
    assert {d["kind"] for d in listed["items"]} == {"si", "hf"}
