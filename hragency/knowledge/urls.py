from __future__ import annotations

from django.urls import path

from hragency.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("faq/", views.faq, name="faq"),
    path("suggest/", views.suggest, name="suggest"),
    path("review/", views.review_queue, name="review"),
    path("drafts/", views.my_drafts, name="drafts"),
    path("reports/no-results/", views.zero_results, name="zero_results"),
    path("articles/new/", views.article_new, name="new"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("articles/<int:article_id>/edit/", views.article_edit, name="edit"),
    path("articles/<int:article_id>/versions/", views.article_versions, name="versions"),
    path("articles/<int:article_id>/submit/", views.article_submit, name="submit"),
    path("articles/<int:article_id>/approve/", views.article_approve, name="approve"),
    path("articles/<int:article_id>/return/", views.article_return, name="return"),
    path("articles/<int:article_id>/archive/", views.article_archive, name="archive"),
    path("articles/<int:article_id>/used/", views.article_used, name="used"),
]
