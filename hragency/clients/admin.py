from django.contrib import admin

from hragency.clients.models import Client
from hragency.core.admin_audit import AuditedAdminMixin


@admin.register(Client)
class ClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "credit_code", "grade", "service_cities"]
    search_fields = ["number", "name", "credit_code"]
    list_filter = ["grade"]
