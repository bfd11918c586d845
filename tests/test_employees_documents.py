"""Archive documents (R-EMP-4) and onboarding/offboarding checklists (R-EMP-5), through the
services, the screens and the API, with the portal users of client A."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog
from hragency.employees import services
from hragency.employees.demo import demo_pdf, demo_png
from hragency.employees.models import EmploymentProcess, InsuredPerson, PersonDocument
from tests.conftest import Cast, login_client

pytestmark = pytest.mark.django_db

PDF = demo_pdf()
PNG = demo_png()
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(http: Any, person: Any, kind: str, name: str, content: bytes) -> Any:
    return http.post(
        f"/people/{person.pk}/documents/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# ---- documents -----------------------------------------------------------------------------


def test_it_uploads_lists_and_downloads_a_contract_through_the_scoped_view(
    cast: Cast, private_media: Path
) -> None:
    http = login_client(cast.hr_a)
    response = upload(http, cast.person_a2, "contract", "劳动合同 2026.pdf", PDF)
    assert response.status_code == 302
    document = PersonDocument.objects.get(person=cast.person_a2)
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    assert document.original_name == "劳动合同 2026.pdf" and document.uploaded_by == cast.hr_a
    [path] = stored_files(private_media)
    assert path.relative_to(private_media).parts[0] == "private"
    assert "劳动合同" not in path.name  # stored under a random name
    page = http.get(f"/people/{cast.person_a2.pk}/").content.decode()
    assert "劳动合同 2026.pdf" in page
    assert "缺：照片、身份证复印件、户口本、学历证书、外包告知函" in page

    response = login_client(cast.rep_a).get(f"/people/{cast.person_a2.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert AuditLog.objects.filter(action="reveal.document", actor=cast.rep_a).exists()
    history = http.get(f"/people/{cast.person_a2.pk}/history/").content.decode()
    assert "上传了劳动合同：劳动合同 2026.pdf" in history and "下载了劳动合同" in history


def test_it_hides_documents_from_outsiders_and_serves_no_public_url(cast: Cast) -> None:
    document = services.add_document(
        person=cast.person_a2,
        kind="id_copy",
        file=ContentFile(PNG, name="id.png"),
        actor=cast.hr_a,
    )
    url = f"/people/{cast.person_a2.pk}/documents/{document.pk}/"
    for outsider in (cast.rep_b, cast.hr_b, cast.employee_a):
        assert login_client(outsider).get(url).status_code == 404
        api = f"/api/people/{cast.person_a2.pk}/documents/{document.pk}"
        assert login_client(outsider).get(api).status_code == 404
    assert login_client(None).get(url).status_code == 302
    # The document addressed under another person of the same client is not found either.
    assert (
        login_client(cast.hr_a)
        .get(f"/people/{cast.person_a.pk}/documents/{document.pk}/")
        .status_code
        == 404
    )
    # MEDIA_ROOT is not served: neither the storage path nor /media/ answers.
    for public in (f"/media/{document.file.name}", f"/{document.file.name}"):
        assert login_client(cast.admin).get(public).status_code == 404
    assert not AuditLog.objects.filter(action="reveal.document").exists()


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason"),
    [
        ("virus.exe", b"MZ\x90\x00", "other", "只接受 JPG、PNG 或 PDF"),
        ("fake.pdf", PNG, "contract", "文件内容与扩展名 .pdf 不符"),
        ("fake.jpg", b"GIF89a....", "photo", "文件内容与扩展名 .jpg 不符"),
        ("scan.pdf", PDF, "photo", "照片只接受 JPG 或 PNG"),
        ("empty.png", b"", "photo", "文件为空"),
    ],
)
def test_it_refuses_wrong_types_by_extension_and_magic_bytes(
    cast: Cast, private_media: Path, name: str, content: bytes, kind: str, reason: str
) -> None:
    response = upload(login_client(cast.hr_a), cast.person_a2, kind, name, content)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not PersonDocument.objects.exists() and not stored_files(private_media)
    assert not AuditLog.objects.filter(action="employees.document_add").exists()


def test_it_refuses_a_file_over_the_size_limit(
    cast: Cast, settings: Any, private_media: Path
) -> None:
    settings.EMPLOYEES_DOCUMENT_MAX_BYTES = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    response = login_client(cast.rep_a).post(
        f"/api/people/{cast.person_a2.pk}/documents",
        {"kind": "contract", "file": SimpleUploadedFile("big.pdf", big)},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (
        error["field"] == "file"
        and "文件过大" in error["reason"]
        and "最大 1 MB" in error["reason"]
    )
    assert not stored_files(private_media)
    # Accepted right at the default 10 MB limit's side: a small JPG through the API.
    response = login_client(cast.rep_a).post(
        f"/api/people/{cast.person_a2.pk}/documents",
        {"kind": "photo", "file": SimpleUploadedFile("me.JPG", JPG)},
    )
    assert response.status_code == 201 and response.json()["content_type"] == "image/jpeg"


def test_it_deletes_a_document_with_an_audit_row_and_removes_the_file(
    cast: Cast, private_media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = services.add_document(
        person=cast.person_a2, kind="hukou", file=ContentFile(PDF, name="户口本.pdf"), actor=None
    )
    assert len(stored_files(private_media)) == 1
    url = f"/api/people/{cast.person_a2.pk}/documents/{document.pk}"
    assert login_client(cast.rep_b).delete(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = login_client(cast.hr_a).delete(url)
    assert response.status_code == 204
    assert not PersonDocument.objects.exists() and not stored_files(private_media)
    log = AuditLog.objects.get(action="employees.document_delete")
    assert log.actor == cast.hr_a and log.client == cast.client_a
    assert log.changes["document"]["name"] == "户口本.pdf"


def test_it_lists_documents_and_missing_kinds_in_the_api(cast: Cast) -> None:
    for kind in ("photo", "id_copy", "hukou", "diploma"):
        services.add_document(
            person=cast.person_a, kind=kind, file=ContentFile(PNG, name=f"{kind}.png"), actor=None
        )
    body = login_client(cast.employee_a).get(f"/api/people/{cast.person_a.pk}/documents").json()
    assert body["missing"] == ["劳动合同", "外包告知函"]
    assert {d["kind"] for d in body["items"]} == {"photo", "id_copy", "hukou", "diploma"}
    page = login_client(cast.hr_a).get(f"/people/{cast.person_a.pk}/").content.decode()
    assert "缺：劳动合同、外包告知函" in page
    photo = PersonDocument.objects.get(kind="photo")
    assert f"/people/{cast.person_a.pk}/documents/{photo.pk}/?inline=1" in page
    inline = login_client(cast.hr_a).get(
        f"/people/{cast.person_a.pk}/documents/{photo.pk}/?inline=1"
    )
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    assert inline["Content-Type"] == "image/png"


def test_it_lets_an_employee_read_their_own_record_and_upload_only_their_photo(
    cast: Cast,
) -> None:
    http = login_client(cast.employee_a)
    page = http.get(f"/people/{cast.person_a.pk}/")
    assert page.status_code == 200 and "编辑档案" not in page.content.decode()
    assert http.get(f"/people/{cast.person_a.pk}/edit/").status_code == 403
    assert upload(http, cast.person_a, "photo", "me.png", PNG).status_code == 302
    assert upload(http, cast.person_a, "contract", "c.pdf", PDF).status_code == 403
    assert upload(http, cast.person_a2, "photo", "me.png", PNG).status_code == 404
    document = PersonDocument.objects.get()
    assert (document.person, document.kind) == (cast.person_a, "photo")
    response = http.post(f"/people/{cast.person_a.pk}/documents/{document.pk}/delete/")
    assert response.status_code == 403


def test_it_refuses_documents_for_a_blacklisted_client(cast: Cast, private_media: Path) -> None:
    cast.client_a.status, cast.client_a.blacklist_reason = "blacklisted", "提供虚假材料"
    cast.client_a.save()
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.add_document(
            person=cast.person_a, kind="photo", file=ContentFile(PNG, name="p.png"), actor=None
        )
    response = upload(login_client(cast.hr_a), cast.person_a, "photo", "p.png", PNG)
    assert response.status_code == 400 and "提供虚假材料" in response.content.decode()
    assert not stored_files(private_media) and not PersonDocument.objects.exists()


# ---- onboarding and offboarding ------------------------------------------------------------


def test_it_walks_a_new_hire_from_onboarding_to_active(cast: Cast) -> None:
    person = services.create_person(
        client_id=cast.client_a.pk,
        actor=cast.hr_a,
        status="onboarding",
        name="孙新",
        id_number="110105199201011237",
    )
    process = EmploymentProcess.objects.get(person=person)
    titles = [s.title for s in process.steps.order_by("position")]
    assert titles[:2] == ["签订劳动合同", "签署外包告知函"] and "社保增员" in titles
    with pytest.raises(ServiceError, match="尚有未完成的步骤：签订劳动合同"):
        services.finish_process(person=person, actor=cast.hr_a)
    steps = list(process.steps.order_by("position"))
    http = login_client(cast.hr_a)
    response = http.post(
        f"/people/{person.pk}/steps/{steps[0].pk}/done/", {"note": "已签三年期合同"}
    )
    assert response.status_code == 302
    for step in steps[1:]:
        services.complete_step(step=step, actor=cast.rep_a, note="")
    with pytest.raises(ServiceError, match="已完成"):
        services.complete_step(step=steps[0], actor=cast.rep_a)
    assert http.post(f"/people/{person.pk}/finish/").status_code == 302
    person.refresh_from_db()
    assert person.status == "active" and person.hire_date is not None
    steps[0].refresh_from_db()
    assert steps[0].done_by == cast.hr_a and steps[0].note == "已签三年期合同"
    history = http.get(f"/people/{person.pk}/history/").content.decode()
    assert "完成步骤「签订劳动合同」" in history and "已签三年期合同" in history
    assert "完成入职办理" in history and "状态：入职办理中 → 在职在保" in history


def test_it_walks_an_offboarding_to_left_and_allows_a_rehire(cast: Cast) -> None:
    person = cast.person_a
    with pytest.raises(InvalidFields) as caught:
        services.start_offboarding(person=person, actor=cast.rep_a, leave_date="", reason="")
    assert set(caught.value.by_field()) == {"leave_date", "leave_reason"}
    person.refresh_from_db()
    assert person.status == "active" and not EmploymentProcess.objects.exists()

    http = login_client(cast.rep_a)
    response = http.post(
        f"/api/people/{person.pk}/offboarding",
        {"leave_date": "2026-12-31", "leave_reason": "个人辞职"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    steps = response.json()["steps"]
    assert [s["title"] for s in steps][-1] == "档案、材料移交"
    person.refresh_from_db()
    assert (person.status, str(person.leave_date), person.leave_reason) == (
        "offboarding",
        "2026-12-31",
        "个人辞职",
    )
    again = http.post(
        f"/api/people/{person.pk}/offboarding",
        {"leave_date": "2026-12-31", "leave_reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "进行中" in again.json()["detail"]
    for step in steps:
        response = http.post(
            f"/api/people/{person.pk}/steps/{step['id']}/done",
            {"note": ""},
            content_type="application/json",
        )
        assert response.status_code == 200 and response.json()["done"]
    response = http.post(f"/api/people/{person.pk}/finish")
    assert response.status_code == 200 and response.json()["status"] == "left"
    assert response.json()["warnings"] == []

    response = http.post(
        f"/api/people/{person.pk}/onboarding",
        {"hire_date": "2027-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    person.refresh_from_db()
    assert person.status == "onboarding" and person.leave_date is None
    assert str(person.hire_date) == "2027-03-01"
    processes = http.get(f"/api/people/{person.pk}/processes").json()
    assert [p["kind"] for p in processes] == ["onboarding", "offboarding"]
    assert processes[1]["finished_at"] is not None


def test_it_refuses_process_moves_from_the_wrong_state_or_role(cast: Cast) -> None:
    person = cast.person_a2
    with pytest.raises(ServiceError, match="无需办理入职"):
        services.start_onboarding(person=person, actor=cast.rep_a)
    with pytest.raises(ServiceError, match="没有进行中的用退工办理"):
        services.finish_process(person=person, actor=cast.rep_a)
    response = login_client(cast.employee_a).post(
        f"/api/people/{cast.person_a.pk}/offboarding",
        {"leave_date": "2026-12-31", "leave_reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = login_client(cast.hr_a).post(
        f"/people/{person.pk}/offboarding/", {"leave_date": "2026-02-30", "leave_reason": "x"}
    )
    assert response.status_code == 400 and "日期不存在" in response.content.decode()
    person.refresh_from_db()
    assert person.status == InsuredPerson.Status.ACTIVE


def test_it_refuses_process_steps_for_a_blacklisted_client(cast: Cast) -> None:
    process = services.start_offboarding(
        person=cast.person_a, actor=cast.rep_a, leave_date="2026-12-31", reason="合同到期"
    )
    step = process.steps.order_by("position").first()
    cast.client_a.status, cast.client_a.blacklist_reason = "blacklisted", "伪造材料"
    cast.client_a.save()
    before = AuditLog.objects.count()
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.complete_step(step=step, actor=cast.rep_a)
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.finish_process(person=cast.person_a, actor=cast.rep_a)
    response = login_client(cast.rep_a).post(
        f"/api/people/{cast.person_a.pk}/steps/{step.pk}/done", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert AuditLog.objects.count() == before
    step.refresh_from_db()
    assert step.done_at is None
