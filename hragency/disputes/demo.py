"""Demo data for this app (called by `hragency demo` after the earlier apps' seeds)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    return None
