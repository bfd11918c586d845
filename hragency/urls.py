from django.contrib import admin
from django.urls import include, path

from hragency.api import api
from hragency.core import views

admin.site.site_header = "人力资源服务平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "配置与数据"

urlpatterns = [
    path("", include("hragency.core.urls")),
    path("accounts/", include("hragency.accounts.urls")),
    path("clients/", include("hragency.clients.urls")),
    path("people/", include("hragency.employees.urls")),
    path("insurance/incidents/", include("hragency.insurance.urls_incidents")),
    path("insurance/checks/", include("hragency.insurance.urls_checks")),
    path("insurance/declarations/", include("hragency.insurance.urls_declarations")),
    path("insurance/adjustments/", include("hragency.insurance.urls_adjustments")),
    path("insurance/", include("hragency.insurance.urls")),
    path("billing/funds/", include("hragency.billing.urls_funds")),
    path("billing/", include("hragency.billing.urls")),
    path("payroll/", include("hragency.payroll.urls")),
    path("kb/", include("hragency.knowledge.urls")),
    path("desk/care/", include("hragency.servicedesk.urls_care")),
    path("desk/", include("hragency.servicedesk.urls")),
    path("visits/", include("hragency.visits.urls")),
    path("workforce/", include("hragency.workforce.urls")),
    path("agents/", include("hragency.agents.urls")),
    path("claims/", include("hragency.claims.urls")),
    path("annuity/", include("hragency.annuity.urls")),
    path("recruitment/", include("hragency.recruitment.urls")),
    path("training/", include("hragency.training.urls")),
    path("disputes/", include("hragency.disputes.urls")),
    path("archives/", include("hragency.archives.urls")),
    path("reports/", include("hragency.reports.urls")),
    path("analytics/", include("hragency.analytics.urls")),
    # Django's own admin login would bypass throttling, auditing and the TOTP step.
    path("admin/login/", views.admin_login_redirect),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
