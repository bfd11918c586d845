"""Background jobs of payroll (Huey). Tasks take ids and call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from hragency.payroll import payslips


@db_task()
def send_payslips(run_id: int) -> str:
    """E-mail a paid run's payslips (enqueued by ``services.pay_run`` on commit when the
    client's ``PayrollSettings.email_payslips`` is on, and by the 「发送工资条」 button).
    Idempotent: a payslip already e-mailed is not sent again. Returns the summary."""
    return payslips.send_payslips_for_run(run_id).summary()
