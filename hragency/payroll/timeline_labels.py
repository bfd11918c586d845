"""How payroll actions read on a client's timeline, and which ones the client's HR sees."""

from __future__ import annotations

from hragency.payroll.setup_inputs import TIMELINE_LABELS as SETUP_LABELS

RUN_LABELS: dict[str, tuple[str, bool]] = {
    "payroll.calculate": ("计算工资表", False),
    "payroll.submit": ("工资表提交审核", True),
    "payroll.approve": ("工资表审核通过", True),
    "payroll.return": ("工资表退回", True),
    "payroll.pay": ("工资发放", True),
    "payroll.payslips_send": ("发送工资条邮件", True),
    "payroll.payslips_emailed": ("工资条邮件已发送", True),
    "payroll.bank_export": ("导出银行代发文件", False),
    "payroll.iit_export": ("导出个税扣缴申报表", False),
    "payroll.base_proposals_apply": ("按调基建议调整缴费基数", True),
    "payroll.base_proposals_export": ("导出调基建议", False),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions({**SETUP_LABELS, **RUN_LABELS})
