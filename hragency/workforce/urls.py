from __future__ import annotations

from django.urls import path

from hragency.workforce import views, views_plans

app_name = "workforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("volumes/", views.volumes, name="volumes"),
    path("staffing/", views.staffing, name="staffing"),
    path("erlang/", views.erlang_page, name="erlang"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:template_id>/", views.template_edit, name="template"),
    path("templates/<int:template_id>/toggle/", views.template_toggle, name="template_toggle"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:plan_id>/print/", views_plans.plan_print, name="plan_print"),
    path("plans/<int:plan_id>/pdf/", views_plans.plan_pdf, name="plan_pdf"),
    path("plans/<int:plan_id>/publish/", views_plans.plan_publish, name="plan_publish"),
    path("my/", views_plans.my_shift_list, name="my_shifts"),
    path("handovers/", views_plans.handover_list, name="handovers"),
    path("handovers/<int:handover_id>/", views_plans.handover_detail, name="handover"),
    path("handovers/<int:handover_id>/ack/", views_plans.handover_ack, name="handover_ack"),
    path("warnings/", views_plans.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/ack/", views_plans.warning_ack, name="warning_ack"),
]
