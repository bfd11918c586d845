"""The scoping sweep limited to this app's URLs and API operations (the full sweep in
test_sweep.py covers them too; this one runs while other apps are half-built)."""

from __future__ import annotations

import pytest

from tests.conftest import Cast
from tests.test_sweep import (
    CANARY_CLIENT_A,
    CANARY_PERSON_A2,
    FORBIDDEN,
    OUTSIDERS,
    _request,
    _writes_on_client_a,
    all_routes,
    api_methods,
    fill,
    login_client,
)


@pytest.mark.django_db
def test_it_sweeps_the_analytics_endpoints_for_every_member(cast: Cast) -> None:
    from tests.test_analytics import _desk

    _desk(cast)
    routes = [r for r in all_routes() if r.startswith(("analytics/", "api/analytics/"))]
    assert len(routes) >= 15
    failures: list[str] = []
    seen = {name: 0 for name in FORBIDDEN}
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
                failures += [f"leak of {c}: {where}" for c in FORBIDDEN[name] if c in body]
                if name in OUTSIDERS and _writes_on_client_a(cast) != before:
                    failures.append(f"write by outsider: {where}")
                if CANARY_PERSON_A2 in body or CANARY_CLIENT_A in body:
                    seen[name] += 1
    assert not failures, "\n".join(failures)
    assert seen["rep_a"] and seen["hr_a"] and seen["admin"]
