from __future__ import annotations

from django.urls import path

from hragency.annuity import views

app_name = "annuity"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("plans/new/", views.plan_new, name="new"),
    path("plans/<int:annuity_plan_id>/", views.plan_detail, name="detail"),
    path("plans/<int:annuity_plan_id>/check/", views.plan_check, name="check"),
    path("plans/<int:annuity_plan_id>/enrol/", views.plan_enrol, name="enrol"),
    path("plans/<int:annuity_plan_id>/compute/", views.plan_compute, name="compute"),
    path("plans/<int:annuity_plan_id>/export/", views.plan_export, name="export"),
    path(
        "members/<int:annuity_member_id>/withdraw/",
        views.member_withdraw,
        name="withdraw",
    ),
    path(
        "withdrawals/<int:annuity_withdrawal_id>/paid/",
        views.withdrawal_paid,
        name="paid",
    ),
]
