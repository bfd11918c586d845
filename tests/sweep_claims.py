"""Client A's claim (of person A2) with one document, for the scoping sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast

PDF = b"%PDF-1.4\n%%EOF\n"


def _claim(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_claim", None)
    if cached is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from hragency.claims.services import add_document, report_claim

        cached = report_claim(
            actor=cast.admin,
            person=cast.person_a2,
            kind="work_injury",
            incident_date=dt.date.today() - dt.timedelta(days=3),
            description="sweep",
        )
        cast._sweep_claim = cached  # type: ignore[attr-defined]
        cast._sweep_claim_document = add_document(  # type: ignore[attr-defined]
            actor=cast.admin,
            claim=cached,
            step="report",
            kind="diagnosis",
            file=SimpleUploadedFile("diagnosis.pdf", PDF, content_type="application/pdf"),
        )
    return cached


def _document(cast: Cast) -> Any:
    _claim(cast)
    return cast._sweep_claim_document  # type: ignore[attr-defined]


PARAMS = {
    "claim_id": lambda cast: str(_claim(cast).pk),
    "claim_document_id": lambda cast: str(_document(cast).pk),
    "claim_step": lambda cast: "report",
}
