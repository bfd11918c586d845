"""Writes on archives: files and items, the month's filing (003 §5.3: the month's materials
are filed by the 15th of the next month). Borrowing is in ``borrowing.py``, appraisal and
destruction in ``destruction.py``.

The expected materials of a client's month are every add/remove order of that month that was
done (``insurance.Order``, status 已办理, effective month = the month) and every agreement
signed in the month; each must have an ``ArchiveItem`` with its number as ``source_ref``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.models import ClientAssignment
from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.archives import retention
from hragency.archives.models import ArchiveFile, ArchiveItem, MonthlyFiling
from hragency.clients.models import Agreement, Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import close_deadline, new_deadline, open_deadlines
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset
from hragency.insurance.models import Order

FILE_PREFIX = "DA"
ORDER_SOURCE = "insurance.order"
AGREEMENT_SOURCE = "clients.agreement"
MANAGE = "archives.manage_archive"


@dataclass(frozen=True)
class Expected:
    source_type: str
    source_ref: str
    kind: str
    title: str

    @property
    def label(self) -> str:
        return ("增减员单 " if self.source_type == ORDER_SOURCE else "服务协议 ") + self.source_ref


def require_manager(actor: Any, client: Client | int | None = None) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(MANAGE):
        raise PermissionDenied("无权管理档案")
    if client is not None:
        client_id = client if isinstance(client, int) else client.pk
        if not scope_queryset(Client.objects.filter(pk=client_id), actor).exists():
            raise PermissionDenied("无权管理该客户的档案")


def month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(month_end(month) + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def expected_materials(client_ids: list[int], month: dt.date) -> dict[int, list[Expected]]:
    """Every client's expected materials of the month: two queries for any number of clients."""
    result: dict[int, list[Expected]] = {cid: [] for cid in client_ids}
    orders = (
        Order.objects.filter(client_id__in=client_ids, month=month, status=Order.Status.DONE)
        .order_by("number")
        .values_list("client_id", "number", "kind", "person__name")
    )
    for client_id, number, kind, name in orders:
        label = "增员" if kind == Order.Kind.ADD else "减员"
        result[client_id].append(
            Expected(
                ORDER_SOURCE, number, ArchiveItem.Kind.SI_CHANGES, f"{label}资料 {number} {name}"
            )
        )
    lo, hi = _month_bounds(month)
    agreements = (
        Agreement.objects.filter(client_id__in=client_ids, signed_at__gte=lo, signed_at__lt=hi)
        .order_by("number")
        .values_list("client_id", "number", "kind")
    )
    kinds = dict(Agreement.Kind.choices)
    for client_id, number, kind in agreements:
        result[client_id].append(
            Expected(
                AGREEMENT_SOURCE,
                number,
                ArchiveItem.Kind.AGREEMENT,
                f"{kinds.get(kind, '服务协议')} {number}",
            )
        )
    return result


def missing_materials(client_ids: list[int], month: dt.date) -> dict[int, list[Expected]]:
    """The expected materials that have no item yet (one more query)."""
    expected = expected_materials(client_ids, month)
    refs = [e.source_ref for rows in expected.values() for e in rows]
    present: set[tuple[str, str]] = set()
    if refs:
        present = set(
            ArchiveItem.objects.filter(client_id__in=client_ids, month=month)
            .exclude(source_ref="")
            .values_list("source_type", "source_ref")
        )
    return {
        cid: [e for e in rows if (e.source_type, e.source_ref) not in present]
        for cid, rows in expected.items()
    }


def _due_at(month: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(retention.filing_due(month), dt.time(23, 59)))


def rep_owners(client_ids: list[int]) -> dict[int, int]:
    """The rep serving each client (directly assigned first, else through the department;
    lowest user id wins): three queries for any number of clients."""
    reps = dict(role_holders(Role.CS_REP).values_list("pk", "department_id"))
    by_department: dict[int, list[int]] = {}
    for user_id, department_id in reps.items():
        if department_id is not None:
            by_department.setdefault(department_id, []).append(user_id)
    direct: dict[int, int] = {}
    via_department: dict[int, int] = {}
    rows = ClientAssignment.objects.filter(client_id__in=client_ids).values_list(
        "client_id", "user_id", "department_id"
    )
    for client_id, user_id, department_id in rows:
        if user_id is not None and user_id in reps:
            direct[client_id] = min(direct.get(client_id, user_id), user_id)
        elif department_id in by_department:
            first = min(by_department[department_id])
            via_department[client_id] = min(via_department.get(client_id, first), first)
    return {
        cid: direct.get(cid) or via_department[cid]
        for cid in client_ids
        if cid in direct or cid in via_department
    }


@dataclass(frozen=True)
class OpenResult:
    created: int
    existing: int
    no_owner: int


