"""Knowledge-base screens under /kb/: search, article, history, editor, review queue, the
zero-result report, the portal FAQ and the ``suggest`` fragment other screens embed."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.core.errors import InvalidFields, ServiceError
from hragency.knowledge import queries, services
from hragency.knowledge.models import Article, ArticleVersion, Audience


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _reader(request: HttpRequest) -> None:
    if not queries.is_reader(request.user):
        raise PermissionDenied("无权查看知识库")


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    _reader(request)
    user = request.user
    if not queries.is_staff_reader(user):
        return faq(request)
    text = request.GET.get("q", "").strip()[:200]
    category_id = _int(request.GET.get("category"))
    tag_id = _int(request.GET.get("tag"))
    hits = (
        queries.search(text, user=user, limit=20, category_id=category_id, tag_id=tag_id)
        if text
        else []
    )
    latest = [] if text else list(queries.readable_articles(user)[:15])
    return render(
        request,
        "knowledge/search.html",
        {
            "q": text,
            "hits": hits,
            "latest": latest,
            "categories": queries.categories(),
            "tags": queries.tags(),
            "category_id": category_id,
            "tag_id": tag_id,
            "may_write": queries.is_editor(user),
            "may_review": queries.is_publisher(user),
            "may_report": user.has_perm("knowledge.view_searchlog"),
        },
    )


@login_required
def faq(request: HttpRequest) -> HttpResponse:
    """The portal FAQ: client-visible articles, by category, with a search box."""
    _reader(request)
    text = request.GET.get("q", "").strip()[:200]
    user = request.user
    hits = queries.search(text, user=user, limit=20, source="faq") if text else []
    grouped = queries.faq(user) if not text else {}
    return render(request, "knowledge/faq.html", {"q": text, "hits": hits, "grouped": grouped})


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """An HTML fragment of suggested answers for ``?q=`` (ticket screens embed it with htmx)."""
    text = request.GET.get("q", "").strip()[:200]
    limit = min(_int(request.GET.get("limit")) or 5, 10)
    hits = queries.suggest(text, user=request.user, limit=limit) if text else []
    articles = {
        a.pk: a
        for a in queries.readable_articles(request.user).filter(pk__in=[h.article_id for h in hits])
    }
    rows = [(hit, articles.get(hit.article_id)) for hit in hits]
    return render(
        request,
        "knowledge/suggest.html",
        {"q": text, "rows": rows, "staff": queries.is_staff_reader(request.user)},
    )


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    user = request.user
    article = queries.article_for(user, article_id)
    if article.status == Article.Status.PUBLISHED:
        services.count_view(article=article)
    staff = queries.is_staff_reader(user)
    return render(
        request,
        "knowledge/article.html",
        {
            "article": article,
            "staff": staff,
            "working": queries.working_copy(article)
            if queries.may_see_revisions(user, article)
            else None,
            "may_write": queries.is_editor(user),
            "may_review": queries.is_publisher(user),
            "versions": queries.versions_for(user, article)[:5] if staff else [],
        },
    )


@login_required
def article_versions(request: HttpRequest, article_id: int) -> HttpResponse:
    """The history: every kept revision, and two of them side by side (``?a=&b=``)."""
    user = request.user
    article = queries.article_for(user, article_id)
    if not queries.is_staff_reader(user):
        raise PermissionDenied("无权查看修订历史")
    versions = list(queries.versions_for(user, article))
    by_id = {v.pk: v for v in versions}
    newer = by_id.get(_int(request.GET.get("b")) or 0) or (versions[0] if versions else None)
    older = by_id.get(_int(request.GET.get("a")) or 0) or (
        next((v for v in versions if newer and v.number < newer.number), None)
    )
    return render(
        request,
        "knowledge/versions.html",
        {
            "article": article,
            "versions": versions,
            "older": older,
            "newer": newer,
            "diffs": compare(older, newer) if older and newer else [],
        },
    )


def compare(older: ArticleVersion, newer: ArticleVersion) -> list[tuple[str, str]]:
    """(label, HTML table) of the fields that differ between two revisions."""
    differ = difflib.HtmlDiff(wrapcolumn=48)
    tables = []
    for field, label in (
        ("title", "标题"),
        ("questions", "相似问法"),
        ("keywords", "关键词"),
        ("body", "标准话术"),
        ("guide", "操作指引"),
        ("tag_names", "标签"),
    ):
        a, b = getattr(older, field) or "", getattr(newer, field) or ""
        if a != b:
            table = differ.make_table(
                _lines(a), _lines(b), f"第 {older.number} 版", f"第 {newer.number} 版"
            )
            tables.append((label, table))
    for field, label in (("category", "分类"), ("audience", "可见范围")):
        if getattr(older, f"{field}_id" if field == "category" else field) != getattr(
            newer, f"{field}_id" if field == "category" else field
        ):
            a = str(getattr(older, field) or "—")
            b = str(getattr(newer, field) or "—")
            if field == "audience":
                a, b = older.get_audience_display(), newer.get_audience_display()
            tables.append((label, differ.make_table([a], [b], "旧", "新")))
    return tables


def _lines(text: str) -> list[str]:
    # Answers are paragraphs: break at sentence ends too, so a changed sentence stands out.
    return text.replace("。", "。\n").replace("；", "；\n").splitlines() or [""]


def _form_context(article: Article | None, values: Any, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "article": article,
        "values": values,
        "errors": errors,
        "categories": queries.categories(),
        "audiences": Audience.choices,
    }


def _initial(article: Article) -> dict[str, Any]:
    source: Any = queries.working_copy(article) or article
    tags = (
        source.tag_names
        if isinstance(source, ArticleVersion)
        else " ".join(t.name for t in article.tags.all())
    )
    return {
        "title": source.title,
        "questions": source.questions,
        "keywords": source.keywords,
        "body": source.body,
        "guide": source.guide,
        "category": str(source.category_id or ""),
        "audience": source.audience,
        "tags": tags,
        "note": source.note if isinstance(source, ArticleVersion) else "",
    }


def _act(
    request: HttpRequest, action: Callable[[], Any], *, success: str, done: str
) -> HttpResponse:
    try:
        action()
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(done)
    messages.success(request, success)
    return redirect(done)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    if not queries.is_editor(request.user):
        raise PermissionDenied("无权编写知识文章")
    values: Any = {"audience": Audience.INTERNAL, "title": request.GET.get("title", "")[:200]}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = request.POST
        try:
            article = services.create_article(actor=request.user, data=_posted(request))
        except InvalidFields as exc:
            errors = exc.by_field()
        else:
            return _after_save(request, article)
    return render(
        request,
        "knowledge/editor.html",
        _form_context(None, values, errors),
        status=400 if errors else 200,
    )


@login_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    user = request.user
    article = queries.article_for(user, article_id)
    if not queries.is_editor(user):
        raise PermissionDenied("无权编写知识文章")
    errors: dict[str, str] = {}
    values: Any = _initial(article)
    if request.method == "POST":
        values = request.POST
        try:
            services.save_draft(actor=user, article=article, data=_posted(request))
        except InvalidFields as exc:
            errors = exc.by_field()
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("knowledge:article", article.pk)
        else:
            return _after_save(request, article)
    return render(
        request,
        "knowledge/editor.html",
        _form_context(article, values, errors),
        status=400 if errors else 200,
    )


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in services.FIELDS}


def _after_save(request: HttpRequest, article: Article) -> HttpResponse:
    if request.POST.get("submit"):
        try:
            services.submit_version(actor=request.user, article=article)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "草稿已保存并提交审核")
            return redirect("knowledge:article", article.pk)
    messages.success(request, "草稿已保存")
    return redirect("knowledge:article", article.pk)


@require_POST
@login_required
def article_submit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = queries.article_for(request.user, article_id)
    return _act(
        request,
        lambda: services.submit_version(
            actor=request.user, article=article, note=request.POST.get("note", "")
        ),
        success="已提交审核",
        done=reverse("knowledge:article", args=[article.pk]),
    )


@require_POST
@login_required
def article_approve(request: HttpRequest, article_id: int) -> HttpResponse:
    article = queries.article_for(request.user, article_id)
    return _act(
        request,
        lambda: services.approve_version(
            actor=request.user, article=article, note=request.POST.get("note", "")
        ),
        success="已审核通过并发布",
        done=reverse("knowledge:review")
        if request.POST.get("next") == "review"
        else reverse("knowledge:article", args=[article.pk]),
    )


@require_POST
@login_required
def article_return(request: HttpRequest, article_id: int) -> HttpResponse:
    article = queries.article_for(request.user, article_id)
    return _act(
        request,
        lambda: services.return_version(
            actor=request.user, article=article, reason=request.POST.get("reason", "")
        ),
        success="已退回作者修改",
        done=reverse("knowledge:review"),
    )


@require_POST
@login_required
def article_archive(request: HttpRequest, article_id: int) -> HttpResponse:
    article = queries.article_for(request.user, article_id)
    return _act(
        request,
        lambda: services.archive_article(
            actor=request.user, article=article, reason=request.POST.get("reason", "")
        ),
        success="文章已下线，不再出现在搜索结果中",
        done=reverse("knowledge:article", args=[article.pk]),
    )


@require_POST
@login_required
def article_used(request: HttpRequest, article_id: int) -> HttpResponse:
    """The 复制答案 button: counts the use (htmx, no page change)."""
    article = queries.article_for(request.user, article_id)
    services.count_use(article=article)
    return HttpResponse(status=204)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not queries.is_publisher(request.user):
        raise PermissionDenied("只有知识库管理员可以审核")
    pending = list(queries.review_queue(request.user))
    rows = []
    for version in pending:
        previous = version.article.versions.filter(status=ArticleVersion.Status.PUBLISHED).first()
        rows.append((version, previous, compare(previous, version) if previous else []))
    return render(request, "knowledge/review.html", {"rows": rows})


@login_required
def my_drafts(request: HttpRequest) -> HttpResponse:
    if not queries.is_editor(request.user):
        raise PermissionDenied("无权编写知识文章")
    return render(
        request, "knowledge/drafts.html", {"versions": queries.my_revisions(request.user)}
    )


def period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """[since, until] dates from ``?since=&until=`` (default: the last 30 days)."""
    today = timezone.localdate()

    def day(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    since = day("since", today - dt.timedelta(days=29))
    until = day("until", today)
    return (since, until) if since <= until else (until, since)


@login_required
def zero_results(request: HttpRequest) -> HttpResponse:
    since, until = period(request)
    start, end = queries.day_bounds(since, until)
    rows = queries.zero_result_report(request.user, since=start, until=end)
    return render(
        request,
        "knowledge/zero_results.html",
        {
            "rows": rows,
            "since": since,
            "until": until,
            "totals": queries.search_totals(since=start, until=end),
        },
    )
