"""The one NinjaAPI; each app contributes a router. OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from hragency.clients.api import router as clients_router
from hragency.core.errors import InvalidFields, ServiceError
from hragency.employees.api import router as employees_router

api = NinjaAPI(
    title="人力资源服务平台 API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/clients", clients_router)
api.add_router("/people", employees_router)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    body: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, InvalidFields):
        body["errors"] = [
            {"field": e.field, "label": e.label, "reason": e.reason} for e in exc.errors
        ]
    return api.create_response(request, body, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在或无权查看"}, status=404)