@transaction.atomic
def open_month(
    *, month: dt.date, actor: Any = None, client_ids: list[int] | None = None
) -> OpenResult:
    """Open the month's filing for every client in service that has none yet: one insert for
    the filings, one for their deadlines (due the 15th of the next month, 23:59, owner the rep
    serving the client), one for the audit rows. Idempotent."""
    if actor is not None and not actor.has_perm(MANAGE):
        raise PermissionDenied("无权管理档案")
    clients = Client.objects.filter(status=Client.Status.ACTIVE)
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    if actor is not None:
        clients = scope_queryset(clients, actor)
    ids = list(clients.values_list("pk", flat=True))
    taken = set(
        MonthlyFiling.objects.filter(month=month, client_id__in=ids).values_list(
            "client_id", flat=True
        )
    )
    todo = [cid for cid in ids if cid not in taken]
    owners = rep_owners(todo)
    due_on = retention.filing_due(month)
    filings = MonthlyFiling.objects.bulk_create(
        [
            MonthlyFiling(client_id=cid, month=month, due_on=due_on, owner_id=owners.get(cid))
            for cid in todo
        ]
    )
    if filings and filings[0].pk is None:  # backends without RETURNING on bulk insert
        filings = list(MonthlyFiling.objects.filter(month=month, client_id__in=todo))
    due_at = _due_at(month)
    names = dict(Client.objects.filter(pk__in=todo).values_list("pk", "name"))
    # Every filing of the month shares the due time, hence the warning time and escalation:
    # the kind's policy is read once (new_deadline) and copied to the others.
    deadlines = []
    template = None
    prefix = reverse("archives:filing", args=[0])[: -len("0/")]
    for f in filings:
        if f.owner_id is None:
            continue
        values = {
            "title": f"{names[f.client_id]} {month:%Y-%m} 资料归档（次月15日前）",
            "owner_id": f.owner_id,
            "client_id": f.client_id,
            "subject_id": str(f.pk),
            "link": f"{prefix}{f.pk}/",
        }
        if template is None:
            template = new_deadline(
                kind="archives.filing",
                due_at=due_at,
                subject_type=MonthlyFiling._meta.label_lower,
                **values,
            )
            deadlines.append(template)
        else:
            deadlines.append(
                Deadline(
                    kind=template.kind,
                    subject_type=template.subject_type,
                    starts_at=template.starts_at,
                    due_at=template.due_at,
                    warn_at=template.warn_at,
                    escalation=template.escalation,
                    next_escalation_at=template.next_escalation_at,
                    **values,
                )
            )
    open_deadlines(deadlines, actor=actor)
    audit.record_all(
        [
            audit.entry(
                actor=actor,
                action="archives.filing_open",
                instance=f,
                after={"month": f"{month:%Y-%m}", "due_on": str(due_on), "owner": f.owner_id},
            )
            for f in filings
        ]
    )
    return OpenResult(
        created=len(filings),
        existing=len(taken),
        no_owner=sum(1 for f in filings if f.owner_id is None),
    )


def archive_file_for(*, client: Client, month: dt.date, actor: Any = None) -> ArchiveFile:
    """The file of the agreement in force in ``month`` (created on first use), else the
    client's general file."""
    agreement = (
        Agreement.objects.filter(
            client=client, start_date__lte=month_end(month), end_date__gte=month
        )
        .exclude(status=Agreement.Status.DRAFT)
        .order_by("-start_date", "-pk")
        .first()
    )
    found = ArchiveFile.objects.filter(client=client, agreement=agreement).first()
    if found is not None:
        return found
    title = f"{client.name} {agreement.number} 协议档案" if agreement else f"{client.name} 综合档案"
    archive = ArchiveFile.objects.create(
        number=next_number(FILE_PREFIX), client=client, agreement=agreement, title=title[:120]
    )
    audit.record(
        actor=actor, action="archives.file_create", instance=archive, after=audit.snapshot(archive)
    )
    return archive


def _item(
    *,
    client: Client,
    archive: ArchiveFile,
    kind: str,
    title: str,
    month: dt.date,
    actor: Any,
    now: dt.datetime,
    pages: int = 1,
    box: str = "",
    location: str = "",
    description: str = "",
    source_type: str = "",
    source_ref: str = "",
) -> ArchiveItem:
    years = retention.RETENTION_YEARS[kind]
    return ArchiveItem(
        archive=archive,
        client=client,
        kind=kind,
        title=title[:200],
        month=month,
        source_type=source_type,
        source_ref=source_ref,
        pages=pages,
        box=box[:40],
        location=location[:60],
        description=description,
        retention_years=years,
        destroy_after=retention.destroy_after(kind, month),
        filed_by=actor,
        filed_at=now,
    )


