"""Custom queries and exports (R-RPT-2): datasets, columns, filters and sort; masking and the
audited reveal; saved queries; the export job's files read back; bad input as a 400."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A, CANARY_PERSON_A2, CANARY_PERSON_B
from tests.desk_care_support import huey_now

pytestmark = pytest.mark.django_db

PEOPLE = {"dataset": "people", "columns": ["name", "id_number", "phone", "gender"], "sort": "name"}


def _post(http: Any, path: str, body: dict[str, Any]) -> Any:
    return http.post(path, data=json.dumps(body), content_type="application/json")


def _id_of(person: Any) -> str:
    from hragency.employees.models import InsuredPerson

    return InsuredPerson.objects.get(pk=person.pk).id_number


def test_it_previews_the_chosen_columns_masked_and_sorted(cast, as_user):
    http = as_user(cast.rep_a)
    data = _post(http, "/api/analytics/preview", PEOPLE).json()
    assert [c["label"] for c in data["columns"]] == ["姓名", "身份证号", "手机号", "性别"]
    assert data["count"] == 2  # client A's two people; never client B's
    names = [row[0] for row in data["rows"]]
    assert names == sorted([CANARY_PERSON_A, CANARY_PERSON_A2])
    full = _id_of(cast.person_a)
    row_a = next(r for r in data["rows"] if r[0] == CANARY_PERSON_A)
    assert row_a[1] == full[:6] + "********" + full[-4:]
    assert row_a[2] == "138****5678"
    assert row_a[3] == "男"
    desc = _post(http, "/api/analytics/preview", {**PEOPLE, "sort": "-name"}).json()
    assert [r[0] for r in desc["rows"]] == names[::-1]
    women = _post(http, "/api/analytics/preview", {**PEOPLE, "filters": {"gender": "女"}}).json()
    assert [r[0] for r in women["rows"]] == [CANARY_PERSON_A2]
    assert women["spec"]["filters"] == {"gender": "F"}  # the label is stored as its code


def test_it_formats_money_and_dates_and_filters_by_date(cast, as_user):
    from hragency.billing.models import CloseRun, Statement

    run = CloseRun.objects.create(period=dt.date(2026, 10, 1), status=CloseRun.Status.DONE)
    for period, number, total in [
        (dt.date(2026, 10, 1), "FY1", 123_456),
        (dt.date(2026, 11, 1), "FY2", 500),
    ]:
        Statement.objects.create(
            number=number,
            client=cast.client_a,
            period=period,
            run=run,
            headcount=2,
            wages_fen=1_600_000,
            si_employer_fen=0,
            si_employee_fen=0,
            hf_employer_fen=0,
            hf_employee_fen=0,
            service_fee_fen=16_000,
            total_fen=total,
            computed_at=timezone.now(),
        )
    spec = {
        "dataset": "statements",
        "columns": ["number", "client", "period", "headcount", "total"],
        "filters": {"period": {"from": "2026-10-01", "to": "2026-10-31"}},
    }
    data = _post(as_user(cast.rep_a), "/api/analytics/preview", spec).json()
    assert data["rows"] == [["FY1", CANARY_CLIENT_A, "2026-10", "2", "¥1,234.56"]]
    assert _post(as_user(cast.rep_b), "/api/analytics/preview", spec).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"dataset": "nope"}, "未知的数据集：nope"),
        ({"dataset": "people", "columns": ["name", "salary_x"]}, "没有这些列：salary_x"),
        ({"dataset": "people", "sort": "wages"}, "不能按「wages」排序"),
        ({"dataset": "people", "filters": {"hire_date": {"from": "2026-02-30"}}}, "日期不存在"),
        ({"dataset": "people", "filters": {"status": "fired"}}, "应为以下之一"),
        ({"dataset": "people", "filters": {"colour": "red"}}, "没有这个筛选条件"),
        ({"dataset": "people", "filters": {"hire_date": "2026-01-01"}}, "日期区间"),
    ],
)
def test_it_refuses_bad_input_with_a_chinese_400(cast, as_user, body, reason):
    response = _post(as_user(cast.rep_a), "/api/analytics/preview", body)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_it_refuses_a_client_outside_the_scope_and_datasets_not_for_clients(cast, as_user):
    spec = {**PEOPLE, "filters": {"client": cast.client_b.pk}}
    refused = _post(as_user(cast.rep_a), "/api/analytics/preview", spec)
    assert refused.status_code == 400 and "客户不存在或无权查看" in refused.json()["detail"]
    hr = as_user(cast.hr_a)
    assert _post(hr, "/api/analytics/preview", {"dataset": "visits"}).status_code == 403
    keys = [d["key"] for d in hr.get("/api/analytics/datasets").json()]
    assert "visits" not in keys and "people" in keys and "tickets" in keys
    own = _post(hr, "/api/analytics/preview", PEOPLE).json()
    assert own["count"] == 2
    assert _post(as_user(cast.hr_b), "/api/analytics/preview", PEOPLE).json()["rows"][0][0] == (
        CANARY_PERSON_B
    )
    assert _post(as_user(cast.employee_a), "/api/analytics/preview", PEOPLE).status_code == 403


def test_it_saves_queries_and_shares_them_with_the_department(cast, as_user):
    from hragency.core.models import AuditLog

    rep_a, rep_b = as_user(cast.rep_a), as_user(cast.rep_b)
    created = _post(rep_a, "/api/analytics/queries", {**PEOPLE, "name": "花名册"})
    assert created.status_code == 201
    saved = created.json()
    assert (saved["dataset"], saved["columns"], saved["shared"]) == (
        "people",
        PEOPLE["columns"],
        False,
    )
    assert AuditLog.objects.filter(action="analytics.query_save").count() == 1
    assert rep_b.get(f"/api/analytics/queries/{saved['id']}").status_code == 404
    duplicate = _post(rep_a, "/api/analytics/queries", {**PEOPLE, "name": "花名册"})
    assert duplicate.status_code == 400 and "同名" in duplicate.json()["detail"]
    shared = _post(rep_a, "/api/analytics/queries", {**PEOPLE, "name": "共享", "share": True})
    listing = [q["name"] for q in rep_b.get("/api/analytics/queries").json()]
    assert listing == ["共享"]
    # Rep B runs the shared definition and sees only client B's people.
    page = rep_b.get(f"/analytics/query/saved/{shared.json()['id']}/", follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert CANARY_PERSON_B in html and CANARY_PERSON_A not in html
    # Only the owner deletes.
    assert rep_b.delete(f"/api/analytics/queries/{shared.json()['id']}").status_code == 403
    assert rep_a.delete(f"/api/analytics/queries/{shared.json()['id']}").status_code == 204


def _run_export(http: Any, body: dict[str, Any], capture: Any) -> Any:
    from hragency.reports.jobs import read_file
    from hragency.reports.models import Job

    with huey_now(), capture(execute=True):
        response = _post(http, "/api/analytics/exports", body)
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.status == Job.Status.DONE, job.error
    assert (job.done, job.total) == (job.total, job.total)
    return job, read_file(job)


def test_it_exports_csv_with_a_bom_and_masked_personal_data(
    cast, as_user, django_capture_on_commit_callbacks
):
    job, content = _run_export(
        as_user(cast.rep_a), {**PEOPLE, "format": "csv"}, django_capture_on_commit_callbacks
    )
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "身份证号", "手机号", "性别"]
    assert [r[0] for r in rows[1:]] == sorted([CANARY_PERSON_A, CANARY_PERSON_A2])
    assert all("********" in r[1] and r[2] == "138****5678" for r in rows[1:])
    assert job.file_name.startswith("参保人员_") and job.file_name.endswith(".csv")


def test_it_exports_excel_with_numbers_and_dates(cast, as_user, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from hragency.employees.models import InsuredPerson

    InsuredPerson.objects.filter(pk=cast.person_a.pk).update(
        salary="12345.60", hire_date=dt.date(2026, 3, 1)
    )
    body = {
        "dataset": "people",
        "columns": ["name", "salary", "hire_date", "bank_account"],
        "filters": {"hire_date": {"from": "2026-01-01"}},
        "format": "xlsx",
    }
    _, content = _run_export(as_user(cast.rep_a), body, django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "月工资", "入职日期", "银行账号")
    assert rows[1][0] == CANARY_PERSON_A
    assert float(rows[1][1]) == 12345.6 and sheet.cell(2, 2).number_format == "#,##0.00"
    assert rows[1][2].date() == dt.date(2026, 3, 1)
    assert rows[1][3] == "6222 **** **** 0123"
    assert len(rows) == 2


def test_it_reveals_personal_data_only_with_the_permission_and_audits_it(
    cast, as_user, django_capture_on_commit_callbacks
):
    from hragency.core.models import AuditLog

    refused = _post(as_user(cast.rep_a), "/api/analytics/exports", {**PEOPLE, "reveal": True})
    assert refused.status_code == 400 and "无权导出完整" in refused.json()["detail"]
    _, content = _run_export(
        as_user(cast.supervisor),
        {**PEOPLE, "format": "csv", "reveal": True},
        django_capture_on_commit_callbacks,
    )
    text = content.decode("utf-8-sig")
    assert _id_of(cast.person_a) in text and _id_of(cast.person_b) in text
    assert "13812345678" in text
    audit = AuditLog.objects.get(action="analytics.export_unmasked")
    assert audit.actor == cast.supervisor
    assert audit.changes["reveal"] == [None, True]
    assert audit.changes["dataset"] == [None, "people"]
    masked = AuditLog.objects.filter(action="analytics.export").count()
    assert masked == 0


def test_it_previews_with_a_bounded_number_of_queries(cast, as_user, django_assert_max_num_queries):
    from hragency.employees.models import InsuredPerson

    http = as_user(cast.rep_a)
    spec = {"dataset": "people", "columns": ["client", "name", "id_number", "status"]}
    with django_assert_max_num_queries(12) as few:
        assert _post(http, "/api/analytics/preview", spec).status_code == 200
    people = [
        InsuredPerson(
            client=cast.client_a,
            name=f"批量{i}",
            id_number=f"31011519900307{i:04d}",
            gender="M",
            birth_date=dt.date(1990, 3, 7),
            retirement_category="male_60",
        )
        for i in range(80)
    ]
    InsuredPerson.objects.bulk_create(people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = _post(http, "/api/analytics/preview", spec).json()
    assert (data["count"], len(data["rows"]), data["pages"]) == (82, 50, 2)


def test_it_runs_the_query_screen_and_exports_from_it(
    cast, as_user, django_capture_on_commit_callbacks
):
    from hragency.reports.models import Job

    http = as_user(cast.rep_a)
    page = http.get("/analytics/query/?dataset=people&columns=name&columns=gender&run=1&sort=name")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="result-count">2<' in html and CANARY_PERSON_A2 in html
    bad = http.get("/analytics/query/?dataset=people&columns=zzz&run=1")
    assert "没有这些列：zzz" in bad.content.decode()
    with huey_now(), django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            "/analytics/query/export/",
            {"dataset": "people", "columns": ["name"], "sort": "name", "format": "csv"},
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == Job.Status.DONE and job.created_by == cast.rep_a
    saved = http.post(
        "/analytics/query/save/", {"dataset": "people", "columns": ["name"], "name": "姓名表"}
    )
    assert saved.status_code == 302
    assert as_user(cast.employee_a).get("/analytics/query/").status_code == 403


def test_it_seeds_demo_queries_through_the_service(cast):
    import random

    from hragency.analytics.demo import seed_demo
    from hragency.analytics.models import SavedQuery

    users = {"rep_a": cast.rep_a, "hr_a": cast.hr_a}
    seed_demo(
        clients=[cast.client_a, cast.client_b],
        users=users,
        rng=random.Random(1),
        today=dt.date(2026, 12, 7),
    )
    names = dict(SavedQuery.objects.values_list("name", "owner__username"))
    assert names == {"本月工单明细": "rep_a", "待办理增减员单": "rep_a", "在职员工花名册": "hr_a"}
    shared = SavedQuery.objects.get(name="本月工单明细")
    assert shared.shared_department_id == cast.rep_a.department_id
    assert shared.filters == {"created_at": {"from": "2026-12-01", "to": ""}}
