"""Labels of recruitment's audit actions on the client timeline (``clients.timeline``); the
second value says whether the client's HR users see it (not the internal screening)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "recruitment.requisition_submit": ("提交招聘需求", True),
    "recruitment.contact": ("招聘专员联系确认需求", True),
    "recruitment.jd": ("编写岗位说明书", True),
    "recruitment.plan": ("制定招聘计划", True),
    "recruitment.channel_add": ("发布招聘渠道", False),
    "recruitment.stage": ("招聘阶段推进", False),
    "recruitment.candidate_add": ("录入候选人", False),
    "recruitment.application_add": ("候选人进入初筛", False),
    "recruitment.shortlist": ("推荐候选人", True),
    "recruitment.interview": ("安排客户面试", True),
    "recruitment.feedback": ("客户面试反馈", True),
    "recruitment.offer": ("录用", True),
    "recruitment.hire": ("确认入职", True),
    "recruitment.reject": ("候选人未通过", False),
    "recruitment.withdraw": ("候选人退出", True),
    "recruitment.probation": ("试用期考核", True),
    "recruitment.person_created": ("为录用人员建档", True),
    "recruitment.cancel": ("取消招聘需求", True),
    "recruitment.evaluate": ("评价招聘服务", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
