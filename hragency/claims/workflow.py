"""The six steps of a claim (出险代偿, seed 001 §四.3) and what each needs, per kind.

报案 → 转院/就医 → 劳动能力鉴定 → 待遇申请 → 待遇支付 → 转移接续.

Which steps apply (``APPLICABILITY``):
- ``required``: must be completed with its documents;
- ``optional``: completed, or skipped with a reason when the case does not need it (no
  hospital transfer, no residual disability after a work injury, no change of employer/city);
- ``na``: never applies to the kind and is skipped automatically when the claim is reported
  (劳动能力鉴定 exists only for work injuries: 《工伤保险条例》第二十一条).

For a work injury the 报案 step is complete when the 工伤认定申请 has been filed: the employer
must apply within 30 days of the accident (《工伤保险条例》第十七条), so that step runs on the
30-calendar-day clock ``claims.injury_recognition`` instead of a working-day one.
Every other step runs on ``STEP_DAYS`` working days from the moment it becomes current.
"""

from __future__ import annotations

REPORT = "report"
TRANSFER = "transfer"
APPRAISAL = "appraisal"
APPLICATION = "application"
PAYMENT = "payment"
CONTINUATION = "continuation"

STEPS: list[tuple[str, str]] = [
    (REPORT, "出险报案"),
    (TRANSFER, "转院/就医"),
    (APPRAISAL, "劳动能力鉴定"),
    (APPLICATION, "待遇申请"),
    (PAYMENT, "待遇支付"),
    (CONTINUATION, "转移接续"),
]
STEP_LABELS = dict(STEPS)

WORK_INJURY = "work_injury"
MEDICAL = "medical"
MATERNITY = "maternity"

REQUIRED, OPTIONAL, NA = "required", "optional", "na"

APPLICABILITY: dict[str, dict[str, str]] = {
    WORK_INJURY: {
        REPORT: REQUIRED,
        TRANSFER: OPTIONAL,
        APPRAISAL: OPTIONAL,  # only when a disability remains after treatment
        APPLICATION: REQUIRED,
        PAYMENT: REQUIRED,
        CONTINUATION: OPTIONAL,
    },
    MEDICAL: {
        REPORT: REQUIRED,
        TRANSFER: OPTIONAL,
        APPRAISAL: NA,
        APPLICATION: REQUIRED,
        PAYMENT: REQUIRED,
        CONTINUATION: OPTIONAL,
    },
    MATERNITY: {
        REPORT: REQUIRED,
        TRANSFER: OPTIONAL,
        APPRAISAL: NA,
        APPLICATION: REQUIRED,  # 生育津贴 and 生育医疗费用
        PAYMENT: REQUIRED,
        CONTINUATION: OPTIONAL,
    },
}

# Working days a step may take once it is current (the report step of a work injury runs on the
# 30-day calendar clock instead). 60 for the appraisal: the committee's conclusion is due within
# 60 days of the application (《工伤保险条例》第二十五条).
STEP_DAYS: dict[str, int] = {
    REPORT: 2,
    TRANSFER: 3,
    APPRAISAL: 60,
    APPLICATION: 10,
    PAYMENT: 20,
    CONTINUATION: 10,
}
RECOGNITION_DAYS = 30  # calendar days, 《工伤保险条例》第十七条
RECOGNITION_WARN_MINUTES = 7 * 24 * 60  # warned a week before

DOCUMENT_KINDS: list[tuple[str, str]] = [
    ("accident_statement", "事故经过说明"),
    ("diagnosis", "医疗诊断证明"),
    ("recognition_application", "工伤认定申请表"),
    ("maternity_registration", "生育登记凭证"),
    ("transfer_approval", "转院审批表"),
    ("recognition_decision", "工伤认定决定书"),
    ("appraisal_conclusion", "劳动能力鉴定结论书"),
    ("medical_invoices", "医疗费用票据"),
    ("expense_list", "费用明细清单"),
    ("birth_certificate", "出生医学证明"),
    ("allowance_form", "生育津贴申领表"),
    ("payment_voucher", "待遇支付凭证"),
    ("transfer_certificate", "参保缴费凭证/转移接续单"),
    ("other", "其他材料"),
]
DOCUMENT_LABELS = dict(DOCUMENT_KINDS)

# (kind, step) → document kinds required before the step can be completed.
REQUIRED_DOCUMENTS: dict[tuple[str, str], list[str]] = {
    (WORK_INJURY, REPORT): ["accident_statement", "diagnosis", "recognition_application"],
    (MEDICAL, REPORT): ["diagnosis"],
    (MATERNITY, REPORT): ["maternity_registration"],
    (WORK_INJURY, TRANSFER): ["transfer_approval"],
    (MEDICAL, TRANSFER): ["transfer_approval"],
    (MATERNITY, TRANSFER): ["transfer_approval"],
    (WORK_INJURY, APPRAISAL): ["appraisal_conclusion"],
    (WORK_INJURY, APPLICATION): ["recognition_decision", "medical_invoices"],
    (MEDICAL, APPLICATION): ["medical_invoices", "expense_list"],
    (MATERNITY, APPLICATION): ["birth_certificate", "allowance_form"],
    (WORK_INJURY, PAYMENT): ["payment_voucher"],
    (MEDICAL, PAYMENT): ["payment_voucher"],
    (MATERNITY, PAYMENT): ["payment_voucher"],
    (WORK_INJURY, CONTINUATION): ["transfer_certificate"],
    (MEDICAL, CONTINUATION): ["transfer_certificate"],
    (MATERNITY, CONTINUATION): ["transfer_certificate"],
}


def applicability(kind: str, step: str) -> str:
    return APPLICABILITY[kind][step]


def required_documents(kind: str, step: str) -> list[str]:
    return list(REQUIRED_DOCUMENTS.get((kind, step), []))
