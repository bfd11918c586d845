"""Knowledge-base screens and API: search page, article, editor, review queue, history, the
suggest fragment, the portal FAQ, the zero-result report; who sees what."""

from __future__ import annotations

import json

import pytest

from hragency.knowledge.models import Article, ArticleVersion, SearchLog
from tests.kb_support import make_kb_admin, reps, seed


@pytest.fixture
def kb(cast):
    reps(cast)
    admin = make_kb_admin(cast)
    articles = {a.title: a for a in seed(cast, admin)}
    return admin, articles


ADD = "社保增员需要提交哪些材料"
INTERNAL = "经济补偿金怎么计算"


def test_it_searches_with_highlights_and_filters(cast, kb, as_user):
    rep = as_user(cast.rep_a)
    page = rep.get("/kb/", {"q": "社保增员"}).content.decode()
    assert ADD in page.replace("<mark>", "").replace("</mark>", "")
    assert "<mark>增员</mark>" in page
    page = rep.get("/kb/").content.decode()
    assert "最近发布" in page and INTERNAL in page
    # A client's HR gets the FAQ: client-visible articles only, no internal guide.
    faq = as_user(cast.hr_a).get("/kb/").content.decode()
    assert "常见问题" in faq and ADD in faq and INTERNAL not in faq
    assert (
        as_user(cast.hr_a).get("/kb/faq/", {"q": "经济补偿"}).content.decode().count(INTERNAL) == 0
    )
    assert as_user(None).get("/kb/").status_code == 302  # anonymous: to the login page


def test_it_shows_articles_by_audience(cast, kb, as_user):
    _admin, articles = kb
    internal, public = articles[INTERNAL], articles[ADD]
    rep_page = as_user(cast.rep_a).get(f"/kb/articles/{public.pk}/").content.decode()
    assert "操作指引（内部）" in rep_page and "复制答案" in rep_page
    hr_page = as_user(cast.hr_a).get(f"/kb/articles/{public.pk}/")
    assert hr_page.status_code == 200 and "操作指引" not in hr_page.content.decode()
    assert as_user(cast.hr_a).get(f"/kb/articles/{internal.pk}/").status_code == 404
    assert as_user(cast.employee_a).get(f"/kb/articles/{internal.pk}/").status_code == 404
    assert as_user(cast.hr_a).get(f"/kb/articles/{public.pk}/versions/").status_code == 403
    public.refresh_from_db()
    assert public.view_count == 2


def test_it_serves_the_suggest_fragment(cast, kb, as_user):
    _admin, articles = kb
    fragment = as_user(cast.rep_a).get("/kb/suggest/", {"q": "员工入职社保要什么材料"})
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert 'data-copy="kb-answer-' in text and "复制答案" in text
    assert articles[ADD].body in text
    assert not SearchLog.objects.exists()  # suggestions are not logged
    empty = as_user(cast.rep_a).get("/kb/suggest/").content.decode()
    assert "输入问题后显示建议答案" in empty
    as_user(cast.rep_a).post(f"/kb/articles/{articles[ADD].pk}/used/")
    articles[ADD].refresh_from_db()
    assert articles[ADD].use_count == 1


def test_it_runs_the_workflow_through_the_screens(cast, kb, as_user):
    admin, articles = kb
    rep = as_user(cast.rep_a)
    category = articles[ADD].category
    response = rep.post("/kb/articles/new/", {"title": "", "body": "", "category": ""})
    assert response.status_code == 400 and "必填" in response.content.decode()
    response = rep.post(
        "/kb/articles/new/",
        {
            "title": "残疾人就业保障金怎么缴纳",
            "body": "按上年用工人数和比例缴纳残保金。",
            "category": category.pk,
            "audience": "internal",
            "submit": "1",
        },
    )
    article = Article.objects.get(title="残疾人就业保障金怎么缴纳")
    assert response.status_code == 302 and article.status == "pending"
    queue = as_user(admin).get("/kb/review/").content.decode()
    assert "残疾人就业保障金怎么缴纳" in queue and "（新文章）" in queue
    as_user(admin).post(f"/kb/articles/{article.pk}/approve/", {"next": "review"})
    article.refresh_from_db()
    assert article.status == "published"
    # A revision: the editor opens with the published text; the history compares versions.
    editor = rep.get(f"/kb/articles/{article.pk}/edit/").content.decode()
    assert "按上年用工人数和比例缴纳残保金。" in editor
    rep.post(
        f"/kb/articles/{article.pk}/edit/",
        {
            "title": "残疾人就业保障金怎么缴纳",
            "body": "按上年用工人数和比例缴纳残保金。安排残疾人就业达到比例的免缴。",
            "category": category.pk,
            "audience": "internal",
            "note": "补充免缴情形",
            "submit": "1",
        },
    )
    as_user(admin).post(f"/kb/articles/{article.pk}/return/", {"reason": "请注明政策依据"})
    assert ArticleVersion.objects.get(article=article, number=2).status == "returned"
    drafts = rep.get("/kb/drafts/").content.decode()
    assert "请注明政策依据" in drafts
    history = rep.get(f"/kb/articles/{article.pk}/versions/").content.decode()
    assert "第 1 版 → 第 2 版" in history and "安排残疾人就业达到比例的免缴" in history
    as_user(admin).post(f"/kb/articles/{article.pk}/archive/", {"reason": "政策调整"})
    article.refresh_from_db()
    assert article.status == "archived"
    # Refusals come back as messages, not errors.
    response = as_user(admin).post(f"/kb/articles/{article.pk}/archive/")
    assert response.status_code == 302
    assert as_user(cast.hr_a).get("/kb/review/").status_code == 403
    assert as_user(cast.hr_a).get("/kb/articles/new/").status_code == 403


