from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hragency.accounts import services
from hragency.accounts.forms import LoginForm, TotpForm
from hragency.accounts.middleware import OTP_SESSION_KEY
from hragency.accounts.models import User
from hragency.core.errors import ServiceError
from hragency.core.middleware import client_ip

PENDING_KEY = "pending_otp_user"


def _throttled_message() -> str:
    minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
    return f"登录失败次数过多，请稍后再试（{minutes}分钟内最多{settings.LOGIN_FAILURE_LIMIT}次）。"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    throttled = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        throttled = services.login_throttled(username=username, ip=ip)
        if throttled:
            error = _throttled_message()
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                services.record_login_failure(username=username, ip=ip)
                error = "用户名或密码不正确。"
            elif user.has_totp:
                request.session[PENDING_KEY] = user.pk
                request.session["pending_next"] = _next_url(request)
                return redirect("accounts:login_otp")
            else:
                login(request, user)
                services.record_login_success(user=user)
                if user.is_administrator:
                    return redirect("accounts:totp_setup")
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=429 if throttled else 200,
    )


def login_otp_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_KEY)
    if not user_id:
        return redirect("accounts:login")
    user = User.objects.get(pk=user_id)
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if services.login_throttled(username=user.username, ip=ip):
            error = _throttled_message()
        elif services.verify_totp(user=user, code=form.cleaned_data["code"]):
            target = request.session.pop("pending_next", "/")
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[OTP_SESSION_KEY] = True
            services.record_login_success(user=user)
            return redirect(target)
        else:
            services.record_login_failure(username=user.username, ip=ip)
            error = "动态口令不正确。"
    return render(request, "accounts/login_otp.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.has_totp:
        return render(request, "accounts/totp_setup.html", {"enabled": True})
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp(user=user, code=form.cleaned_data["code"])
        except ServiceError as exc:
            error = str(exc)
        else:
            request.session[OTP_SESSION_KEY] = True
            return redirect("core:todo")
    # The pending secret is kept until confirmed, so reloading the page writes nothing.
    if not user.totp_secret:
        services.begin_totp_setup(user=user)
    uri = services.totp_uri(user)
    qr_svg = segno.make(uri, micro=False).svg_inline(scale=4)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "error": error,
            "qr_svg": qr_svg,
            "secret": user.totp_secret,
            "enabled": False,
        },
    )
