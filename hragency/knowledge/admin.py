"""Admin of the knowledge base: categories, tags and synonyms are edited here (audited).
Articles are written and published through the screens (review workflow), so their admin is
read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.knowledge import services
from hragency.knowledge.models import Article, Category, SearchLog, Synonym, Tag


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "module", "order"]
    list_filter = ["module"]
    search_fields = ["name"]
    list_editable = ["order"]


@admin.register(Tag)
class TagAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Synonym)
class SynonymAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "note"]
    search_fields = ["words", "note"]

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.synonyms_changed()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        services.synonyms_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        services.synonyms_changed()


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(_ReadOnly):
    list_display = ["title", "category", "audience", "status", "version", "published_at"]
    list_filter = ["status", "audience", "category"]
    search_fields = ["title", "keywords"]


@admin.register(SearchLog)
class SearchLogAdmin(_ReadOnly):
    list_display = ["query", "result_count", "user", "source", "at"]
    list_filter = ["source"]
    search_fields = ["query"]
    date_hierarchy = "at"
