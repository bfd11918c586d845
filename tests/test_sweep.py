"""The scoping sweep: every URL and every API operation, requested by every member of the cast.

Nothing here lists endpoints by hand. URLs come from the resolver, API operations from the
OpenAPI schema, admin pages from the admin registry; a new endpoint is swept the day it is
added. A URL keyword argument must be registered in PARAMS (how to point it at client A's
data); an unregistered one fails the sweep with a message saying so.

Leaks are detected by canaries: client A, its people and client B carry unique strings in their
names; a user who may not see a record must never find its canary in any response body, and
must not be able to cause a write (audit rows other than login bookkeeping).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver

from hragency.api import api
from hragency.core.models import AuditLog
from tests.conftest import (
    CANARY_CLIENT_A,
    CANARY_CLIENT_B,
    CANARY_PERSON_A,
    CANARY_PERSON_A2,
    CANARY_PERSON_B,
    Cast,
    login_client,
)

# How to fill each URL keyword argument. Targets client A's data, and for people the person
# (A2) whom the employee of A may not see.
PARAMS: dict[str, Callable[[Cast], str]] = {
    "client_id": lambda c: str(c.client_a.pk),
    "person_id": lambda c: str(c.person_a2.pk),
    "field": lambda c: "id_number",
    **__import__("tests.sweep_clients", fromlist=["PARAMS"]).PARAMS,  # clients: client A's rows
    "batch_id": lambda c: __import__("tests.sweep_imports").sweep_imports.batch_id(c),
    "kind": lambda c: "employees",
    "document_id": lambda c: __import__("tests.sweep_employees", fromlist=["*"]).document_id(c),
    "step_id": lambda c: __import__("tests.sweep_employees", fromlist=["*"]).step_id(c),
}
# Later apps keep their URL parameters in tests/sweep_<app>.py as a PARAMS dict of the same form;
# every such file is picked up, so a new app's parameters need no edit here.
for _path in sorted(Path(__file__).parent.glob("sweep_*.py")):
    _params = getattr(importlib.import_module(f"tests.{_path.stem}"), "PARAMS", None)
    if _params is not None:
        PARAMS.update(_params)

# What each member must never see, by canary.
FORBIDDEN: dict[str, list[str]] = {
    "rep_a": [CANARY_CLIENT_B, CANARY_PERSON_B],
    "rep_b": [CANARY_CLIENT_A, CANARY_PERSON_A, CANARY_PERSON_A2],
    "hr_a": [CANARY_CLIENT_B, CANARY_PERSON_B],
    "hr_b": [CANARY_CLIENT_A, CANARY_PERSON_A, CANARY_PERSON_A2],
    "employee_a": [CANARY_PERSON_A2, CANARY_CLIENT_B, CANARY_PERSON_B],
    "anonymous": [
        CANARY_CLIENT_A,
        CANARY_CLIENT_B,
        CANARY_PERSON_A,
        CANARY_PERSON_A2,
        CANARY_PERSON_B,
    ],
    "admin": [],
}
# Members who may not act on client A's person A2 at all: they must cause no write there.
OUTSIDERS = {"rep_b", "hr_b", "employee_a", "anonymous"}

_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # admin is swept through its registry below
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def all_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def fill(route: str, cast: Cast) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in PARAMS:
            pytest.fail(
                f"URL {route!r} has parameter {name!r} that the sweep does not know: add it to "
                "PARAMS in tests/test_sweep.py, pointing at client A's data"
            )
        return PARAMS[name](cast)

    path = _PARAM.sub(value, route)
    path = _REGEX_GROUP.sub(value, path).lstrip("^").rstrip("$")
    return "/" + path


def api_methods(path: str) -> list[str]:
    """HTTP methods the OpenAPI schema declares for an /api/ path (GET for the docs pages)."""
    schema = api.get_openapi_schema()
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{\w+\}", r"[^/]+", template) + "/?$"
        if re.match(pattern, path):
            return sorted(m.upper() for m in operations)
    return ["GET"]


def _writes_on_client_a(cast: Cast) -> int:
    """Audited writes (and reveals) touching client A or its people."""
    return AuditLog.objects.filter(
        Q(client=cast.client_a)
        | Q(object_type="employees.insuredperson", object_id__in=[str(cast.person_a2.pk)])
    ).count()


def _request(http: Any, method: str, path: str) -> Any:
    call = getattr(http, method.lower())
    if method == "GET":
        return call(path)
    return call(path, data="{}", content_type="application/json")


@pytest.mark.django_db
def test_it_sweeps_every_endpoint_for_every_member(cast: Cast) -> None:
    routes = all_routes()
    assert any(r.startswith("api/") for r in routes), "the API must be part of the sweep"
    seen_by: dict[str, int] = {name: 0 for name in FORBIDDEN}
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
    # The sweep is not vacuous: those entitled to client A do see its data somewhere.
    for entitled in ("rep_a", "hr_a", "admin"):
        assert seen_by[entitled] > 0, f"{entitled} never saw client A's data: sweep is broken"


@pytest.mark.django_db
def test_it_sweeps_every_admin_page(cast: Cast) -> None:
    failures: list[str] = []
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        obj = model.objects.order_by("pk").first()
        paths = [base, base + "add/"] + ([f"{base}{obj.pk}/change/"] if obj else [])
        for name, user in cast.members().items():
            http = login_client(user)
            for path in paths:
                response = http.get(path)
                if name == "admin":
                    if response.status_code >= 500:
                        failures.append(f"server error: GET {path} as admin")
                elif response.status_code != 302 or "/admin/login/" not in response["Location"]:
                    failures.append(
                        f"admin page open to {name}: GET {path} → {response.status_code}"
                    )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_it_fails_on_an_unregistered_url_parameter(cast: Cast) -> None:
    with pytest.raises(pytest.fail.Exception, match="add it to PARAMS"):
        fill("things/<int:thing_id>/", cast)


@pytest.mark.django_db
def test_it_lets_each_member_see_exactly_their_people(cast: Cast) -> None:
    expected = {
        "rep_a": {cast.person_a.pk, cast.person_a2.pk},
        "rep_b": {cast.person_b.pk},
        "hr_a": {cast.person_a.pk, cast.person_a2.pk},
        "hr_b": {cast.person_b.pk},
        "employee_a": {cast.person_a.pk},
        "admin": {cast.person_a.pk, cast.person_a2.pk, cast.person_b.pk},
    }
    for name, ids in expected.items():
        response = login_client(cast.members()[name]).get("/api/people/")
        assert response.status_code == 200, name
        assert {row["id"] for row in response.json()["items"]} == ids, name
    assert login_client(None).get("/api/people/").status_code == 401
