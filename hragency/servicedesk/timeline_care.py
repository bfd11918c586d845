"""How the care actions read on a client's timeline, and which ones the client's HR sees
(the result, their rating, the adjusted plan they were told; never investigations, QA or the
supervisor's internal follow-up). The lead calls `register()` from `ServicedeskConfig.ready`."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "servicedesk.feedback_send": ("发送处理结果", True),
    "servicedesk.ticket_rate": ("客户评价", True),
    "servicedesk.followup_open": ("不满意跟进", False),
    "servicedesk.followup_unowned": ("不满意跟进（无主管）", False),
    "servicedesk.followup_plan": ("告知调整方案", True),
    "servicedesk.followup_visit": ("二次回访", False),
    "servicedesk.case_add": ("加入改进案例库", False),
    "servicedesk.case_update": ("编辑改进案例", False),
    "servicedesk.complaint_register": ("登记投诉建议", False),
    "servicedesk.complaint_kind": ("修改投诉建议类别", False),
    "servicedesk.complaint_classify": ("投诉定级", False),
    "servicedesk.complaint_conclude": ("投诉建议办结", False),
    "servicedesk.suggestion_promise": ("承诺答复建议", False),
    "servicedesk.suggestion_summarise": ("建议周汇总", False),
    "servicedesk.quality_sample": ("质检抽样", False),
    "servicedesk.quality_score": ("质检评分", False),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
