"""The one NinjaAPI; each app contributes a router. OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from hragency.agents.api import router as agents_router
from hragency.analytics.api import router as analytics_router
from hragency.annuity.api import router as annuity_router
from hragency.archives.api import router as archives_router
from hragency.billing.api import router as billing_router
from hragency.billing.api_funds import router as funds_router
from hragency.claims.api import router as claims_router
from hragency.clients.api import router as clients_router
from hragency.core.api_imports import router as imports_router
from hragency.core.errors import InvalidFields, ServiceError
from hragency.disputes.api import router as disputes_router
from hragency.employees.api import router as employees_router
from hragency.insurance.api import router as insurance_router
from hragency.insurance.api_adjustments import router as adjustments_router
from hragency.insurance.api_calc import router as calc_router
from hragency.insurance.api_declarations import router as declarations_router
from hragency.insurance.api_incidents import router as incidents_router
from hragency.knowledge.api import router as knowledge_router
from hragency.payroll.api import router as payroll_router
from hragency.payroll.api_bases import router as payroll_bases_router
from hragency.payroll.api_calc import router as payroll_calc_router
from hragency.payroll.api_outputs import router as payroll_outputs_router
from hragency.payroll.api_setup import router as payroll_setup_router
from hragency.recruitment.api import router as recruitment_router
from hragency.reports.api import router as reports_router
from hragency.servicedesk.api import router as desk_router
from hragency.servicedesk.api_care import router as desk_care_router
from hragency.servicedesk.api_inbound import router as desk_inbound_router
from hragency.training.api import router as training_router
from hragency.visits.api import router as visits_router
from hragency.visits.api_rules import router as visits_rules_router
from hragency.workforce.api import router as workforce_router
from hragency.workforce.api_calc import router as erlang_calc_router

api = NinjaAPI(
    title="人力资源服务平台 API",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/clients", clients_router)
api.add_router("/people", employees_router)
api.add_router("/imports", imports_router)
api.add_router("/calc", calc_router)
api.add_router("/insurance", insurance_router)
api.add_router("/incidents", incidents_router)
api.add_router("/adjustments", adjustments_router)
api.add_router("/declarations", declarations_router)
api.add_router("/billing", billing_router)
api.add_router("/funds", funds_router)
api.add_router("/calc", payroll_calc_router)
api.add_router("/payroll", payroll_router)
api.add_router("/payroll", payroll_setup_router)
api.add_router("/payroll", payroll_outputs_router)
api.add_router("/payroll", payroll_bases_router)
api.add_router("/kb", knowledge_router)
api.add_router("/desk", desk_router)
api.add_router("/desk", desk_care_router)
api.add_router("/desk/inbound", desk_inbound_router)
api.add_router("/visits", visits_router)
api.add_router("/visits", visits_rules_router)
api.add_router("/workforce", workforce_router)
api.add_router("/agents", agents_router)
api.add_router("/claims", claims_router)
api.add_router("/annuity", annuity_router)
api.add_router("/recruitment", recruitment_router)
api.add_router("/training", training_router)
api.add_router("/disputes", disputes_router)
api.add_router("/archives", archives_router)
api.add_router("/reports", reports_router)
api.add_router("/analytics", analytics_router)
api.add_router("/calc", erlang_calc_router)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    body: dict[str, object] = {"detail": str(exc)}
    if isinstance(exc, InvalidFields):
        body["errors"] = [
            {"field": e.field, "label": e.label, "reason": e.reason} for e in exc.errors
        ]
    return api.create_response(request, body, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在或无权查看"}, status=404)


# pydantic's messages are English; clients of the API (and the rep reading a gateway's log)
# get the reason in Chinese, naming where in the request it is.
_PYDANTIC_REASONS = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为金额（如 1234.56）",
    "decimal_type": '应为金额（如 "1234.56"）',
    "string_type": "应为文本",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "date_parsing": "日期格式应为 2026-01-05",
    "date_from_datetime_parsing": "日期格式应为 2026-01-05",
    "datetime_parsing": "时间格式应为 2026-01-05T09:00:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 2026-01-05T09:00:00+08:00",
    "json_invalid": "JSON 格式错误",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "太长",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
}


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        reason = _PYDANTIC_REASONS.get(str(error.get("type")), str(error.get("msg", "")))
        errors.append({"field": where, "reason": reason})
    detail = "；".join(f"「{e['field']}」{e['reason']}" for e in errors) or "请求格式错误"
    return api.create_response(
        request, {"detail": f"请求参数无效：{detail}", "errors": errors}, status=422
    )
