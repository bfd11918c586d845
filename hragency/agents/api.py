from __future__ import annotations

from ninja import Router

router = Router(tags=["坐席考核"])
