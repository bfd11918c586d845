"""Knowledge base (R-KB): articles with a standard answer (标准话术) and an operating guide
(操作指引), their revisions, categories, tags, synonyms, and the search index.

Articles are the agency's own knowledge, not client data: no ``SCOPE_CLIENT_FIELD``. Who may
read what is decided in ``queries.readable_articles`` (staff: every published article; client HR
users and employees: published articles whose audience is 客户可见).

``Article`` holds the *published* content (what readers and the search index see). Every
draft, submission and publication is an ``ArticleVersion``; approving a version copies it onto
the article, so a published article stays visible unchanged while its next revision is reviewed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone

from hragency.core.business import BusinessModule

WORD_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def split_words(text: str) -> list[str]:
    """``"社保, 社会保险、五险"`` → ``["社保", "社会保险", "五险"]`` (order kept, no duplicates)."""
    seen: dict[str, None] = {}
    for word in WORD_SEPARATORS.split(text or ""):
        if word.strip():
            seen.setdefault(word.strip(), None)
    return list(seen)


class Audience(models.TextChoices):
    INTERNAL = "internal", "内部"
    CLIENT = "client", "客户可见"


class Category(models.Model):
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    module = models.CharField("业务模块", max_length=20, choices=BusinessModule.choices, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "知识分类"
        verbose_name_plural = "知识分类"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="knowledge_category_unique")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def module_label(self) -> str:
        module = self.module or (self.parent.module if self.parent_id else "")
        return BusinessModule(module).label if module else ""


class Tag(models.Model):
    name = models.CharField("标签", max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "知识标签"
        verbose_name_plural = "知识标签"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        ARCHIVED = "archived", "已下线"

    title = models.CharField("标题", max_length=200)
    questions = models.TextField("相似问法", blank=True, help_text="每行一个")
    keywords = models.CharField("关键词", max_length=300, blank=True)
    body = models.TextField("标准话术")
    guide = models.TextField("操作指引", blank=True)
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="articles")
    audience = models.CharField(
        "可见范围", max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作者",
        on_delete=models.PROTECT,
        related_name="kb_articles",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kb_reviewed_articles",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField("当前版本", default=0)
    view_count = models.PositiveIntegerField("查看次数", default=0)
    use_count = models.PositiveIntegerField("引用次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "知识文章"
        verbose_name_plural = "知识文章"
        permissions = [("publish_article", "审核并发布知识文章")]
        indexes = [models.Index(fields=["status", "audience"], name="knowledge_art_status_aud")]

    def __str__(self) -> str:
        return self.title

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return split_words(self.keywords)


class ArticleVersion(models.Model):
    """One revision of an article: a draft being written, a submission, or a publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        RETURNED = "returned", "已退回"
        PUBLISHED = "published", "已发布"
        SUPERSEDED = "superseded", "历史版本"

    OPEN = (Status.DRAFT, Status.PENDING, Status.RETURNED)

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField("标题", max_length=200)
    questions = models.TextField("相似问法", blank=True)
    keywords = models.CharField("关键词", max_length=300, blank=True)
    body = models.TextField("标准话术")
    guide = models.TextField("操作指引", blank=True)
    category = models.ForeignKey(
        Category, verbose_name="分类", null=True, on_delete=models.PROTECT, related_name="+"
    )
    tag_names = models.CharField("标签", max_length=300, blank=True)
    audience = models.CharField(
        "可见范围", max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修订人",
        on_delete=models.PROTECT,
        related_name="kb_versions",
    )
    note = models.CharField("修订说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kb_reviewed_versions",
    )
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "文章版本"
        verbose_name_plural = "文章版本"
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def tag_list(self) -> list[str]:
        return split_words(self.tag_names)


class Synonym(models.Model):
    """A group of words that mean the same (社保 社会保险 五险). A word may be in several groups;
    a query word is expanded with every group it belongs to."""

    words = models.CharField(
        "同义词", max_length=300, help_text="用空格、逗号或顿号分隔，如：社保 社会保险 五险"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "同义词组"
        verbose_name_plural = "同义词组"

    def __str__(self) -> str:
        return " / ".join(self.word_list)

    @property
    def word_list(self) -> list[str]:
        return [w.lower() for w in split_words(self.words)]


class SearchLog(models.Model):
    """One search, for the zero-result report (what the knowledge base is missing)."""

    query = models.CharField("搜索内容", max_length=200)
    normalized = models.CharField("归一化", max_length=200, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_count = models.PositiveIntegerField("结果数")
    source = models.CharField("来源", max_length=20, default="search")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"
        indexes = [models.Index(fields=["result_count", "at"], name="knowledge_log_zero")]

    def __str__(self) -> str:
        return self.query


class SearchDoc(models.Model):
    """The pre-segmented text of a published article (terms separated by spaces). The full-text
    index follows this table: on SQLite the FTS5 table ``knowledge_fts`` (external content,
    kept in step by triggers), on PostgreSQL the generated ``document`` tsvector column with a
    GIN index (both created in migration 0002). Neither is known to the ORM."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    title = models.TextField(blank=True)  # title, question variants, keywords
    body = models.TextField(blank=True)  # answer and guide
    # Copied from the article when it is indexed (they change only by publishing), so that a
    # search filters without joining the article table.
    audience = models.CharField(max_length=10, choices=Audience.choices)
    category = models.ForeignKey(
        Category, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )

    class Meta:
        verbose_name = "检索文档"

    def __str__(self) -> str:
        return f"检索文档 {self.pk}"


class SearchTerm(models.Model):
    """The indexed vocabulary with its pinyin, for typo and pinyin matching (held in memory)."""

    term = models.CharField(max_length=100, unique=True)
    pinyin = models.CharField(max_length=300, blank=True)
    initials = models.CharField(max_length=100, blank=True)
    df = models.IntegerField(default=0)  # number of published articles containing the term

    class Meta:
        verbose_name = "检索词"

    def __str__(self) -> str:
        return self.term


class IndexState(models.Model):
    """One row: bumped (new token) whenever the index or the synonyms change, so every process
    reloads its in-memory vocabulary."""

    version = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"索引版本 {self.version}"
