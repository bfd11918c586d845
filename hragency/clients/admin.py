from django.contrib import admin

from hragency.clients.models import (
    Agreement,
    Client,
    Contact,
    HandoverItem,
    InfoReview,
    Intake,
    RegistryCheck,
)
from hragency.core.admin_audit import AuditedAdminMixin


@admin.register(Client)
class ClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "credit_code", "status", "grade", "service_cities"]
    search_fields = ["number", "name", "credit_code"]
    list_filter = ["status", "grade"]
    list_select_related = ["owner"]


@admin.register(Contact)
class ContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "client", "title", "email", "is_primary"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]


@admin.register(Intake)
class IntakeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "first_contact_at", "sales", "status", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["client", "sales"]
    raw_id_fields = ["client", "sales", "deadline"]


@admin.register(InfoReview)
class InfoReviewAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # The review is evidence of due diligence: the admin may look, not rewrite it.
    list_display = ["client", "outcome", "status", "reviewer", "reviewed_at", "approver"]
    list_filter = ["status", "outcome"]
    list_select_related = ["client", "reviewer", "approver"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(RegistryCheck)
class RegistryCheckAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["review", "source", "result", "note"]
    list_select_related = ["review__client"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Agreement)
class AgreementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "client", "kind", "start_date", "end_date", "status"]
    list_filter = ["status", "kind", "fee_model"]
    search_fields = ["number", "client__name"]
    list_select_related = ["client"]
    raw_id_fields = [
        "client",
        "renewed_from",
        "expiry_deadline",
        "handover_deadline",
        "signed_by",
        "created_by",
    ]


@admin.register(HandoverItem)
class HandoverItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "client", "agreement", "received", "check_result"]
    list_filter = ["received", "check_result"]
    list_select_related = ["client", "agreement"]
    raw_id_fields = ["client", "agreement", "received_by", "checked_by"]
