"""Labels of the billing module's audit actions on the client timeline (``clients.timeline``).

Call ``register()`` from ``BillingConfig.ready()``. The second value says whether the client's
HR users see the action on their timeline.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "billing.statement_confirm": ("客户确认《费用明细表》", True),
    "billing.statement_dispute": ("客户对《费用明细表》提出异议", True),
    "billing.statement_resolve": ("费用异议已处理，退回客户重新确认", True),
    "billing.statement_export": ("导出《费用明细表》", False),
    "billing.close_start": ("启动月结", False),
    "billing.close_chunk": ("月结写入", False),
    "billing.close_finish": ("月结完成", False),
    "billing.close_failed": ("月结中断", False),
    "admin.change.billing.statement": ("系统管理：修改费用明细表", False),
    "billing.fund_entry": ("登记资金收付", True),
    "billing.invoice_request": ("待开具发票", True),
    "billing.invoice_issue": ("开具发票", True),
    "billing.invoice_void": ("作废发票", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
