"""Knowledge-base search quality (R-KB-1) on the demo articles: segmentation, synonyms, typos,
pinyin (full, spaced, initials), ranking, audience, categories; the index follows publishing."""

from __future__ import annotations

import pytest

from hragency.knowledge import queries
from tests.kb_support import make_kb_admin, reps, seed


@pytest.fixture
def kb(cast):
    reps(cast)
    admin = make_kb_admin(cast)
    articles = seed(cast, admin)
    return {a.title: a for a in articles}


def titles(text, user, limit=5):
    return [h.title for h in queries.search(text, user=user, limit=limit, log=False)]


ADD = "社保增员需要提交哪些材料"
BASE = "社保缴费基数如何调整（年度调基）"


def test_it_segments_a_question(cast, kb):
    assert titles("社保基数怎么调", cast.rep_a)[0] == BASE


@pytest.mark.parametrize(
    "query",
    ["社保增员", "社报增员", "shebao zengyuan", "shebaozengyuan", "新员工入职交社保要什么资料"],
)
def test_it_finds_the_add_article(cast, kb, query):
    assert titles(query, cast.rep_a)[0] == ADD, query


def test_it_reads_initials(cast, kb):
    # "sbzy" is 社保增员 and just as well 社保转移: both articles lead.
    assert set(titles("sbzy", cast.rep_a)[:2]) == {ADD, "异地社保转移怎么办理"}
    assert titles("gjjtq", cast.rep_a)[0] == "住房公积金提取条件和流程"
    assert titles("shebaojishu", cast.rep_a)[0] in {BASE, "如何查询员工的社保缴费基数"}


def test_it_expands_synonyms(cast, kb):
    found = titles("五险一金", cast.rep_a, limit=10)
    assert found, "五险一金 finds social insurance articles"
    assert ADD in found and "住房公积金提取条件和流程" in found


def test_it_tolerates_near_pinyin(cast, kb):
    assert titles("公积经提取", cast.rep_a)[0] == "住房公积金提取条件和流程"


def test_it_ranks_title_hits_first(cast, kb):
    assert titles("工伤认定", cast.rep_a)[0] == "工伤认定流程"
    assert titles("试用期工资", cast.rep_a)[0] == "试用期工资的规定"
    assert titles("异地社保转移", cast.rep_a)[0] == "异地社保转移怎么办理"
    assert titles("生育津贴", cast.rep_a)[0] == "生育津贴申领"


def test_it_returns_hits_with_snippet_and_module(cast, kb):
    hit = queries.search("公积金提取", user=cast.rep_a, limit=1, log=False)[0]
    assert hit.article_id == kb["住房公积金提取条件和流程"].pk
    assert hit.category == "社保公积金" and hit.module == "薪酬社保"
    assert "提取" in hit.snippet and hit.score > 0


def test_it_finds_nothing_for_nonsense(cast, kb):
    assert titles("火星殖民计划", cast.rep_a) == []
    assert titles("xyzq", cast.rep_a) == []


def test_it_filters_by_audience_category_and_tag(cast, kb):
    internal = "经济补偿金怎么计算"
    assert titles("经济补偿", cast.rep_a)[0] == internal
    assert internal not in titles("经济补偿", cast.hr_a)  # 内部 articles stay internal
    assert titles("社保增员", cast.hr_a)[0] == ADD  # 客户可见
    assert titles("社保增员", cast.employee_a)[0] == ADD
    assert titles("社保增员", None) == []  # anonymous: nothing
    category = kb[ADD].category
    in_category = queries.search("社保", user=cast.rep_a, category_id=category.parent_id, log=False)
    assert in_category and all(h.category.startswith("社保公积金") for h in in_category)
    tag = kb["生育津贴申领"].tags.get(name="生育")
    assert titles("待遇", cast.rep_a, limit=10) != titles("生育", cast.rep_a)
    tagged = queries.search("津贴", user=cast.rep_a, tag_id=tag.pk, log=False)
    assert [h.title for h in tagged] == ["生育津贴申领"]


def test_it_learns_new_synonyms(cast, kb):
    from hragency.knowledge import services
    from hragency.knowledge.models import Synonym

    assert titles("遣散费", cast.rep_a) == []
    Synonym.objects.create(words="遣散费 经济补偿金 经济补偿")
    services.synonyms_changed()
    assert titles("遣散费", cast.rep_a)[0] == "经济补偿金怎么计算"


@pytest.mark.parametrize(
    "query",
    [
        '"社保" OR *',
        "NEAR(社保 增员)",
        "a'b\\c",
        "2026",
        "😀😀",
        "社保增员" * 30,
        "   ",
        "ＳＨＥＢＡＯ",
        "{title}: 社保",
        "社保 -增员 +材料 AND OR NOT",
    ],
)
def test_it_survives_odd_queries(cast, kb, query):
    hits = queries.search(query, user=cast.rep_a, log=False)
    assert isinstance(hits, list)


def test_it_reads_full_width_and_upper_case_pinyin(cast, kb):
    assert titles("ＳＨＥＢＡＯ ＺＥＮＧＹＵＡＮ", cast.rep_a)[0] == ADD
