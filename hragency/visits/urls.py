from __future__ import annotations

from django.urls import path

from hragency.visits import views, views_surveys

app_name = "visits"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("tasks/<int:visit_id>/", views.task_detail, name="detail"),
    path("tasks/<int:visit_id>/complete/", views.task_complete, name="complete"),
    path("tasks/<int:visit_id>/reschedule/", views.task_reschedule, name="reschedule"),
    path("tasks/<int:visit_id>/cancel/", views.task_cancel, name="cancel"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:rule_set_id>/", views.rule_update, name="rule_update"),
    path("rules/<int:rule_set_id>/activate/", views.rule_activate, name="rule_activate"),
    path("plan/", views.plan_now, name="plan"),
    path("responses/", views_surveys.response_list, name="responses"),
    path("responses/new/", views_surveys.response_new, name="response_new"),
    path(
        "responses/<int:visit_response_id>/",
        views_surveys.response_detail,
        name="response_detail",
    ),
    path("survey/", views_surveys.survey_portal, name="survey"),
    path("report/", views_surveys.report_page, name="report"),
    path("report/excel/", views_surveys.report_excel, name="report_excel"),
    path("report/pdf/", views_surveys.report_pdf, name="report_pdf"),
]
