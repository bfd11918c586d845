"""Excel/CSV imports of payroll inputs through the one pipeline (R-PAY-1).

- ``payroll_attendance`` (考勤与绩效): one row per person and month.
- ``payroll_amounts`` (月度变动项): long format — one row per person, month and item, so any
  client's items fit; the item by name or code; 0 removes the month's amount.
- ``payroll_salaries`` (定薪): a standing amount of a fixed or performance item from a month.
- ``payroll_deductions`` (专项附加扣除): one declaration per row (``importers_deductions``).
- ``payroll_opening`` (个税期初累计): year-to-date figures of a payroll taken over mid-year
  (``importers_opening``).

Each row is parsed by ``payroll.forms``, the same rules as the screens and the API. Per chunk,
with a fixed number of queries: the people by ID number (blind index) within the client, the
name against the archive, the months frozen by a run that left draft, the records already on
file. The commit writes each chunk with one bulk upsert (or insert) and one audit row per
written record (``audit.record_all``); the pipeline makes the whole file all or nothing.

Staff need ``payroll.prepare_payroll``; the client's HR user may import attendance, amounts and
deductions for their own company (``queries_setup.may_enter_inputs``), not salaries.
Call ``register_importers()`` from ``PayrollConfig.ready`` (idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, ClassVar

from hragency.clients.services import ensure_serviceable
from hragency.core import audit, values
from hragency.core.crypto import blind_index
from hragency.core.imports import Column, Importer, RowResult, register
from hragency.domain.idcard import make_id_number
from hragency.domain.masking import mask_id_number
from hragency.employees.models import InsuredPerson
from hragency.payroll import forms
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    PayrollRun,
    PersonSalary,
    SalaryItem,
)
from hragency.payroll.queries_setup import (
    LOCKED_STATUSES,
    STANDING_SOURCES,
    may_edit_setup,
    may_enter_inputs,
)
from hragency.payroll.setup import (
    ATTENDANCE_FIELDS,
    amount_in_force,
    lock_message,
    salary_lock_message,
)

ID, NAME, MONTH, ITEM, AMOUNT = "身份证号", "姓名", "所属月份", "工资项目", "金额"
_EXAMPLE_ID = make_id_number(
    region_code="310115", birth_date=dt.date(1990, 3, 7), sequence=11, gender="M"
)


def register_importers() -> None:
    """Make the five kinds available to the pipeline (call from ``PayrollConfig.ready``)."""
    for kind, path in (
        ("payroll_attendance", "importers.AttendanceImporter"),
        ("payroll_amounts", "importers.MonthlyAmountImporter"),
        ("payroll_salaries", "importers.SalaryImporter"),
        ("payroll_deductions", "importers_deductions.DeductionImporter"),
        ("payroll_opening", "importers_opening.OpeningBalanceImporter"),
    ):
        register(kind, f"hragency.payroll.{path}")


def person_columns() -> list[Column]:
    return [
        Column(
            ID,
            "id_number",
            required=True,
            help="18 位身份证号，须已在本单位建档",
            example=_EXAMPLE_ID,
            text=True,
        ),
        Column(NAME, "name", required=True, help="与员工档案中的姓名一致", example="张三"),
    ]


def month_column(label: str = MONTH, help: str = "如 2026-10 或 2026年10月") -> Column:
    return Column(label, "month", required=True, help=help, example="2026-10", text=True)


class PayrollImporter(Importer):
    needs_client = True
    hr_may_import: ClassVar[bool] = True
    key_label: ClassVar[str] = "同一人同一月份"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[Any, ...], int] = {}
        self.items: dict[str, SalaryItem] = {}

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return may_enter_inputs(user) if cls.hr_may_import else may_edit_setup(user)

    def check_target(self) -> None:
        self.client = ensure_serviceable(self.client.pk)
        items = list(SalaryItem.objects.filter(client_id=self.client.pk))
        # A name or a code finds the item (names first: that is what HR types).
        self.items = {i.code: i for i in items} | {i.name: i for i in items}

    def display(self, row: RowResult) -> list[str]:
        cells = [values.text(row.raw.get(c.label)) for c in self.columns]
        return [
            mask_id_number(v) if c.label == ID and v else v
            for c, v in zip(self.columns, cells, strict=True)
        ]

    # --- shared steps -------------------------------------------------------------------------
    def people(self, rows: list[RowResult]) -> list[RowResult]:
        """Parse ID and name, find each person in the client's archive (one query); returns
        the rows whose person was found (``row.existing``)."""
        indexes: dict[int, str] = {}
        for row in rows:
            name = values.text(row.raw.get(NAME))
            if not name:
                row.error(NAME, "必填")
            try:
                number = values.id_number(row.raw.get(ID))
            except values.InvalidValue as exc:
                row.error(ID, str(exc))
            else:
                if number:
                    indexes[row.row] = blind_index(number)
                else:
                    row.error(ID, "必填")
        people = {
            p.id_number_index: p
            for p in InsuredPerson.objects.filter(
                client_id=self.client.pk, id_number_index__in=set(indexes.values())
            ).only("id", "client_id", "name", "id_number_index")
        }
        found = []
        for row in rows:
            if row.row not in indexes:
                continue
            person = people.get(indexes[row.row])
            if person is None:
                row.error(ID, "本单位员工档案中没有该身份证号，请先建档")
                continue
            name = values.text(row.raw.get(NAME))
            if name and name != person.name:
                row.error(NAME, f"与档案中的姓名「{person.name}」不一致")
            row.existing = person
            found.append(row)
        return found

    def _month(
        self, row: RowResult, label: str = MONTH, *, required: bool = True
    ) -> dt.date | None:
        try:
            first = forms.month(row.raw.get(label))
        except forms.InvalidValue as exc:
            row.error(label, str(exc))
            return None
        if first is None and required:
            row.error(label, "必填")
        return first

    def _item(self, row: RowResult, sources: tuple[str, ...]) -> SalaryItem | None:
        raw = values.text(row.raw.get(ITEM))
        if not raw:
            row.error(ITEM, "必填")
            return None
        item = self.items.get(raw) or self.items.get(raw.lower())
        if item is None:
            row.error(ITEM, f"本单位没有工资项目「{raw}」（填写项目名称或代码）")
        elif not item.active:
            row.error(ITEM, f"「{item.name}」已停用")
        elif item.source not in sources:
            what = (
                "按人员定薪的项目（固定、绩效）"
                if sources == STANDING_SOURCES
                else "每月录入的项目"
            )
            row.error(ITEM, f"「{item.name}」是“{item.get_source_display()}”，这里只能导入{what}")
        else:
            return item
        return None

    def _once(self, row: RowResult, key: tuple[Any, ...], column: str) -> bool:
        first = self.seen.setdefault(key, row.row)
        if first != row.row:
            row.error(column, f"与第 {first} 行重复：{self.key_label}只能有一行")
            return False
        return True

    def _amount(self, row: RowResult, required: str = "必填") -> None:
        try:
            row.clean["amount_fen"] = forms.money_fen(row.raw.get(AMOUNT))
        except forms.InvalidValue as exc:
            row.error(AMOUNT, str(exc))
        else:
            if row.clean["amount_fen"] is None:
                row.error(AMOUNT, required)

    def _check_locks(self, rows: list[RowResult]) -> None:
        """Months whose run left draft take nothing more (one query)."""
        months = {r.clean["month"] for r in rows if r.clean.get("month")}
        locked = {
            run.period: run
            for run in PayrollRun.objects.filter(
                client_id=self.client.pk, period__in=months, status__in=LOCKED_STATUSES
            )
        }
        for row in rows:
            run = locked.get(row.clean.get("month"))  # type: ignore[arg-type]
            if run is not None:
                row.error(MONTH, lock_message(run))

    def audit_all(
        self,
        action: str,
        pairs: list[tuple[Any, dict[str, Any] | None]],
        fields: list[str],
        *,
        deleted: bool = False,
    ) -> None:
        """One audit row per written record (``deleted``: the records are about to go)."""
        audit.record_all(
            [
                audit.entry(
                    actor=self.actor,
                    action=action,
                    instance=obj,
                    before=audit.snapshot(obj, fields) if deleted else before,
                    after=None if deleted else audit.snapshot(obj, fields),
                    extra={"import_batch": self.batch_id},
                )
                for obj, before in pairs
            ]
        )


# --- attendance -------------------------------------------------------------------------------


class AttendanceImporter(PayrollImporter):
    kind = "payroll_attendance"
    label = "考勤与绩效"
    columns: ClassVar[list[Column]] = [
        *person_columns(),
        month_column(),
        *(
            Column(forms.ATTENDANCE_LABELS[f], f, help="天数，最多两位小数", example="0")
            for f in forms.DAY_FIELDS
        ),
        *(
            Column(
                forms.ATTENDANCE_LABELS[f],
                f,
                help="小时，最多两位小数；每月合计超过 36 小时会提示",
                example="0",
            )
            for f in forms.HOUR_FIELDS
        ),
        Column(
            "绩效系数",
            "performance_coefficient",
            help="0 到 3，最多四位小数；不填为 1",
            example="1",
        ),
        Column("备注", "note", help="最多 200 字"),
    ]

    def validate_chunk(self, rows: list[RowResult]) -> None:
        found = self.people(rows)
        for row in rows:
            row.clean["month"] = self._month(row)
        for row in found:
            first = row.clean["month"]
            if first is None or not self._once(row, (row.existing.pk, first), MONTH):
                continue
            data = {f: row.raw.get(label) for f, label in forms.ATTENDANCE_LABELS.items()}
            clean, errors, warnings = forms.parse_attendance(data, first)
            for error in errors:
                row.error(error.label, error.reason)
            for warning in warnings:
                row.warn(forms.ATTENDANCE_LABELS["overtime_workday_hours"], warning)
            row.clean.update(clean)
        self._check_locks(found)

    def write_chunk(self, rows: list[RowResult]) -> None:
        people = [r.existing.pk for r in rows]
        existing = {
            (a.person_id, a.period): a
            for a in Attendance.objects.filter(
                client_id=self.client.pk,
                person_id__in=people,
                period__in={r.clean["month"] for r in rows},
            )
        }
        fields = list(ATTENDANCE_FIELDS)
        befores = {k: audit.snapshot(v, fields) for k, v in existing.items()}
        objs = [
            Attendance(
                client_id=self.client.pk,
                person_id=r.existing.pk,
                period=r.clean["month"],
                **{f: r.clean[f] for f in fields},
            )
            for r in rows
        ]
        saved = Attendance.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["person", "period"], update_fields=fields
        )
        self.audit_all(
            "payroll.attendance",
            [(o, befores.get((o.person_id, o.period))) for o in saved],
            fields,
        )
        self.count("updated", sum(1 for o in saved if (o.person_id, o.period) in existing))
        self.count("created", sum(1 for o in saved if (o.person_id, o.period) not in existing))


# --- monthly amounts --------------------------------------------------------------------------


class MonthlyAmountImporter(PayrollImporter):
    kind = "payroll_amounts"
    label = "月度变动项"
    key_label = "同一人同一月份同一项目"
    columns: ClassVar[list[Column]] = [
        *person_columns(),
        month_column(),
        Column(
            ITEM,
            "item",
            required=True,
            help="本单位工资项目的名称或代码（每月录入的项目）",
            example="奖金",
        ),
        Column(
            AMOUNT,
            "amount",
            required=True,
            help="单位元，最多两位小数；填 0 删除该月金额",
            example="1000.00",
        ),
    ]

    def validate_chunk(self, rows: list[RowResult]) -> None:
        found = self.people(rows)
        for row in rows:
            row.clean["month"] = self._month(row)
            row.clean["item"] = self._item(row, (SalaryItem.Source.MONTHLY,))
            self._amount(row, "必填（填 0 删除该月金额）")
        for row in found:
            first, item = row.clean["month"], row.clean["item"]
            if first is not None and item is not None:
                self._once(row, (row.existing.pk, first, item.pk), ITEM)
        self._check_locks(found)

    def write_chunk(self, rows: list[RowResult]) -> None:
        existing = {
            (a.person_id, a.period, a.item_id): a
            for a in MonthlyAmount.objects.filter(
                client_id=self.client.pk,
                person_id__in=[r.existing.pk for r in rows],
                period__in={r.clean["month"] for r in rows},
            )
        }
        fields = ["amount_fen"]
        befores = {k: audit.snapshot(v, fields) for k, v in existing.items()}
        keep, drop = [], []
        for r in rows:
            key = (r.existing.pk, r.clean["month"], r.clean["item"].pk)
            if r.clean["amount_fen"]:
                keep.append(
                    MonthlyAmount(
                        client_id=self.client.pk,
                        person_id=key[0],
                        period=key[1],
                        item_id=key[2],
                        amount_fen=r.clean["amount_fen"],
                    )
                )
            elif key in existing:
                drop.append(existing[key])
        saved = MonthlyAmount.objects.bulk_create(
            keep,
            update_conflicts=True,
            unique_fields=["person", "period", "item"],
            update_fields=fields,
        )
        self.audit_all(
            "payroll.amount_set",
            [(o, befores.get((o.person_id, o.period, o.item_id))) for o in saved],
            fields,
        )
        if drop:
            self.audit_all("payroll.amount_delete", [(o, None) for o in drop], fields, deleted=True)
            MonthlyAmount.objects.filter(pk__in=[o.pk for o in drop]).delete()
        self.count("saved", len(saved))
        self.count("deleted", len(drop))


# --- standing salaries ---------------------------------------------------------------------


class SalaryImporter(PayrollImporter):
    kind = "payroll_salaries"
    label = "人员定薪"
    hr_may_import = False
    key_label = "同一人同一项目同一生效月份"
    columns: ClassVar[list[Column]] = [
        *person_columns(),
        Column(
            ITEM,
            "item",
            required=True,
            help="本单位按人员定薪的工资项目（固定、绩效）的名称或代码",
            example="基本工资",
        ),
        Column(
            AMOUNT,
            "amount",
            required=True,
            help="每月金额，单位元，最多两位小数",
            example="8000.00",
        ),
        month_column("生效月份", "从该月起按此金额计发；不能早于已审核或已发放的工资表月份"),
    ]

    def validate_chunk(self, rows: list[RowResult]) -> None:
        found = self.people(rows)
        latest = (
            PayrollRun.objects.filter(client_id=self.client.pk, status__in=LOCKED_STATUSES)
            .order_by("-period")
            .first()
        )
        for row in rows:
            first = row.clean["month"] = self._month(row, "生效月份")
            row.clean["item"] = self._item(row, STANDING_SOURCES)
            self._amount(row)
            if first is not None and latest is not None and first <= latest.period:
                row.error("生效月份", salary_lock_message(latest, first))
        for row in found:
            first, item = row.clean["month"], row.clean["item"]
            if first is not None and item is not None:
                self._once(row, (row.existing.pk, item.pk, first), "生效月份")

    def write_chunk(self, rows: list[RowResult]) -> None:
        history: dict[tuple[int, int], list[PersonSalary]] = defaultdict(list)
        for s in PersonSalary.objects.filter(
            client_id=self.client.pk,
            person_id__in=[r.existing.pk for r in rows],
            item_id__in={r.clean["item"].pk for r in rows},
        ):
            history[(s.person_id, s.item_id)].append(s)
        objs, befores = [], {}
        for r in rows:
            person, item, first = r.existing.pk, r.clean["item"].pk, r.clean["month"]
            fen = r.clean["amount_fen"]
            mine = history[(person, item)]
            same = next((s for s in mine if s.effective_from == first), None)
            if (same is not None and same.amount_fen == fen) or (
                same is None and amount_in_force(mine, first) == fen
            ):
                self.count("unchanged")
                continue
            if same is not None:
                befores[(person, item, first)] = audit.snapshot(same, ["amount_fen"])
            objs.append(
                PersonSalary(
                    client_id=self.client.pk,
                    person_id=person,
                    item_id=item,
                    amount_fen=fen,
                    effective_from=first,
                )
            )
        saved = PersonSalary.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["person", "item", "effective_from"],
            update_fields=["amount_fen"],
        )
        self.audit_all(
            "payroll.salary_set",
            [(o, befores.get((o.person_id, o.item_id, o.effective_from))) for o in saved],
            ["item", "amount_fen", "effective_from"],
        )
        self.count("saved", len(saved))
