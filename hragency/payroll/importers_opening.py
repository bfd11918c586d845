"""Excel/CSV import of opening year-to-date figures (期初累计, kind ``payroll_opening``) for a
payroll taken over mid-year: the client paid and withheld until ``截至月份``, and the first
month calculated here must continue its 累计预扣 from those figures, or it under-withholds.

One row per person and tax year; a second import for the same person and year replaces the
figures. Refused, naming the row: a month after ``截至月份`` already paid here with a run that
left draft (its tax was computed without them), or a line of the person here in the year at or
before ``截至月份`` (those months are this system's, not the opening's). Payroll staff only: the
figures come from the client's former payroll or the tax bureau's 扣缴端, and they set the tax.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from hragency.core import values
from hragency.core.imports import Column, RowResult
from hragency.payroll import forms
from hragency.payroll.importers import PayrollImporter, person_columns
from hragency.payroll.models import OpeningBalance, PayrollLine, PayrollRun
from hragency.payroll.queries_setup import LOCKED_STATUSES
from hragency.payroll.setup import lock_message

YEAR, THROUGH, BONUS = "纳税年度", "截至月份", "本年已单独计税年终奖"
AMOUNTS = {
    "cum_income_fen": ("累计收入额", True, "本年截至该月的工资薪金收入合计，元"),
    "cum_tax_free_fen": ("累计免税收入", False, "元，不填为 0"),
    "cum_special_fen": ("累计专项扣除", False, "个人缴纳的社保公积金合计，元，不填为 0"),
    "cum_other_fen": ("累计依法确定的其他扣除", False, "企业年金、商业健康险等，元，不填为 0"),
    "cum_withheld_fen": ("累计已预缴税额", True, "本年截至该月已预扣预缴的个税，元"),
}
FIELDS = ["year", "through_month", *AMOUNTS, "bonus_used"]


class OpeningBalanceImporter(PayrollImporter):
    kind = "payroll_opening"
    label = "个税期初累计"
    hr_may_import: ClassVar[bool] = False
    key_label: ClassVar[str] = "同一人同一纳税年度"
    columns: ClassVar[list[Column]] = [
        *person_columns(),
        Column(YEAR, "year", required=True, help="如 2026", example="2026", text=True),
        Column(
            THROUGH,
            "through_month",
            required=True,
            help="原方式发放的最后一个月，如 2026-06（本系统从下一个月开始计算）",
            example="2026-06",
            text=True,
        ),
        *(
            Column(label, field, required=required, help=help, example="0")
            for field, (label, required, help) in AMOUNTS.items()
        ),
        Column(BONUS, "bonus_used", help="是/否，不填为否", example="否", choices=("是", "否")),
    ]

    def validate_chunk(self, rows: list[RowResult]) -> None:
        found = self.people(rows)
        for row in rows:
            self._parse(row)
        candidates = [r for r in found if not r.errors]
        if not candidates:
            return
        years = {r.clean["year"] for r in candidates}
        locked: dict[int, list[PayrollRun]] = {}
        for run in PayrollRun.objects.filter(
            client_id=self.client.pk,
            period__year__in=years,
            status__in=LOCKED_STATUSES,
        ).order_by("period"):
            locked.setdefault(run.period.year, []).append(run)
        paid_here: dict[tuple[int, int], dt.date] = {}
        for person_id, period in PayrollLine.objects.filter(
            run__client_id=self.client.pk,
            person_id__in=[r.existing.pk for r in candidates],
            period__year__in=years,
        ).values_list("person_id", "period"):
            key = (person_id, period.year)
            paid_here[key] = min(period, paid_here.get(key, period))
        for row in candidates:
            year, through = row.clean["year"], row.clean["through_month"]
            after = [run for run in locked.get(year, []) if run.period > through]
            if after:
                row.error(THROUGH, lock_message(after[0]))
                continue
            first_here = paid_here.get((row.existing.pk, year))
            if first_here is not None and first_here <= through:
                row.error(
                    THROUGH,
                    f"{first_here.year}年{first_here.month}月已在本系统计算工资，"
                    "期初累计只能截至此前的月份",
                )
                continue
            self._once(row, (row.existing.pk, year), YEAR)

    def _parse(self, row: RowResult) -> None:
        year: int | None = None
        try:
            year = values.integer(row.raw.get(YEAR))
        except values.InvalidValue as exc:
            row.error(YEAR, str(exc))
        else:
            if year is None:
                row.error(YEAR, "必填")
        if year is not None and not 2019 <= year <= self.today.year:
            row.error(YEAR, f"应在 2019 至 {self.today.year} 之间")
            year = None
        through = self._month(row, THROUGH)
        if year is not None and through is not None:
            if through.year != year:
                row.error(THROUGH, f"应在纳税年度 {year} 内")
            elif through.month == 12:
                row.error(THROUGH, "截至 12 月的全年数据无需导入（下一年度重新累计）")
            else:
                row.clean.update(year=year, through_month=through)
        given: dict[str, int] = {}
        for field, (label, required, _help) in AMOUNTS.items():
            try:
                fen = forms.money_fen(row.raw.get(label))
            except forms.InvalidValue as exc:
                row.error(label, str(exc))
                continue
            if fen is None and required:
                row.error(label, "必填")
            elif fen is not None:
                given[field] = fen
            row.clean[field] = fen or 0
        if given.get("cum_tax_free_fen", 0) > given.get("cum_income_fen", 2**62):
            row.error(AMOUNTS["cum_tax_free_fen"][0], "不能大于累计收入额")
        try:
            row.clean["bonus_used"] = forms.flag(row.raw.get(BONUS))
        except forms.InvalidValue as exc:
            row.error(BONUS, str(exc))

    def write_chunk(self, rows: list[RowResult]) -> None:
        keys = {(r.existing.pk, r.clean["year"]) for r in rows}
        befores = {
            (o.person_id, o.year): {f: getattr(o, f) for f in FIELDS}
            for o in OpeningBalance.objects.filter(
                client_id=self.client.pk,
                person_id__in={k[0] for k in keys},
                year__in={k[1] for k in keys},
            )
        }
        saved = OpeningBalance.objects.bulk_create(
            [
                OpeningBalance(
                    client_id=self.client.pk,
                    person_id=r.existing.pk,
                    source=OpeningBalance.Source.IMPORT,
                    **{f: r.clean[f] for f in FIELDS},
                )
                for r in rows
            ],
            update_conflicts=True,
            unique_fields=["person", "year"],
            update_fields=[*FIELDS, "client", "source"],
        )
        self.audit_all(
            "payroll.opening_set",
            [(o, _jsonable(befores.get((o.person_id, o.year)))) for o in saved],
            FIELDS,
        )
        self.count("saved", len(saved))


def _jsonable(before: dict[str, Any] | None) -> dict[str, Any] | None:
    if before is None:
        return None
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in before.items()}
