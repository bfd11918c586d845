from django.urls import path

from hragency.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp_view, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/setup/", views.totp_setup_view, name="totp_setup"),
]
