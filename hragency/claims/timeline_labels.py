"""Labels of the claims module's audit actions on the client timeline (``clients.timeline``).
The client's HR users see the progress of their people's claims; downloads stay internal."""

from __future__ import annotations

LABELS: dict[str, tuple[str, bool]] = {
    "claims.report": ("出险报案", True),
    "claims.document_add": ("上传理赔材料", True),
    "claims.step_complete": ("理赔环节办结", True),
    "claims.step_skip": ("理赔环节跳过", True),
    "claims.approve": ("登记理赔核定金额", True),
    "claims.payment": ("理赔待遇支付", True),
    "claims.close": ("理赔结案", True),
    "claims.withdraw": ("撤销理赔报案", True),
    "reveal.claim_document": ("下载理赔材料", False),
}


def register() -> None:
    from hragency.clients.timeline import register_actions

    register_actions(LABELS)
