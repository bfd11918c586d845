"""The scoping sweep of tests/test_sweep.py restricted to the disputes and archives routes
(pages and API), so these two apps can be checked while other apps are half-built: no canary
leak, no 5xx, no audited write on client A by an outsider, and the entitled members do see
client A's data."""

from __future__ import annotations

import pytest

from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A2, Cast, login_client
from tests.test_sweep import (
    FORBIDDEN,
    OUTSIDERS,
    _request,
    _writes_on_client_a,
    all_routes,
    api_methods,
    fill,
)

PREFIXES = ("disputes/", "archives/", "api/disputes/", "api/archives/")


@pytest.mark.django_db
def test_it_sweeps_the_disputes_and_archives_endpoints(cast: Cast) -> None:
    routes = [r for r in all_routes() if r.startswith(PREFIXES)]
    assert len(routes) >= 40
    seen_by = {name: 0 for name in FORBIDDEN}
    failures: list[str] = []
    for route in routes:
        path = fill(route, cast)
        methods = api_methods(path) if path.startswith("/api/") else ["GET", "POST"]
        for name, user in cast.members().items():
            http = login_client(user)
            for method in methods:
                writes_before = _writes_on_client_a(cast)
                response = _request(http, method, path)
                body = response.content.decode("utf-8", "replace")
                where = f"{method} {path} as {name} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                for canary in FORBIDDEN[name]:
                    if canary in body:
                        failures.append(f"leak of {canary}: {where}")
                if name in OUTSIDERS and _writes_on_client_a(cast) != writes_before:
                    failures.append(f"write by outsider: {where}")
                if CANARY_PERSON_A2 in body or CANARY_CLIENT_A in body:
                    seen_by[name] += 1
    assert not failures, "\n".join(failures)
    for entitled in ("rep_a", "hr_a", "admin"):
        assert seen_by[entitled] > 0, f"{entitled} never saw client A's data"
