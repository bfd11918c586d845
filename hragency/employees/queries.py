"""Every user-facing read of the archive, for an acting user, through ``scope_queryset``."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.crypto import blind_index
from hragency.core.models import AuditLog
from hragency.core.scoping import scope_queryset
from hragency.employees.models import EmploymentProcess, InsuredPerson, PersonDocument, ProcessStep

_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


def people_for(user: Any) -> QuerySet[InsuredPerson]:
    return scope_queryset(InsuredPerson.objects.select_related("client"), user)


def person_for(user: Any, person_id: int) -> InsuredPerson:
    return get_object_or_404(people_for(user), pk=person_id)


def search_people(
    user: Any,
    *,
    client_id: int | None = None,
    status: str = "",
    insured_city: str = "",
    q: str = "",
) -> QuerySet[InsuredPerson]:
    """The list filters. ``q`` is a name or employee number, or a full ID number matched
    through the blind index (the ciphertext is never decrypted to search)."""
    qs = people_for(user)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    if insured_city:
        qs = qs.filter(insured_city=insured_city)
    q = q.strip()
    if q:
        compact = "".join(q.split())
        if _ID_NUMBER.match(compact):
            qs = qs.filter(id_number_index=blind_index(compact))
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(employee_number__iexact=q))
    return qs


def city_choices(user: Any) -> list[str]:
    return list(
        people_for(user)
        .exclude(insured_city="")
        .order_by("insured_city")
        .values_list("insured_city", flat=True)
        .distinct()
    )


def may_reveal(user: Any) -> bool:
    """Full ID numbers and accounts: staff holding the permission, the client's HR, the person."""
    return bool(
        user.is_authenticated
        and (
            user.kind in ("client_hr", "employee") or user.has_perm("accounts.reveal_personal_data")
        )
    )


# ---- documents -----------------------------------------------------------------------------


def documents_for(user: Any) -> QuerySet[PersonDocument]:
    return scope_queryset(PersonDocument.objects.select_related("uploaded_by"), user)


def documents_of(user: Any, person: InsuredPerson) -> QuerySet[PersonDocument]:
    return documents_for(user).filter(person=person)


def document_for(user: Any, person_id: int, document_id: int) -> PersonDocument:
    return get_object_or_404(
        documents_for(user).select_related("person__client").filter(person_id=person_id),
        pk=document_id,
    )


def missing_kinds(documents: list[PersonDocument]) -> list[str]:
    """Short labels of the expected kinds not yet on file, e.g. ["劳动合同", "外包告知函"]."""
    present = {d.kind for d in documents}
    return [
        PersonDocument.SHORT_LABELS.get(kind, kind.label)
        for kind in PersonDocument.REQUIRED_KINDS
        if kind not in present
    ]


def latest_photo(documents: list[PersonDocument]) -> PersonDocument | None:
    photos = [d for d in documents if d.kind == PersonDocument.Kind.PHOTO]
    return max(photos, key=lambda d: (d.uploaded_at, d.pk)) if photos else None


# ---- onboarding / offboarding --------------------------------------------------------------


def processes_of(user: Any, person: InsuredPerson) -> list[EmploymentProcess]:
    """The person's checklists, newest first, with their steps (two queries)."""
    steps = ProcessStep.objects.select_related("done_by").order_by("position")
    return list(
        scope_queryset(EmploymentProcess.objects.all(), user)
        .filter(person=person)
        .select_related("started_by", "finished_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
    )


def step_for(user: Any, person_id: int, step_id: int) -> ProcessStep:
    return get_object_or_404(
        scope_queryset(ProcessStep.objects.select_related("process__person"), user).filter(
            process__person_id=person_id
        ),
        pk=step_id,
    )


# ---- history -------------------------------------------------------------------------------


def history_of(user: Any, person_id: int) -> QuerySet[AuditLog]:
    """The audit rows of one person, newest first. The scope check is on the person: whoever
    may see the person may see how the record came to be (the employee included)."""
    person = person_for(user, person_id)
    return AuditLog.objects.filter(
        object_type=InsuredPerson._meta.label_lower, object_id=str(person.pk)
    ).select_related("actor")
