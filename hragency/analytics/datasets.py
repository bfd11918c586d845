"""The registry of datasets of the custom query screen (R-RPT-2). Each dataset is defined once:
its base queryset (scoped for the user with ``core.scoping.scope_queryset``), the permission it
needs, whether a client's HR user may use it, its columns (field path, Chinese label, kind that
decides the formatting and masking) and its filters (client, date range on a named field,
choices). ``query.py`` builds, previews and exports from these definitions only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

# Column kinds: text, int, date, month, datetime, fen (integer fen), money (Decimal yuan),
# choice, bool, and the personal data kinds id_number, phone, bank (masked unless revealed).
PERSONAL_KINDS = {"id_number", "phone", "bank"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    field: str
    kind: str = "text"
    choices: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Filter:
    key: str
    label: str
    kind: str  # client | date | choice
    field: str
    choices: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Dataset:
    key: str
    label: str
    permission: str
    client_visible: bool
    base: Callable[[], QuerySet[Any]]
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...]
    default_columns: tuple[str, ...]
    default_sort: str
    description: str = ""
    by_key: dict[str, Column] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_key.update({c.key: c for c in self.columns})

    def column(self, key: str) -> Column | None:
        return self.by_key.get(key)

    def filter(self, key: str) -> Filter | None:
        return next((f for f in self.filters if f.key == key), None)


REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    REGISTRY[dataset.key] = dataset
    return dataset


def datasets_for(user: Any) -> list[Dataset]:
    """The datasets the user may query, in registry order."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not user.has_perm("analytics.use_custom_query"):
        return []
    client_user = getattr(user, "kind", "") == "client_hr"
    return [
        d
        for d in REGISTRY.values()
        if user.has_perm(d.permission) and (d.client_visible or not client_user)
    ]


def _choices(model_choices: Any) -> dict[str, str]:
    return dict(model_choices)


def _client_cols() -> tuple[Column, ...]:
    return (
        Column("client_number", "客户编号", "client__number"),
        Column("client", "客户名称", "client__name"),
    )


def _client_filter(field: str = "client_id") -> Filter:
    return Filter("client", "客户", "client", field)


# ---- the datasets -------------------------------------------------------------------------


def _people() -> Dataset:
    from hragency.employees.models import InsuredPerson as P

    return Dataset(
        key="people",
        label="参保人员",
        description="员工档案：每位参保人员一行",
        permission="employees.view_insuredperson",
        client_visible=True,
        base=lambda: P.objects.all(),
        columns=(
            *_client_cols(),
            Column("name", "姓名", "name"),
            Column("id_number", "身份证号", "id_number", "id_number"),
            Column("gender", "性别", "gender", "choice", _choices(P.Gender.choices)),
            Column("birth_date", "出生日期", "birth_date", "date"),
            Column("phone", "手机号", "phone", "phone"),
            Column("email", "电子邮箱", "email"),
            Column("employee_number", "工号", "employee_number"),
            Column("position", "岗位", "position"),
            Column("salary", "月工资", "salary", "money"),
            Column("hire_date", "入职日期", "hire_date", "date"),
            Column("leave_date", "离职日期", "leave_date", "date"),
            Column("insured_city", "参保城市", "insured_city"),
            Column("status", "状态", "status", "choice", _choices(P.Status.choices)),
            Column(
                "contract_type",
                "合同类型",
                "contract_type",
                "choice",
                _choices(P.ContractType.choices),
            ),
            Column("contract_end", "合同结束日期", "contract_end", "date"),
            Column("bank_name", "开户银行", "bank_name"),
            Column("bank_account", "银行账号", "bank_account", "bank"),
        ),
        filters=(
            _client_filter(),
            Filter("hire_date", "入职日期", "date", "hire_date"),
            Filter("status", "状态", "choice", "status", _choices(P.Status.choices)),
            Filter("gender", "性别", "choice", "gender", _choices(P.Gender.choices)),
        ),
        default_columns=("client", "name", "id_number", "gender", "hire_date", "status"),
        default_sort="name",
    )


