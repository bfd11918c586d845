"""The import pipeline with the employee and client importers: validation names row, column
and reason; nothing is written unless every row is valid; the commit is all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench.generate import HEADERS, employee_rows, write_xlsx
from hragency.core.crypto import blind_index
from hragency.core.imports import ImportRejected, iter_table, pipeline, read_table
from hragency.core.models import AuditLog, ImportBatch
from hragency.core.numbering import next_number, reserve_numbers
from hragency.domain.idcard import make_id_number
from hragency.employees.importers import EmployeeImporter
from hragency.employees.models import InsuredPerson
from tests.conftest import Cast, login_client

Status = ImportBatch.Status


def id_number(seq: int, *, year: int = 1991, gender: str = "M") -> str:
    return make_id_number(
        region_code="110105", birth_date=dt.date(year, 5, 6), sequence=seq, gender=gender
    )


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    """A workbook as a user saves it; cells keep their Python types (numbers stay numbers)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person(name: str, number: object, **cells: object) -> list[object]:
    row: dict[str, object] = {"姓名": name, "身份证号": number, **cells}
    return [row.get(h, "") for h in HEADERS]


def upload(cast: Cast, data: bytes, *, user: Any = None, name: str = "员工.xlsx", **kw: Any):
    batch = pipeline.start_import(
        kind=kw.pop("kind", "employees"),
        actor=user or cast.rep_a,
        data=data,
        filename=name,
        client_id=kw.pop("client_id", cast.client_a.pk),
        run=False,
        **kw,
    )
    return pipeline.validate_batch(batch.pk)


def commit(batch: ImportBatch, actor: Any) -> ImportBatch:
    pipeline.request_commit(batch=batch, actor=actor, run=False)
    return pipeline.commit_batch(batch.pk)


def messages(batch: ImportBatch) -> list[str]:
    return [f"第 {e['row']} 行「{e['column']}」：{e['reason']}" for e in batch.errors]


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def huey_now() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def test_it_names_row_column_and_reason_for_every_bad_row(cast: Cast) -> None:
    before = InsuredPerson.objects.count()
    good = id_number(1)
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        person("赵一", good),  # row 2
        person("钱二", bad_checksum),  # row 3
        person("孙三", 110105199105060031),  # row 4: typed as a number
        person("李四", id_number(4), **{"入职日期": "2026-13-01"}),  # row 5
        person("周五", id_number(5), **{"学历": "幼儿园"}),  # row 6
        person("", id_number(6)),  # row 7
        person("吴七", good),  # row 8: same as row 2
        person("郑八", cast.person_a.id_number),  # row 9: already on file for client A
    ]
    batch = upload(cast, xlsx(rows))
    assert batch.status == Status.INVALID
    found = messages(batch)
    assert found[0].startswith("第 3 行「身份证号」：校验位错误")
    assert (
        found[1]
        == "第 4 行「身份证号」：请将身份证号列设为文本格式后重新填写（数字格式会丢失末位）"
    )
    assert found[2] == "第 5 行「入职日期」：日期不存在：2026-13-01"
    assert found[3].startswith("第 6 行「学历」：应为以下之一：博士研究生")
    assert found[4] == "第 7 行「姓名」：必填"
    assert found[5] == "第 8 行「身份证号」：与第 2 行的身份证号重复（第 2 行与第 8 行）"
    assert found[6].startswith("第 9 行「身份证号」：该客户下已有此身份证号的档案（张甲")
    assert batch.error_count == 7
    assert batch.total_rows == 8
    assert InsuredPerson.objects.count() == before
    # Nothing can be committed from an invalid batch.
    with pytest.raises(Exception, match="只有校验通过的批次"):
        pipeline.request_commit(batch=batch, actor=cast.rep_a, run=False)
    assert InsuredPerson.objects.count() == before


def test_it_rolls_back_everything_when_a_row_became_invalid_after_preview(
    cast: Cast, monkeypatch: Any
) -> None:
    from hragency.employees.services import create_person

    # Small chunks: rows 2–5 are written before the chunk holding row 6 fails.
    monkeypatch.setattr(EmployeeImporter, "chunk_size", 2)
    rows = [person(f"员工{i}", id_number(10 + i)) for i in range(5)]
    batch = upload(cast, xlsx(rows))
    assert batch.status == Status.VALID, batch.errors
    # Someone adds row 6's person after the preview: the commit must refuse the whole file.
    create_person(client_id=cast.client_a.pk, name="抢先录入", id_number=id_number(14))
    before = InsuredPerson.objects.count()
    batch = commit(batch, cast.rep_a)
    assert batch.status == Status.FAILED
    assert "已全部回滚" in batch.message
    assert messages(batch)[0].startswith(
        "第 6 行「身份证号」：该客户下已有此身份证号的档案（抢先录入"
    )
    assert InsuredPerson.objects.count() == before
    assert not AuditLog.objects.filter(action="core.import_commit").exists()
    assert batch.report  # a fresh error report to fix and re-upload


