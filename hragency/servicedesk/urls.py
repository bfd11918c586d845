from django.urls import path

from hragency.servicedesk import views, views_portal

app_name = "servicedesk"

urlpatterns = [
    path("", views.ticket_queue, name="queue"),
    path("new/", views.ticket_new, name="new"),
    path("suggest/", views.suggest_fragment, name="suggest"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="detail"),
    path(
        "tickets/<int:ticket_id>/files/<int:attachment_id>/",
        views_portal.attachment_download,
        name="attachment",
    ),
    *[
        path(f"tickets/<int:ticket_id>/{name}/", view, name=name.replace("-", "_"))
        for name, view in views.ACTIONS.items()
    ],
    path("portal/", views_portal.portal_list, name="portal"),
    path("portal/new/", views_portal.portal_new, name="portal_new"),
    path("portal/lookup/", views_portal.portal_lookup, name="portal_lookup"),
    path("portal/tickets/<int:ticket_id>/", views_portal.portal_detail, name="portal_detail"),
    path("portal/tickets/<int:ticket_id>/reply/", views_portal.portal_reply, name="portal_reply"),
    path("portal/tickets/<int:ticket_id>/urge/", views_portal.portal_urge, name="portal_urge"),
]
