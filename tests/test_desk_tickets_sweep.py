"""The scoping sweep restricted to the ticket screens and API (the full sweep in test_sweep.py
covers everything; this one runs while other apps' endpoints are still being built)."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_CLIENT_A, Cast, login_client
from tests.test_sweep import (
    FORBIDDEN,
    OUTSIDERS,
    _request,
    _writes_on_client_a,
    all_routes,
    api_methods,
    fill,
)


def _mine(route: str) -> bool:
    if route.startswith("desk/") and not route.startswith("desk/care/"):
        return True
    return route.startswith("api/") and ("desk/tickets" in route or "desk/sla" in route)


@pytest.mark.django_db
def test_it_sweeps_the_ticket_endpoints(cast: Cast) -> None:
    from hragency.servicedesk.intake import open_ticket

    open_ticket(
        actor=cast.rep_b, channel="phone", client=cast.client_b, subject="B", description="b"
    )
    routes = [r for r in all_routes() if _mine(r)]
    assert any(r.startswith("api/") for r in routes) and len(routes) > 20
    failures: list[str] = []
    seen: dict[str, int] = {"rep_a": 0, "hr_a": 0}
    for route in routes:
        path = fill(route, cast)
        methods = api_methods(path) if path.startswith("/api/") else ["GET", "POST"]
        for name, user in cast.members().items():
            http = login_client(user)
            for method in methods:
                before = _writes_on_client_a(cast)
                response = _request(http, method, path)
                body = response.content.decode("utf-8", "replace")
                where = f"{method} {path} as {name} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                failures.extend(f"leak of {c}: {where}" for c in FORBIDDEN[name] if c in body)
                if name in OUTSIDERS and _writes_on_client_a(cast) != before:
                    failures.append(f"write by outsider: {where}")
                if name.startswith("hr") and "NOTECANARY" in body:
                    failures.append(f"internal note shown to client: {where}")
                if name in seen and (CANARY_CLIENT_A in body or "社保增员咨询" in body):
                    seen[name] += 1
    assert not failures, "\n".join(failures)
    assert all(seen.values()), seen
