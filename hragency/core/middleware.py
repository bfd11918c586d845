from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from hragency.core.audit import current_ip


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the deployment must set REMOTE_ADDR to the real caller.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the caller's address available to the audit log for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
