"""Labels of training's audit actions on the client timeline (``clients.timeline``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "training.request": ("提出培训需求", True),
    "training.resources": ("配置培训资源", True),
    "training.material_add": ("上传培训资料", True),
    "training.session_schedule": ("培训排课", True),
    "training.enrol": ("培训报名", True),
    "training.attendance": ("登记培训出勤", True),
    "training.results": ("录入培训评估结果", False),
    "training.evaluate": ("培训评估", True),
    "training.cancel": ("取消培训项目", True),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
