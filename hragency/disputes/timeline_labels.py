"""Labels of the disputes module's audit actions on the client timeline (``clients.timeline``).

The second value says whether the client's HR users see the action: the case's opening, its
stage, hearings and outcome, and notes marked for the client; not legal assignments,
evidence, downloads or internal notes.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "disputes.case_open": ("登记劳动争议", True),
    "disputes.consultation": ("提交劳动争议咨询", True),
    "disputes.stage_change": ("劳动争议阶段变更", True),
    "disputes.hearing_add": ("安排开庭/调解", True),
    "disputes.outcome": ("劳动争议结案", True),
    "disputes.note_client": ("劳动争议处理进展", True),
    "disputes.legal_assign": ("指派法务", False),
    "disputes.hearing_ready": ("开庭准备完毕", False),
    "disputes.document_add": ("上传案件材料", False),
    "disputes.document_download": ("下载案件材料", False),
    "disputes.note_add": ("劳动争议内部记录", False),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
