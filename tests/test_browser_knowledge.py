"""The knowledge base in a real Chromium: a rep finds an answer by its initials, copies the
standard answer (clipboard and use counter), and a client's HR reads the portal FAQ."""

from __future__ import annotations

from typing import Any

import pytest

from hragency.knowledge.models import Article
from tests.kb_support import make_kb_admin, reps, seed
from tests.test_browser import browser, live_cast, login, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

ADD = "社保增员需要提交哪些材料"


def test_it_finds_and_copies_an_answer(live_cast: Any, live_server: Any, page: Any) -> None:  # noqa: F811
    cast = reps(live_cast)
    seed(cast, make_kb_admin(cast))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server.url, cast.rep_a)
    page.goto(f"{live_server.url}/kb/")
    page.get_by_label("搜索知识库").fill("shebao zengyuan")
    page.get_by_role("button", name="搜索").click()
    first = page.get_by_test_id("kb-hits").locator("a").first
    assert ADD in first.inner_text()
    first.click()
    page.get_by_test_id("kb-copy").click()
    page.get_by_text("已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("您好，新员工社保增员需要提供")
    for _ in range(50):  # the htmx POST counting the use
        if Article.objects.get(title=ADD).use_count:
            break
        page.wait_for_timeout(100)
    assert Article.objects.get(title=ADD).use_count == 1


def test_it_shows_client_hr_the_faq(live_cast: Any, live_server: Any, page: Any) -> None:  # noqa: F811
    cast = reps(live_cast)
    seed(cast, make_kb_admin(cast))
    login(page, live_server.url, cast.hr_a)
    page.goto(f"{live_server.url}/kb/faq/")
    assert page.get_by_test_id("faq-category").count() >= 5
    assert "经济补偿金怎么计算" not in page.content()  # internal
    page.get_by_label("搜索常见问题").fill("公积金怎么取")
    page.get_by_role("button", name="搜索").click()
    assert "住房公积金提取条件和流程" in page.get_by_test_id("kb-hits").inner_text()
