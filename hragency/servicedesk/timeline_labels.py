"""How ticket actions read on a client's timeline, and which ones the client's HR sees.
The lead calls `register()` from `ServicedeskConfig.ready`."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "servicedesk.ticket_open": ("登记工单", True),
    "servicedesk.client_message": ("客户留言", True),
    "servicedesk.accept": ("受理工单", True),
    "servicedesk.reply": ("答复客户", True),
    "servicedesk.note": ("工单内部备注", False),
    "servicedesk.transfer": ("工单转办", False),
    "servicedesk.reassign": ("工单改派", False),
    "servicedesk.urge": ("工单催办", True),
    "servicedesk.supervise": ("工单督办", False),
    "servicedesk.return_request": ("申请退单", False),
    "servicedesk.return_review": ("退单审核", False),
    "servicedesk.wait": ("等待客户反馈", True),
    "servicedesk.resume": ("恢复处理工单", True),
    "servicedesk.resolve": ("工单已解决", True),
    "servicedesk.reopen": ("工单重新打开", True),
    "servicedesk.close": ("工单已关闭", True),
    "servicedesk.triage": ("来件归属客户", False),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
