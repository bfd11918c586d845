"""Excel/CSV import of special additional deductions (专项附加扣除, kind ``payroll_deductions``)
through the one pipeline: one declaration per row, parsed by ``forms.parse_deduction`` and
checked by ``forms.check_against`` against the person's declarations on file (one query per
chunk) and the earlier rows of the same file — the same rules as the screens and the API.
Written with one insert and one audit row per record per chunk (source 导入)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from hragency.core.imports import Column, RowResult
from hragency.payroll import forms
from hragency.payroll.importers import PayrollImporter, month_column, person_columns
from hragency.payroll.models import SpecialDeduction
from hragency.payroll.setup import DEDUCTION_FIELDS
from hragency.payroll.setup_inputs import span_of

LABELS = forms.DEDUCTION_LABELS_BY_FIELD


class DeductionImporter(PayrollImporter):
    kind = "payroll_deductions"
    label = "专项附加扣除"
    columns: ClassVar[list[Column]] = [
        *person_columns(),
        Column(
            LABELS["category"],
            "category",
            required=True,
            help="子女教育、3岁以下婴幼儿照护、继续教育、住房贷款利息、住房租金、赡养老人、个人养老金",
            example="子女教育",
            choices=tuple(forms.CATEGORY_CHOICES.values()),
        ),
        Column(
            LABELS["monthly_amount"],
            "monthly_amount",
            required=True,
            help="单位元，按各项目的法定标准",
            example="2000.00",
        ),
        month_column(LABELS["start_month"], "享受扣除的第一个月"),
        Column(LABELS["end_month"], "end_month", help="不填表示持续享受", text=True),
        Column(LABELS["note"], "note", help="如子女姓名、房屋坐落；最多 100 字", example="张小明"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Declarations of earlier rows not yet written, per person (the overlap rules see them).
        self.pending: dict[int, dict[int, forms.Span]] = defaultdict(dict)

    def validate_chunk(self, rows: list[RowResult]) -> None:
        found = self.people(rows)
        for row in rows:
            data = {field: row.raw.get(label) for field, label in LABELS.items()}
            clean, errors = forms.parse_deduction(data)
            row.clean.update(clean)
            for error in errors:
                row.error(error.label, error.reason)
        on_file: dict[int, list[forms.Span]] = defaultdict(list)
        for d in SpecialDeduction.objects.filter(person_id__in={r.existing.pk for r in found}):
            on_file[d.person_id].append(span_of(d))
        for row in found:
            if row.errors:
                continue
            person = row.existing.pk
            new = forms.Span(
                row.clean["category"],
                row.clean["monthly_amount"],
                row.clean["start_month"],
                row.clean.get("end_month"),
                f"第 {row.row} 行",
                row.clean.get("note") or "",
            )
            others = on_file[person] + list(self.pending[person].values())
            problem = forms.check_against(new, others)
            if problem is not None:
                row.error(LABELS[problem[0]], problem[1])
                continue
            self.pending[person][row.row] = new

    def write_chunk(self, rows: list[RowResult]) -> None:
        saved = SpecialDeduction.objects.bulk_create(
            [
                SpecialDeduction(
                    client_id=self.client.pk,
                    person_id=r.existing.pk,
                    category=r.clean["category"],
                    amount_fen=r.clean["monthly_amount"],
                    start_month=r.clean["start_month"],
                    end_month=r.clean.get("end_month"),
                    note=r.clean.get("note") or "",
                    source=SpecialDeduction.Source.IMPORT,
                )
                for r in rows
            ]
        )
        self.audit_all("payroll.deduction_declare", [(o, None) for o in saved], DEDUCTION_FIELDS)
        # Written rows are on file now: the next chunk finds them in the database.
        for r in rows:
            self.pending[r.existing.pk].pop(r.row, None)
        self.count("created", len(saved))