def test_it_reports_zero_results_on_screen(cast, kb, as_user):
    admin, _articles = kb
    as_user(cast.rep_a).get("/kb/", {"q": "火星殖民计划"})
    page = as_user(admin).get("/kb/reports/no-results/").content.decode()
    assert "火星殖民计划" in page and "无结果 1 次" in page
    assert as_user(cast.rep_a).get("/kb/reports/no-results/").status_code == 403
    response = as_user(admin).get("/api/kb/reports/no-results")
    assert [r["query"] for r in response.json()] == ["火星殖民计划"]
    bad = as_user(admin).get("/api/kb/reports/no-results", {"since": "yesterday"})
    assert bad.status_code == 422


def _json(http, method, path, body=None):
    call = getattr(http, method)
    return call(path, json.dumps(body or {}), content_type="application/json")


def test_it_works_through_the_api(cast, kb, as_user):
    admin, articles = kb
    rep = as_user(cast.rep_a)
    hits = rep.get("/api/kb/search", {"q": "shebao zengyuan"}).json()
    assert hits[0]["title"] == ADD and hits[0]["module"] == "薪酬社保"
    assert as_user(cast.hr_a).get("/api/kb/search", {"q": "经济补偿"}).json() == [] or all(
        h["title"] != INTERNAL
        for h in as_user(cast.hr_a).get("/api/kb/search", {"q": "经济补偿"}).json()
    )
    assert as_user(None).get("/api/kb/search", {"q": "社保"}).status_code == 401
    detail = as_user(cast.hr_a).get(f"/api/kb/articles/{articles[ADD].pk}").json()
    assert detail["guide"] is None and detail["version"] == 1
    assert as_user(cast.hr_a).get(f"/api/kb/articles/{articles[INTERNAL].pk}").status_code == 404
    response = _json(rep, "post", "/api/kb/articles", {"title": "x"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"body", "category"}
    response = _json(
        rep,
        "post",
        "/api/kb/articles",
        {
            "title": "社保断缴有什么影响",
            "body": "断缴影响医保待遇和购房资格。",
            "category": articles[ADD].category_id,
            "tags": ["断缴"],
            "audience": "client",
        },
    )
    assert response.status_code == 201
    article_id = response.json()["id"]
    assert response.json()["working_version"]["status"] == "draft"
    response = _json(
        rep,
        "put",
        f"/api/kb/articles/{article_id}/draft",
        {
            "title": "社保断缴有什么影响",
            "body": "断缴影响医保待遇、购房和落户资格。",
            "category": articles[ADD].category_id,
            "audience": "client",
        },
    )
    assert response.json()["number"] == 1
    assert _json(rep, "post", f"/api/kb/articles/{article_id}/submit").json()["status"] == "pending"
    assert _json(rep, "post", f"/api/kb/articles/{article_id}/approve").status_code == 403
    response = _json(as_user(admin), "post", f"/api/kb/articles/{article_id}/return")
    assert response.status_code == 400  # the reason is required
    response = _json(as_user(admin), "post", f"/api/kb/articles/{article_id}/approve")
    assert response.json()["status"] == "published"
    versions = rep.get(f"/api/kb/articles/{article_id}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "published")]
    assert rep.get("/api/kb/search", {"q": "断缴落户"}).json()[0]["article_id"] == article_id
    response = _json(as_user(admin), "post", f"/api/kb/articles/{article_id}/archive")
    assert response.json()["status"] == "archived"
    after = rep.get("/api/kb/suggest", {"q": "断缴落户"}).json()
    assert article_id not in [h["article_id"] for h in after]
