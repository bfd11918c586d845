"""The scoping sweep over recruitment's and training's own URLs and API operations only: the
same checks as tests/test_sweep.py (no leak, no 5xx, no outsider write), runnable while other
apps are half-built."""

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

PREFIXES = ("recruitment/", "api/recruitment/", "training/", "api/training/")


@pytest.mark.django_db
def test_it_sweeps_recruitment_and_training_for_every_member(cast: Cast) -> None:
    routes = [r for r in all_routes() if r.startswith(PREFIXES)]
    assert len(routes) > 40
    failures: list[str] = []
    seen: dict[str, int] = {name: 0 for name in FORBIDDEN}
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
                for canary in FORBIDDEN[name]:
                    if canary in body:
                        failures.append(f"leak of {canary}: {where}")
                if name in OUTSIDERS and _writes_on_client_a(cast) != before:
                    failures.append(f"write by outsider: {where}")
                if CANARY_CLIENT_A in body:
                    seen[name] += 1
    assert not failures, "\n".join(failures)
    for entitled in ("rep_a", "hr_a", "admin"):
        assert seen[entitled] > 0, entitled
