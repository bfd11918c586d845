"""Rep A's saved query (client A's people) for the scoping sweep."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _saved(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_saved_query", None)
    if cached is None:
        from hragency.analytics.services import save_query

        cached = save_query(
            actor=cast.rep_a,
            name="甲方花名册",
            spec={
                "dataset": "people",
                "columns": ["client", "name", "id_number"],
                "filters": {"client": cast.client_a.pk},
            },
        )
        cast._sweep_saved_query = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {"saved_query_id": lambda cast: str(_saved(cast).pk)}
