"""A published knowledge article (客户可见) for the scoping sweep's ``article_id``.

Knowledge articles are agency knowledge, not client data: the sweep checks no 500 and no leak;
the article carries no client's canary."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _article(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_article", None)
    if cached is None:
        from hragency.knowledge import services
        from hragency.knowledge.demo import seed_categories
        from tests.kb_support import make_kb_admin, reps

        reps(cast)
        publisher = make_kb_admin(cast, "sweep_kb_admin")
        category = seed_categories()["参保与增减员"]
        cached = services.create_article(
            actor=cast.rep_a,
            data={
                "title": "社保增员需要提交哪些材料",
                "body": "身份证复印件、劳动合同、银行卡信息。",
                "guide": "在增减员新建增员单。",
                "category": category.pk,
                "audience": "client",
            },
        )
        services.submit_version(actor=cast.rep_a, article=cached)
        cached = services.approve_version(actor=publisher, article=cached)
        cast._sweep_article = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {"article_id": lambda cast: str(_article(cast).pk)}
