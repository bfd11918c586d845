"""Analytics (R-RPT-2, R-RPT-3): saved custom queries, and the topic terms of tickets that the
hotspot chart counts in the database.

The dashboards and the custom query screen read the other apps' tables (always through
``core.scoping.scope_queryset``); the only rows this app owns are the saved queries and the
term index, a derived cache that can be rebuilt at any time (``hragency analytics-terms``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedQuery(models.Model):
    """A custom query kept by its owner: dataset, columns, filters and sort. Optionally shared
    with the owner's department; whoever runs it sees only the rows of their own scope."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.CASCADE,
        related_name="saved_queries",
    )
    name = models.CharField("名称", max_length=80)
    dataset = models.CharField("数据集", max_length=30)
    columns = models.JSONField("列", default=list)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    sort = models.CharField("排序", max_length=40, blank=True)
    shared_department = models.ForeignKey(
        "accounts.Department",
        verbose_name="共享给部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自定义查询"
        verbose_name_plural = "自定义查询"
        ordering = ["name", "pk"]
        permissions = [
            ("view_dashboard", "查看数据看板"),
            ("use_custom_query", "使用自定义查询与导出"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="analytics_query_owner_name")
        ]

    def __str__(self) -> str:
        return self.name


class TicketTerm(models.Model):
    """One topic term of one ticket (subject and description segmented with the knowledge
    base's jieba tokenizer, stop words removed), so that the hotspot chart is a GROUP BY."""

    ticket = models.ForeignKey(
        "servicedesk.Ticket", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField("登记日期")
    term = models.CharField("词", max_length=40)

    SCOPE_CLIENT_FIELD = "ticket__client"

    class Meta:
        verbose_name = verbose_name_plural = "工单热词"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "term"], name="analytics_term_unique")
        ]
        indexes = [models.Index(fields=["day", "term"], name="analytics_term_day")]

    def __str__(self) -> str:
        return self.term


class TermIndexState(models.Model):
    """The highest ticket id whose terms are indexed (one row, pk 1)."""

    last_ticket_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "热词索引进度"

    def __str__(self) -> str:
        return f"#{self.last_ticket_id}"
