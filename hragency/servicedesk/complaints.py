"""Complaints and suggestions (R-CMP, seed 002 §七, 000).

A ticket of nature 投诉建议 registers a ``Complaint`` (``register``, called by
``hooks.ticket_opened``): a suggestion when the text reads as one (建议、希望、能否 … and no
complaint word), else a complaint; the rep may switch it (``change_kind``).

Complaints are classified by a complaint manager (``classify_complaint``): major (the client
threatens to end the contract, or a serious effect on the company's image), normal, or
malicious (untrue or defamatory), with a named investigator (required) and the department
concerned. The investigator owns the deadline ``servicedesk.complaint``: normal and malicious
24 hours, major 48 hours, **counted round the clock from receipt** (the 24-hour complaint line,
hotline calendar). A major complaint tells the CS director at once and cannot be concluded
without a rectification plan; a malicious one only with findings stating why. Concluding an
upheld complaint adds an improvement case.

Suggestions get a promised reply date and are summarised weekly for the departments
(``send_weekly_summary``, Monday 09:00), each suggestion once (``summarised_in_week``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import Message, notify, notify_all
from hragency.core.worktime import due_after
from hragency.servicedesk.models import Complaint, Ticket, TicketEvent

KIND = "servicedesk.complaint"
CALENDAR = "hotline"
DUE_HOURS = {
    Complaint.Severity.NORMAL: 24,
    Complaint.Severity.MALICIOUS: 24,
    Complaint.Severity.MAJOR: 48,
}
MALICIOUS_FINDINGS_MIN = 10  # a malicious finding must say why (at least this many characters)
SUGGESTION_WORDS = re.compile(r"建议|希望|能否|能不能|可否|是否可以|提议|改进意见|优化")
COMPLAINT_WORDS = re.compile(r"投诉|不满|太差|态度|举报|赔偿|终止合作|解约")


def _link(complaint: Complaint) -> str:
    return f"/desk/care/complaints/{complaint.pk}/"


def reads_as_suggestion(text: str) -> bool:
    return bool(SUGGESTION_WORDS.search(text)) and not COMPLAINT_WORDS.search(text)


def _open_deadline(complaint: Complaint) -> Deadline | None:
    return Deadline.objects.filter(
        kind=KIND,
        subject_type=Complaint._meta.label_lower,
        subject_id=str(complaint.pk),
        status=Deadline.Status.OPEN,
    ).first()


def register(ticket: Ticket, *, actor: Any, now: dt.datetime) -> Complaint:
    """Register the complaint or suggestion a ticket of nature 投诉建议 carries (once per
    ticket: a second call returns the existing one) and tell the supervisor."""
    from hragency.servicedesk.followups import supervisor_for

    existing = Complaint.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    text = f"{ticket.subject}\n{ticket.description}"
    kind = Complaint.Kind.SUGGESTION if reads_as_suggestion(text) else Complaint.Kind.COMPLAINT
    complaint = Complaint.objects.create(
        ticket=ticket, client_id=ticket.client_id, kind=kind, created_at=now
    )
    audit.record(
        actor=actor,
        action="servicedesk.complaint_register",
        instance=complaint,
        after=audit.snapshot(complaint),
    )
    supervisor = supervisor_for(ticket.first_owner, ticket.client)
    if supervisor is not None:
        label = complaint.get_kind_display()
        notify(
            recipients=[supervisor],
            title=f"新{label}：工单 {ticket.number}",
            body=f"{ticket.subject}\n"
            + (
                "请定级并指定调查人（一般 24 小时、重大 48 小时内办结）。"
                if kind == "complaint"
                else ""
            ),
            link=_link(complaint),
            level="warning" if kind == Complaint.Kind.COMPLAINT else "info",
        )
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)


def _require(actor: Any, perm: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if actor.kind != "staff" or not actor.has_perm(perm):
        raise PermissionDenied("无权处理投诉建议")


def _save(actor: Any, complaint: Complaint, before: dict[str, Any], action: str) -> None:
    complaint.save()
    audit.record(
        actor=actor,
        action=action,
        instance=complaint,
        before=before,
        after=audit.snapshot(complaint),
    )


@transaction.atomic
def change_kind(*, actor: Any, complaint: Complaint, kind: str) -> Complaint:
    """The rep corrects complaint ↔ suggestion before it is classified."""
    _require(actor, "servicedesk.handle_ticket")
    complaint = _locked(complaint)
    if kind not in Complaint.Kind.values:
        raise InvalidFields([FieldError("kind", "类别", "请选择投诉或建议")])
    if complaint.status == Complaint.Status.CONCLUDED:
        raise ServiceError("已办结，不能修改类别")
    if complaint.investigator_id or complaint.reply_promised_on:
        raise ServiceError("已定级或已承诺答复日期，不能再修改类别")
    before = audit.snapshot(complaint)
    complaint.kind = kind
    _save(actor, complaint, before, "servicedesk.complaint_kind")
    return complaint


@transaction.atomic
def classify_complaint(
    *,
    actor: Any,
    complaint: Complaint,
    severity: str,
    investigator: Any,
    target_department: Any = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Class, named investigator and department of a complaint; opens (or, on a change,
    replaces) the investigator's deadline counted from receipt."""
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role

    _require(actor, "servicedesk.manage_complaint")
    complaint = _locked(complaint)
    if complaint.kind != Complaint.Kind.COMPLAINT:
        raise ServiceError("建议无需定级，请填写承诺答复日期")
    if complaint.status == Complaint.Status.CONCLUDED:
        raise ServiceError("投诉已办结")
    errors = []
    if severity not in Complaint.Severity.values:
        errors.append(FieldError("severity", "投诉等级", "请选择重大、一般或恶意投诉"))
    if investigator is None:
        errors.append(FieldError("investigator", "调查人", "必须指定调查人"))
    elif investigator.kind != "staff" or not investigator.is_active:
        errors.append(FieldError("investigator", "调查人", "调查人须为在职员工"))
    if errors:
        raise InvalidFields(errors)
    now = now or timezone.now()
    before = audit.snapshot(complaint)
    was_major = complaint.severity == Complaint.Severity.MAJOR
    complaint.severity = severity
    complaint.investigator = investigator
    complaint.target_department = target_department
    complaint.due_at = due_after(complaint.created_at, hours=DUE_HOURS[severity], calendar=CALENDAR)
    _save(actor, complaint, before, "servicedesk.complaint_classify")
    old = _open_deadline(complaint)
    if old is not None:
        cancel_deadline(deadline=old, actor=actor)
    ticket = complaint.ticket
    open_deadline(
        kind=KIND,
        title=f"{complaint.get_severity_display()} {ticket.number}：调查办结",
        owner=investigator,
        due_at=complaint.due_at,
        starts_at=complaint.created_at,
        client_id=complaint.client_id,
        subject=complaint,
        link=_link(complaint),
        actor=actor,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.NOTE,
        actor=actor,
        to_user=investigator,
        body=f"投诉定级：{complaint.get_severity_display()}，调查人 {investigator}",
        created_at=now,
    )
    notify(
        recipients=[investigator],
        title=f"请调查{complaint.get_severity_display()}：工单 {ticket.number}",
        body=f"{ticket.subject}\n办结时限 {timezone.localtime(complaint.due_at):%Y-%m-%d %H:%M}"
        + ("，须附整改方案" if severity == Complaint.Severity.MAJOR else ""),
        link=_link(complaint),
        level="warning",
        email=True,
    )
    if severity == Complaint.Severity.MAJOR and not was_major:
        notify(
            recipients=role_holders(Role.CS_DIRECTOR),
            title=f"重大投诉：工单 {ticket.number}",
            body=f"{ticket.subject}\n调查人 {investigator}，48 小时内办结并出具整改方案。",
            link=_link(complaint),
            level="danger",
            email=True,
        )
    return complaint


