"""The agency's lines of business (业务模块, R-DESK-2): tickets are classified by them, routing
rules and service levels are keyed on them, knowledge-base categories point at them."""

from __future__ import annotations

from django.db import models


class BusinessModule(models.TextChoices):
    RECRUITMENT = "recruitment", "招聘外包"
    HR_AGENCY = "hr_agency", "人事代理"
    PAYROLL_SI = "payroll_si", "薪酬社保"
    TRAINING = "training", "员工培训"
    DISPATCH = "dispatch", "劳务派遣"
    LABOUR_DISPUTE = "labour_dispute", "劳动争议"
