"""R-PAY-4: a salary change updates the SI/HF base at the next adjustment (调基建议).

In China the contribution base for the year from July (the usual adjustment month; a client
may choose another month of the year) is the person's average monthly wage of the previous
calendar year (上年度月平均工资); the month close clamps it to the city's floor and ceiling.

``proposed_bases`` computes, for every person of a client whose enrollment (``insurance``) is in
force in the adjustment month, that average from their paid payslips (``PayrollLine`` of PAID
runs at this client):

* a month's wage is the sum of the items marked ``SalaryItem.in_si_base``: earnings and the
  annual bonus add, pre-tax deductions (缺勤扣款 …) subtract — the wage actually earned, as the
  payslip's gross pay. Items that are not wages at all (other deductible items such as the
  employee's annuity, post-tax deductions) never count, whatever their flag;
* the average is over the months paid in the previous year (fewer than 12 is said so), rounded
  half up to the fen;
* a person without pay in the previous year (hired this year) gets the wage of their first full
  month this year (a month they were employed from its first day), else no proposal and why.

Beside the current declared wage and the difference, each proposal says whether the person's
standing salary (``PersonSalary``) changed since their current enrollment segment started: those
are the "salary changed" cases the requirement is about.

``apply_proposed_bases`` hands the chosen people's proposals to the insurance base adjustment
(``insurance.bases.adjust_bases``: the old segment ends with the month before, a new one starts),
in one audited transaction, and refuses a month whose fee statement the client has confirmed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hragency.clients.models import Client
from hragency.clients.queries import clients_for
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.domain.payroll import ItemKind
from hragency.insurance.bases import BaseAdjustmentImporter, adjust_bases
from hragency.insurance.queries import enrollments_in_force
from hragency.payroll.models import PayrollLine, PayrollRun, PersonSalary, SalaryItem

ADJUSTMENT_MONTH = 7
"""The usual adjustment month (July)."""
FIRST_YEAR, LAST_YEAR = 2000, 2100
_SIGN = {ItemKind.EARNING: 1, ItemKind.ANNUAL_BONUS: 1, ItemKind.DEDUCTION: -1}


# ---- permissions -------------------------------------------------------------------------------


def may_view_proposals(user: Any) -> bool:
    """Payroll specialists (``payroll.prepare_payroll``); a client's HR user for their company."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.kind == "client_hr":
        return bool(user.has_perm("payroll.view_payrollrun"))
    return user.kind == "staff" and bool(user.has_perm("payroll.prepare_payroll"))