@transaction.atomic
def promise_reply(
    *, actor: Any, complaint: Complaint, reply_promised_on: dt.date, target_department: Any
) -> Complaint:
    """A suggestion's promised reply date and the department it goes to."""
    _require(actor, "servicedesk.handle_ticket")
    complaint = _locked(complaint)
    if complaint.kind != Complaint.Kind.SUGGESTION:
        raise ServiceError("只有建议需要承诺答复日期")
    if complaint.status == Complaint.Status.CONCLUDED:
        raise ServiceError("已办结")
    if reply_promised_on is None:
        raise InvalidFields([FieldError("reply_promised_on", "承诺答复日期", "必填")])
    if reply_promised_on < timezone.localdate(complaint.created_at):
        raise InvalidFields([FieldError("reply_promised_on", "承诺答复日期", "不能早于登记日期")])
    before = audit.snapshot(complaint)
    complaint.reply_promised_on = reply_promised_on
    complaint.target_department = target_department
    _save(actor, complaint, before, "servicedesk.suggestion_promise")
    return complaint


@transaction.atomic
def conclude_complaint(
    *,
    actor: Any,
    complaint: Complaint,
    findings: str,
    rectification_plan: str = "",
    upheld: bool = True,
    now: dt.datetime | None = None,
) -> Complaint:
    """Conclude a complaint (findings; a rectification plan for a major one; a malicious one
    with findings saying why) or answer a suggestion (the reply: adopted or not). Closes the
    deadline met or late; an upheld complaint becomes an improvement case."""
    from hragency.servicedesk.followups import SOURCE_COMPLAINT, add_case

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    complaint = _locked(complaint)
    if actor.pk != complaint.investigator_id:
        _require(actor, "servicedesk.manage_complaint")
    if complaint.status == Complaint.Status.CONCLUDED:
        raise ServiceError("已办结")
    is_complaint = complaint.kind == Complaint.Kind.COMPLAINT
    if is_complaint and not (complaint.severity and complaint.investigator_id):
        raise ServiceError("请先定级并指定调查人")
    findings = (findings or "").strip()
    plan = (rectification_plan or "").strip()
    errors = []
    if not findings:
        label = "调查结论" if is_complaint else "答复意见"
        errors.append(FieldError("findings", label, "必填"))
    if complaint.severity == Complaint.Severity.MAJOR and not plan:
        errors.append(FieldError("rectification_plan", "整改方案", "重大投诉须出具整改方案"))
    if (
        complaint.severity == Complaint.Severity.MALICIOUS
        and findings
        and len(findings) < MALICIOUS_FINDINGS_MIN
    ):
        errors.append(
            FieldError(
                "findings",
                "调查结论",
                f"认定恶意投诉须写明理由（不少于 {MALICIOUS_FINDINGS_MIN} 字）",
            )
        )
    if errors:
        raise InvalidFields(errors)
    upheld = bool(upheld) and is_complaint and complaint.severity != Complaint.Severity.MALICIOUS
    now = now or timezone.now()
    before = audit.snapshot(complaint)
    complaint.findings = findings
    complaint.upheld = upheld
    complaint.rectification_plan = plan
    complaint.status = Complaint.Status.CONCLUDED
    complaint.concluded_at = now
    complaint.save()
    audit.record(
        actor=actor,
        action="servicedesk.complaint_conclude",
        instance=complaint,
        before=before,
        after=audit.snapshot(complaint),
        extra={"upheld": upheld},
    )
    deadline = _open_deadline(complaint)
    if deadline is not None:
        close_deadline(deadline, at=now, actor=actor)
    ticket = complaint.ticket
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.NOTE,
        actor=actor,
        body=("投诉办结" if is_complaint else "建议答复") + f"：{findings}",
        created_at=now,
    )
    if upheld:
        add_case(
            ticket=ticket,
            title=f"{ticket.number} {ticket.subject}（{complaint.get_severity_display()}）",
            problem=f"{ticket.description}\n\n调查结论：{findings}",
            source=SOURCE_COMPLAINT,
            actor=actor,
            now=now,
            improvement=plan,
        )
    return complaint


