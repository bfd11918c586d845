"""The business licence copy on the client record (R-CRM-1): checked upload, private storage,
scoped and logged download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hragency.clients.models import Client
from hragency.core.models import AuditLog
from tests.conftest import Cast, login_client
from tests.test_clients_support import Staff, make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(cast: Cast) -> Staff:
    return make_staff(cast)


def _upload(http: Any, client: Client, name: str, content: bytes) -> Any:
    return http.post(
        f"/clients/{client.pk}/licence/",
        {"licence_file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.django_db
def test_it_stores_the_licence_privately_and_logs_each_download(
    cast: Cast, staff: Staff, private_media: Path
) -> None:
    http = login_client(staff.sales)
    response = _upload(http, cast.client_a, "营业执照.pdf", PDF)
    assert response.status_code == 302
    client = Client.objects.get(pk=cast.client_a.pk)
    assert client.licence_name == "营业执照.pdf" and client.licence_uploaded_at is not None
    assert (private_media / client.licence_file.name).read_bytes() == PDF
    assert "营业执照.pdf" in http.get(f"/clients/{client.pk}/").content.decode()

    # The client's HR user may read their own licence; the download is logged.
    response = login_client(cast.hr_a).get(f"/clients/{client.pk}/licence/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert AuditLog.objects.filter(
        action="clients.licence_download", client=client, actor=cast.hr_a
    ).exists()
    # Outsiders get 404, and nothing is served from MEDIA_ROOT directly.
    assert login_client(cast.hr_b).get(f"/clients/{client.pk}/licence/").status_code == 404
    assert login_client(cast.rep_b).get(f"/clients/{client.pk}/licence/").status_code == 404
    assert login_client(cast.admin).get(f"/media/{client.licence_file.name}").status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_what_it_claims_and_keeps_the_old_one(
    cast: Cast, staff: Staff, private_media: Path
) -> None:
    http = login_client(staff.sales)
    _upload(http, cast.client_a, "licence.pdf", PDF)
    before = Client.objects.get(pk=cast.client_a.pk).licence_file.name
    response = _upload(http, cast.client_a, "licence.pdf", b"MZ\x90\x00 not a pdf")
    assert response.status_code == 400
    assert "文件内容与扩展名 .pdf 不符" in response.content.decode()
    response = _upload(http, cast.client_a, "licence.docx", b"PK\x03\x04")
    assert response.status_code == 400 and "文件类型不支持" in response.content.decode()
    assert Client.objects.get(pk=cast.client_a.pk).licence_file.name == before
    assert sorted(p.name for p in (private_media / "private" / "clients").iterdir()) == [
        Path(before).name
    ]


@pytest.mark.django_db
def test_it_lets_only_staff_who_may_edit_clients_upload(
    cast: Cast, staff: Staff, private_media: Path
) -> None:
    assert _upload(login_client(cast.hr_a), cast.client_a, "l.pdf", PDF).status_code == 403
    assert not Client.objects.get(pk=cast.client_a.pk).licence_file
    assert login_client(cast.hr_a).get(f"/clients/{cast.client_a.pk}/licence/").status_code == 404


@pytest.mark.django_db
def test_it_takes_the_licence_through_the_api(
    cast: Cast, staff: Staff, private_media: Path
) -> None:
    http = login_client(staff.sales)
    url = f"/api/clients/{cast.client_a.pk}/licence"
    response = http.post(url, {"file": SimpleUploadedFile("执照.png", b"\x89PNG\r\n\x1a\n....")})
    assert response.status_code == 201 and response.json()["name"] == "执照.png"
    response = http.post(url, {"file": SimpleUploadedFile("执照.png", b"GIF89a....")})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "licence_file"
    assert login_client(cast.rep_b).post(url, {}).status_code == 404