def test_it_rolls_back_when_the_client_was_blacklisted_after_preview(cast: Cast) -> None:
    batch = upload(cast, xlsx([person("赵一", id_number(1))]))
    assert batch.status == Status.VALID
    cast.client_a.status = "blacklisted"
    cast.client_a.blacklist_reason = "欠费"
    cast.client_a.save()
    before = InsuredPerson.objects.count()
    batch = commit(batch, cast.rep_a)
    assert batch.status == Status.FAILED
    assert "失信客户" in batch.message
    assert InsuredPerson.objects.count() == before


def test_it_refuses_a_blacklisted_client_at_upload(cast: Cast) -> None:
    cast.client_a.status = "blacklisted"
    cast.client_a.save()
    with pytest.raises(Exception, match="失信客户"):
        upload(cast, xlsx([person("赵一", id_number(1))]))


def test_it_reads_gb18030_csv(cast: Cast) -> None:
    text = (
        "姓名,身份证号,户籍性质\n赵一," + id_number(1) + ",农村\n钱二," + id_number(2) + ",城镇\n"
    )
    batch = upload(cast, text.encode("gb18030"), name="名单.csv")
    assert batch.status == Status.VALID, batch.errors
    batch = commit(batch, cast.rep_a)
    assert batch.status == Status.COMMITTED
    zhao = InsuredPerson.objects.get(client=cast.client_a, name="赵一")
    assert zhao.hukou_type == "rural"