def _enrollments() -> Dataset:
    from hragency.insurance.models import Enrollment as E

    def base() -> QuerySet[Any]:
        month = timezone.localdate().replace(day=1)
        return E.objects.filter(start_month__lte=month).filter(
            Q(end_month__isnull=True) | Q(end_month__gte=month)
        )

    return Dataset(
        key="enrollments",
        label="在保名单",
        description="本月在保的参保记录",
        permission="insurance.view_enrollment",
        client_visible=True,
        base=base,
        columns=(
            *_client_cols(),
            Column("person", "姓名", "person__name"),
            Column("id_number", "身份证号", "person__id_number", "id_number"),
            Column("city", "参保城市", "city"),
            Column("wage", "申报工资", "wage", "money"),
            Column("hf_wage", "公积金申报工资", "hf_wage", "money"),
            Column("si", "参加社保", "si", "bool"),
            Column("hf", "缴存公积金", "hf", "bool"),
            Column("start_month", "起始月份", "start_month", "month"),
            Column("end_month", "截止月份", "end_month", "month"),
        ),
        filters=(_client_filter(), Filter("start_month", "起始月份", "date", "start_month")),
        default_columns=("client", "person", "id_number", "city", "wage", "start_month"),
        default_sort="person",
    )


def _orders() -> Dataset:
    from hragency.insurance.models import Order as O

    return Dataset(
        key="orders",
        label="增减员单",
        description="客户提交的增员、减员单及办理情况",
        permission="insurance.view_order",
        client_visible=True,
        base=lambda: O.objects.all(),
        columns=(
            Column("number", "单号", "number"),
            *_client_cols(),
            Column("person", "姓名", "person__name"),
            Column("id_number", "身份证号", "person__id_number", "id_number"),
            Column("kind", "类型", "kind", "choice", _choices(O.Kind.choices)),
            Column("city", "参保城市", "city"),
            Column("month", "生效月份", "month", "month"),
            Column("wage", "申报工资", "wage", "money"),
            Column("status", "状态", "status", "choice", _choices(O.Status.choices)),
            Column("channel", "提交渠道", "channel", "choice", _choices(O.Channel.choices)),
            Column("reason", "减员原因", "reason"),
            Column("submitted_at", "提交时间", "submitted_at", "datetime"),
            Column("handled_at", "办理时间", "handled_at", "datetime"),
            Column("handled_by", "办理人", "handled_by__display_name"),
        ),
        filters=(
            _client_filter(),
            Filter("submitted_at", "提交时间", "date", "submitted_at"),
            Filter("month", "生效月份", "date", "month"),
            Filter("kind", "类型", "choice", "kind", _choices(O.Kind.choices)),
            Filter("status", "状态", "choice", "status", _choices(O.Status.choices)),
        ),
        default_columns=("number", "client", "person", "kind", "month", "status", "submitted_at"),
        default_sort="-submitted_at",
    )


def _statements() -> Dataset:
    from hragency.billing.models import Statement as S

    return Dataset(
        key="statements",
        label="费用明细表",
        description="月结生成的费用明细表（每客户每月一张）",
        permission="billing.view_statement",
        client_visible=True,
        base=lambda: S.objects.all(),
        columns=(
            Column("number", "编号", "number"),
            *_client_cols(),
            Column("period", "所属期", "period", "month"),
            Column("headcount", "人数", "headcount", "int"),
            Column("wages", "申报工资合计", "wages_fen", "fen"),
            Column("si_employer", "社保单位部分", "si_employer_fen", "fen"),
            Column("si_employee", "社保个人部分", "si_employee_fen", "fen"),
            Column("hf_employer", "公积金单位部分", "hf_employer_fen", "fen"),
            Column("hf_employee", "公积金个人部分", "hf_employee_fen", "fen"),
            Column("service_fee", "服务费", "service_fee_fen", "fen"),
            Column("tax", "相关税费", "tax_fen", "fen"),
            Column("total", "应付合计", "total_fen", "fen"),
            Column("status", "状态", "status", "choice", _choices(S.Status.choices)),
            Column("computed_at", "核算时间", "computed_at", "datetime"),
        ),
        filters=(
            _client_filter(),
            Filter("period", "所属期", "date", "period"),
            Filter("status", "状态", "choice", "status", _choices(S.Status.choices)),
        ),
        default_columns=("number", "client", "period", "headcount", "service_fee", "total"),
        default_sort="-period",
    )


