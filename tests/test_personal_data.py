from __future__ import annotations

import pytest
from django.db import connection

from hragency.core.crypto import blind_index, decrypt, encrypt
from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog
from hragency.employees.models import InsuredPerson
from hragency.employees.services import create_person
from tests.conftest import Cast, login_client


def test_it_round_trips_and_randomises_ciphertext() -> None:
    a, b = encrypt("110105194912310021"), encrypt("110105194912310021")
    assert a != b and a.startswith("v1:")
    assert decrypt(a) == decrypt(b) == "110105194912310021"


def test_it_rejects_tampered_ciphertext() -> None:
    token = encrypt("6222021234567890123")
    raw = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag or a base64 error
        decrypt(raw)


def test_it_normalises_the_blind_index() -> None:
    assert blind_index("11010519491231002x") == blind_index(" 11010519491231002X ")
    assert blind_index("11010519491231002X") != blind_index("110105194912310021")


@pytest.mark.django_db
def test_it_stores_no_personal_data_in_the_clear(cast: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, bank_account, id_number_index FROM employees_insuredperson "
            "WHERE id = %s",
            [cast.person_a.pk],
        )
        id_number, phone, account, index = cursor.fetchone()
    assert cast.person_a.id_number not in id_number and id_number.startswith("v1:")
    assert "13812345678" not in phone
    assert "6222021234567890123" not in account
    assert index == blind_index(cast.person_a.id_number)
    # Nor in the audit log of its creation.
    for row in AuditLog.objects.values_list("changes", flat=True):
        assert cast.person_a.id_number not in str(row)


@pytest.mark.django_db
def test_it_finds_a_person_by_id_number_through_the_blind_index(cast: Cast) -> None:
    found = InsuredPerson.objects.get(id_number_index=blind_index(cast.person_b.id_number.lower()))
    assert found == cast.person_b


@pytest.mark.django_db
def test_it_masks_by_default_and_logs_each_reveal(cast: Cast) -> None:
    http = login_client(cast.hr_a)
    page = http.get(f"/people/{cast.person_a2.pk}/").content.decode()
    assert cast.person_a2.id_number not in page
    assert cast.person_a2.id_number_masked in page
    response = http.post(f"/people/{cast.person_a2.pk}/reveal/id_number/")
    assert cast.person_a2.id_number in response.content.decode()
    log = AuditLog.objects.get(action="reveal.id_number")
    assert log.actor == cast.hr_a and log.object_id == str(cast.person_a2.pk)
    assert log.client == cast.client_a


@pytest.mark.django_db
def test_it_refuses_reveal_without_permission_and_logs_nothing(cast: Cast) -> None:
    # A rep may see the person but holds no reveal permission.
    response = login_client(cast.rep_a).post(f"/api/people/{cast.person_a2.pk}/reveal/id_number")
    assert response.status_code == 403
    assert response.json()["detail"] == "无权查看完整信息"
    assert not AuditLog.objects.filter(action__startswith="reveal.").exists()


@pytest.mark.django_db
def test_it_rejects_an_unknown_reveal_field_with_a_clear_message(cast: Cast) -> None:
    response = login_client(cast.admin).post(f"/api/people/{cast.person_a.pk}/reveal/name")
    assert response.status_code == 400
    assert "该字段不可查看" in response.json()["detail"]


@pytest.mark.django_db
def test_it_rejects_an_invalid_id_number_and_writes_nothing(cast: Cast) -> None:
    before = InsuredPerson.objects.count()
    with pytest.raises(ServiceError, match="「身份证号」：校验位错误"):
        create_person(client_id=cast.client_a.pk, name="错号", id_number="110105194912310022")
    assert InsuredPerson.objects.count() == before


@pytest.mark.django_db
def test_it_escapes_a_revealed_value(cast: Cast) -> None:
    person = cast.person_a2
    person.phone = '<script>alert("x")</script>'
    person.save()
    response = login_client(cast.hr_a).post(f"/people/{person.pk}/reveal/phone/")
    body = response.content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