def test_it_reads_xls(cast: Cast, tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("导入数据")
    for col, label in enumerate(["姓名", "身份证号", "入职日期", "月工资"]):
        sheet.write(0, col, label)
    sheet.write(1, 0, "赵一")
    sheet.write(1, 1, id_number(1))
    sheet.write(1, 2, dt.date(2026, 1, 5), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    sheet.write(1, 3, 8000.5)
    path = tmp_path / "老格式.xls"
    book.save(str(path))
    batch = upload(cast, path.read_bytes(), name="老格式.xls")
    assert batch.status == Status.VALID, batch.errors
    assert commit(batch, cast.rep_a).status == Status.COMMITTED
    zhao = InsuredPerson.objects.get(client=cast.client_a, name="赵一")
    assert zhao.hire_date == dt.date(2026, 1, 5)
    assert str(zhao.salary) == "8000.50"


def test_it_round_trips_the_template(
    cast: Cast, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    http = login_client(cast.hr_a)
    response = http.get("/imports/template/employees/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["导入数据"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.label for c in EmployeeImporter.columns]
    id_col = headers.index("身份证号") + 1
    assert sheet.cell(row=2, column=id_col).number_format == "@"
    assert sheet.cell(row=50, column=id_col).number_format == "@"
    dropdowns = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"城镇,农村"' in dropdowns  # 户籍性质
    notes = [row[0].value for row in book["填写说明"].iter_rows(min_row=2)]
    assert "身份证号" in notes
    sheet.delete_rows(2)  # the example row
    numbers = [id_number(21), id_number(22, gender="F")]
    for i, number in enumerate(numbers, start=2):
        sheet.cell(row=i, column=1, value=f"模板{i}")
        sheet.cell(row=i, column=id_col, value=number)
        sheet.cell(row=i, column=headers.index("手机号") + 1, value="13900001111")
        sheet.cell(row=i, column=headers.index("银行账号") + 1, value="6222020000111122223")
        sheet.cell(row=i, column=headers.index("月工资") + 1, value=6500.25)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "模板.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/imports/new/employees/", {"file": buffer, "mode": "create"})
    assert response.status_code == 302, response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.client == cast.client_a
    assert batch.status == Status.VALID, batch.errors
    page = http.get(f"/imports/{batch.pk}/").content.decode()
    assert "确认导入" in page
    assert numbers[0] not in page  # the preview is masked
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED, batch.message
    assert batch.result == {"created": 2}
    assert not batch.file  # the upload held personal data in the clear: gone
    people = InsuredPerson.objects.filter(client=cast.client_a, name__startswith="模板")
    assert people.count() == 2
    first = people.get(name="模板2")
    assert first.id_number == numbers[0]
    assert first.id_number_index == blind_index(numbers[0])
    assert str(first.salary) == "6500.25"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, phone, bank_account FROM {InsuredPerson._meta.db_table} "
            "WHERE id = %s",
            [first.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert AuditLog.objects.filter(action="employees.create", client=cast.client_a).count() >= 2
    assert AuditLog.objects.filter(action="core.import_commit", object_id=str(batch.pk)).exists()


def test_it_upserts_and_records_field_history(cast: Cast) -> None:
    existing = cast.person_a2
    rows = [
        person("", existing.id_number, **{"岗位": "仓库主管", "手机号": "13700000000"}),
        person("新人", id_number(31)),
    ]
    batch = upload(cast, xlsx(rows), mode="新增或更新")
    assert batch.status == Status.VALID, batch.errors
    batch = commit(batch, cast.rep_a)
    assert batch.status == Status.COMMITTED, batch.message
    assert batch.result == {"created": 1, "updated": 1}
    existing.refresh_from_db()
    assert existing.position == "仓库主管"
    assert existing.phone == "13700000000"
    assert existing.name  # an empty cell leaves the field alone
    history = AuditLog.objects.get(action="employees.update", object_id=str(existing.pk))
    assert history.changes["position"] == ["", "仓库主管"]
    assert history.changes["phone"] == ["（加密字段）", "（已变更）"]
    assert history.changes["import_batch"] == batch.pk


def test_it_requires_change_permission_for_upsert(cast: Cast) -> None:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    sales = create_user(username="sales", password="x" * 12, roles=[Role.SALES])
    with pytest.raises(Exception, match="无权导入"):
        upload(cast, xlsx([person("赵一", id_number(1))]), user=sales)


def test_it_shows_eligibility_warnings_without_blocking(cast: Cast) -> None:
    cast.client_a.max_age = 45
    cast.client_a.save()
    old = make_id_number(
        region_code="110105", birth_date=dt.date(1955, 1, 2), sequence=1, gender="M"
    )
    other = cast.person_b.id_number  # active at client B
    batch = upload(cast, xlsx([person("老王", old), person("跨客户", other)]))
    assert batch.status == Status.VALID
    reasons = {(w["row"], w["reason"]) for w in batch.warnings}
    assert any(row == 2 and "法定退休年龄" in r for row, r in reasons)
    assert any(row == 2 and "最高年龄 45" in r for row, r in reasons)
    assert any(row == 3 and "其他单位" in r for row, r in reasons)
    assert all("CANARY" not in r for _row, r in reasons)  # another client is never named
    page = login_client(cast.rep_a).get(f"/imports/{batch.pk}/").content.decode()
    assert "法定退休年龄" in page
    assert commit(batch, cast.rep_a).status == Status.COMMITTED


def test_it_writes_an_error_report_with_original_cells(cast: Cast) -> None:
    bad = id_number(1)[:17] + "Z"
    rows = [person("赵一", id_number(2)), person("钱二", bad, **{"岗位": "会计"})]
    batch = upload(cast, xlsx(rows, headers=[*HEADERS, "备注"]))
    response = login_client(cast.rep_a).get(f"/imports/{batch.pk}/errors/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][0] == "原文件行号"
    assert table[0][-1] == "错误原因"
    assert "备注" in table[0]  # every original column, even ones the importer ignores
    assert len(table) == 2
    assert table[1][0] == 3
    assert table[1][table[0].index("身份证号")] == bad
    assert table[1][table[0].index("岗位")] == "会计"
    assert table[1][-1].startswith("「身份证号」")


def test_it_moves_progress_while_validating(cast: Cast, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(EmployeeImporter, "chunk_size", 10)
    path = write_xlsx(tmp_path / "p.xlsx", employee_rows(35))
    batch = pipeline.start_import(
        kind="employees",
        actor=cast.rep_a,
        data=path.read_bytes(),
        filename="p.xlsx",
        client_id=cast.client_a.pk,
        run=False,
    )
    seen: list[tuple[int, int]] = []
    importer = pipeline.importer_for(batch)
    pipeline.scan(
        batch, importer, write=False, progress=lambda done, total: seen.append((done, total))
    )
    assert [done for done, _total in seen] == [10, 20, 30, 35]
    assert all(total == 35 for _done, total in seen)
    batch = pipeline.validate_batch(batch.pk)
    assert (batch.processed_rows, batch.total_rows, batch.progress_percent) == (35, 35, 100)


def test_it_scopes_batches(cast: Cast) -> None:
    batch = upload(cast, xlsx([person("赵一", id_number(1))]))
    assert login_client(cast.rep_a).get(f"/imports/{batch.pk}/").status_code == 200
    assert login_client(cast.admin).get(f"/imports/{batch.pk}/").status_code == 200
    for outsider in (cast.rep_b, cast.hr_b, cast.hr_a, cast.employee_a, cast.supervisor):
        assert login_client(outsider).get(f"/imports/{batch.pk}/").status_code == 404
        assert login_client(outsider).post(f"/imports/{batch.pk}/commit/").status_code == 404
        assert login_client(outsider).get(f"/api/imports/{batch.pk}").status_code == 404
    assert "员工.xlsx" not in login_client(cast.rep_b).get("/imports/").content.decode()


def test_it_fixes_client_hr_to_their_own_company(cast: Cast) -> None:
    with pytest.raises(Exception, match="客户不存在或无权操作"):
        upload(
            cast, xlsx([person("赵一", id_number(1))]), user=cast.hr_a, client_id=cast.client_b.pk
        )
    batch = upload(cast, xlsx([person("赵一", id_number(1))]), user=cast.hr_a, client_id=None)
    assert batch.client == cast.client_a
    with pytest.raises(Exception, match="客户不存在或无权操作"):
        upload(
            cast, xlsx([person("赵一", id_number(1))]), user=cast.rep_a, client_id=cast.client_b.pk
        )
    page = login_client(cast.hr_a).get("/imports/new/employees/").content.decode()
    assert "CANARYCLIENTB" not in page
    assert login_client(cast.employee_a).get("/imports/new/employees/").status_code == 403


def test_it_refuses_bad_uploads_with_a_message(cast: Cast) -> None:
    http = login_client(cast.rep_a)
    response = http.post("/imports/new/employees/", {"client_id": cast.client_a.pk})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()
    text = io.BytesIO(b"hello")
    text.name = "a.txt"
    response = http.post("/imports/new/employees/", {"client_id": cast.client_a.pk, "file": text})
    assert "只支持 .xlsx、.xls 或 .csv 文件" in response.content.decode()
    broken = upload(cast, b"not a zip", name="坏.xlsx")
    assert broken.status == Status.INVALID
    assert "无法读取表格文件" in messages(broken)[0]
    missing = upload(cast, xlsx([["赵一"]], headers=["姓名"]))
    assert messages(missing) == ["第 1 行「身份证号」：缺少此列"]
    assert login_client(cast.rep_a).get("/imports/new/nothing/").status_code == 404


def test_it_refuses_more_rows_than_the_limit(cast: Cast) -> None:
    data = ("姓名,身份证号\n" + "赵一,1\n" * 5).encode()
    table = iter_table(data, "x.csv", max_rows=3)
    with pytest.raises(ImportRejected, match="数据超过 3 行"):
        list(table.rows)


def test_it_keeps_read_table_for_small_imports() -> None:
    table = read_table(io.BytesIO("日期,类型\n2027-10-01,休息日\n,\n".encode()), "h.csv")
    assert table.headers == ["日期", "类型"]
    assert table.rows == [(2, {"日期": "2027-10-01", "类型": "休息日"})]


def test_it_discards_and_deletes_the_files(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    batch = upload(cast, xlsx([person("赵一", id_number(1)[:17] + "Z")]))
    names = [batch.file.name, batch.report.name]
    assert all(default_storage.exists(n) for n in names)
    assert not names[0].endswith("员工.xlsx")  # stored under a random name
    with django_capture_on_commit_callbacks(execute=True):
        response = login_client(cast.rep_a).post(f"/imports/{batch.pk}/discard/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.DISCARDED
    assert not any(default_storage.exists(n) for n in names)


def test_it_imports_through_the_api(
    cast: Cast, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    http = login_client(cast.rep_a)
    response = http.get("/api/imports/template/employees")
    assert response.status_code == 200
    file = io.BytesIO(xlsx([person("接口", id_number(41))]))
    file.name = "api.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            "/api/imports/employees",
            {"file": file, "client_id": cast.client_a.pk, "mode": "create"},
        )
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    body = http.get(f"/api/imports/{batch_id}").json()
    assert body["status"] == "valid"
    assert body["total_rows"] == 1
    assert body["preview"]["rows"][0][1] == "接口"
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(f"/api/imports/{batch_id}/commit")
    assert response.status_code == 200
    assert http.get(f"/api/imports/{batch_id}").json()["status"] == "committed"
    assert InsuredPerson.objects.filter(name="接口").exists()
    again = http.post(f"/api/imports/{batch_id}/commit")
    assert again.status_code == 400
    assert "只有校验通过的批次" in again.json()["detail"]
    bad = io.BytesIO(b"x")
    bad.name = "a.pdf"
    response = http.post("/api/imports/employees", {"file": bad, "client_id": cast.client_a.pk})
    assert response.status_code == 400
    assert "只支持" in response.json()["detail"]
    assert http.post("/api/imports/nothing", {"file": bad}).status_code == 404
    assert http.get(f"/api/imports/{batch_id}/errors").status_code == 404
    assert login_client(cast.employee_a).get("/api/imports/template/employees").status_code == 403


def test_it_imports_from_the_command_line(cast: Cast, tmp_path: Path, capsys: Any) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([person("命令行", id_number(51))]))
    call_command("import_file", "employees", str(good), "--client", "KH00001", "--user", "rep_a")
    assert not InsuredPerson.objects.filter(name="命令行").exists()
    call_command(
        "import_file", "employees", str(good), "--client", "KH00001", "--user", "rep_a", "--commit"
    )
    assert "导入完成" in capsys.readouterr().out
    assert InsuredPerson.objects.filter(name="命令行", client=cast.client_a).exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([person("重复", id_number(51))]))
    with pytest.raises(CommandError):
        call_command(
            "import_file",
            "employees",
            str(bad),
            "--client",
            "KH00001",
            "--user",
            "rep_a",
            "--commit",
        )
    assert "第 2 行「身份证号」：该客户下已有此身份证号的档案" in capsys.readouterr().out


def test_it_commits_100_rows_with_a_bounded_number_of_queries(
    cast: Cast, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    path = write_xlsx(tmp_path / "100.xlsx", employee_rows(100))
    batch = upload(cast, path.read_bytes(), name="100.xlsx")
    assert batch.status == Status.VALID, batch.errors
    pipeline.request_commit(batch=batch, actor=cast.rep_a, run=False)
    with django_assert_max_num_queries(25):
        batch = pipeline.commit_batch(batch.pk)
    assert batch.status == Status.COMMITTED
    assert InsuredPerson.objects.filter(client=cast.client_a).count() == 102


def test_it_imports_clients(cast: Cast) -> None:
    from hragency.domain.uscc import make_credit_code

    codes = [make_credit_code(f"9131011500000000{i}") for i in range(2)]
    header = ["客户名称", "统一社会信用代码", "企业属性", "客户等级", "最低年龄", "最高年龄"]
    rows = [
        ["导入一公司", codes[0], "民营企业", "VIP", 18, 50],
        ["导入二公司", codes[1], "", "", "", ""],
        ["重复公司", codes[1], "", "", "", ""],
        ["年龄反了", "", "外星企业", "", 60, 20],
    ]
    with pytest.raises(Exception, match="无权导入客户"):
        upload(cast, xlsx(rows, header), kind="clients", client_id=None)  # rep_a: no add_client
    batch = upload(cast, xlsx(rows, header), kind="clients", client_id=None, user=cast.admin)
    found = messages(batch)
    assert "第 4 行「统一社会信用代码」：与第 3 行重复（第 3 行与第 4 行）" in found
    assert "第 5 行「统一社会信用代码」：必填" in found
    assert any(m.startswith("第 5 行「企业属性」") for m in found)
    batch = upload(cast, xlsx(rows[:2], header), kind="clients", client_id=None, user=cast.admin)
    assert batch.status == Status.VALID, batch.errors
    batch = commit(batch, cast.admin)
    assert batch.result == {"created": 2}
    from hragency.clients.models import Client

    first = Client.objects.get(credit_code=codes[0])
    assert (first.nature, first.grade, first.min_age, first.max_age) == ("private", "vip", 18, 50)
    numbers = sorted(Client.objects.filter(credit_code__in=codes).values_list("number", flat=True))
    assert int(numbers[1][-4:]) == int(numbers[0][-4:]) + 1
    again = upload(cast, xlsx(rows[:1], header), kind="clients", client_id=None, user=cast.admin)
    assert messages(again) == [f"第 2 行「统一社会信用代码」：已被客户 {first.number} 使用"]


def test_it_reserves_number_blocks(db: None) -> None:
    day = dt.date(2026, 11, 23)
    assert next_number("ZY", on=day) == "ZY202611230001"
    assert reserve_numbers("ZY", 3, on=day) == [
        "ZY202611230002",
        "ZY202611230003",
        "ZY202611230004",
    ]
    assert next_number("ZY", on=day) == "ZY202611230005"
    assert reserve_numbers("ZY", 0, on=day) == []
    with pytest.raises(ValueError):
        reserve_numbers("zy", 2, on=day)