def _payroll() -> Dataset:
    from hragency.payroll.models import PayrollLine as L
    from hragency.payroll.models import PayrollRun as R

    return Dataset(
        key="payroll",
        label="工资明细",
        description="工资表中每人每月一行",
        permission="payroll.view_payrollline",
        client_visible=True,
        base=lambda: L.objects.all(),
        columns=(
            Column("run", "工资表编号", "run__number"),
            *_client_cols(),
            Column("period", "所属月份", "period", "month"),
            Column("person", "姓名", "person__name"),
            Column("id_number", "身份证号", "person__id_number", "id_number"),
            Column("bank_account", "银行账号", "person__bank_account", "bank"),
            Column("gross", "应发合计", "gross_fen", "fen"),
            Column("si_employee", "个人社保", "si_employee_fen", "fen"),
            Column("hf_employee", "个人公积金", "hf_employee_fen", "fen"),
            Column("iit", "本月预扣个税", "iit_fen", "fen"),
            Column("net", "实发工资", "net_fen", "fen"),
            Column("si_employer", "单位社保", "si_employer_fen", "fen"),
            Column("hf_employer", "单位公积金", "hf_employer_fen", "fen"),
            Column("run_status", "工资表状态", "run__status", "choice", _choices(R.Status.choices)),
        ),
        filters=(
            _client_filter(),
            Filter("period", "所属月份", "date", "period"),
            Filter("run_status", "工资表状态", "choice", "run__status", _choices(R.Status.choices)),
        ),
        default_columns=("client", "period", "person", "gross", "iit", "net"),
        default_sort="person",
    )


def _tickets() -> Dataset:
    from hragency.core.business import BusinessModule
    from hragency.servicedesk.models import Channel, Nature, Ticket, Urgency

    return Dataset(
        key="tickets",
        label="工单",
        description="服务台工单（各渠道）",
        permission="servicedesk.view_ticket",
        client_visible=True,
        base=lambda: Ticket.objects.all(),
        columns=(
            Column("number", "工单号", "number"),
            *_client_cols(),
            Column("channel", "渠道", "channel", "choice", _choices(Channel.choices)),
            Column("module", "业务模块", "module", "choice", _choices(BusinessModule.choices)),
            Column("nature", "问题性质", "nature", "choice", _choices(Nature.choices)),
            Column("urgency", "紧急程度", "urgency", "choice", _choices(Urgency.choices)),
            Column("subject", "标题", "subject"),
            Column("status", "状态", "status", "choice", _choices(Ticket.Status.choices)),
            Column("contact_name", "联系人", "contact_name"),
            Column("contact_phone", "联系电话", "contact_phone", "phone"),
            Column("created_at", "登记时间", "created_at", "datetime"),
            Column("first_response_at", "首次响应时间", "first_response_at", "datetime"),
            Column("resolved_at", "解决时间", "resolved_at", "datetime"),
            Column("closed_at", "关闭时间", "closed_at", "datetime"),
            Column("first_owner", "首问责任人", "first_owner__display_name"),
            Column("handler", "当前处理人", "handler__display_name"),
            Column("handling_minutes", "处理时长（工作分钟）", "handling_minutes", "int"),
            Column("satisfaction", "满意度", "satisfaction", "int"),
        ),
        filters=(
            _client_filter(),
            Filter("created_at", "登记时间", "date", "created_at"),
            Filter("status", "状态", "choice", "status", _choices(Ticket.Status.choices)),
            Filter("channel", "渠道", "choice", "channel", _choices(Channel.choices)),
            Filter("module", "业务模块", "choice", "module", _choices(BusinessModule.choices)),
            Filter("nature", "问题性质", "choice", "nature", _choices(Nature.choices)),
        ),
        default_columns=("number", "client", "channel", "subject", "status", "created_at"),
        default_sort="-created_at",
    )


def _visits() -> Dataset:
    from hragency.visits.models import VisitTask as V

    return Dataset(
        key="visits",
        label="回访任务",
        description="客户回访与满意度调查任务",
        permission="visits.view_visittask",
        client_visible=False,
        base=lambda: V.objects.all(),
        columns=(
            *_client_cols(),
            Column("kind", "类型", "kind", "choice", _choices(V.Kind.choices)),
            Column("status", "状态", "status", "choice", _choices(V.Status.choices)),
            Column("due_date", "应回访日期", "due_date", "date"),
            Column("owner", "负责人", "owner__display_name"),
            Column("method", "回访方式", "method", "choice", _choices(V.Method.choices)),
            Column("done_at", "完成时间", "done_at", "datetime"),
            Column("summary", "回访记录", "summary"),
            Column("issues", "客户提出的问题", "issues"),
            Column("reason", "触发原因", "reason"),
        ),
        filters=(
            _client_filter(),
            Filter("due_date", "应回访日期", "date", "due_date"),
            Filter("status", "状态", "choice", "status", _choices(V.Status.choices)),
            Filter("kind", "类型", "choice", "kind", _choices(V.Kind.choices)),
        ),
        default_columns=("client", "kind", "status", "due_date", "owner"),
        default_sort="due_date",
    )


for _factory in (_people, _enrollments, _orders, _statements, _payroll, _tickets, _visits):
    register(_factory())
