"""Every write to the insured-person archive, and the logged reveal of personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.crypto import blind_index
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.employees.models import InsuredPerson
from hragency.employees.validation import (
    PERSON_FIELDS,
    default_retirement_category,
    validate_person,
)


def _refuse_duplicate(client_id: int, id_number: str, *, exclude: int | None = None) -> None:
    clash = (
        InsuredPerson.objects.filter(client_id=client_id, id_number_index=blind_index(id_number))
        .exclude(pk=exclude)
        .first()
    )
    if clash is not None:
        raise InvalidFields(
            [
                FieldError(
                    "id_number",
                    PERSON_FIELDS["id_number"],
                    f"该客户下已有此身份证号的档案（{clash.name}），请直接编辑该档案",
                )
            ]
        )


@transaction.atomic
def create_person(
    *,
    client_id: int,
    actor: Any = None,
    today: dt.date | None = None,
    **data: object,
) -> InsuredPerson:
    """A new archive record. ``data`` holds field values as typed by a user (see
    ``validation.PERSON_FIELDS``); every error comes back at once in ``InvalidFields``."""
    unknown = set(data) - set(PERSON_FIELDS) - {"status"}
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    client = ensure_serviceable(client_id)
    status = str(data.pop("status", "") or InsuredPerson.Status.ACTIVE)
    if status not in InsuredPerson.Status.values:
        raise ServiceError(f"状态无效：{status}")
    clean, errors = validate_person(data, today=today)
    if errors:
        raise InvalidFields(errors)
    _refuse_duplicate(client.pk, clean["id_number"])
    person = InsuredPerson.objects.create(client=client, status=status, **clean)
    audit.record(
        actor=actor, action="employees.create", instance=person, after=audit.snapshot(person)
    )
    return person


@transaction.atomic
def update_person(
    *,
    person: InsuredPerson,
    data: Mapping[str, object],
    actor: Any,
    today: dt.date | None = None,
) -> InsuredPerson:
    """Change the fields present in ``data``; the audit row is the field history (R-EMP-5)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    person = InsuredPerson.objects.select_for_update().get(pk=person.pk)
    ensure_serviceable(person.client_id)
    clean, errors = validate_person(data, partial=True, today=today)
    if errors:
        raise InvalidFields(errors)
    if clean.get("id_number"):
        _refuse_duplicate(person.client_id, clean["id_number"], exclude=person.pk)
        if "retirement_category" not in clean and clean["gender"] != person.gender:
            clean["retirement_category"] = default_retirement_category(clean["gender"])
    elif "id_number" in clean:
        raise InvalidFields([FieldError("id_number", PERSON_FIELDS["id_number"], "必填")])
    if "name" in clean and not clean["name"]:
        raise InvalidFields([FieldError("name", PERSON_FIELDS["name"], "必填")])
    category = clean.get("retirement_category")
    gender = clean.get("gender", person.gender)
    if category and (gender == "M") != (category == InsuredPerson.RetirementCategory.MALE):
        raise InvalidFields(
            [FieldError("retirement_category", PERSON_FIELDS["retirement_category"], "与性别不符")]
        )
    before = audit.snapshot(person)
    for field, value in clean.items():
        setattr(person, field, value)
    person.save()
    after = audit.snapshot(person)
    if audit.diff(before, after):
        audit.record(
            actor=actor, action="employees.update", instance=person, before=before, after=after
        )
    return person


def reveal(*, person: InsuredPerson, field: str, actor: Any) -> str:
    """The full value of a masked field. Callers check permission first; the reveal is logged."""
    if field not in InsuredPerson.REVEALABLE_FIELDS:
        raise ServiceError(f"该字段不可查看：{field}")
    audit.record(
        actor=actor,
        action=f"reveal.{field}",
        instance=person,
        extra={"field": InsuredPerson.REVEALABLE_FIELDS[field]},
    )
    return str(getattr(person, field))
