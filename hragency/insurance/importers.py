"""Excel/CSV imports of the social-insurance module through the one pipeline, and the export of
the policy library.

- ``si_orders`` (增减员名单, R-SI-2): one client's roster of add/remove orders. Each row is
  parsed by the same rules as the form and the API (``forms``); on top of that, set-based per
  chunk (a fixed number of queries): the person by ID number blind index within the client, the
  name against the archive, the month against the cut-off, a policy in force, the same person
  twice in the file, pending orders and duplicate insurance. The commit submits each row with
  ``services.submit_order`` (channel Excel), so the checks and the deadline are the service's.
- ``si_policies`` (政策库, R-SI-1, administrators): the seed layout (``policies.CSV_COLUMNS``,
  English codes or Chinese headers), upserted by (city, item, effective month) and audited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Min, Q
from django.utils import timezone

from hragency.clients.services import ensure_serviceable
from hragency.core import audit, values
from hragency.core.crypto import blind_index
from hragency.core.errors import ServiceError
from hragency.core.imports import Column, Importer, ImportRejected, RowError, RowResult
from hragency.domain.idcard import make_id_number
from hragency.domain.insurance import ITEM_LABELS, Period, PolicyError
from hragency.domain.masking import mask_id_number
from hragency.domain.money import RoundingRule
from hragency.employees.models import InsuredPerson
from hragency.insurance import forms, services
from hragency.insurance.models import Enrollment, Order, PolicyRule
from hragency.insurance.notices import announce_policy_changes
from hragency.insurance.policies import CSV_COLUMNS, normalize_city, rule_as_row

MAX_ORDER_ROWS = 5000
KIND_LABELS = dict(Order.Kind.choices)

NAME, ID, KIND, CITY, MONTH = "姓名", "身份证号", "类型", "参保城市", "生效月份"
WAGE, HF_WAGE, SI, HF, REASON = "申报工资", "公积金申报工资", "参加社保", "缴存公积金", "减员原因"


def _example_month() -> str:
    return str(services.earliest_open_period())


class SiOrderImporter(Importer):
    kind = "si_orders"
    label = "社保增减员名单"
    needs_client = True
    columns: ClassVar[list[Column]] = [
        Column(NAME, "name", required=True, help="与员工档案中的姓名一致", example="张三"),
        Column(
            ID,
            "id_number",
            required=True,
            help="18 位身份证号；须已在本单位员工档案中建档",
            example=make_id_number(
                region_code="310115", birth_date=dt.date(1990, 3, 7), sequence=11, gender="M"
            ),
            text=True,
        ),
        Column(KIND, "kind", required=True, example="增员", choices=("增员", "减员")),
        Column(CITY, "city", help="不填则用员工档案中的参保城市", example="上海"),
        Column(
            MONTH,
            "month",
            required=True,
            help="如 2026-12 或 2026年12月；当月 5 日 18:00 截止，往月请办理补缴",
            example=_example_month(),
            text=True,
        ),
        Column(WAGE, "wage", help="增员必填，单位元，最多两位小数", example="8000.00"),
        Column(HF_WAGE, "hf_wage", help="不填则与申报工资相同", example=""),
        Column(SI, "si", help="是/否，不填为“是”", example="是", choices=("是", "否")),
        Column(HF, "hf", help="是/否，不填为“是”", example="是", choices=("是", "否")),
        Column(REASON, "reason", help="减员必填，如：离职", example=""),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, int] = {}
        self.total = 0
        self.now = timezone.now()
        self.earliest = services.earliest_open_period(self.now)

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return (
            bool(getattr(user, "is_authenticated", False))
            and getattr(user, "kind", "") in ("staff", "client_hr")
            and user.has_perm("insurance.add_order")
        )

    def check_target(self) -> None:
        self.client = ensure_serviceable(self.client.pk)

    # --- validate ------------------------------------------------------------------------------
    def validate_chunk(self, rows: list[RowResult]) -> None:
        self.total += len(rows)
        if self.total > MAX_ORDER_ROWS:
            raise ImportRejected(
                [
                    RowError(
                        rows[0].row,
                        "文件",
                        f"增减员名单每次最多 {MAX_ORDER_ROWS:,} 行，请拆分为多个文件后分别导入",
                    )
                ]
            )
        indexes: dict[int, str] = {}
        for row in rows:
            self._parse(row)
            number = row.clean.get("id_number")
            if not number:
                continue
            index = blind_index(number)
            first = self.seen.setdefault(index, row.row)
            if first != row.row:
                row.error(ID, f"与第 {first} 行是同一人：同一人在一份名单中只能出现一次")
                continue
            indexes[row.row] = index
        people = {
            p.id_number_index: p
            for p in InsuredPerson.objects.filter(
                client_id=self.client.pk, id_number_index__in=set(indexes.values())
            ).only("id", "client_id", "name", "insured_city", "id_number_index")
        }
        ready: list[RowResult] = []
        for row in rows:
            index = indexes.get(row.row)
            if index is None:
                continue
            person = people.get(index)
            if person is None:
                row.error(ID, "本单位档案中没有该身份证号，请先建档")
                continue
            row.existing = person
            row.clean["index"] = index
            if row.clean.get("name") and row.clean["name"] != person.name:
                row.error(NAME, f"与档案中的姓名「{person.name}」不一致")
            row.clean["city"] = normalize_city(row.clean.get("city") or person.insured_city)
            if not row.clean["city"]:
                row.error(CITY, "必填：档案中也没有参保城市")
            ready.append(row)
        self._check_policies(ready)
        self._check_insurance(ready)

    def _parse(self, row: RowResult) -> None:
        raw = row.raw
        clean = row.clean
        clean["name"] = values.text(raw.get(NAME))
        if not clean["name"]:
            row.error(NAME, "必填")
        try:
            number = values.id_number(raw.get(ID))
        except values.InvalidValue as exc:
            row.error(ID, str(exc))
        else:
            if number:
                clean["id_number"] = number
            else:
                row.error(ID, "必填")
        order, errors = forms.parse_order(
            {
                "kind": raw.get(KIND),
                "city": raw.get(CITY),
                "month": raw.get(MONTH),
                "wage": raw.get(WAGE),
                "hf_wage": raw.get(HF_WAGE),
                "si": raw.get(SI) if values.text(raw.get(SI)) else None,
                "hf": raw.get(HF) if values.text(raw.get(HF)) else None,
                "reason": raw.get(REASON),
            }
        )
        clean.update(order)
        for error in errors:
            row.error(error.label, error.reason)
        period: Period | None = clean.get("month")
        late = services.month_error(period, self.now) if period is not None else None
        if late is not None:
            row.error(MONTH, late.reason)
        kind = clean.get("kind")
        if kind == Order.Kind.ADD:
            wage, hf_wage = clean.get("wage"), clean.get("hf_wage")
            if wage is None and not any(e.column == WAGE for e in row.errors):
                row.error(WAGE, "增员必须填写申报工资")
            elif wage is not None and wage <= 0:
                row.error(WAGE, "应大于 0")
            if hf_wage is not None and hf_wage <= 0:
                row.error(HF_WAGE, "应大于 0，不填则与申报工资相同")
            if not clean.get("si", True) and not clean.get("hf", True):
                row.error(SI, "参加社保与缴存公积金至少选一项")
        elif kind == Order.Kind.REMOVE and not clean.get("reason"):
            row.error(REASON, "减员必须填写原因")

    def _check_policies(self, rows: list[RowResult]) -> None:
        wanted = {r.clean["city"] for r in rows if r.clean.get("city")}
        since = dict(
            PolicyRule.objects.filter(city__in=wanted)
            .values("city")
            .annotate(first=Min("effective_from"))
            .values_list("city", "first")
        )
        for row in rows:
            city, period = row.clean.get("city"), row.clean.get("month")
            if not city or period is None:
                continue
            first = since.get(city)
            if first is None:
                row.error(CITY, f"政策库中没有城市「{city}」")
            elif period.first_day < first:
                row.error(
                    MONTH, f"「{city}」在 {period} 没有生效的社保政策，最早从 {first:%Y-%m} 起"
                )

    def _check_insurance(self, rows: list[RowResult]) -> None:
        """Duplicate insurance, the enrollment a removal ends, pending orders: two queries."""
        indexes = {r.clean["index"] for r in rows}
        if not indexes:
            return
        months = [r.clean["month"] for r in rows if r.clean.get("month") is not None]
        earliest = min(months).first_day if months else self.earliest.first_day
        enrolled: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in (
            Enrollment.objects.filter(person__id_number_index__in=indexes)
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=earliest))
            .values(
                "person__id_number_index",
                "person_id",
                "client_id",
                "client__name",
                "city",
                "start_month",
                "end_month",
            )
        ):
            enrolled[e["person__id_number_index"]].append(e)
        pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for o in Order.objects.filter(
            person__id_number_index__in=indexes, status=Order.Status.SUBMITTED
        ).values("person__id_number_index", "person_id", "client_id", "client__name", "kind"):
            pending[o["person__id_number_index"]].append(o)
        for row in rows:
            period: Period | None = row.clean.get("month")
            if period is None or row.clean.get("kind") not in Order.Kind.values:
                continue
            person = row.existing
            index = row.clean["index"]
            mine = [o for o in pending[index] if o["person_id"] == person.pk]
            if mine:
                label = KIND_LABELS[mine[0]["kind"]]
                row.error(ID, f"该人员已有待办理的{label}单，请等待办理或先撤销")
                continue
            in_force = [
                e
                for e in enrolled[index]
                if e["end_month"] is None or e["end_month"] >= period.first_day
            ]
            if row.clean["kind"] == Order.Kind.ADD:
                self._check_add(row, in_force, pending[index])
            else:
                self._check_remove(row, [e for e in in_force if e["person_id"] == person.pk])

    def _where(self, client_id: int, name: str) -> str:
        if client_id == self.client.pk:
            return "本单位"
        return f"客户「{name}」" if services.may_see_client(self.actor, client_id) else "其他单位"

    def _check_add(
        self, row: RowResult, in_force: list[dict[str, Any]], pending: list[dict[str, Any]]
    ) -> None:
        if in_force:
            e = in_force[0]
            where = self._where(e["client_id"], e["client__name"])
            row.error(
                ID,
                f"{row.clean['month']} 已有参保记录：{where}（{e['city']}，"
                f"{e['start_month']:%Y-%m} 起）；不能重复参保，请先办理减员",
            )
            return
        elsewhere = [o for o in pending if o["kind"] == Order.Kind.ADD]
        if elsewhere:
            where = self._where(elsewhere[0]["client_id"], elsewhere[0]["client__name"])
            row.error(ID, f"已有待办理的增员单：{where}；不能重复参保")

    def _check_remove(self, row: RowResult, in_force: list[dict[str, Any]]) -> None:
        city, period = row.clean["city"], row.clean["month"]
        found = next((e for e in in_force if e["city"] == city), None)
        if found is None:
            row.error(CITY, f"该人员在{city}没有 {period} 在保的记录")
        elif found["start_month"] >= period.first_day:
            row.error(MONTH, f"参保起始月份为 {found['start_month']:%Y-%m}，减员月份须晚于它")

    def display(self, row: RowResult) -> list[str]:
        cells = []
        for column in self.columns:
            value = values.text(row.raw.get(column.label))
            if column.field == "id_number" and value:
                value = mask_id_number(value)
            cells.append(value)
        return cells

    # --- commit --------------------------------------------------------------------------------
    def write_chunk(self, rows: list[RowResult]) -> None:
        for row in rows:
            clean = row.clean
            try:
                services.submit_order(
                    actor=self.actor,
                    person=row.existing,
                    channel=Order.Channel.EXCEL,
                    **forms.order_arguments(clean),
                )
            except ServiceError as exc:
                raise ServiceError(f"第 {row.row} 行：{exc}") from exc
            self.count("add" if clean["kind"] == Order.Kind.ADD else "remove")
            self.count("created")


# --- the policy library ---------------------------------------------------------------------

POLICY_LABELS = {
    "city": "城市",
    "item": "险种",
    "effective_from": "生效月份",
    "base_floor": "基数下限",
    "base_ceiling": "基数上限",
    "employer_rate": "单位费率",
    "employee_rate": "个人费率",
    "employer_fixed": "单位固定金额",
    "employee_fixed": "个人固定金额",
    "rounding": "舍入规则",
    "rate_min": "费率下限",
    "rate_max": "费率上限",
    "certainty": "核实状态",
    "source": "来源",
    "note": "说明",
}
_SIX_PLACES = Decimal("0.000001")
_REQUIRED_POLICY = ("city", "item", "effective_from", "base_floor", "base_ceiling")
_ITEMS = {item.value: label for item, label in ITEM_LABELS.items()}
_ROUNDING = {rule.value: rule.label for rule in RoundingRule}
_CERTAINTY = dict(PolicyRule.Certainty.choices)
_POLICY_HELP = {
    "city": ("城市简称，如 上海（“上海市”亦可）", "示例"),
    "item": (f"代码或中文：{'、'.join(f'{k}/{v}' for k, v in _ITEMS.items())}", "pension"),
    "effective_from": ("从该月起生效，如 2026-07", "2026-07"),
    "base_floor": ("缴费基数下限（元）", "5000.00"),
    "base_ceiling": ("缴费基数上限（元）", "30000.00"),
    "employer_rate": ("小数，0.16 表示 16%；空白表示按客户设定（工伤、公积金）", "0.16"),
    "employee_rate": ("小数，0.08 表示 8%", "0.08"),
    "employer_fixed": ("单位每月固定金额（元），不填为 0", "0.00"),
    "employee_fixed": ("个人每月固定金额（元），如大额医疗 3 元", "0.00"),
    "rounding": (f"代码或中文：{'、'.join(f'{k}/{v}' for k, v in _ROUNDING.items())}", "fen"),
    "rate_min": ("按客户设定的费率下限（小数）", ""),
    "rate_max": ("按客户设定的费率上限（小数）", ""),
    "certainty": ("已核实 或 待核实，不填为待核实", "已核实"),
    "source": ("数据来源（文件、网址）", "示例政策文件"),
    "note": ("说明", ""),
}


class PolicyImporter(Importer):
    """Upserts library rows. Headers may be the seed file's codes (city, item, …) or the
    Chinese labels of the template; values of item/rounding may be codes or labels."""

    kind = "si_policies"
    label = "社保公积金政策"
    modes: ClassVar[dict[str, str]] = {"upsert": "新增或更新"}
    columns: ClassVar[list[Column]] = [
        Column(
            label=POLICY_LABELS[code],
            field=code,
            required=code in _REQUIRED_POLICY,
            help=f"{_POLICY_HELP[code][0]}（列名也可写 {code}）",
            example=_POLICY_HELP[code][1],
            choices=tuple(_CERTAINTY) if code == "certainty" else (),
            text=code == "effective_from",
        )
        for code in CSV_COLUMNS
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[str, str, dt.date], int] = {}
        self.headers: dict[str, str] | None = None

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
            "insurance.change_policyrule"
        )

    @classmethod
    def required_labels(cls) -> list[str]:
        return []  # either header spelling is accepted: checked in validate_chunk

    def _header_map(self, raw: dict[str, object]) -> dict[str, str]:
        found = {}
        missing = []
        for code in CSV_COLUMNS:
            label = POLICY_LABELS[code]
            if label in raw:
                found[code] = label
            elif code in raw:
                found[code] = code
            elif code in _REQUIRED_POLICY:
                missing.append(RowError(1, label, f"缺少此列（也可写 {code}）"))
        if missing:
            raise ImportRejected(missing)
        return found

    def validate_chunk(self, rows: list[RowResult]) -> None:
        if self.headers is None:
            self.headers = self._header_map(rows[0].raw)
        for row in rows:
            self._parse(row)
            key = row.clean.get("key")
            if key is None:
                continue
            first = self.seen.setdefault(key, row.row)
            if first != row.row:
                row.error("生效月份", f"与第 {first} 行的城市、险种、生效月份相同")
                row.clean.pop("key")
        keys = [r.clean["key"] for r in rows if r.clean.get("key") and not r.errors]
        existing = {
            (p.city, p.item, p.effective_from): p
            for p in PolicyRule.objects.filter(
                city__in={k[0] for k in keys}, effective_from__in={k[2] for k in keys}
            )
        }
        for row in rows:
            if row.clean.get("key") and not row.errors:
                row.existing = existing.get(row.clean["key"])

    def _cell(self, row: RowResult, code: str) -> object:
        assert self.headers is not None
        header = self.headers.get(code)
        return row.raw.get(header) if header else None

    def _parse(self, row: RowResult) -> None:
        data: dict[str, Any] = {}

        def parse(code: str, parser: Any, *, default: Any = None) -> None:
            label = POLICY_LABELS[code]
            try:
                value = parser(self._cell(row, code))
            except (values.InvalidValue, PolicyError) as exc:
                row.error(label, str(exc))
                return
            if value in (None, "") and code in _REQUIRED_POLICY:
                row.error(label, "必填")
            data[code] = default if value in (None, "") and default is not None else value

        parse("city", lambda v: normalize_city(values.text(v)))
        parse("item", lambda v: values.choice(v, _ITEMS))
        parse("effective_from", forms.month)
        parse("base_floor", values.amount)
        parse("base_ceiling", values.amount)
        for code in ("employer_rate", "employee_rate", "rate_min", "rate_max"):
            parse(code, forms.rate)
        for code in ("employer_fixed", "employee_fixed"):
            parse(code, values.amount, default=Decimal("0.00"))
        parse("rounding", lambda v: values.choice(v, _ROUNDING), default=RoundingRule.FEN.value)
        parse("certainty", lambda v: values.choice(v, _CERTAINTY), default="待核实")
        parse("source", values.text, default="")
        parse("note", values.text, default="")
        if row.errors:
            return
        data["effective_from"] = data["effective_from"].first_day
        try:
            PolicyRule(**data).to_rule()
        except PolicyError as exc:
            row.error("政策", str(exc))
            return
        for code in ("employer_rate", "employee_rate", "rate_min", "rate_max"):
            if data[code] is not None:  # exact to six places (checked above): as stored
                data[code] = data[code].quantize(_SIX_PLACES)
        row.clean = data
        row.clean["key"] = (data["city"], data["item"], data["effective_from"])

    def display(self, row: RowResult) -> list[str]:
        return [values.text(self._cell(row, c.field)) if self.headers else "" for c in self.columns]

    def write_chunk(self, rows: list[RowResult]) -> None:
        new: list[PolicyRule] = []
        changed: list[PolicyRule] = []
        entries = []
        now = timezone.now()
        for row in rows:
            data = {k: v for k, v in row.clean.items() if k != "key"}
            rule = row.existing
            if rule is None:
                new.append(PolicyRule(**data))
                continue
            before = audit.snapshot(rule)
            for field, value in data.items():
                setattr(rule, field, value)
            after = audit.snapshot(rule)
            if not audit.diff(before, after):
                self.count("unchanged")
                continue
            rule.updated_at = now
            changed.append(rule)
            entries.append(
                audit.entry(
                    actor=self.actor,
                    action="insurance.policy_update",
                    instance=rule,
                    before=before,
                    after=after,
                    extra={"import_batch": self.batch_id},
                )
            )
        if new:
            PolicyRule.objects.bulk_create(new, batch_size=500)
            entries.extend(
                audit.entry(
                    actor=self.actor,
                    action="insurance.policy_create",
                    instance=rule,
                    after=audit.snapshot(rule),
                    extra={"import_batch": self.batch_id},
                )
                for rule in new
            )
            self.count("created", len(new))
        if changed:
            fields = [f for f in POLICY_LABELS if f not in ("city", "item", "effective_from")]
            PolicyRule.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
            self.count("updated", len(changed))
        audit.record_all(entries)
        # R-SI-7: the clients insured in those cities hear about it.
        announce_policy_changes(actor=self.actor, rules=[*new, *changed])


def policy_workbook() -> bytes:
    """The whole library in the seed layout (``policies.CSV_COLUMNS`` headers), every value a
    string — decimals exactly as stored, never floats — so the file imports back unchanged."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("政策库")
    sheet.append(CSV_COLUMNS)
    for rule in PolicyRule.objects.order_by("city", "item", "effective_from"):
        row = rule_as_row(rule)
        sheet.append([row[c] for c in CSV_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