@transaction.atomic
def file_item(
    *,
    actor: Any,
    client: Client,
    kind: str,
    title: str,
    month: Any,
    pages: Any = 1,
    box: str = "",
    location: str = "",
    description: str = "",
    source_ref: str = "",
) -> ArchiveItem:
    """File one material (client materials, correspondence, or a numbered document)."""
    require_manager(actor, client)
    ensure_serviceable(client)
    errors: list[FieldError] = []
    if kind not in ArchiveItem.Kind.values:
        errors.append(FieldError("kind", "材料类别", "请选择材料类别"))
    title = str(title or "").strip()
    if not title:
        errors.append(FieldError("title", "题名", "必填"))
    parsed_month: dt.date | None = month if isinstance(month, dt.date) else None
    if parsed_month is None:
        try:
            parsed_month = retention.parse_month(str(month or ""))
        except ValueError as exc:
            errors.append(FieldError("month", "所属月份", str(exc)))
    try:
        page_count = int(str(pages or "1"))
        if not 1 <= page_count <= 10000:
            raise ValueError
    except ValueError:
        errors.append(FieldError("pages", "页数", "应为 1–10000 的整数"))
        page_count = 1
    if parsed_month is not None and parsed_month > timezone.localdate():
        errors.append(FieldError("month", "所属月份", "不能晚于本月"))
    if errors:
        raise InvalidFields(errors)
    assert parsed_month is not None
    source_type = ""
    source_ref = str(source_ref or "").strip()[:40]
    if source_ref:
        source_type = ORDER_SOURCE if kind == ArchiveItem.Kind.SI_CHANGES else AGREEMENT_SOURCE
        if ArchiveItem.objects.filter(source_type=source_type, source_ref=source_ref).exists():
            raise ServiceError(f"{source_ref} 已归档")
    archive = archive_file_for(client=client, month=parsed_month, actor=actor)
    item = _item(
        client=client,
        archive=archive,
        kind=kind,
        title=title,
        month=parsed_month,
        actor=actor,
        now=timezone.now(),
        pages=page_count,
        box=box,
        location=location,
        description=str(description or "")[:2000],
        source_type=source_type,
        source_ref=source_ref,
    )
    item.save()
    audit.record(
        actor=actor, action="archives.item_file", instance=item, after=audit.snapshot(item)
    )
    return item


@transaction.atomic
def file_month_materials(
    *, actor: Any, client: Client, month: dt.date, box: str = "", location: str = ""
) -> list[ArchiveItem]:
    """File every expected material of the month not filed yet (the month's done add/remove
    orders and signed agreements) in one insert."""
    require_manager(actor, client)
    ensure_serviceable(client)
    missing = missing_materials([client.pk], month)[client.pk]
    if not missing:
        return []
    archive = archive_file_for(client=client, month=month, actor=actor)
    now = timezone.now()
    items = ArchiveItem.objects.bulk_create(
        [
            _item(
                client=client,
                archive=archive,
                kind=e.kind,
                title=e.title,
                month=month,
                actor=actor,
                now=now,
                box=box,
                location=location,
                source_type=e.source_type,
                source_ref=e.source_ref,
            )
            for e in missing
        ]
    )
    if items and items[0].pk is None:
        items = list(
            ArchiveItem.objects.filter(
                client=client, source_ref__in=[e.source_ref for e in missing]
            )
        )
    audit.record_all(
        [
            audit.entry(
                actor=actor, action="archives.item_file", instance=i, after=audit.snapshot(i)
            )
            for i in items
        ]
    )
    return items


def filing_deadline(filing: MonthlyFiling) -> Deadline | None:
    """The filing's open deadline. Found by its subject rather than a foreign key, so that
    opening a month for every client costs no per-row UPDATE."""
    return (
        Deadline.objects.filter(
            kind="archives.filing",
            subject_type=MonthlyFiling._meta.label_lower,
            subject_id=str(filing.pk),
        )
        .order_by("-pk")
        .first()
    )


def _locked_filing(filing: MonthlyFiling) -> MonthlyFiling:
    return (
        MonthlyFiling.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=filing.pk)
    )


@transaction.atomic
def close_filing(
    *, actor: Any, filing: MonthlyFiling, at: dt.datetime | None = None
) -> MonthlyFiling:
    """Mark the month filed. Refused, naming them, while expected materials are missing."""
    require_manager(actor, filing.client_id)
    filing = _locked_filing(filing)
    ensure_serviceable(filing.client)
    if filing.status == MonthlyFiling.Status.FILED:
        raise ServiceError(f"{filing.month:%Y-%m} 已归档")
    if filing.month >= timezone.localdate().replace(day=1):
        raise ServiceError("本月尚未结束，月度归档在次月进行")
    missing = missing_materials([filing.client_id], filing.month)[filing.client_id]
    if missing:
        shown = "、".join(e.label for e in missing[:20])
        more = f" 等 {len(missing)} 件" if len(missing) > 20 else f"（共 {len(missing)} 件）"
        raise ServiceError(f"以下材料尚未归档，不能完成 {filing.month:%Y-%m} 归档：{shown}{more}")
    before = audit.snapshot(filing)
    at = at or timezone.now()
    filing.status = MonthlyFiling.Status.FILED
    filing.filed_at = at
    filing.filed_by = actor
    filing.item_count = ArchiveItem.objects.filter(
        client_id=filing.client_id, month=filing.month
    ).count()
    filing.save()
    deadline = filing_deadline(filing)
    if deadline is not None:
        close_deadline(deadline, at=at, actor=actor)
    audit.record(
        actor=actor,
        action="archives.filing_close",
        instance=filing,
        before=before,
        after=audit.snapshot(filing),
    )
    return filing


def overdue_filings_q(today: dt.date) -> Q:
    return Q(status=MonthlyFiling.Status.OPEN, due_on__lt=today)
