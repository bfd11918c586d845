"""A succeeded declaration of client A, with a proof file, for the sweep's ``declaration_id``."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _declaration(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_declaration", None)
    if cached is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from hragency.billing.close import close_month
        from hragency.domain.insurance import Period
        from hragency.insurance import declarations
        from hragency.insurance.models import Enrollment
        from tests.si_support import enroll, make_test_city, set_rates

        make_test_city()
        set_rates(cast.client_a)
        if not Enrollment.objects.filter(person=cast.person_a2).exists():
            enroll(cast.person_a2, "6000.00")
        period = Period(2026, 10)
        close_month(period=period, client_ids=[cast.client_a.pk])
        cached = declarations.prepare_declarations(
            actor=cast.admin, client=cast.client_a, month=period
        )[0]
        declarations.mark_declared(actor=cast.admin, declaration=cached)
        cached = declarations.record_result(
            actor=cast.admin,
            declaration=cached,
            succeeded=True,
            receipt_number="SWEEP001",
            proof_file=SimpleUploadedFile("proof.pdf", PDF),
        )
        cast._sweep_declaration = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "declaration_id": lambda cast: str(_declaration(cast).pk),
    "which": lambda cast: "proof_file",
}
