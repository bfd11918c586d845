"""Writes of the knowledge base (R-KB-2): reps draft, the KB admin reviews and publishes.

Life of an article: a draft (revision 1) → submitted (待审核) → approved: published, indexed →
later revisions are drafted and reviewed while the published text stays visible and searchable
→ archived (已下线, out of the index). A returned revision stays in the history with its
reason; editing again starts a new revision. Nobody approves a revision they wrote (four eyes,
as for payroll runs): a KB admin's own article is approved by another KB admin or an
administrator. Every step is audited; the index changes in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.knowledge import index
from hragency.knowledge.models import (
    Article,
    ArticleVersion,
    Audience,
    Category,
    SearchLog,
    Tag,
    split_words,
)
from hragency.knowledge.text import normalize

FIELDS = {
    "title": "标题",
    "questions": "相似问法",
    "keywords": "关键词",
    "body": "标准话术",
    "guide": "操作指引",
    "category": "分类",
    "tags": "标签",
    "audience": "可见范围",
    "note": "修订说明",
}
CONTENT = ["title", "questions", "keywords", "body", "guide", "category", "audience"]
LIMITS = {"title": 200, "keywords": 300, "note": 300}


def _link(article: Article) -> str:
    return f"/kb/articles/{article.pk}/"


def _require(actor: Any, permission: str, message: str) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.kind == "staff"):
        raise PermissionDenied(message)
    if not actor.has_perm(permission):
        raise PermissionDenied(message)


def clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Parse an editor's input (form strings or JSON values); every bad field at once."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name in ("title", "questions", "keywords", "body", "guide", "note"):
        raw = data.get(name)
        value = "" if raw is None else str(raw)
        value = (
            value.strip()
            if name != "questions"
            else "\n".join(line.strip() for line in value.splitlines() if line.strip())
        )
        if name in LIMITS and len(value) > LIMITS[name]:
            errors.append(FieldError(name, FIELDS[name], f"不能超过 {LIMITS[name]} 个字"))
        values[name] = value
    for name in ("title", "body"):
        if not values[name]:
            errors.append(FieldError(name, FIELDS[name], "必填"))
    raw_category = data.get("category")
    category = None
    if raw_category in (None, ""):
        errors.append(FieldError("category", FIELDS["category"], "请选择分类"))
    else:
        try:
            category = Category.objects.filter(pk=int(raw_category)).first()
        except (TypeError, ValueError):
            category = None
        if category is None:
            errors.append(FieldError("category", FIELDS["category"], "分类不存在"))
    values["category"] = category
    audience = str(data.get("audience") or Audience.INTERNAL)
    if audience not in Audience.values:
        labels = {label: code for code, label in Audience.choices}
        audience = labels.get(audience, "")
    if not audience:
        errors.append(FieldError("audience", FIELDS["audience"], "应为 内部 或 客户可见"))
    values["audience"] = audience
    raw_tags = data.get("tags") or ""
    names = (
        [str(t).strip() for t in raw_tags if str(t).strip()]
        if isinstance(raw_tags, (list, tuple))
        else split_words(str(raw_tags))
    )
    if any(len(n) > 30 for n in names):
        errors.append(FieldError("tags", FIELDS["tags"], "每个标签不能超过 30 个字"))
    values["tags"] = list(dict.fromkeys(names))[:20]
    if errors:
        raise InvalidFields(errors)
    return values


def _fill(target: Article | ArticleVersion, values: Mapping[str, Any]) -> None:
    for name in CONTENT:
        setattr(target, name, values[name])


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _open_version(article: Article) -> ArticleVersion | None:
    return (
        article.versions.select_for_update()
        .filter(status__in=[ArticleVersion.Status.DRAFT, ArticleVersion.Status.PENDING])
        .order_by("-number")
        .first()
    )


def _may_edit(actor: Any, version: ArticleVersion) -> bool:
    return version.author_id == actor.pk or actor.has_perm("knowledge.change_article")


@transaction.atomic
def create_article(*, actor: Any, data: Mapping[str, Any]) -> Article:
    """A new article: its first revision, a draft of the actor's."""
    _require(actor, "knowledge.add_article", "无权编写知识文章")
    values = clean(data)
    article = Article(author=actor, status=Article.Status.DRAFT)
    _fill(article, values)
    article.save()
    version = ArticleVersion(article=article, number=1, author=actor, note=values["note"])
    _fill(version, values)
    version.tag_names = " ".join(values["tags"])
    version.save()
    audit.record(
        actor=actor,
        action="knowledge.article_create",
        instance=article,
        after=audit.snapshot(version),
    )
    return article


