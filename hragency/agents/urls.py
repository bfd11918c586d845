from __future__ import annotations

from django.urls import path

from hragency.agents import views, views_more

app_name = "agents"

urlpatterns = [
    path("", views.agent_list, name="list"),
    path("new/", views.agent_new, name="new"),
    path("<int:agent_profile_id>/", views.agent_detail, name="detail"),
    path("<int:agent_profile_id>/edit/", views.agent_update, name="update"),
    path("<int:agent_profile_id>/events/", views.agent_event, name="event"),
    path("assessments/", views.assessment_sheet, name="assessments"),
    path("assessments/compute/", views.assessment_compute, name="compute"),
    path("assessments/confirm/", views.assessment_confirm_month, name="confirm_month"),
    path("assessments/apply/", views.assessment_apply_month, name="apply_month"),
    path("assessments/<int:agent_assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<int:agent_assessment_id>/confirm/",
        views.assessment_confirm,
        name="assessment_confirm",
    ),
    path(
        "assessments/<int:agent_assessment_id>/apply/",
        views.assessment_apply,
        name="assessment_apply",
    ),
    path("trainings/", views_more.training_list, name="trainings"),
    path("trainings/<int:agent_training_id>/", views_more.training_detail, name="training"),
    path(
        "trainings/<int:agent_training_id>/attendance/",
        views_more.training_attendance,
        name="training_attendance",
    ),
    path("scheme/", views_more.scheme_page, name="scheme"),
    path("staffing/", views_more.staffing_page, name="staffing"),
    path("staffing/rules/", views_more.staffing_rules, name="staffing_rules"),
]
