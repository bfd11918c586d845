"""Labels of the archives module's audit actions on the client timeline (``clients.timeline``).
The client's HR users see that their month was filed and that materials were destroyed;
the rest is the agency's internal archive work."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "archives.filing_open": ("开启月度归档", False),
    "archives.filing_close": ("月度资料已归档", True),
    "archives.file_create": ("建立档案卷宗", False),
    "archives.item_file": ("档案材料归档", False),
    "archives.borrow_request": ("档案借阅申请", False),
    "archives.borrow_approve": ("档案借出", False),
    "archives.borrow_reject": ("档案借阅被拒绝", False),
    "archives.borrow_return": ("档案归还", False),
    "archives.destruction_propose": ("提出档案销毁", False),
    "archives.destruction_appraise": ("档案销毁鉴定", False),
    "archives.destruction_approve": ("批准档案销毁", False),
    "archives.destruction_reject": ("驳回档案销毁", False),
    "archives.destruction_execute": ("档案已销毁", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
