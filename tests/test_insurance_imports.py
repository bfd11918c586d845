"""Excel rosters of 增减员 (kind si_orders) and policy library uploads (kind si_policies)
through the one import pipeline: every bad row named by row, column and reason, nothing written
unless every row is valid, the commit submits the orders (channel Excel) or upserts the rules
with their audit rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from hragency.core.imports import pipeline
from hragency.core.models import AuditLog, Deadline, ImportBatch
from hragency.domain.idcard import make_id_number
from hragency.employees.services import create_person
from hragency.insurance import services
from hragency.insurance.importers import SiOrderImporter
from hragency.insurance.models import Order, PolicyRule
from tests.conftest import CANARY_CLIENT_B, CANARY_PERSON_A, CANARY_PERSON_A2, Cast, login_client
from tests.si_support import CITY, enroll, make_specialist, make_test_city

Status = ImportBatch.Status
HEADERS = [c.label for c in SiOrderImporter.columns]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def si(cast: Cast) -> Any:
    make_test_city()
    cast.specialist = make_specialist(cast)  # type: ignore[attr-defined]
    return cast


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def line(name: str, number: str, kind: str = "增员", **cells: object) -> list[object]:
    row: dict[str, object] = {
        "姓名": name,
        "身份证号": number,
        "类型": kind,
        "参保城市": CITY,
        "生效月份": str(services.earliest_open_period()),
        "申报工资": "8000" if kind == "增员" else "",
    }
    row.update(cells)
    return [row.get(h, "") for h in HEADERS]


def upload(actor: Any, data: bytes, *, kind: str = "si_orders", client: Any = None) -> Any:
    batch = pipeline.start_import(
        kind=kind,
        actor=actor,
        data=data,
        filename="名单.xlsx",
        client_id=client.pk if client is not None else None,
        run=False,
    )
    return pipeline.validate_batch(batch.pk)


def commit(batch: ImportBatch, actor: Any) -> ImportBatch:
    pipeline.request_commit(batch=batch, actor=actor, run=False)
    return pipeline.commit_batch(batch.pk)


def messages(batch: ImportBatch) -> list[str]:
    return [f"第 {e['row']} 行「{e['column']}」：{e['reason']}" for e in batch.errors]


def person(cast: Cast, name: str, seq: int, *, client: Any = None, number: str = "") -> Any:
    number = number or make_id_number(
        region_code="110105", birth_date=dt.date(1988, 4, 9), sequence=seq, gender="M"
    )
    return create_person(
        client_id=(client or cast.client_a).pk, name=name, id_number=number, insured_city=CITY
    )


def test_it_names_row_column_and_reason_for_every_bad_row(si: Cast) -> None:
    late = str(services.earliest_open_period().shifted(-1))
    p3 = person(si, "孙三", 31)
    p4 = person(si, "李四", 41)
    p5 = person(si, "周五", 51)
    p7 = person(si, "吴七", 71)
    # p6 is the same person as client B's, who is insured through client B.
    p6 = person(si, "王乙", 0, number=si.person_b.id_number)
    enroll(si.person_b, "9000.00")
    stranger = make_id_number(
        region_code="110105", birth_date=dt.date(1980, 1, 1), sequence=99, gender="F"
    )
    rows = [
        line(CANARY_PERSON_A, si.person_a.id_number),  # 2: fine
        line("赵某", stranger),  # 3: not in the archive
        line("李四", si.person_a2.id_number),  # 4: wrong name
        line(CANARY_PERSON_A, si.person_a.id_number),  # 5: same person as row 2
        line(p3.name, p3.id_number, 生效月份=late),  # 6: after the cut-off
        line(p4.name, p4.id_number, 参保城市="火星"),  # 7: no such policy
        line(p5.name, p5.id_number, 申报工资=""),  # 8: add without a wage
        line(p6.name, p6.id_number),  # 9: insured through another client
        line(p7.name, p7.id_number, kind="减员", 生效月份="2026年13月"),  # 10: no such month
    ]
    batch = upload(si.hr_a, xlsx(rows), client=si.client_a)
    assert batch.status == Status.INVALID
    found = messages(batch)
    assert found == [
        "第 3 行「身份证号」：本单位档案中没有该身份证号，请先建档",
        f"第 4 行「姓名」：与档案中的姓名「{CANARY_PERSON_A2}」不一致",
        "第 5 行「身份证号」：与第 2 行是同一人：同一人在一份名单中只能出现一次",
        found[3],
        "第 7 行「参保城市」：政策库中没有城市「火星」",
        "第 8 行「申报工资」：增员必须填写申报工资",
        found[6],
        "第 10 行「生效月份」：格式应为 2026-12 或 2026年12月：2026年13月",
        "第 10 行「减员原因」：减员必须填写原因",
    ]
    assert found[3].startswith(f"第 6 行「生效月份」：{late} 的增减员已于")
    assert found[6].startswith("第 9 行「身份证号」：") and "已有参保记录：其他单位" in found[6]
    assert CANARY_CLIENT_B not in str(batch.errors)
    # The stored preview never holds an ID number in the clear.
    assert si.person_a.id_number not in str(batch.preview)
    assert not Order.objects.exists()


def test_it_commits_a_roster_as_orders_submitted_through_excel(si: Cast) -> None:
    period = services.earliest_open_period()
    enroll(si.person_a2, "7000.00")
    rows = [
        line(CANARY_PERSON_A, si.person_a.id_number, 生效月份=f"{period.year}年{period.month}月",
             公积金申报工资="6000", 缴存公积金="否"),
        line(CANARY_PERSON_A2, si.person_a2.id_number, kind="减员", 减员原因="离职"),
    ]  # fmt: skip
    batch = upload(si.rep_a, xlsx(rows), client=si.client_a)
    assert batch.status == Status.VALID, batch.errors
    batch = commit(batch, si.rep_a)
    assert batch.status == Status.COMMITTED, batch.message
    assert batch.result == {"add": 1, "remove": 1, "created": 2}
    add = Order.objects.get(kind="add")
    assert (add.person, add.month, add.wage, add.hf_wage, add.hf, add.channel) == (
        si.person_a,
        period.first_day,
        Decimal("8000.00"),
        Decimal("6000.00"),
        False,
        Order.Channel.EXCEL,
    )
    remove = Order.objects.get(kind="remove")
    assert remove.reason == "离职" and remove.submitted_by == si.rep_a
    assert Deadline.objects.filter(kind=services.ORDER_DEADLINE_KIND).count() == 2
    assert AuditLog.objects.filter(action="insurance.order_submit").count() == 2


def test_it_rolls_back_the_roster_when_a_row_fails_at_commit(si: Cast) -> None:
    batch = upload(si.hr_a, xlsx([line(CANARY_PERSON_A, si.person_a.id_number),
                                  line(CANARY_PERSON_A2, si.person_a2.id_number)]),
                   client=si.client_a)  # fmt: skip
    assert batch.status == Status.VALID
    # Meanwhile someone submitted an order for A2 on the portal.
    services.submit_order(
        actor=si.hr_a,
        person=si.person_a2,
        kind="add",
        city=CITY,
        period=services.earliest_open_period(),
        wage=Decimal("5000.00"),
    )
    batch = commit(batch, si.hr_a)
    assert batch.status == Status.FAILED
    assert "第 3 行「身份证号」：该人员已有待办理的增员单" in messages(batch)[0]
    assert Order.objects.count() == 1


def test_it_caps_a_roster_at_five_thousand_rows(si: Cast) -> None:
    lines = [",".join(HEADERS)] + [f"某人{i},110105198804090000,增员" for i in range(5001)]
    batch = pipeline.start_import(
        kind="si_orders",
        actor=si.hr_a,
        data="\n".join(lines).encode(),
        filename="名单.csv",
        run=False,
    )
    batch = pipeline.validate_batch(batch.pk)
    assert batch.status == Status.INVALID
    assert "增减员名单每次最多 5,000 行" in str(batch.errors)


def test_it_offers_the_roster_import_to_hr_and_staff_only(si: Cast) -> None:
    assert SiOrderImporter.may_import(si.hr_a) and SiOrderImporter.may_import(si.rep_a)
    assert not SiOrderImporter.may_import(si.employee_a)
    response = login_client(si.hr_a).get("/imports/template/si_orders/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.active[1]] == HEADERS


# ---- the policy library --------------------------------------------------------------------


def library_rows(http: Any) -> list[list[object]]:
    response = http.get("/insurance/policies/export/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_it_upserts_the_library_from_its_own_export(si: Cast) -> None:
    admin = login_client(si.admin)
    rows = library_rows(admin)
    headers, data = rows[0], [r for r in rows[1:] if r[0] == CITY]
    pension = next(r for r in data if r[1] == "pension")
    pension[3] = "5100.00"  # base_floor
    new = list(pension)
    new[2], new[12] = "2027-01", "待核实"
    bad = list(pension)
    bad[2], bad[4] = "2027-07", "100.00"  # ceiling below the floor
    batch = upload(si.admin, xlsx([*data, new, bad], headers=headers), kind="si_policies")
    assert batch.status == Status.INVALID
    assert messages(batch) == [
        "第 8 行「政策」：养老保险：缴费基数上限不能低于下限，且下限不能为负数"
    ]
    batch = commit(
        upload(si.admin, xlsx([*data, new], headers=headers), kind="si_policies"), si.admin
    )
    assert batch.status == Status.COMMITTED, batch.message
    assert batch.result == {"unchanged": 4, "created": 1, "updated": 1}
    rules = PolicyRule.objects.filter(city=CITY, item="pension").order_by("effective_from")
    assert [(r.effective_from, r.base_floor, r.certainty) for r in rules] == [
        (dt.date(2026, 1, 1), Decimal("5100.00"), "已核实"),
        (dt.date(2027, 1, 1), Decimal("5100.00"), "待核实"),
    ]
    update = AuditLog.objects.get(action="insurance.policy_update")
    assert update.changes["base_floor"] == ["5000.00", "5100.00"]
    assert AuditLog.objects.filter(action="insurance.policy_create").count() == 1


def test_it_reads_chinese_headers_and_labels(si: Cast) -> None:
    from hragency.insurance.importers import POLICY_LABELS

    headers = list(POLICY_LABELS.values())
    row = ["示例市", "住房公积金", "2027年1月", "2600", "31000", "", "", "", "", "四舍五入到元",
           "0.05", "0.12", "已核实", "2027 年度通知", ""]  # fmt: skip
    batch = commit(upload(si.admin, xlsx([row], headers=headers), kind="si_policies"), si.admin)
    assert batch.status == Status.COMMITTED, (batch.message, batch.errors)
    rule = PolicyRule.objects.get(
        city=CITY, item="housing_fund", effective_from=dt.date(2027, 1, 1)
    )
    assert (rule.base_floor, rule.rounding, rule.rate_max) == (
        Decimal("2600.00"),
        "yuan",
        Decimal("0.12"),
    )
    missing = upload(si.admin, xlsx([row[:2]], headers=headers[:2]), kind="si_policies")
    assert missing.status == Status.INVALID
    assert "第 1 行「生效月份」：缺少此列（也可写 effective_from）" in messages(missing)


def test_it_lets_only_administrators_import_policies(si: Cast) -> None:
    with pytest.raises(PermissionDenied):
        upload(si.specialist, xlsx([], headers=["city"]), kind="si_policies")
    assert login_client(si.rep_a).get("/imports/new/si_policies/").status_code == 403