@transaction.atomic
def save_draft(*, actor: Any, article: Article, data: Mapping[str, Any]) -> ArticleVersion:
    """Save the actor's draft revision: the open draft is updated in place; with none (the
    article is published, or its last revision was returned) a new revision starts. The
    published text is not touched."""
    _require(actor, "knowledge.add_article", "无权编写知识文章")
    article = _locked(article)
    values = clean(data)
    version = _open_version(article)
    if version is not None and version.status == ArticleVersion.Status.PENDING:
        raise ServiceError("该文章有一个修订正在审核中，审核完成前不能再修改")
    before = None
    if version is None:
        number = (article.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ArticleVersion(article=article, number=number, author=actor)
    elif not _may_edit(actor, version):
        raise PermissionDenied("这是他人的草稿，只有作者或知识库管理员可以修改")
    else:
        before = audit.snapshot(version)
    _fill(version, values)
    version.tag_names = " ".join(values["tags"])
    version.note = values["note"]
    version.save()
    if article.status in (Article.Status.DRAFT, Article.Status.PENDING):
        _fill(article, values)  # never published: the article shows its draft
        article.save()
    audit.record(
        actor=actor,
        action="knowledge.draft_save",
        instance=article,
        before=before,
        after=audit.snapshot(version),
        extra={"version": version.number},
    )
    return version


@transaction.atomic
def submit_version(*, actor: Any, article: Article, note: str = "") -> ArticleVersion:
    """Send the open draft to the KB admins for review."""
    _require(actor, "knowledge.add_article", "无权提交知识文章")
    article = _locked(article)
    version = _open_version(article)
    if version is None or version.status != ArticleVersion.Status.DRAFT:
        raise ServiceError("没有待提交的草稿")
    if not _may_edit(actor, version):
        raise PermissionDenied("只有作者可以提交自己的草稿")
    before = audit.snapshot(version)
    version.status = ArticleVersion.Status.PENDING
    version.submitted_at = timezone.now()
    if note.strip():
        version.note = note.strip()[:300]
    version.save()
    if article.status == Article.Status.DRAFT:
        article.status = Article.Status.PENDING
        article.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.version_submit",
        instance=article,
        before=before,
        after=audit.snapshot(version),
    )
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role

    reviewers = [u for u in role_holders(Role.KB_ADMIN) if u.pk != actor.pk]
    notify(
        recipients=reviewers,
        title=f"知识文章待审核：{version.title}（第 {version.number} 版）",
        body=version.note,
        link="/kb/review/",
    )
    return version


def _pending(article: Article) -> ArticleVersion:
    version = _open_version(article)
    if version is None or version.status != ArticleVersion.Status.PENDING:
        raise ServiceError("该文章没有待审核的修订")
    return version


@transaction.atomic
def approve_version(*, actor: Any, article: Article, note: str = "") -> Article:
    """Publish the pending revision: it replaces the published text and the index entry."""
    _require(actor, "knowledge.publish_article", "只有知识库管理员可以审核发布")
    article = _locked(article)
    version = _pending(article)
    if version.author_id == actor.pk:
        raise ServiceError("不能审核发布自己编写的修订，请由其他知识库管理员审核")
    before = audit.snapshot(article)
    now = timezone.now()
    article.versions.filter(status=ArticleVersion.Status.PUBLISHED).update(
        status=ArticleVersion.Status.SUPERSEDED
    )
    version.status = ArticleVersion.Status.PUBLISHED
    version.reviewer = actor
    version.reviewed_at = now
    version.save()
    _fill(article, {name: getattr(version, name) for name in CONTENT})
    article.status = Article.Status.PUBLISHED
    article.version = version.number
    article.published_at = now
    article.reviewer = actor
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in version.tag_list])
    index.index_article(article)
    audit.record(
        actor=actor,
        action="knowledge.version_approve",
        instance=article,
        before=before,
        after=audit.snapshot(article),
        extra={"version": version.number, **({"note": note.strip()} if note.strip() else {})},
    )
    notify(
        recipients=[version.author],
        title=f"知识文章已发布：{article.title}（第 {version.number} 版）",
        link=_link(article),
    )
    return article


@transaction.atomic
def return_version(*, actor: Any, article: Article, reason: str) -> ArticleVersion:
    """Send the pending revision back to its author with the reason."""
    _require(actor, "knowledge.publish_article", "只有知识库管理员可以退回")
    if not (reason or "").strip():
        raise InvalidFields([FieldError("reason", "退回原因", "必填")])
    article = _locked(article)
    version = _pending(article)
    before = audit.snapshot(version)
    version.status = ArticleVersion.Status.RETURNED
    version.return_reason = reason.strip()
    version.reviewer = actor
    version.reviewed_at = timezone.now()
    version.save()
    if article.status == Article.Status.PENDING:
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.version_return",
        instance=article,
        before=before,
        after=audit.snapshot(version),
    )
    notify(
        recipients=[version.author],
        title=f"知识文章被退回：{version.title}",
        body=version.return_reason,
        link=_link(article),
        level="warning",
    )
    return version


@transaction.atomic
def archive_article(*, actor: Any, article: Article, reason: str = "") -> Article:
    """Take a published article offline (out of search and the FAQ); its history stays."""
    _require(actor, "knowledge.publish_article", "只有知识库管理员可以下线文章")
    article = _locked(article)
    if article.status != Article.Status.PUBLISHED:
        raise ServiceError(f"只有已发布的文章可以下线（当前：{article.get_status_display()}）")
    before = audit.snapshot(article)
    article.status = Article.Status.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    index.unindex_article(article)
    audit.record(
        actor=actor,
        action="knowledge.article_archive",
        instance=article,
        before=before,
        after=audit.snapshot(article),
        extra={"reason": reason.strip()} if reason.strip() else None,
    )
    return article


def count_view(*, article: Article) -> None:
    """A reader opened the article (a counter, not audited)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def count_use(*, article: Article) -> None:
    """A rep copied the standard answer (a counter, not audited)."""
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)


def log_search(*, user: Any, query: str, result_count: int, source: str = "search") -> None:
    """One search, for the zero-result report. A log, like the login failures: not audited."""
    SearchLog.objects.create(
        query=query.strip()[:200],
        normalized=normalize(query)[:200],
        user=user if getattr(user, "is_authenticated", False) else None,
        result_count=result_count,
        source=source[:20],
    )


def synonyms_changed() -> None:
    """After an admin edit of the synonyms: every process reloads them."""
    index.invalidate()
