"""The scoping sweep of tests/test_sweep.py over the reports app's own URLs and API
operations only (the whole sweep takes minutes): no canary leak, no 5xx, no outsider write."""

from __future__ import annotations

import pytest

from tests import test_sweep as sweep
from tests.conftest import CANARY_CLIENT_A, Cast, login_client


@pytest.mark.django_db
def test_it_sweeps_the_reports_endpoints_for_every_member(cast: Cast) -> None:
    routes = [r for r in sweep.all_routes() if r.startswith(("reports/", "api/reports/"))]
    assert len(routes) >= 20
    failures: list[str] = []
    seen_by: dict[str, int] = {name: 0 for name in sweep.FORBIDDEN}
    for route in routes:
        path = sweep.fill(route, cast)
        methods = sweep.api_methods(path) if path.startswith("/api/") else ["GET", "POST"]
        for name, user in cast.members().items():
            http = login_client(user)
            for method in methods:
                before = sweep._writes_on_client_a(cast)
                response = sweep._request(http, method, path)
                body = response.content.decode("utf-8", "replace")
                where = f"{method} {path} as {name} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"server error: {where}")
                failures.extend(
                    f"leak of {canary}: {where}"
                    for canary in sweep.FORBIDDEN[name]
                    if canary in body
                )
                if name in sweep.OUTSIDERS and sweep._writes_on_client_a(cast) != before:
                    failures.append(f"write by outsider: {where}")
                if CANARY_CLIENT_A in body:
                    seen_by[name] += 1
    assert not failures, "\n".join(failures)
    # Rep A and the admin see client A's report. (Client A's HR stops seeing it once the
    # admin's swept POST to /api/…/withdraw has taken it back: sweep order, not a leak.)
    assert seen_by["rep_a"] > 0 and seen_by["admin"] > 0, seen_by
    assert seen_by["hr_b"] == 0 and seen_by["rep_b"] == 0
