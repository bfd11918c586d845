"""Annual base adjustment (缴费基数年度调整, R-SI-3): from a month on (usually July) each
person's declared wage changes to last year's average monthly wage. Set-based.

An enrollment's wage is history, not a field to overwrite: the enrollment in force ends with the
month before and a new one starts at the adjustment month with the new wage, so a re-run of an
earlier month's close still charges the old base. The client must confirm the new bases again
before declaration (``services.confirm_bases``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import transaction
from django.db.models import Q

from hragency.clients.services import ensure_serviceable, require
from hragency.core import audit, values
from hragency.core.crypto import blind_index
from hragency.core.errors import ServiceError
from hragency.core.imports import Column, Importer, RowResult
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.domain.masking import mask_id_number
from hragency.insurance.models import Enrollment


def _refuse_confirmed_months(client: Any, month: Period) -> None:
    """A month whose 《费用明细表》 the client has confirmed is frozen: a base change from it on
    would make the confirmed figures wrong (the screen, the API and the import all come here)."""
    from hragency.billing.models import Statement

    confirmed = (
        Statement.objects.filter(
            client=client, period__gte=month.first_day, status=Statement.Status.CONFIRMED
        )
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if confirmed is not None:
        raise ServiceError(
            f"{confirmed:%Y-%m} 的费用明细表客户已确认，不能从 {month} 起调整缴费基数；"
            f"请选择 {Period.of(confirmed).shifted(1)} 或之后的月份"
        )


@transaction.atomic
def adjust_bases(
    *, actor: Any, client: Any, month: Period, wages: dict[int, Decimal]
) -> dict[str, int]:
    """``wages`` maps enrollment ids (in force in ``month``, of ``client``) to the new declared
    wage. Returns counts: ``adjusted`` and ``unchanged``."""
    require(actor, "insurance.handle_order")
    client = ensure_serviceable(client)
    _refuse_confirmed_months(client, month)
    day = month.first_day
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.select_for_update()
        .filter(
            client=client,
            pk__in=list(wages),
            start_month__lte=day,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=day))
    }
    unknown = set(wages) - set(enrollments)
    if unknown:
        raise ServiceError(f"有 {len(unknown)} 条参保记录不属于该客户或在 {month} 不在保")
    previous = month.shifted(-1).first_day
    ended, started, entries = [], [], []
    unchanged = 0
    for enrollment_id, wage in wages.items():
        old = enrollments[enrollment_id]
        if wage <= 0:
            raise ServiceError("申报工资应大于 0")
        if old.wage == wage:
            unchanged += 1
            continue
        new = Enrollment(
            client_id=old.client_id,
            person_id=old.person_id,
            city=old.city,
            wage=wage,
            hf_wage=None,
            si=old.si,
            hf=old.hf,
            start_month=day,
            end_month=old.end_month,
        )
        if old.start_month == day:
            # Starts this very month: correct it in place instead of leaving an empty segment.
            old.wage, old.bases_confirmed_at = wage, None
            ended.append(old)
        else:
            old.end_month = previous
            ended.append(old)
            started.append(new)
    Enrollment.objects.bulk_update(
        ended, ["end_month", "wage", "bases_confirmed_at"], batch_size=1000
    )
    created = Enrollment.objects.bulk_create(started, batch_size=1000)
    for enrollment in [*created, *(e for e in ended if e.start_month == day)]:
        entries.append(
            audit.entry(
                actor=actor,
                action="insurance.base_adjust",
                instance=enrollment,
                after={
                    "wage": str(enrollment.wage),
                    "start_month": f"{enrollment.start_month:%Y-%m}",
                },
                client_id=client.pk,
            )
        )
    audit.record_all(entries)
    return {"adjusted": len(wages) - unchanged, "unchanged": unchanged}


class BaseAdjustmentImporter(Importer):
    """Excel: 身份证号, 姓名, 新申报工资 — one client, one adjustment month (chosen at upload as
    the 生效月份 column, the same on every row)."""

    kind = "si_bases"
    label = "缴费基数年度调整"
    needs_client = True
    columns: ClassVar[list[Column]] = [
        Column("身份证号", required=True, text=True, example="310115199003070011"),
        Column("姓名", required=True, example="张三"),
        Column("生效月份", required=True, help="通常为 7 月，如 2027-07", example="2027-07"),
        Column("新申报工资", required=True, help="上年度月平均工资，单位元", example="9800.00"),
    ]

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return bool(user.has_perm("insurance.handle_order"))

    def check_target(self) -> None:
        ensure_serviceable(self.client)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, int] = {}
        self.month: Period | None = None

    def validate_chunk(self, rows: list[RowResult]) -> None:
        parsed: list[tuple[RowResult, str]] = []
        for row in rows:
            number = "".join(str(row.raw.get("身份证号") or "").split()).upper()
            if not number:
                row.error("身份证号", "必填")
                continue
            try:
                month = parse_period(str(row.raw.get("生效月份") or ""))
            except PolicyError as exc:
                row.error("生效月份", str(exc))
                continue
            if self.month is None:
                self.month = month
            elif month != self.month:
                row.error("生效月份", f"同一文件的生效月份须一致（第一行为 {self.month}）")
            try:
                wage = values.amount(row.raw.get("新申报工资"))
            except values.InvalidValue as exc:
                row.error("新申报工资", str(exc))
                continue
            if wage is None or wage <= 0:
                row.error("新申报工资", "应大于 0")
                continue
            if number in self.seen:
                row.error("身份证号", f"与第 {self.seen[number]} 行重复")
                continue
            self.seen[number] = row.row
            row.clean = {"wage": wage, "month": month}
            parsed.append((row, blind_index(number)))
        if not parsed or self.month is None:
            return
        day = self.month.first_day
        found = {
            e["person__id_number_index"]: e
            for e in Enrollment.objects.filter(
                client=self.client,
                person__id_number_index__in=[index for _, index in parsed],
                start_month__lte=day,
            )
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=day))
            .values("pk", "person__id_number_index", "person__name", "wage")
        }
        for row, index in parsed:
            enrollment = found.get(index)
            if enrollment is None:
                row.error("身份证号", f"该人员在 {self.month} 没有本单位的参保记录")
            elif enrollment["person__name"] != str(row.raw.get("姓名") or "").strip():
                row.error("姓名", f"与档案中的姓名「{enrollment['person__name']}」不一致")
            else:
                row.clean["enrollment_id"] = enrollment["pk"]
                if enrollment["wage"] == row.clean["wage"]:
                    row.warn("新申报工资", "与现申报工资相同，不会变更")

    def write_chunk(self, rows: list[RowResult]) -> None:
        assert self.month is not None
        counts = adjust_bases(
            actor=self.actor,
            client=self.client,
            month=self.month,
            wages={row.clean["enrollment_id"]: row.clean["wage"] for row in rows},
        )
        for key, label in (("adjusted", "调整"), ("unchanged", "未变")):
            self.count(label, counts[key])

    def display(self, row: RowResult) -> list[str]:
        cells = super().display(row)
        cells[0] = mask_id_number(cells[0]) if len(cells[0]) == 18 else cells[0]
        return cells


__all__ = ["BaseAdjustmentImporter", "adjust_bases"]
