"""Objects of person A2 (client A) for the scoping sweep's URL parameters document_id and
step_id, created once per cast and cached on it."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from tests.conftest import Cast

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_employees", None)
    if cached is not None:
        return cached
    from hragency.employees import services

    person = cast.person_a2
    document = services.add_document(
        person=person,
        kind="contract",
        file=ContentFile(TINY_PDF, name="合同.pdf"),
        actor=cast.admin,
    )
    # A2 is active: an offboarding checklist gives steps to sweep.
    process = services.start_offboarding(
        person=person, actor=cast.admin, leave_date="2030-01-31", reason="合同到期"
    )
    cached = {"document": document, "step": process.steps.order_by("position").first()}
    cast._sweep_employees = cached  # type: ignore[attr-defined]
    return cached


def document_id(cast: Cast) -> str:
    return str(_objects(cast)["document"].pk)


def step_id(cast: Cast) -> str:
    return str(_objects(cast)["step"].pk)
