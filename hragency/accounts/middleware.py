from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

OTP_SESSION_KEY = "otp_verified"


class AdminSecondFactorMiddleware:
    """Administrators must have passed a TOTP check in this session before anything else.

    One without a confirmed TOTP device is sent to set it up; one who has a device but reached
    a session some other way is logged out and sent back through the login with the code.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_administrator  # type: ignore[union-attr]
            and not request.session.get(OTP_SESSION_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "管理员须先完成动态口令验证"}, status=403)
            if user.has_totp:  # type: ignore[union-attr]
                logout(request)
                return redirect(reverse("accounts:login"))
            return redirect(reverse("accounts:totp_setup"))
        return self.get_response(request)
