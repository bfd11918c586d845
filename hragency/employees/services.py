"""Every write to the insured-person archive, and the logged reveal of personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.domain.idcard import InvalidIdNumber, parse_id_number
from hragency.employees.models import InsuredPerson


@transaction.atomic
def create_person(
    *,
    client_id: int,
    name: str,
    id_number: str,
    phone: str = "",
    bank_account: str = "",
    insured_city: str = "",
    actor: Any = None,
    today: dt.date | None = None,
) -> InsuredPerson:
    try:
        info = parse_id_number(id_number, today=today)
    except InvalidIdNumber as exc:
        raise ServiceError(f"身份证号无效：{exc}") from exc
    if not name.strip():
        raise ServiceError("姓名不能为空")
    person = InsuredPerson.objects.create(
        client_id=client_id,
        name=name.strip(),
        id_number=info.number,
        gender=info.gender,
        birth_date=info.birth_date,
        phone=phone.strip(),
        bank_account="".join(bank_account.split()),
        insured_city=insured_city.strip(),
    )
    audit.record(
        actor=actor, action="employees.create", instance=person, after=audit.snapshot(person)
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
