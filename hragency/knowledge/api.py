"""/api/kb: knowledge-base search, articles and their review workflow, the zero-result report.
Thin: ``queries`` reads, ``services`` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from hragency.knowledge import queries, services
from hragency.knowledge.models import Article, ArticleVersion

router = Router(tags=["知识库"])


class HitOut(Schema):
    article_id: int
    title: str
    snippet: str
    category: str
    module: str
    score: float


class ArticleIn(Schema):
    title: str = ""
    questions: str = ""
    keywords: str = ""
    body: str = ""
    guide: str = ""
    category: int | None = Field(None, description="分类 id")
    tags: list[str] = []
    audience: str = Field("internal", description="internal 内部 / client 客户可见")
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class VersionOut(Schema):
    id: int
    number: int
    status: str
    status_label: str
    title: str
    questions: str
    keywords: str
    body: str
    guide: str
    category_id: int | None
    tags: list[str]
    audience: str
    author: str
    note: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    reviewer: str | None
    return_reason: str


class ArticleOut(Schema):
    id: int
    title: str
    questions: list[str]
    keywords: list[str]
    body: str
    guide: str | None = Field(None, description="操作指引（仅内部人员可见）")
    category_id: int | None
    category: str
    module: str
    tags: list[str]
    audience: str
    status: str
    status_label: str
    version: int
    published_at: dt.datetime | None
    working_version: VersionOut | None = None


class ZeroResultOut(Schema):
    query: str
    times: int
    users: int
    last_at: dt.datetime


def _version(version: ArticleVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "status_label": version.get_status_display(),
        "title": version.title,
        "questions": version.questions,
        "keywords": version.keywords,
        "body": version.body,
        "guide": version.guide,
        "category_id": version.category_id,
        "tags": version.tag_list,
        "audience": version.audience,
        "author": str(version.author),
        "note": version.note,
        "created_at": version.created_at,
        "submitted_at": version.submitted_at,
        "reviewed_at": version.reviewed_at,
        "reviewer": str(version.reviewer) if version.reviewer_id else None,
        "return_reason": version.return_reason,
    }


def _article(user: Any, article: Article) -> dict[str, Any]:
    staff = queries.is_staff_reader(user)
    working = queries.working_copy(article) if queries.may_see_revisions(user, article) else None
    return {
        "id": article.pk,
        "title": article.title,
        "questions": article.question_list,
        "keywords": article.keyword_list,
        "body": article.body,
        "guide": article.guide if staff else None,
        "category_id": article.category_id,
        "category": str(article.category or ""),
        "module": article.category.module_label if article.category else "",
        "tags": [t.name for t in article.tags.all()],
        "audience": article.audience,
        "status": article.status,
        "status_label": article.get_status_display(),
        "version": article.version,
        "published_at": article.published_at,
        "working_version": _version(working) if working else None,
    }


def _reader(request: HttpRequest) -> None:
    if not queries.is_reader(request.user):
        raise PermissionDenied("无权查看知识库")


@router.get("/search", response=list[HitOut], summary="搜索知识库（支持同义词、错别字、拼音）")
def search(
    request: HttpRequest,
    q: str,
    limit: int = 10,
    category: int | None = None,
    tag: int | None = None,
) -> list[Any]:
    _reader(request)
    return queries.search(
        q[:200],
        user=request.user,
        limit=max(1, min(limit, 50)),
        category_id=category,
        tag_id=tag,
        source="api",
    )


@router.get("/suggest", response=list[HitOut], summary="建议答案（不记录搜索）")
def suggest(request: HttpRequest, q: str, limit: int = 5) -> list[Any]:
    _reader(request)
    return queries.suggest(q[:200], user=request.user, limit=max(1, min(limit, 10)))


@router.post("/articles", response={201: ArticleOut}, summary="新建文章（草稿）")
def create_article(request: HttpRequest, payload: ArticleIn) -> Status:
    article = services.create_article(actor=request.user, data=payload.dict())
    return Status(201, _article(request.user, article))


@router.get("/articles/{article_id}", response=ArticleOut, summary="文章详情")
def get_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return _article(request.user, queries.article_for(request.user, article_id))


@router.put("/articles/{article_id}/draft", response=VersionOut, summary="保存草稿修订")
def save_draft(request: HttpRequest, article_id: int, payload: ArticleIn) -> dict[str, Any]:
    article = queries.article_for(request.user, article_id)
    return _version(services.save_draft(actor=request.user, article=article, data=payload.dict()))


@router.post("/articles/{article_id}/submit", response=VersionOut, summary="提交审核")
def submit(request: HttpRequest, article_id: int, payload: NoteIn) -> dict[str, Any]:
    article = queries.article_for(request.user, article_id)
    version = services.submit_version(actor=request.user, article=article, note=payload.note)
    return _version(version)


@router.post("/articles/{article_id}/approve", response=ArticleOut, summary="审核通过并发布")
def approve(request: HttpRequest, article_id: int, payload: NoteIn) -> dict[str, Any]:
    article = queries.article_for(request.user, article_id)
    article = services.approve_version(actor=request.user, article=article, note=payload.note)
    return _article(request.user, article)


@router.post("/articles/{article_id}/return", response=VersionOut, summary="退回修改")
def return_(request: HttpRequest, article_id: int, payload: ReasonIn) -> dict[str, Any]:
    article = queries.article_for(request.user, article_id)
    version = services.return_version(actor=request.user, article=article, reason=payload.reason)
    return _version(version)


@router.post("/articles/{article_id}/archive", response=ArticleOut, summary="下线")
def archive(request: HttpRequest, article_id: int, payload: ReasonIn) -> dict[str, Any]:
    article = queries.article_for(request.user, article_id)
    article = services.archive_article(actor=request.user, article=article, reason=payload.reason)
    return _article(request.user, article)


@router.get("/articles/{article_id}/versions", response=list[VersionOut], summary="修订历史")
def versions(request: HttpRequest, article_id: int) -> list[dict[str, Any]]:
    article = queries.article_for(request.user, article_id)
    if not queries.is_staff_reader(request.user):
        raise PermissionDenied("无权查看修订历史")
    return [_version(v) for v in queries.versions_for(request.user, article)]


@router.get("/reports/no-results", response=list[ZeroResultOut], summary="无结果搜索统计")
def no_results(
    request: HttpRequest, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    until = until or today
    since = since or until - dt.timedelta(days=29)
    start, end = queries.day_bounds(min(since, until), max(since, until))
    return queries.zero_result_report(request.user, since=start, until=end)
