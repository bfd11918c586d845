from __future__ import annotations

from ninja import Router

# Mounted at /api/calc beside the SI and IIT calculators: POST /api/calc/erlang.
router = Router(tags=["话务排班"])
