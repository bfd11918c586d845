"""Payslips (工资条, R-PAY-3): what each person is shown of their pay, on screen, as PDF and by
e-mail.

A payslip lists every salary item the person has an amount of this month, in the client's
item order (names from ``SalaryItem`` by code), grouped by kind; then 应发合计, the employee's
social insurance and housing fund, income tax (wages + separately taxed bonus), post-tax
deductions and 实发工资; then the year-to-date figures of the cumulative withholding method.
The ID number is masked.

E-mail (``send_payslips_for_run``) runs as a Huey task after the run is paid. Each person with
an e-mail address in the archive gets one message with the PDF attached (an HTML body with the
figures when Chromium is not available). A line is claimed by setting ``emailed_at`` before the
message is sent (and released again if sending fails), so two tasks never send the same payslip
twice and a re-run sends only what is still missing. Nothing here raises: failures are logged
and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.pdf import PdfUnavailable, render_pdf
from hragency.core.scoping import scope_queryset
from hragency.domain.money import format_cny
from hragency.payroll.models import PayrollLine, PayrollRun, SalaryItem
from hragency.payroll.queries import items_of_client

log = logging.getLogger(__name__)

SECTIONS: list[tuple[str, str]] = [
    (SalaryItem.Kind.EARNING, "应发项目"),
    (SalaryItem.Kind.DEDUCTION, "税前扣款"),
    (SalaryItem.Kind.ANNUAL_BONUS, "全年一次性奖金"),
    (SalaryItem.Kind.OTHER_DEDUCTIBLE, "税前扣除（依法扣除）"),
    (SalaryItem.Kind.POST_TAX, "税后扣款"),
]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, int]]

    @property
    def total_fen(self) -> int:
        return sum(fen for _, fen in self.rows)


@dataclass(frozen=True)
class Payslip:
    """One person's month as every payslip shows it (amounts in fen)."""

    line: PayrollLine
    client_name: str
    person_name: str
    id_number_masked: str
    employee_number: str
    sections: list[Section]
    summary: list[tuple[str, int]]
    """应发合计 … 实发工资, in order; the last row is the net pay."""
    year_to_date: list[tuple[str, int]]

    @property
    def period_label(self) -> str:
        return f"{self.line.period.year}年{self.line.period.month}月"

    @property
    def net_fen(self) -> int:
        return self.line.net_fen


def build_payslip(line: PayrollLine, items: Iterable[SalaryItem]) -> Payslip:
    """``line`` with its person (and client) loaded; ``items`` the client's salary items."""
    amounts = dict(line.items or {})
    grouped: dict[str, list[tuple[str, int]]] = {kind: [] for kind, _ in SECTIONS}
    for item in items:
        fen = amounts.pop(item.code, 0)
        if fen:
            grouped.setdefault(item.kind, []).append((item.name, int(fen)))
    for code, fen in amounts.items():  # an item deleted since: shown by its code
        if fen:
            grouped[SalaryItem.Kind.EARNING].append((code, int(fen)))
    sections = [Section(title, grouped[kind]) for kind, title in SECTIONS if grouped[kind]]
    other = sum(fen for _, fen in grouped[SalaryItem.Kind.OTHER_DEDUCTIBLE])
    summary: list[tuple[str, int]] = [
        ("应发合计", line.gross_fen),
        ("个人社保", line.si_employee_fen),
        ("个人公积金", line.hf_employee_fen),
    ]
    if other:
        summary.append(("依法扣除（企业年金等）", other))
    summary.append(("个税", line.iit_fen + line.bonus_tax_fen))
    if line.bonus_tax_fen:
        summary += [
            ("其中：工资薪金个税", line.iit_fen),
            ("其中：全年一次性奖金个税", line.bonus_tax_fen),
        ]
    summary += [("税后扣款", line.post_tax_fen), ("实发工资", line.net_fen)]
    ytd: list[tuple[str, int]] = [("累计收入", line.cum_income_fen)]
    if line.cum_tax_free_fen:
        ytd.append(("累计免税收入", line.cum_tax_free_fen))
    ytd += [
        ("累计减除费用", line.cum_standard_fen),
        ("累计专项扣除", line.cum_special_fen),
        ("累计专项附加扣除", line.cum_additional_fen),
    ]
    if line.cum_other_fen:
        ytd.append(("累计其他扣除", line.cum_other_fen))
    ytd += [
        ("累计应纳税所得额", line.cum_taxable_fen),
        ("累计应纳税额", line.cum_tax_fen),
        ("累计已预扣税额", line.cum_withheld_fen),
    ]
    person = line.person
    return Payslip(
        line=line,
        client_name=line.client.name,
        person_name=person.name,
        id_number_masked=person.id_number_masked,
        employee_number=person.employee_number or "",
        sections=sections,
        summary=summary,
        year_to_date=ytd,
    )


