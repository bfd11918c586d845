"""Payslips (工资条): the employee's 我的工资条 (own, paid runs only), staff and HR opening any
payslip in scope from the run, the PDF read back with pdftotext, and the e-mail over a real
SMTP server (once per person, with the PDF attached, or the figures as HTML without Chromium).

Figures are those of ``tests.payroll_support.LINE_FIGURES``: 12,000 base + 1,000 post allowance
= 13,000.00 gross; SI 1,050.00, HF 1,440.00, tax 105.30 → net 10,404.70."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from hragency.core.models import AuditLog
from hragency.payroll.models import PayrollLine, PayrollRun
from hragency.payroll.payslips import send_payslips_for_run
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, CANARY_PERSON_B, Cast, login_client
from tests.payroll_support import make_payroll_specialist, make_run

pytestmark = pytest.mark.django_db

HAVE_PDF_TOOLS = Path("/usr/bin/chromium").exists() and shutil.which("pdftotext") is not None
NET = "¥10,404.70"


@dataclass
class Paid:
    cast: Cast
    run: PayrollRun
    line_a: PayrollLine
    line_a2: PayrollLine
    run_b: PayrollRun


@pytest.fixture
def paid(cast: Cast) -> Paid:
    run = make_run(cast.client_a, [cast.person_a, cast.person_a2])
    run_b = make_run(cast.client_b, [cast.person_b])
    return Paid(
        cast,
        run,
        PayrollLine.objects.get(run=run, person=cast.person_a),
        PayrollLine.objects.get(run=run, person=cast.person_a2),
        run_b,
    )


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", "", text)


# ---- screens -------------------------------------------------------------------------------


def test_it_shows_an_employee_their_own_paid_payslip(paid: Paid) -> None:
    http = login_client(paid.cast.employee_a)
    listing = _text(http.get("/payroll/payslips/"))
    assert "我的工资条" in listing and "2026年10月" in listing and NET in listing
    assert CANARY_PERSON_A2 not in listing and CANARY_PERSON_B not in listing

    response = http.get(f"/payroll/payslips/{paid.line_a.pk}/")
    assert response.status_code == 200
    body = _text(response)
    for label, amount in [
        ("基本工资", "¥12,000.00"),
        ("岗位津贴", "¥1,000.00"),
        ("应发合计", "¥13,000.00"),
        ("个人社保", "¥1,050.00"),
        ("个人公积金", "¥1,440.00"),
        ("个税", "¥105.30"),
        ("税后扣款", "¥0.00"),
        ("实发工资", NET),
        ("累计收入", "¥13,000.00"),
        ("累计减除费用", "¥5,000.00"),
        ("累计专项扣除", "¥2,490.00"),
        ("累计专项附加扣除", "¥2,000.00"),
        ("累计应纳税所得额", "¥3,510.00"),
        ("累计已预扣税额", "¥105.30"),
    ]:
        assert re.search(f'{label}</td>\\s*<td class="money"[^>]*>{re.escape(amount)}<', body), (
            label
        )
    # Items come in the client's order; only those with an amount are shown.
    assert body.index("基本工资") < body.index("岗位津贴")
    assert "餐费补贴" not in body
    person = paid.cast.person_a
    assert person.id_number_masked in body and person.id_number not in body


def test_it_keeps_other_peoples_and_unpaid_payslips_from_an_employee(paid: Paid) -> None:
    cast = paid.cast
    approved = make_run(
        cast.client_a, [cast.person_a], period=dt.date(2026, 11, 1), status="approved"
    )
    unpaid = PayrollLine.objects.get(run=approved)
    http = login_client(cast.employee_a)
    assert http.get(f"/payroll/payslips/{paid.line_a2.pk}/").status_code == 404
    assert http.get(f"/payroll/payslips/{paid.line_a2.pk}/pdf/").status_code == 404
    assert http.get(f"/payroll/payslips/{unpaid.pk}/").status_code == 404
    assert "2026年11月" not in _text(http.get("/payroll/payslips/"))
    # Nor the run's screens.
    assert http.get(f"/payroll/runs/{paid.run.pk}/payslips/").status_code == 404
    api = http.get("/api/payroll/payslips").json()
    assert [item["id"] for item in api["items"]] == [paid.line_a.pk]
    assert http.get(f"/api/payroll/payslips/{unpaid.pk}").status_code == 404


def test_it_lets_staff_and_hr_open_any_payslip_of_the_run(paid: Paid) -> None:
    cast = paid.cast
    specialist = make_payroll_specialist(cast)
    http = login_client(specialist)
    page = _text(http.get(f"/payroll/runs/{paid.run.pk}/payslips/"))
    assert CANARY_PERSON_A in page and CANARY_PERSON_A2 in page and CANARY_PERSON_B not in page
    assert f"/payroll/payslips/{paid.line_a2.pk}/" in page
    assert cast.person_a.id_number not in page
    detail = http.get(f"/payroll/payslips/{paid.line_a2.pk}/")
    assert detail.status_code == 200 and NET in _text(detail)
    hr = login_client(cast.hr_a)
    assert hr.get(f"/payroll/payslips/{paid.line_a2.pk}/").status_code == 200
    assert hr.get(f"/payroll/runs/{paid.run.pk}/payslips/").status_code == 200
    for outsider in (cast.hr_b, cast.rep_b):
        other = login_client(outsider)
        assert other.get(f"/payroll/payslips/{paid.line_a2.pk}/").status_code == 404
        assert other.get(f"/payroll/runs/{paid.run.pk}/payslips/").status_code == 404
    # rep_a serves client A but has no payroll permission.
    assert login_client(cast.rep_a).get(f"/payroll/runs/{paid.run.pk}/payslips/").status_code == 403


def test_it_shows_staff_a_payslip_of_a_run_not_yet_paid(paid: Paid) -> None:
    cast = paid.cast
    review = make_run(cast.client_a, [cast.person_a2], period=dt.date(2026, 11, 1), status="review")
    line = PayrollLine.objects.get(run=review)
    response = login_client(make_payroll_specialist(cast)).get(f"/payroll/payslips/{line.pk}/")
    assert response.status_code == 200 and "尚未发放" in _text(response)


def test_it_answers_payslips_through_the_api(paid: Paid) -> None:
    http = login_client(paid.cast.employee_a)
    data = http.get(f"/api/payroll/payslips/{paid.line_a.pk}").json()
    assert data["net"] == "10404.70" and data["gross"] == "13000.00" and data["iit"] == "105.30"
    summary = {f["label"]: f["amount"] for f in data["summary"]}
    assert summary["实发工资"] == "10404.70" and summary["个人公积金"] == "1440.00"
    ytd = {f["label"]: f["amount"] for f in data["year_to_date"]}
    assert ytd["累计应纳税所得额"] == "3510.00"
    earnings = data["sections"][0]
    assert earnings["title"] == "应发项目"
    assert [f["label"] for f in earnings["items"]] == ["基本工资", "岗位津贴"]
    assert data["id_number_masked"] == paid.cast.person_a.id_number_masked
    assert http.get(f"/api/payroll/payslips/{paid.line_a2.pk}").status_code == 404
    hr_b = login_client(paid.cast.hr_b)
    assert hr_b.get(f"/api/payroll/payslips/{paid.line_a.pk}").status_code == 404
    assert hr_b.get("/api/payroll/payslips").json()["count"] == 1  # B's own


# ---- PDF -----------------------------------------------------------------------------------


@pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="needs /usr/bin/chromium and pdftotext")
def test_it_prints_a_payslip_and_a_runs_payslips_as_pdf(paid: Paid, tmp_path: Path) -> None:
    response = login_client(paid.cast.employee_a).get(f"/payroll/payslips/{paid.line_a.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert "工资条" in text and CANARY_PERSON_A in text
    assert "实发工资¥10,404.70" in text and "累计已预扣税额¥105.30" in text
    assert paid.cast.person_a.id_number not in text

    specialist = login_client(make_payroll_specialist(paid.cast))
    whole = specialist.get(f"/payroll/runs/{paid.run.pk}/payslips.pdf")
    assert whole.status_code == 200 and whole["Content-Type"] == "application/pdf"
    both = _pdf_text(whole.content, tmp_path)
    assert CANARY_PERSON_A in both and CANARY_PERSON_A2 in both
    api = login_client(paid.cast.employee_a).get(f"/api/payroll/payslips/{paid.line_a.pk}/pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")


def test_it_says_so_when_no_pdf_can_be_made(paid: Paid, settings: Any) -> None:
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    http = login_client(paid.cast.employee_a)
    response = http.get(f"/payroll/payslips/{paid.line_a.pk}/pdf/", follow=True)
    assert "无法生成 PDF" in _text(response)
    api = http.get(f"/api/payroll/payslips/{paid.line_a.pk}/pdf")
    assert api.status_code == 400 and "Chromium" in api.json()["detail"]


# ---- e-mail --------------------------------------------------------------------------------


def _with_email(paid: Paid, address: str = "zhangjia@example.cn") -> None:
    type(paid.cast.person_a).objects.filter(pk=paid.cast.person_a.pk).update(email=address)


@pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="needs /usr/bin/chromium and pdftotext")
def test_it_emails_each_payslip_once_with_the_pdf(
    paid: Paid, smtp_server: Any, tmp_path: Path
) -> None:
    _with_email(paid)
    report = send_payslips_for_run(paid.run.pk)
    assert report.sent == [CANARY_PERSON_A] and report.no_address == [CANARY_PERSON_A2]
    assert report.failed == [] and report.with_pdf and not report.error
    [message] = smtp_server.messages
    assert message["To"] == "zhangjia@example.cn"
    assert message["Subject"] == "2026年10月工资条"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert NET in body and CANARY_PERSON_A in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().endswith(".pdf")
    text = _pdf_text(attachment.get_content(), tmp_path)
    assert CANARY_PERSON_A in text and "¥10,404.70" in text
    paid.line_a.refresh_from_db()
    paid.line_a2.refresh_from_db()
    assert paid.line_a.emailed_at is not None and paid.line_a2.emailed_at is None
    [logged] = AuditLog.objects.filter(action="payroll.payslips_emailed")
    assert logged.client_id == paid.cast.client_a.pk and logged.changes["sent"] == 1

    again = send_payslips_for_run(paid.run.pk)
    assert again.sent == [] and again.already_sent == 1
    assert len(smtp_server.messages) == 1


def test_it_sends_the_figures_as_html_without_chromium(
    paid: Paid, smtp_server: Any, settings: Any
) -> None:
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    _with_email(paid)
    report = send_payslips_for_run(paid.run.pk)
    assert report.sent == [CANARY_PERSON_A] and not report.with_pdf
    [message] = smtp_server.messages
    assert list(message.iter_attachments()) == []
    html = message.get_body(preferencelist=("html",)).get_content()
    assert NET in html and "¥1,440.00" in html and "累计已预扣税额" in html
    assert paid.cast.person_a.id_number not in html


def test_it_reports_a_failed_send_and_tries_again_later(paid: Paid, settings: Any) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    _with_email(paid)
    report = send_payslips_for_run(paid.run.pk)
    assert report.sent == [] and [name for name, _ in report.failed] == [CANARY_PERSON_A]
    paid.line_a.refresh_from_db()
    assert paid.line_a.emailed_at is None  # released: a later run sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_payslips_for_run(paid.run.pk).sent == [CANARY_PERSON_A]
    assert len(mail.outbox) == 1


def test_it_sends_nothing_for_a_run_not_paid(paid: Paid) -> None:
    _with_email(paid)
    PayrollRun.objects.filter(pk=paid.run.pk).update(status="approved")
    report = send_payslips_for_run(paid.run.pk)
    assert report.sent == [] and "发放后" in report.error and mail.outbox == []
    assert "不存在" in send_payslips_for_run(999_999).error


@pytest.fixture
def huey_now() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def test_it_sends_from_the_run_screen_through_the_task(
    paid: Paid, huey_now: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    _with_email(paid)
    specialist = login_client(make_payroll_specialist(paid.cast))
    with django_capture_on_commit_callbacks(execute=True):
        response = specialist.post(f"/payroll/runs/{paid.run.pk}/payslips/send/")
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["2026年10月工资条"]
    assert mail.outbox[0].to == ["zhangjia@example.cn"]
    assert AuditLog.objects.filter(action="payroll.payslips_send").count() == 1
    # Nothing left to send: refused with the reason, nothing written.
    follow = specialist.post(f"/payroll/runs/{paid.run.pk}/payslips/send/", follow=True)
    assert "没有待发送的工资条" in _text(follow)
    assert AuditLog.objects.filter(action="payroll.payslips_send").count() == 1
    # HR may look but not send.
    hr = login_client(paid.cast.hr_a)
    assert hr.post(f"/payroll/runs/{paid.run.pk}/payslips/send/").status_code == 403


def test_it_runs_the_task_inline(paid: Paid, settings: Any) -> None:
    from hragency.payroll.tasks import send_payslips

    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    _with_email(paid)
    assert send_payslips.call_local(paid.run.pk).startswith("已发送 1 人")
    assert len(mail.outbox) == 1