def may_apply_proposals(user: Any) -> bool:
    """Staff preparing payroll who may also adjust bases (``insurance.handle_order``)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == "staff"
        and user.has_perm("payroll.prepare_payroll")
        and user.has_perm("insurance.handle_order")
    )


def require_view(user: Any) -> None:
    if not may_view_proposals(user):
        raise PermissionDenied("无权查看调基建议")


def require_apply(user: Any) -> None:
    if not may_apply_proposals(user):
        raise PermissionDenied("无权调整缴费基数")


# ---- reads -------------------------------------------------------------------------------------


def proposal_clients(user: Any) -> list[Client]:
    """The clients whose proposals the user may see (the chooser of the screen)."""
    if not may_view_proposals(user):
        return []
    return list(clients_for(user).order_by("number"))


def proposal_client(user: Any, client_id: int) -> Client:
    """403 without the permission, 404 for a client out of scope."""
    require_view(user)
    client = clients_for(user).filter(pk=client_id).first()
    if client is None:
        raise Http404("客户不存在或无权查看")
    return client


def check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ServiceError(f"年度应为 {FIRST_YEAR}–{LAST_YEAR} 之间的整数，实为 {year}")
    return year


def adjustment_month(year: int, raw: str | Period | None = None) -> Period:
    """The month the new bases take effect: July of ``year`` unless another month of it."""
    check_year(year)
    if raw is None or raw == "":
        return Period(year, ADJUSTMENT_MONTH)
    if isinstance(raw, Period):
        month = raw
    else:
        try:
            month = parse_period(str(raw))
        except PolicyError as exc:
            raise ServiceError(f"生效月份：{exc}") from exc
    if month.year != year:
        raise ServiceError(f"生效月份应在 {year} 年内（调基年度），实为 {month}")
    return month


@dataclass(frozen=True)
class Proposal:
    """One person's proposed declared wage for the adjustment year (None: cannot say, ``note``
    says why)."""

    enrollment_id: int
    person: Any
    city: str
    segment_start: dt.date
    current_wage: Decimal
    proposed_wage: Decimal | None
    months: int
    """Months averaged (previous year); 1 for the first full month of this year; 0: none."""
    basis: str
    """``previous_year``, ``first_month`` or ``none``."""
    note: str
    salary_changed_on: dt.date | None
    """The latest standing-salary change after the current segment started, if any."""

    @property
    def person_id(self) -> int:
        return int(self.person.pk)

    @property
    def name(self) -> str:
        return str(self.person.name)

    @property
    def id_number_masked(self) -> str:
        return str(self.person.id_number_masked)

    @property
    def salary_changed(self) -> bool:
        return self.salary_changed_on is not None

    @property
    def difference(self) -> Decimal | None:
        if self.proposed_wage is None:
            return None
        return self.proposed_wage - self.current_wage

    @property
    def changes(self) -> bool:
        return self.proposed_wage is not None and self.proposed_wage != self.current_wage


def _signs(client: Client) -> dict[str, int]:
    """Item code → +1/−1 for the items that count towards the SI base, others absent."""
    return {
        code: _SIGN[ItemKind(kind)]
        for code, kind, in_base in SalaryItem.objects.filter(client=client).values_list(
            "code", "kind", "in_si_base"
        )
        if in_base and ItemKind(kind) in _SIGN
    }


def _wages(
    user: Any, client: Client, person_ids: Iterable[int], year: int
) -> dict[int, dict[dt.date, int]]:
    """person → month → wage counting towards the base, from paid payslips of ``year − 1`` and
    ``year`` at this client."""
    signs = _signs(client)
    lines = scope_queryset(
        PayrollLine.objects.filter(
            client=client,
            person_id__in=list(person_ids),
            run__status=PayrollRun.Status.PAID,
            period__gte=dt.date(year - 1, 1, 1),
            period__lt=dt.date(year + 1, 1, 1),
        ),
        user,
    ).values_list("person_id", "period", "items")
    wages: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for person_id, period, items in lines:
        fen = sum(signs.get(code, 0) * int(amount) for code, amount in (items or {}).items())
        wages[person_id][period] = wages[person_id].get(period, 0) + fen
    return wages


def _salary_changes(user: Any, client: Client, starts: dict[int, dt.date]) -> dict[int, dt.date]:
    """person → latest ``PersonSalary.effective_from`` after their segment started."""
    rows = scope_queryset(
        PersonSalary.objects.filter(client=client, person_id__in=list(starts)), user
    ).values_list("person_id", "effective_from")
    changed: dict[int, dt.date] = {}
    for person_id, effective in rows:
        if effective > starts[person_id] and effective > changed.get(person_id, dt.date.min):
            changed[person_id] = effective
    return changed


def _average(months: dict[dt.date, int]) -> tuple[int, int]:
    """(average fen rounded half up, months) of a year's wages."""
    total, count = sum(months.values()), len(months)
    if total <= 0:
        return 0, count
    return (2 * total + count) // (2 * count), count


def _first_full_month(months: dict[dt.date, int], hire_date: dt.date | None) -> dt.date | None:
    for period in sorted(months):
        if hire_date is None or hire_date <= period:
            return period
    return None


def _propose(
    person: Any, wages: dict[dt.date, int], year: int
) -> tuple[Decimal | None, int, str, str]:
    previous = {p: f for p, f in wages.items() if p.year == year - 1}
    if previous:
        average, count = _average(previous)
        if average <= 0:
            return None, count, "none", f"{year - 1}年计入基数的工资合计不大于 0，无法计算"
        note = ""
        if count < 12:
            first, last = min(previous), max(previous)
            note = (
                f"{year - 1}年仅 {count} 个月有工资（{first.month}–{last.month}月），"
                f"按 {count} 个月平均"
            )
        return from_fen(average), count, "previous_year", note
    current = {p: f for p, f in wages.items() if p.year == year}
    full = _first_full_month(current, person.hire_date)
    if full is not None and current[full] > 0:
        return (
            from_fen(current[full]),
            1,
            "first_month",
            f"{year - 1}年无工资记录，按{year}年首个完整月（{full.month}月）工资",
        )
    if current:
        return None, 0, "none", f"{year - 1}年无工资记录，{year}年尚无完整月份的工资"
    return None, 0, "none", f"{year - 1}年及{year}年均无已发放的工资记录，无法计算"


def proposed_bases(
    *, user: Any, client: Client, year: int, month: Period | None = None
) -> list[Proposal]:
    """A proposal for every enrollment of ``client`` in force in the adjustment ``month``
    (default July of ``year``), ordered by name."""
    require_view(user)
    check_year(year)
    month = adjustment_month(year, month)
    if not clients_for(user).filter(pk=client.pk).exists():
        raise Http404("客户不存在或无权查看")
    enrollments = list(enrollments_in_force(user, period=month, client_id=client.pk))
    starts = {e.person_id: e.start_month for e in enrollments}
    wages = _wages(user, client, starts, year)
    changes = _salary_changes(user, client, starts)
    proposals = []
    for enrollment in enrollments:
        wage, count, basis, note = _propose(
            enrollment.person, wages.get(enrollment.person_id, {}), year
        )
        proposals.append(
            Proposal(
                enrollment_id=enrollment.pk,
                person=enrollment.person,
                city=enrollment.city,
                segment_start=enrollment.start_month,
                current_wage=enrollment.wage,
                proposed_wage=wage,
                months=count,
                basis=basis,
                note=note,
                salary_changed_on=changes.get(enrollment.person_id),
            )
        )
    return proposals


