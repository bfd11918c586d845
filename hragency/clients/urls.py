from django.urls import path

from hragency.clients import views, views_workflow

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("blacklist/", views.blacklisted_list, name="blacklisted"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/licence/", views.client_licence, name="licence"),
    path("<int:client_id>/blacklist/", views.client_blacklist, name="blacklist"),
    path("<int:client_id>/timeline/", views.client_timeline, name="timeline"),
    path("<int:client_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/remove/", views.contact_remove, name="contact_remove"),
    path("<int:client_id>/intake/", views_workflow.intake_tab, name="intake"),
    path("intakes/<int:intake_id>/", views_workflow.intake_edit, name="intake_edit"),
    path("<int:client_id>/review/", views_workflow.review_tab, name="review"),
    path(
        "reviews/<int:info_review_id>/decide/", views_workflow.review_decide, name="review_decide"
    ),
    path("<int:client_id>/agreements/", views_workflow.agreement_tab, name="agreements"),
    path(
        "<int:client_id>/agreements/new/",
        views_workflow.agreement_create,
        name="agreement_create",
    ),
    path("agreements/<int:agreement_id>/", views_workflow.agreement_detail, name="agreement"),
    path(
        "agreements/<int:agreement_id>/edit/",
        views_workflow.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "agreements/<int:agreement_id>/sign/",
        views_workflow.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "agreements/<int:agreement_id>/renew/",
        views_workflow.agreement_renew,
        name="agreement_renew",
    ),
    path(
        "agreements/<int:agreement_id>/terminate/",
        views_workflow.agreement_terminate,
        name="agreement_terminate",
    ),
    path("<int:client_id>/handover/", views_workflow.handover_tab, name="handover"),
    path(
        "agreements/<int:agreement_id>/handover/add/",
        views_workflow.handover_add,
        name="handover_add",
    ),
    path(
        "handover/<int:handover_item_id>/", views_workflow.handover_update, name="handover_update"
    ),
    path(
        "handover/<int:handover_item_id>/remove/",
        views_workflow.handover_remove,
        name="handover_remove",
    ),
]
