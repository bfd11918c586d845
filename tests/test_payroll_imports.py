"""Excel imports of payroll inputs through the one pipeline: 考勤与绩效 (payroll_attendance),
月度变动项 (payroll_amounts), 定薪 (payroll_salaries), 专项附加扣除 (payroll_deductions). A good
file commits with one audit row per record; every bad row is named by row, column and reason
and nothing is written; HR imports only for their own company, and never salaries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hragency.core.errors import ServiceError
from hragency.core.imports import RowResult, pipeline
from hragency.core.imports.base import importable_kinds
from hragency.core.models import AuditLog, ImportBatch
from hragency.domain.idcard import make_id_number
from hragency.employees.services import create_person
from hragency.payroll import setup, setup_inputs
from hragency.payroll.importers import MonthlyAmountImporter, register_importers
from hragency.payroll.models import Attendance, MonthlyAmount, PersonSalary, SpecialDeduction
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, Cast
from tests.payroll_support import make_payroll_specialist, make_run

Status = ImportBatch.Status
ATTENDANCE = ["身份证号", "姓名", "所属月份", "事假天数", "病假天数", "旷工天数", "工作日加班小时",
              "休息日加班小时", "法定节假日加班小时", "绩效系数", "备注"]  # fmt: skip
AMOUNTS = ["身份证号", "姓名", "所属月份", "工资项目", "金额"]
SALARIES = ["身份证号", "姓名", "工资项目", "金额", "生效月份"]
DEDUCTIONS = ["身份证号", "姓名", "扣除项目", "每月金额", "起始月份", "截止月份", "说明"]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def pay(cast: Cast) -> Cast:
    register_importers()
    register_importers()  # idempotent
    cast.pay = make_payroll_specialist(cast)  # type: ignore[attr-defined]
    setup.ensure_default_items(actor=cast.pay, client=cast.client_a)  # type: ignore[attr-defined]
    return cast


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(actor: Any, kind: str, data: bytes, client: Any) -> ImportBatch:
    batch = pipeline.start_import(
        kind=kind, actor=actor, data=data, filename="导入.xlsx", client_id=client.pk, run=False
    )
    return pipeline.validate_batch(batch.pk)


def commit(batch: ImportBatch, actor: Any) -> ImportBatch:
    pipeline.request_commit(batch=batch, actor=actor, run=False)
    return pipeline.commit_batch(batch.pk)


def messages(batch: ImportBatch, key: str = "errors") -> list[str]:
    return [f"第 {e['row']} 行「{e['column']}」：{e['reason']}" for e in getattr(batch, key)]


def test_it_imports_attendance_and_warns_on_overtime(pay: Cast) -> None:
    a, a2 = pay.person_a, pay.person_a2
    data = xlsx(
        ATTENDANCE,
        [
            [a.id_number, a.name, "2026-11", "1", "0.5", "", "30", "10", "", "1.1", "年假另计"],
            [a2.id_number, a2.name, "2026年11月", "", "", "", "", "", "", "", ""],
        ],
    )
    batch = upload(pay.hr_a, "payroll_attendance", data, pay.client_a)
    assert batch.status == Status.VALID, messages(batch)
    assert messages(batch, "warnings") == [
        "第 2 行「工作日加班小时」：加班合计 40.00 小时，"
        "超过《劳动法》第四十一条规定的每月 36 小时上限，请核实"
    ]
    preview = batch.preview["rows"][0]
    assert a.id_number not in preview and CANARY_PERSON_A in preview
    batch = commit(batch, pay.hr_a)
    assert batch.status == Status.COMMITTED, batch.message
    rows = {r.person_id: r for r in Attendance.objects.all()}
    assert rows[a.pk].overtime_workday_hours == Decimal("30")
    assert rows[a.pk].sick_leave_days == Decimal("0.5") and rows[a.pk].note == "年假另计"
    assert rows[a2.pk].performance_coefficient == Decimal("1")
    audits = AuditLog.objects.filter(action="payroll.attendance")
    assert sorted(int(x.object_id) for x in audits) == sorted(r.pk for r in rows.values())
    # A second file for the same month replaces the figures (upsert).
    again = upload(
        pay.pay,
        "payroll_attendance",
        xlsx(ATTENDANCE, [[a.id_number, a.name, "2026-11", "2"]]),
        pay.client_a,
    )
    assert commit(again, pay.pay).result == {"updated": 1, "created": 0}
    assert Attendance.objects.get(person=a).personal_leave_days == Decimal("2")
    assert Attendance.objects.get(person=a).overtime_workday_hours == Decimal("0")


def test_it_names_every_bad_attendance_row_and_writes_nothing(pay: Cast) -> None:
    run = make_run(pay.client_a, [pay.person_a], status="approved")
    a, a2, b = pay.person_a, pay.person_a2, pay.person_b
    stranger = make_id_number(
        region_code="110105", birth_date=dt.date(1980, 1, 1), sequence=99, gender="F"
    )
    data = xlsx(
        ATTENDANCE,
        [
            [a.id_number, a.name, "2026-11", "1"],  # 2: fine
            [a2.id_number, "李四", "2026-11"],  # 3: wrong name
            [stranger, "赵某", "2026-11"],  # 4: not in the archive
            [b.id_number, b.name, "2026-11"],  # 5: client B's person
            [a.id_number, a.name, "2026-11", "3"],  # 6: twice
            [a2.id_number, a2.name, "2026-10"],  # 7: run approved
            [a2.id_number, a2.name, "2026-12", "-1", "", "", "301", "", "", "3.5"],  # 8
            [a2.id_number, a2.name, "2026-13"],  # 9: no such month
        ],
    )
    batch = upload(pay.pay, "payroll_attendance", data, pay.client_a)
    assert batch.status == Status.INVALID
    assert messages(batch) == [
        "第 3 行「姓名」：与档案中的姓名「李甲二CANARYPERSONA2」不一致",
        "第 4 行「身份证号」：本单位员工档案中没有该身份证号，请先建档",
        "第 5 行「身份证号」：本单位员工档案中没有该身份证号，请先建档",
        "第 6 行「所属月份」：与第 2 行重复：同一人同一月份只能有一行",
        f"第 7 行「所属月份」：2026-10 的工资表 {run.number} 状态为「已审核」，"
        "不能再修改该月的考勤和变动项；如需修改，请先将工资表退回",
        "第 8 行「事假天数」：不能为负数：-1.00",
        "第 8 行「绩效系数」：应在 0 到 3 之间：3.5000",
        "第 9 行「所属月份」：格式应为 2026-10 或 2026年10月：2026-13",
    ]
    assert CANARY_PERSON_A2 in messages(batch)[0]
    assert not Attendance.objects.exists()


def test_it_imports_monthly_amounts_by_item_name_or_code(pay: Cast) -> None:
    a, a2 = pay.person_a, pay.person_a2
    setup_inputs.set_monthly_amount(
        actor=pay.pay,
        person=a2,
        item=pay.client_a.salary_items.get(code="bonus"),
        period="2026-11",
        amount="50",
    )
    data = xlsx(
        AMOUNTS,
        [
            [a.id_number, a.name, "2026-11", "奖金", "1,200.50"],
            [a.id_number, a.name, "2026-11", "post_tax", 80],
            [a2.id_number, a2.name, "2026-11", "bonus", "0"],  # removes the 50
        ],
    )
    batch = commit(upload(pay.hr_a, "payroll_amounts", data, pay.client_a), pay.hr_a)
    assert batch.status == Status.COMMITTED, (batch.message, batch.errors)
    assert batch.result == {"saved": 2, "deleted": 1}
    amounts = {(m.person_id, m.item.code): m.amount_fen for m in MonthlyAmount.objects.all()}
    assert amounts == {(a.pk, "bonus"): 120_050, (a.pk, "post_tax"): 8_000}
    assert AuditLog.objects.filter(action="payroll.amount_delete").count() == 1
    bad = xlsx(
        AMOUNTS,
        [
            [a.id_number, a.name, "2026-11", "基本工资", "100"],
            [a.id_number, a.name, "2026-11", "车补", "100"],
            [a.id_number, a.name, "2026-11", "奖金", "12.345"],
            [a2.id_number, a2.name, "2026-11", "奖金", ""],
        ],
    )
    batch = upload(pay.pay, "payroll_amounts", bad, pay.client_a)
    assert messages(batch) == [
        "第 2 行「工资项目」：「基本工资」是“固定（按人员定薪）”，这里只能导入每月录入的项目",
        "第 3 行「工资项目」：本单位没有工资项目「车补」（填写项目名称或代码）",
        "第 4 行「金额」：最多 2 位小数：12.345",
        "第 5 行「金额」：必填（填 0 删除该月金额）",
    ]


def test_it_imports_standing_salaries_for_staff_only(pay: Cast) -> None:
    a, a2 = pay.person_a, pay.person_a2
    run = make_run(pay.client_a, [a], status="paid")
    data = xlsx(
        SALARIES,
        [
            [a.id_number, a.name, "基本工资", "12000", "2026-11"],
            [a.id_number, a.name, "perf", "3000", "2026-11"],
            [a2.id_number, a2.name, "基本工资", "9000", "2026-12"],
        ],
    )
    with pytest.raises(PermissionDenied):
        upload(pay.hr_a, "payroll_salaries", data, pay.client_a)
    assert "payroll_salaries" not in {k.kind for k in importable_kinds(pay.hr_a)}
    assert {"payroll_attendance", "payroll_amounts", "payroll_deductions"} <= {
        k.kind for k in importable_kinds(pay.hr_a)
    }
    batch = commit(upload(pay.pay, "payroll_salaries", data, pay.client_a), pay.pay)
    assert batch.status == Status.COMMITTED and batch.result == {"saved": 3}
    # A raise from January is a new row; the same amount again changes nothing.
    raise_file = xlsx(
        SALARIES,
        [
            [a.id_number, a.name, "基本工资", "13000", "2027-01"],
            [a.id_number, a.name, "绩效工资", "3000", "2027-01"],
        ],
    )
    done = commit(upload(pay.pay, "payroll_salaries", raise_file, pay.client_a), pay.pay)
    assert done.result == {"saved": 1, "unchanged": 1}
    history = PersonSalary.objects.filter(person=a, item__code="base").order_by("effective_from")
    assert [(r.effective_from, r.amount_fen) for r in history] == [
        (dt.date(2026, 11, 1), 1_200_000),
        (dt.date(2027, 1, 1), 1_300_000),
    ]
    late = upload(
        pay.pay,
        "payroll_salaries",
        xlsx(SALARIES, [[a.id_number, a.name, "奖金", "1", "2026-10"]]),
        pay.client_a,
    )
    assert messages(late) == [
        "第 2 行「工资项目」：「奖金」是“每月录入/导入”，"
        "这里只能导入按人员定薪的项目（固定、绩效）",
        "第 2 行「生效月份」：生效月份 2026-10 不能早于或等于工资表 "
        f"{run.number}（2026-10，已发放）的所属月份：该月工资已按原定薪计算；请从 2026-11 起调整",
    ]


def test_it_imports_deductions_with_the_rules_across_rows(pay: Cast) -> None:
    a, a2 = pay.person_a, pay.person_a2
    setup_inputs.declare_deduction(
        actor=pay.employee_a,
        person=a,
        category="住房租金",
        monthly_amount="1500",
        start_month="2026-01",
    )
    good = xlsx(
        DEDUCTIONS,
        [
            [a.id_number, a.name, "子女教育", "2000", "2026-01", "", "张小明"],
            [a.id_number, a.name, "子女教育", "2000", "2026-01", "", "张小红"],
            [a2.id_number, a2.name, "赡养老人", "1500", "2026-01", "2026-12", "父亲"],
            [a2.id_number, a2.name, "赡养老人", "1500", "2026-01", "2026-12", "母亲"],
        ],
    )
    batch = commit(upload(pay.hr_a, "payroll_deductions", good, pay.client_a), pay.hr_a)
    assert batch.status == Status.COMMITTED and batch.result == {"created": 4}
    assert SpecialDeduction.objects.filter(source="import").count() == 4
    bad = xlsx(
        DEDUCTIONS,
        [
            [a.id_number, a.name, "住房贷款利息", "1000", "2026-06", "", ""],
            [a2.id_number, a2.name, "赡养老人", "500", "2026-06", "", "祖父"],
            [a2.id_number, a2.name, "大病医疗", "1000", "2026-06", "", ""],
            [a2.id_number, a2.name, "住房租金", "1500", "2026-06", "2026-05", ""],
            [a2.id_number, a2.name, "住房租金", "800", "2026-06", "", "苏州"],
            [a2.id_number, a2.name, "住房租金", "800", "2026-07", "", "南京"],
        ],
    )
    batch = upload(pay.pay, "payroll_deductions", bad, pay.client_a)
    assert messages(batch) == [
        "第 2 行「扣除项目」：住房贷款利息和住房租金不能在同一月份同时扣除，只能选择其中一项："
        "与已申报的住房租金（2026-01起）重叠",
        "第 3 行「每月金额」：赡养老人每月合计最多扣除 ¥3,000.00，2026-06 合计为 ¥3,500.00"
        "（含已申报的赡养老人（2026-01至 2026-12）、已申报的赡养老人（2026-01至 2026-12））",
        "第 4 行「扣除项目」：应为以下之一：子女教育、3岁以下婴幼儿照护、继续教育、"
        "住房贷款利息、住房租金、赡养老人、个人养老金",
        "第 5 行「截止月份」：不能早于起始月份 2026-06",
        "第 7 行「扣除项目」：同一期间只能申报一处住房租金：与第 6 行重叠",
    ]
    assert SpecialDeduction.objects.count() == 5


def test_it_keeps_hr_to_their_own_company(pay: Cast) -> None:
    b = pay.person_b
    data = xlsx(ATTENDANCE, [[b.id_number, b.name, "2026-11", "1"]])
    with pytest.raises(ServiceError, match="客户不存在或无权操作"):
        pipeline.start_import(
            kind="payroll_attendance",
            actor=pay.hr_a,
            data=data,
            filename="b.xlsx",
            client_id=pay.client_b.pk,
            run=False,
        )
    # Without a client the HR user's own company is taken: B's person is unknown there.
    batch = pipeline.validate_batch(
        pipeline.start_import(
            kind="payroll_attendance", actor=pay.hr_a, data=data, filename="b.xlsx", run=False
        ).pk
    )
    assert batch.client_id == pay.client_a.pk
    assert messages(batch) == ["第 2 行「身份证号」：本单位员工档案中没有该身份证号，请先建档"]
    # A rep serving client A has no payroll permission: no payroll import is offered.
    assert not [k for k in importable_kinds(pay.rep_a) if k.kind.startswith("payroll_")]


def test_it_checks_a_chunk_with_a_fixed_number_of_queries(pay: Cast) -> None:
    people = [
        create_person(
            client_id=pay.client_a.pk,
            name=f"员工{n}",
            id_number=make_id_number(
                region_code="110105", birth_date=dt.date(1985, 1, 1), sequence=n, gender="M"
            ),
        )
        for n in range(40, 80)
    ]
    rows = [[p.id_number, p.name, "2026-11", "奖金", "100"] for p in people]

    def queries(count: int) -> int:
        importer = MonthlyAmountImporter(actor=pay.pay, client=pay.client_a)
        importer.check_target()
        chunk = [
            RowResult(row=i + 2, raw=dict(zip(AMOUNTS, r, strict=True)))
            for i, r in enumerate(rows[:count])
        ]
        with CaptureQueriesContext(connection) as captured:
            importer.validate_chunk(chunk)
        assert not any(r.errors for r in chunk)
        return len(captured)

    assert queries(5) == queries(40)
