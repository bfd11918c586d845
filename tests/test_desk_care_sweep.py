"""The scoping sweep restricted to the care screens and API (the lead's full sweep covers them
too once ``tests/sweep_desk_care.py`` is picked up): no 5xx, no canary leak, no write by an
outsider, and the entitled members do see client A's rows."""

from __future__ import annotations

import re

import pytest

import tests.test_sweep as sweep
from tests.conftest import CANARY_CLIENT_A, login_client

PREFIXES = ("desk/care/", "api/desk/care/", "api/desk/complaints", "api/desk/quality")


def api_methods(path: str) -> list[str]:
    """The methods of the care router's operation matching ``path`` (read from the router, so
    this sweep does not depend on the other desk routers' OpenAPI schema)."""
    from hragency.servicedesk.api_care import router

    for template, view in router.path_operations.items():
        pattern = "^/api/desk" + re.sub(r"\{\w+\}", r"[^/]+", template) + "/?$"
        if re.match(pattern, path):
            return sorted({m for op in view.operations for m in op.methods})
    return ["GET"]


@pytest.mark.django_db
def test_it_sweeps_the_care_endpoints_for_every_member(cast):
    routes = [r for r in sweep.all_routes() if r.startswith(PREFIXES)]
    assert len(routes) >= 20
    failures: list[str] = []
    seen: set[str] = set()
    for route in routes:
        path = sweep.fill(route, cast)
        methods = api_methods(path) if path.startswith("/api/") else ["GET", "POST"]
        for name, user in cast.members().items():
            http = login_client(user)
            for method in methods:
                before = sweep._writes_on_client_a(cast)
                response = sweep._request(http, method, path)
                body = response.content.decode("utf-8", "replace")
                where = f"{method} {path} as {name} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                for canary in sweep.FORBIDDEN[name]:
                    if canary in body:
                        failures.append(f"leak of {canary}: {where}")
                if name in sweep.OUTSIDERS and sweep._writes_on_client_a(cast) != before:
                    failures.append(f"write by outsider: {where}")
                if CANARY_CLIENT_A in body:
                    seen.add(name)
    assert not failures, "\n".join(failures)
    assert {"rep_a", "admin"} <= seen
    assert not seen & {"hr_a", "hr_b", "rep_b", "employee_a", "anonymous"}
