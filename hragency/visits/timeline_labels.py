"""Labels of the visits module's audit actions on the client timeline (``clients.timeline``).

The second value says whether the client's HR users see the action: they see their survey
answers, never the agency's visit tasks or notes.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "visits.task_plan": ("安排回访", False),
    "visits.task_complete": ("完成回访", False),
    "visits.task_reschedule": ("回访改期", False),
    "visits.task_cancel": ("取消回访", False),
    "visits.response_create": ("提交满意度调查", True),
    "visits.response_replace": ("更新满意度调查", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
