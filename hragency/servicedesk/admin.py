"""Admin of the service desk. Every add, change and delete is audited (`AuditedAdminMixin`).

* Service levels, routing rules and classification keywords are configured here (seeded by
  migration 0002; routing rules by the demo or by hand).
* Gateways: the signing secret is write-only (blank keeps the stored one).
* Tickets, their events, inbound messages and the care records are maintained on the desk's
  screens with their checks; the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.servicedesk.models import (
    ClassificationKeyword,
    Complaint,
    FollowUp,
    Gateway,
    ImprovementCase,
    InboundMessage,
    QualityReview,
    QualitySample,
    RoutingRule,
    SlaPolicy,
    Ticket,
    TicketEvent,
)


class _ReadOnly(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "name",
        "nature",
        "urgency",
        "module",
        "channel",
        "response_minutes",
        "resolution_minutes",
        "calendar",
        "warn_minutes",
        "active",
    )
    list_filter = ("active", "calendar", "nature", "channel")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("module", "nature", "department", "role", "active")
    list_filter = ("active", "module")


@admin.register(ClassificationKeyword)
class ClassificationKeywordAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("word", "module", "nature", "urgency", "weight")
    list_filter = ("module", "nature", "urgency")
    search_fields = ("word",)


class GatewayForm(forms.ModelForm):  # type: ignore[type-arg]
    secret = forms.CharField(
        label="签名密钥",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="留空则保留原密钥",
    )
    callback_url = forms.URLField(
        label="回调地址",
        required=False,
        assume_scheme="https",
        help_text="答复经此地址发回网关；留空则用设置 DESK_GATEWAY_CALLBACKS",
    )

    class Meta:
        model = Gateway
        fields = ("code", "name", "channel", "secret", "active", "callback_url")

    def clean_secret(self) -> str:
        value = self.cleaned_data.get("secret", "")
        if not value and self.instance.pk:
            return str(Gateway.objects.get(pk=self.instance.pk).secret)
        if not value:
            raise forms.ValidationError("必填")
        return str(value)


@admin.register(Gateway)
class GatewayAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = GatewayForm
    list_display = ("code", "name", "channel", "active", "callback_url")


@admin.register(Ticket)
class TicketAdmin(_ReadOnly):
    list_display = ("number", "client", "subject", "channel", "status", "first_owner", "handler")
    list_filter = ("status", "channel", "module", "nature", "urgency")
    search_fields = ("number", "subject")
    exclude = ("contact_phone", "feedback_token")
    list_select_related = ("client", "first_owner", "handler")


@admin.register(TicketEvent)
class TicketEventAdmin(_ReadOnly):
    list_display = ("ticket", "kind", "actor", "visible_to_client", "created_at")
    list_filter = ("kind", "visible_to_client")
    list_select_related = ("ticket", "actor")


@admin.register(InboundMessage)
class InboundMessageAdmin(_ReadOnly):
    list_display = ("source", "external_id", "ticket", "received_at", "outcome")
    list_filter = ("source",)


@admin.register(FollowUp)
class FollowUpAdmin(_ReadOnly):
    list_display = ("ticket", "owner", "status", "created_at")


@admin.register(ImprovementCase)
class ImprovementCaseAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "source", "created_at")
    readonly_fields = ("ticket", "client", "created_at")


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    list_display = ("ticket", "kind", "severity", "status", "investigator", "due_at")
    list_filter = ("kind", "severity", "status")


@admin.register(QualitySample)
class QualitySampleAdmin(_ReadOnly):
    list_display = ("ticket", "rep", "sampled_on", "total", "scorer")


@admin.register(QualityReview)
class QualityReviewAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("month", "held_on", "recorded_by")
