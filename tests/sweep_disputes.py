"""A dispute case of client A (about person A2) with a hearing and an evidence file, for the
scoping sweep's URL parameters; created once per cast and cached on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.conftest import Cast

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_disputes", None)
    if cached is not None:
        return cached
    from hragency.disputes import documents, hearings, services

    case = services.open_case(
        actor=cast.admin,
        client=cast.client_a,
        person=cast.person_a2,
        category="dismissal",
        title="解除劳动合同争议",
        description="员工主张违法解除",
        demands="赔偿金 20000",
        known_on=timezone.localdate() - dt.timedelta(days=30),
        owner=cast.admin,
    )
    hearing = hearings.add_hearing(
        actor=cast.admin,
        case=case,
        kind="mediation",
        at=timezone.now() + dt.timedelta(days=10),
        place="区劳动人事争议仲裁院",
    )
    document = documents.add_document(
        actor=cast.admin,
        case=case,
        kind="evidence",
        file=ContentFile(TINY_PDF, name="证据.pdf"),
    )
    cached = {"case": case, "hearing": hearing, "document": document}
    cast._sweep_disputes = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "dispute_id": lambda cast: str(_objects(cast)["case"].pk),
    "dispute_hearing_id": lambda cast: str(_objects(cast)["hearing"].pk),
    "dispute_document_id": lambda cast: str(_objects(cast)["document"].pk),
}
