"""Every user-facing read of the knowledge base.

Articles are agency knowledge, not client data, so there is no client scoping; visibility is by
kind of user: staff holding ``knowledge.view_article`` read every published article; client HR
users and employees read published articles whose audience is 客户可见 (the portal FAQ);
anyone else reads nothing. Drafts and revisions are seen by their author and by the holders of
``knowledge.change_article`` / ``knowledge.publish_article``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from hragency.knowledge import search as engine
from hragency.knowledge.models import (
    Article,
    ArticleVersion,
    Audience,
    Category,
    SearchLog,
    Tag,
)
from hragency.knowledge.search import SearchHit

__all__ = ["SearchHit", "classification_hints", "search", "suggest"]


def is_reader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        is_staff_reader(user) or user.kind in ("client_hr", "employee")
    )


def is_staff_reader(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.kind == "staff"
        and user.has_perm("knowledge.view_article")
    ) or bool(getattr(user, "is_superuser", False))


def is_editor(user: Any) -> bool:
    return is_staff_reader(user) and (
        user.has_perm("knowledge.add_article") or user.has_perm("knowledge.publish_article")
    )


def is_publisher(user: Any) -> bool:
    return is_staff_reader(user) and user.has_perm("knowledge.publish_article")


def readable_articles(user: Any) -> QuerySet[Article]:
    """Published articles this user may read."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED).select_related(
        "category", "category__parent"
    )
    if is_staff_reader(user):
        return published
    if is_reader(user):
        return published.filter(audience=Audience.CLIENT)
    return published.none()


def client_only(user: Any) -> bool:
    return not is_staff_reader(user)


def search(
    text: str,
    *,
    user: Any,
    limit: int = 10,
    log: bool = True,
    category_id: int | None = None,
    tag_id: int | None = None,
    source: str = "search",
) -> list[SearchHit]:
    """Published articles this user may read, best first. Logged (for the zero-result report)
    unless ``log`` is false."""
    if not is_reader(user):
        return []
    category_ids = None
    if category_id:
        category_ids = [
            category_id,
            *Category.objects.filter(parent_id=category_id).values_list("pk", flat=True),
        ]
    hits = engine.search_articles(
        text,
        client_only=client_only(user),
        limit=max(1, min(limit, 100)),
        category_ids=category_ids,
        tag_id=tag_id,
    )
    if log and text.strip():
        from hragency.knowledge.services import log_search

        log_search(user=user, query=text, result_count=len(hits), source=source)
    return hits


def suggest(text: str, *, user: Any, limit: int = 5) -> list[SearchHit]:
    """Suggested answers beside a ticket (not logged)."""
    return search(text, user=user, limit=limit, log=False)


def classification_hints(text: str, *, limit: int = 3) -> list[SearchHit]:
    """The best published articles (internal ones included) for a request's text, to suggest
    its business module when nobody is logged in (a gateway message, an e-mail). Used only to
    classify, never shown to the sender; not logged."""
    return engine.search_articles(
        text, client_only=False, limit=limit, category_ids=None, tag_id=None
    )


def article_for(user: Any, article_id: int) -> Article:
    """An article this user may open: published and readable, or a draft they may edit/review."""
    article = readable_articles(user).filter(pk=article_id).first()
    if article is not None:
        return article
    if is_editor(user):
        candidate = Article.objects.select_related("category", "author").filter(pk=article_id)
        found = candidate.first()
        if found is not None and may_see_revisions(user, found):
            return found
    raise Http404


def may_see_revisions(user: Any, article: Article) -> bool:
    if not is_editor(user):
        return False
    if user.has_perm("knowledge.change_article") or user.has_perm("knowledge.publish_article"):
        return True
    if article.author_id == user.pk:
        return True
    return article.versions.filter(author=user).exists()


def versions_for(user: Any, article: Article) -> QuerySet[ArticleVersion]:
    if not may_see_revisions(user, article):
        # Readers see the published history only.
        return article.versions.filter(
            status__in=[ArticleVersion.Status.PUBLISHED, ArticleVersion.Status.SUPERSEDED]
        ).select_related("author", "reviewer")
    return article.versions.select_related("author", "reviewer", "category")


def version_for(user: Any, article: Article, version_id: int) -> ArticleVersion:
    return get_object_or_404(versions_for(user, article), pk=version_id)


def working_copy(article: Article) -> ArticleVersion | None:
    """The revision being written or reviewed (or last returned) after the published one."""
    latest = article.versions.order_by("-number").first()
    if (
        latest is not None
        and latest.number > article.version
        and latest.status
        in (
            ArticleVersion.Status.DRAFT,
            ArticleVersion.Status.PENDING,
            ArticleVersion.Status.RETURNED,
        )
    ):
        return latest
    return None


def review_queue(user: Any) -> QuerySet[ArticleVersion]:
    if not is_publisher(user):
        return ArticleVersion.objects.none()
    return (
        ArticleVersion.objects.filter(status=ArticleVersion.Status.PENDING)
        .select_related("article", "author", "category")
        .order_by("submitted_at")
    )


def my_revisions(user: Any) -> QuerySet[ArticleVersion]:
    """Open and returned revisions of this user (their drafts)."""
    if not is_editor(user):
        return ArticleVersion.objects.none()
    return (
        ArticleVersion.objects.filter(
            author=user,
            status__in=[
                ArticleVersion.Status.DRAFT,
                ArticleVersion.Status.PENDING,
                ArticleVersion.Status.RETURNED,
            ],
        )
        .select_related("article")
        .order_by("-updated_at")
    )


def categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("parent__order", "order", "name")


def tags() -> QuerySet[Tag]:
    return Tag.objects.all()


def faq(user: Any) -> dict[str, list[Article]]:
    """Client-visible articles by category, for the portal."""
    grouped: dict[str, list[Article]] = {}
    rows = (
        readable_articles(user)
        .filter(audience=Audience.CLIENT)
        .order_by("category__order", "category__name", "title")
    )
    for article in rows:
        grouped.setdefault(str(article.category or "其他"), []).append(article)
    return grouped


def zero_result_report(
    user: Any, *, since: dt.datetime, until: dt.datetime, limit: int = 200
) -> list[dict[str, Any]]:
    """Queries that found nothing in [since, until), most frequent first."""
    if not user.has_perm("knowledge.view_searchlog"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("无权查看搜索统计")
    rows = (
        SearchLog.objects.filter(result_count=0, at__gte=since, at__lt=until)
        .values("normalized")
        .annotate(times=Count("id"), last_at=Max("at"), users=Count("user", distinct=True))
        .order_by("-times", "-last_at")[:limit]
    )
    return [
        {
            "query": row["normalized"],
            "times": row["times"],
            "users": row["users"],
            "last_at": row["last_at"],
        }
        for row in rows
    ]


def search_totals(*, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    logs = SearchLog.objects.filter(at__gte=since, at__lt=until)
    return {
        "searches": logs.count(),
        "zero": logs.filter(result_count=0).count(),
        "distinct_zero": logs.filter(result_count=0).values("normalized").distinct().count(),
    }


def day_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[since 00:00, the day after until 00:00) in the local time zone."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