# ---- writes ------------------------------------------------------------------------------------


@transaction.atomic
def apply_proposed_bases(
    *, actor: Any, client: Client, year: int, effective_month: Period, person_ids: Iterable[int]
) -> dict[str, int]:
    """Adjust the chosen people's declared wage to their proposal from ``effective_month``.

    Returns ``adjusted`` and ``unchanged`` (already at the proposed wage)."""
    require_apply(actor)
    month = adjustment_month(year, effective_month)
    client = ensure_serviceable(proposal_client(actor, client.pk))
    try:
        chosen = list(dict.fromkeys(int(p) for p in person_ids))
    except (TypeError, ValueError) as exc:
        raise ServiceError("人员编号应为整数") from exc
    if not chosen:
        raise ServiceError("请选择要调整基数的人员")
    wanted = set(chosen)
    proposals = [
        p
        for p in proposed_bases(user=actor, client=client, year=year, month=month)
        if p.person_id in wanted
    ]
    missing = set(chosen) - {p.person_id for p in proposals}
    if missing:
        raise ServiceError(f"有 {len(missing)} 人在 {month} 没有本单位的参保记录，无法调整")
    refused = [f"{p.name}：{p.note}" for p in proposals if p.proposed_wage is None]
    if refused:
        raise ServiceError("以下人员没有建议基数：" + "；".join(refused))
    wages = {p.enrollment_id: p.proposed_wage for p in proposals if p.proposed_wage is not None}
    counts = adjust_bases(actor=actor, client=client, month=month, wages=wages)
    audit.record(
        actor=actor,
        action="payroll.base_proposals_apply",
        instance=client,
        extra={
            "year": year,
            "month": str(month),
            "people": sorted(chosen),
            "adjusted": counts["adjusted"],
            "unchanged": counts["unchanged"],
        },
    )
    return counts


# ---- the Excel file, in the layout of the si_bases import ---------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXTRA = ["现申报工资", "差额", "计算月数", "依据", "定薪变动", "说明"]
_BASIS = {"previous_year": "上年度月平均工资", "first_month": "本年度首个完整月工资"}


@transaction.atomic
def export_proposals(*, actor: Any, client: Client, year: int, month: Period) -> tuple[str, bytes]:
    """The proposals as an .xlsx a specialist may edit and upload as a 缴费基数年度调整
    (``si_bases``) import: its columns first (full ID numbers, so the export is audited), our
    figures after them (the importer ignores extra columns). People without a proposal are
    listed on a second sheet."""
    require_apply(actor)
    client = proposal_client(actor, client.pk)
    proposals = proposed_bases(user=actor, client=client, year=year, month=month)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "导入数据"
    columns = BaseAdjustmentImporter.columns
    for index, label in enumerate([c.label for c in columns] + _EXTRA, start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        required = index <= len(columns) and columns[index - 1].required
        cell.font = _REQUIRED_FONT if required else _HEADER_FONT
        cell.fill = _HEADER_FILL
    missing = book.create_sheet("无法计算")
    missing.append(["姓名", "身份证号", "现申报工资", "说明"])
    rows = 0
    for p in proposals:
        if p.proposed_wage is None:
            missing.append([p.name, p.id_number_masked, p.current_wage, p.note])
            continue
        rows += 1
        sheet.append(
            [
                str(p.person.id_number),
                p.name,
                str(month),
                p.proposed_wage,
                p.current_wage,
                p.difference,
                p.months,
                _BASIS.get(p.basis, ""),
                f"{p.salary_changed_on:%Y-%m} 起定薪变动" if p.salary_changed_on else "",
                p.note,
            ]
        )
        sheet.cell(row=rows + 1, column=1).number_format = "@"
        for money_column in (4, 5, 6):
            sheet.cell(row=rows + 1, column=money_column).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGHIJ", (22, 12, 10, 14, 14, 12, 10, 20, 18, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in columns:
        notes.append([column.label, "必填" if column.required else "选填", column.help])
    notes.append([])
    notes.append(
        ["说明", "", "可修改「新申报工资」后在「批量导入 › 缴费基数年度调整」上传本文件。"]
    )
    notes.append(["", "", "「现申报工资」及之后的列仅供参考，导入时忽略。"])
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        actor=actor,
        action="payroll.base_proposals_export",
        instance=client,
        extra={"year": year, "month": str(month), "rows": rows},
    )
    return f"调基建议_{client.name}_{month.first_day:%Y%m}.xlsx", buffer.getvalue()
