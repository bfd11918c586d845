"""/api/visits/rule-sets: the CS director reads and changes the return-visit rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import PASSWORD, Cast


def _director(cast: Cast) -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    return create_user(
        username="director", password=PASSWORD, roles=[Role.CS_DIRECTOR], display_name="周总监"
    )


def _post(http: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return http.post(path, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.django_db
def test_it_lets_the_director_change_and_activate_rules(cast: Cast, as_user: Any) -> None:
    http = as_user(_director(cast))
    sets = {s["basis"]: s for s in http.get("/api/visits/rule-sets").json()}
    size = sets["size"]
    assert size["active"] and not sets["relationship"]["active"]
    assert {r["condition"]: r["interval_months"] for r in size["rules"]} == {
        "small": 6,
        "medium": 3,
        "large": 2,
    }

    response = _post(http, f"/api/visits/rule-sets/{size['id']}", {"values": {"small": 4}})
    assert response.status_code == 200
    months = {r["condition"]: r["interval_months"] for r in response.json()["rules"]}
    assert months == {"small": 4, "medium": 3, "large": 2}  # the others are kept

    response = _post(http, f"/api/visits/rule-sets/{size['id']}", {"values": {"large": 30}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["reason"] == "应为 1–24 个月"

    relationship = sets["relationship"]["id"]
    response = _post(http, f"/api/visits/rule-sets/{relationship}/activate")
    assert response.status_code == 200 and response.json()["active"]
    active = [s["basis"] for s in http.get("/api/visits/rule-sets").json() if s["active"]]
    assert active == ["relationship"]


@pytest.mark.django_db
def test_it_refuses_the_rules_to_reps_and_client_hr(cast: Cast, as_user: Any) -> None:
    for user in (cast.rep_a, cast.hr_a):
        http = as_user(user)
        assert http.get("/api/visits/rule-sets").status_code == 403
        assert _post(http, "/api/visits/plan").status_code == 403
