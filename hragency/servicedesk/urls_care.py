from django.urls import path

from hragency.servicedesk import views_care as care
from hragency.servicedesk import views_care_complaints as cmp
from hragency.servicedesk import views_care_quality as qa

app_name = "desk_care"

urlpatterns = [
    path("rate/<str:feedback_token>/", care.rate, name="rate"),
    path("followups/", care.follow_up_list, name="followups"),
    path("followups/<int:followup_id>/", care.follow_up_detail, name="followup"),
    path("followups/<int:followup_id>/plan/", care.follow_up_plan, name="followup_plan"),
    path("followups/<int:followup_id>/visit/", care.follow_up_visit, name="followup_visit"),
    path("cases/", care.case_list, name="cases"),
    path("cases/<int:improvement_id>/", care.case_detail, name="case"),
    path("complaints/", cmp.complaint_list, name="complaints"),
    path("complaints/weekly/", cmp.weekly_summary, name="weekly"),
    path("complaints/weekly/send/", cmp.weekly_send, name="weekly_send"),
    path("complaints/<int:complaint_id>/", cmp.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/kind/", cmp.complaint_kind, name="complaint_kind"),
    path(
        "complaints/<int:complaint_id>/classify/", cmp.complaint_classify, name="complaint_classify"
    ),
    path("complaints/<int:complaint_id>/promise/", cmp.complaint_promise, name="complaint_promise"),
    path(
        "complaints/<int:complaint_id>/conclude/", cmp.complaint_conclude, name="complaint_conclude"
    ),
    path("quality/", qa.sample_queue, name="quality"),
    path("quality/draw/", qa.sample_draw, name="quality_draw"),
    path("quality/monthly/", qa.monthly_review, name="monthly"),
    path("quality/monthly/save/", qa.monthly_review_save, name="monthly_save"),
    path("quality/<int:qa_sample_id>/", qa.sample_detail, name="sample"),
    path("quality/<int:qa_sample_id>/score/", qa.sample_score, name="sample_score"),
]