# --- Weekly summary of suggestions ---


def week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(moment: dt.datetime) -> dt.datetime:
    """Monday 00:00 (local time) of the week containing ``moment``."""
    local = timezone.localtime(moment)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()))


@dataclass
class SummaryGroup:
    department: Any
    recipients: list[Any]
    suggestions: list[Complaint] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.department) if self.department is not None else "客服部（未指定部门）"


def pending_suggestions(before: dt.datetime) -> Any:
    return (
        Complaint.objects.filter(
            kind=Complaint.Kind.SUGGESTION, summarised_in_week="", created_at__lt=before
        )
        .select_related("ticket", "client", "target_department__head")
        .order_by("created_at", "pk")
    )


def _group(suggestions: list[Complaint]) -> list[SummaryGroup]:
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role

    fallback = list(role_holders(Role.CS_SUPERVISOR))
    groups: dict[int | None, SummaryGroup] = {}
    for s in suggestions:
        dept = s.target_department or s.ticket.department
        key = dept.pk if dept is not None else None
        if key not in groups:
            head = dept.head if dept is not None and dept.head_id else None
            groups[key] = SummaryGroup(dept, [head] if head is not None else fallback)
        groups[key].suggestions.append(s)
    return list(groups.values())


def _summary_body(group: SummaryGroup) -> str:
    lines = [f"{group.label}：上周客户建议 {len(group.suggestions)} 条（按业务模块）"]
    by_module: dict[str, list[Complaint]] = defaultdict(list)
    for s in group.suggestions:
        by_module[s.ticket.get_module_display()].append(s)
    for module, rows in sorted(by_module.items()):
        lines.append(f"【{module}】")
        for s in rows:
            promised = f"{s.reply_promised_on:%Y-%m-%d}" if s.reply_promised_on else "未承诺"
            client = s.client.name if s.client_id else "未归属客户"
            lines.append(f"- {s.ticket.number} {client}：{s.ticket.subject}（承诺答复 {promised}）")
    return "\n".join(lines)


@dataclass(frozen=True)
class SummaryResult:
    week: str
    suggestions: int
    groups: int


@transaction.atomic
def send_weekly_summary(*, now: dt.datetime | None = None, actor: Any = None) -> SummaryResult:
    """Send every suggestion received before this week and not yet summarised (normally last
    week's) to the heads of the departments concerned — grouped by module, with the promised
    reply dates — and mark each with last week's ISO week so it is never sent twice."""
    now = now or timezone.now()
    start = week_start(now)
    week = week_label((start - dt.timedelta(days=1)).date())
    suggestions = list(pending_suggestions(start).select_for_update(of=("self",)))
    if not suggestions:
        return SummaryResult(week, 0, 0)
    groups = _group(suggestions)
    notify_all(
        Message(
            g.recipients,
            f"客户建议周汇总 {week}：{g.label} {len(g.suggestions)} 条",
            _summary_body(g),
            f"/desk/care/complaints/weekly/?week={week}",
            email=True,
        )
        for g in groups
    )
    Complaint.objects.filter(pk__in=[s.pk for s in suggestions]).update(summarised_in_week=week)
    audit.record_all(
        [
            audit.entry(
                actor=actor,
                action="servicedesk.suggestion_summarise",
                instance=s,
                extra={"summarised_in_week": week},
            )
            for s in suggestions
        ]
    )
    return SummaryResult(week, len(suggestions), len(groups))