def build_all(lines: Iterable[PayrollLine], client_id: int) -> list[Payslip]:
    items = items_of_client(client_id)
    return [build_payslip(line, items) for line in lines]


# ---- PDF -----------------------------------------------------------------------------------


def payslips_html(slips: list[Payslip]) -> str:
    return render_to_string(
        "payroll/outputs/payslip_pdf.html",
        {"slips": slips, "printed_at": timezone.localtime()},
    )


def payslips_pdf(slips: list[Payslip]) -> bytes:
    """One A5 page per payslip; ``PdfUnavailable`` when no PDF can be made."""
    return render_pdf(payslips_html(slips))


def pdf_filename(slip: Payslip) -> str:
    return f"工资条-{slip.line.period:%Y%m}-{slip.person_name}.pdf"


# ---- e-mail --------------------------------------------------------------------------------


@dataclass
class SendReport:
    run_id: int
    sent: list[str] = field(default_factory=list)
    already_sent: int = 0
    no_address: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(name, reason)."""
    with_pdf: bool = True
    error: str = ""
    """Why nothing was sent at all (run missing, not paid, client no longer served)."""

    def summary(self) -> str:
        if self.error:
            return self.error
        parts = [f"已发送 {len(self.sent)} 人"]
        if self.already_sent:
            parts.append(f"此前已发送 {self.already_sent} 人")
        if self.no_address:
            parts.append(f"无邮箱 {len(self.no_address)} 人")
        if self.failed:
            parts.append(f"发送失败 {len(self.failed)} 人")
        return "，".join(parts)


def subject(line: PayrollLine) -> str:
    return f"{line.period.year}年{line.period.month}月工资条"


def _message(slip: Payslip, address: str, pdf: bytes | None, connection: Any) -> Any:
    line = slip.line
    how = "工资条明细见附件（PDF）。" if pdf is not None else "工资条明细见下方。"
    body = (
        f"{slip.person_name}，您好：\n\n"
        f"您{slip.period_label}的工资已发放，实发工资 {format_cny(line.net_fen)}。{how}\n"
        "也可登录员工平台在「我的工资条」中查看。如对工资有疑问，请联系贵公司人事或我们的"
        "薪酬专员。\n\n"
        f"{slip.client_name}\n（本邮件由系统自动发送，请勿直接回复。）\n"
    )
    message = EmailMultiAlternatives(subject(line), body, to=[address], connection=connection)
    if pdf is not None:
        message.attach(pdf_filename(slip), pdf, "application/pdf")
    else:
        html = render_to_string("payroll/outputs/payslip_email.html", {"slip": slip})
        message.attach_alternative(html, "text/html")
    return message


def _release(line_id: int, claimed_at: Any) -> None:
    PayrollLine.objects.filter(pk=line_id, emailed_at=claimed_at).update(emailed_at=None)


def send_payslips_for_run(run_id: int) -> SendReport:
    """E-mail the run's payslips to everyone with an address who has not had theirs yet."""
    report = SendReport(run_id=run_id)
    try:
        _send(run_id, report)
    except Exception as exc:  # never raise: a task retry must not double-send; it is reported
        log.exception("发送工资条邮件出错（工资表 %s）", run_id)
        report.error = report.error or f"发送工资条邮件出错：{exc}"
    return report


