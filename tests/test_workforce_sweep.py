"""The scoping sweep over the workforce app alone (its URLs, /api/workforce and
/api/calc/erlang), run with the same rules as tests/test_sweep.py, plus: nobody but the
hotline managers reaches the managers' pages and API."""

from __future__ import annotations

import pytest

from tests.conftest import Cast, login_client
from tests.test_sweep import (
    FORBIDDEN,
    OUTSIDERS,
    _request,
    _writes_on_client_a,
    all_routes,
    api_methods,
    fill,
)

MANAGER_ONLY = (
    "workforce/volumes/",
    "workforce/staffing/",
    "workforce/plans/",
    "workforce/warnings/",
)


@pytest.mark.django_db
def test_it_sweeps_the_workforce_endpoints_for_every_member(cast: Cast) -> None:
    routes = [
        r
        for r in all_routes()
        if r.startswith("workforce/") or r.startswith("api/workforce") or "erlang" in r
    ]
    assert len(routes) > 20
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
                if (
                    name != "admin"
                    and method == "GET"
                    and route.startswith(MANAGER_ONLY)
                    and response.status_code == 200
                ):
                    failures.append(f"manager page open: {where}")
    assert not failures, "\n".join(failures)
