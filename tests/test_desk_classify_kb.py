"""The classification suggestion takes the knowledge base into account, for a rep and at
intake without a user (gateway, e-mail)."""

from __future__ import annotations

import pytest

from tests.conftest import Cast
from tests.kb_support import make_kb_admin, seed


@pytest.mark.django_db
def test_it_suggests_the_module_of_the_matching_articles(cast: Cast) -> None:
    from hragency.servicedesk import classify

    seed(cast, make_kb_admin(cast))
    text = "生育津贴怎么申领"  # no classification keyword in it
    for user in (cast.rep_a, None):
        suggestion = classify.suggest(text, user=user)
        assert suggestion.module == "payroll_si"
        assert any(r.startswith("知识库「生育津贴申领」→ 薪酬社保") for r in suggestion.reasons)


@pytest.mark.django_db
def test_it_falls_back_to_the_default_without_keywords_or_articles(cast: Cast) -> None:
    from hragency.servicedesk import classify

    suggestion = classify.suggest("生育津贴申领", user=None)
    assert (suggestion.module, suggestion.nature, suggestion.urgency) == (
        "payroll_si",
        "inquiry",
        "normal",
    )
    assert suggestion.reasons == ("未识别到关键词，按默认分类，请人工确认",)
