from django.contrib import admin

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.employees.models import InsuredPerson


@admin.register(InsuredPerson)
class InsuredPersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "client",
        "id_number_masked",
        "gender",
        "birth_date",
        "insured_city",
        "status",
    ]
    list_filter = ["status", "insured_city"]
    search_fields = ["name"]
    exclude = ["id_number", "phone", "bank_account"]
    readonly_fields = ["id_number_masked", "phone_masked", "bank_account_masked"]
    list_select_related = ["client"]
