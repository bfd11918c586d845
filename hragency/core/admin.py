from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.core.holidays import import_holidays
from hragency.core.imports import ImportRejected
from hragency.core.models import (
    AuditLog,
    Deadline,
    DeadlinePolicy,
    HolidayCalendarDay,
    Notification,
)


class HolidayUploadForm(forms.Form):
    file = forms.FileField(label="节假日安排表（.xlsx / .csv，列：日期、类型、名称）")


@admin.register(HolidayCalendarDay)
class HolidayCalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    change_list_template = "admin/core/holidaycalendarday/change_list.html"

    def get_urls(self):  # type: ignore[no-untyped-def]
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="core_holidaycalendarday_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse("无权导入", status=403)
        form = HolidayUploadForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = import_holidays(upload=upload, filename=upload.name, actor=request.user)
            except ImportRejected as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(request, f"已导入 {count} 天的节假日安排。")
                return redirect("admin:core_holidaycalendarday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "errors": errors,
            "title": "导入节假日安排",
        }
        return render(request, "admin/core/holidaycalendarday/import.html", context)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "name", "warn_before_minutes"]


@admin.register(Deadline)
class DeadlineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "owner",
        "client",
        "due_at",
        "status",
        "breached",
        "escalation_level",
    ]
    list_filter = ["status", "breached", "kind"]
    list_select_related = ["owner", "client"]
    raw_id_fields = ["owner", "client"]


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "level", "created_at", "read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "deadline"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "client", "ip"]
    list_filter = ["action"]
    search_fields = ["object_repr", "action"]
    list_select_related = ["actor", "client"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
