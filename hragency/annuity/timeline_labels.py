"""Labels of the annuity module's audit actions on the client timeline (``clients.timeline``).
The client's HR users see their plan, members, contributions and withdrawals; the data check
and the trustee export (full ID numbers) stay with the agency."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "annuity.plan_create": ("建立企业年金方案", True),
    "annuity.data_check": ("企业年金数据核对", False),
    "annuity.member_enrol": ("加入企业年金", True),
    "annuity.contributions_compute": ("计算企业年金缴费", True),
    "annuity.export": ("导出企业年金缴费清单", False),
    "annuity.withdraw": ("企业年金支取/转出", True),
    "annuity.withdrawal_paid": ("企业年金支取已支付", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
