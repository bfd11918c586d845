"""An incident of client A for the scoping sweep's ``incident_id``."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _incident(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_incident", None)
    if cached is None:
        from hragency.insurance.incidents import report_incident

        cached = report_incident(
            actor=cast.admin,
            client=cast.client_a,
            person=cast.person_a2,
            kind="payment_failure",
            description="银行扣款失败",
        )
        cast._sweep_incident = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {"incident_id": lambda cast: str(_incident(cast).pk)}