def _send(run_id: int, report: SendReport) -> None:
    run = PayrollRun.objects.select_related("client").filter(pk=run_id).first()
    if run is None:
        report.error = "工资表不存在"
        return
    if run.status != PayrollRun.Status.PAID:
        report.error = f"工资表{run.get_status_display()}，发放后才发送工资条"
        return
    try:
        ensure_serviceable(run.client)
    except ServiceError as exc:
        report.error = str(exc)
        return
    lines = list(
        PayrollLine.objects.filter(run=run)
        .select_related("person", "client")
        .order_by("person__name", "person_id")
    )
    items = items_of_client(run.client_id)
    connection = get_connection()
    try:
        for line in lines:
            _send_one(line, items, connection, report)
    finally:
        try:
            connection.close()
        except Exception:  # pragma: no cover - closing a broken connection
            log.warning("关闭邮件连接失败", exc_info=True)
    if report.sent or report.failed:
        audit.record(
            actor=None,
            action="payroll.payslips_emailed",
            instance=run,
            extra={
                "sent": len(report.sent),
                "failed": len(report.failed),
                "no_address": len(report.no_address),
                "with_pdf": report.with_pdf,
            },
        )


def _send_one(
    line: PayrollLine, items: list[SalaryItem], connection: Any, report: SendReport
) -> None:
    person = line.person
    if line.emailed_at is not None:
        report.already_sent += 1
        return
    address = (person.email or "").strip()
    if not address:
        report.no_address.append(person.name)
        return
    claimed_at = timezone.now()
    claimed = PayrollLine.objects.filter(pk=line.pk, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    )
    if not claimed:  # another task sent it meanwhile
        report.already_sent += 1
        return
    try:
        slip = build_payslip(line, items)
        pdf = None
        if report.with_pdf:
            try:
                pdf = payslips_pdf([slip])
            except PdfUnavailable as exc:
                log.warning("工资条 PDF 无法生成，改为 HTML 正文：%s", exc)
                report.with_pdf = False
        _message(slip, address, pdf, connection).send(fail_silently=False)
    except Exception as exc:
        log.exception("工资条邮件发送失败：%s <%s>", person.name, address)
        _release(line.pk, claimed_at)
        report.failed.append((person.name, str(exc) or type(exc).__name__))
        return
    report.sent.append(person.name)


@transaction.atomic
def queue_payslip_emails(*, actor: Any, run: PayrollRun) -> int:
    """Ask for the run's payslips to be e-mailed (again) to those who have not had theirs:
    the Huey task ``send_payslips`` runs after commit. Returns how many are pending."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("payroll.pay_payroll"):
        raise PermissionDenied("无权发送工资条")
    scoped = scope_queryset(PayrollRun.objects.select_related("client"), actor)
    found = scoped.filter(pk=run.pk).first()
    if found is None:
        raise PermissionDenied("无权操作该客户的工资")
    run = found
    ensure_serviceable(run.client)
    if run.status != PayrollRun.Status.PAID:
        raise ServiceError(f"工资表{run.get_status_display()}，发放后才能发送工资条")
    pending = (
        PayrollLine.objects.filter(run=run, emailed_at__isnull=True)
        .exclude(person__email="")
        .count()
    )
    if not pending:
        raise ServiceError("没有待发送的工资条（已全部发送，或未登记电子邮箱）")
    audit.record(
        actor=actor, action="payroll.payslips_send", instance=run, extra={"pending": pending}
    )
    run_id = run.pk

    def enqueue() -> None:
        from hragency.payroll.tasks import send_payslips

        send_payslips(run_id)

    transaction.on_commit(enqueue)
    return pending
