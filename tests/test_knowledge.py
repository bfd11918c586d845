"""Knowledge-base workflow (R-KB-2): draft → review → publish, return with a reason, a new
revision while the published text stays, archive; who may do what; the zero-result log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Notification
from hragency.knowledge import queries, services
from hragency.knowledge.demo import seed_categories
from hragency.knowledge.models import Article, ArticleVersion, SearchLog
from tests.kb_support import make_kb_admin, reps


@pytest.fixture
def kb_admin(cast):
    reps(cast)
    return make_kb_admin(cast)


@pytest.fixture
def category(kb_admin):
    return seed_categories()["缴费基数"]


def draft(cast, category, **changes):
    data = {
        "title": "社保缴费基数下限是多少",
        "questions": "最低按多少交社保\n社保最低基数",
        "keywords": "基数下限、最低基数",
        "body": "2026年上海社保缴费基数下限为7460元。",
        "guide": "查询政策库核对当年数值。",
        "category": category.pk,
        "audience": "client",
        "tags": "基数 上海",
        "note": "初稿",
    }
    return services.create_article(actor=cast.rep_a, data={**data, **changes})


def titles(text, user):
    return [h.title for h in queries.search(text, user=user, log=False)]


def test_it_walks_draft_review_publish(cast, kb_admin, category):
    article = draft(cast, category)
    assert article.status == Article.Status.DRAFT and article.version == 0
    assert titles("基数下限", cast.rep_b) == []  # a draft is not searchable
    services.submit_version(actor=cast.rep_a, article=article)
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert Notification.objects.filter(recipient=kb_admin, link="/kb/review/").exists()
    assert [v.article_id for v in queries.review_queue(kb_admin)] == [article.pk]
    services.approve_version(actor=kb_admin, article=article)
    article.refresh_from_db()
    assert (article.status, article.version, article.reviewer) == ("published", 1, kb_admin)
    assert sorted(t.name for t in article.tags.all()) == ["上海", "基数"]
    assert titles("基数下限", cast.rep_b) == ["社保缴费基数下限是多少"]
    assert titles("社保最低基数", cast.hr_a)[0] == "社保缴费基数下限是多少"
    actions = list(
        AuditLog.objects.filter(object_type="knowledge.article", object_id=str(article.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "knowledge.article_create",
        "knowledge.version_submit",
        "knowledge.version_approve",
    ]
    assert Notification.objects.filter(recipient=cast.rep_a, title__startswith="知识文章已发布")


def test_it_returns_with_a_reason_and_starts_a_new_revision(cast, kb_admin, category):
    article = draft(cast, category)
    services.submit_version(actor=cast.rep_a, article=article)
    with pytest.raises(InvalidFields):
        services.return_version(actor=kb_admin, article=article, reason=" ")
    services.return_version(actor=kb_admin, article=article, reason="请注明数据来源")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    returned = article.versions.get()
    assert (returned.status, returned.return_reason) == ("returned", "请注明数据来源")
    assert queries.working_copy(article) == returned
    with pytest.raises(ServiceError, match="没有待提交的草稿"):
        services.submit_version(actor=cast.rep_a, article=article)
    body = "2026年上海社保缴费基数下限为7460元（来源：上海市人社局2026年7月通知）。"
    version = services.save_draft(
        actor=cast.rep_a, article=article, data={**_data(returned), "body": body}
    )
    assert version.number == 2 and version.status == "draft"
    services.submit_version(actor=cast.rep_a, article=article)
    services.approve_version(actor=kb_admin, article=article)
    article.refresh_from_db()
    assert (article.version, article.body) == (2, body)
    assert list(article.versions.values_list("number", "status")) == [
        (2, "published"),
        (1, "returned"),
    ]


def _data(version):
    return {
        "title": version.title,
        "questions": version.questions,
        "keywords": version.keywords,
        "body": version.body,
        "guide": version.guide,
        "category": version.category_id,
        "audience": version.audience,
        "tags": version.tag_names,
        "note": "",
    }


def test_it_keeps_the_published_text_while_a_revision_is_reviewed(cast, kb_admin, category):
    article = draft(cast, category)
    services.submit_version(actor=cast.rep_a, article=article)
    services.approve_version(actor=kb_admin, article=article)
    published = ArticleVersion.objects.get(article=article)
    revision = services.save_draft(
        actor=cast.rep_b,
        article=article,
        data={**_data(published), "title": "社保缴费基数下限和封顶线", "note": "加上上限"},
    )
    assert (revision.number, revision.author) == (2, cast.rep_b)
    services.submit_version(actor=cast.rep_b, article=article)
    with pytest.raises(ServiceError, match="审核中"):
        services.save_draft(actor=cast.rep_a, article=article, data=_data(published))
    article.refresh_from_db()
    assert (article.status, article.title, article.version) == (
        "published",
        "社保缴费基数下限是多少",
        1,
    )
    assert titles("基数下限", cast.rep_a) == ["社保缴费基数下限是多少"]
    assert titles("封顶线", cast.rep_a) == []
    services.approve_version(actor=kb_admin, article=article)
    article.refresh_from_db()
    assert (article.title, article.version) == ("社保缴费基数下限和封顶线", 2)
    assert titles("封顶线", cast.rep_a) == ["社保缴费基数下限和封顶线"]
    assert list(article.versions.values_list("number", "status")) == [
        (2, "published"),
        (1, "superseded"),
    ]


def test_it_archives_out_of_search(cast, kb_admin, category):
    article = draft(cast, category)
    services.submit_version(actor=cast.rep_a, article=article)
    services.approve_version(actor=kb_admin, article=article)
    assert titles("基数下限", cast.rep_a)
    services.archive_article(actor=kb_admin, article=article, reason="政策已更新")
    assert titles("基数下限", cast.rep_a) == []
    assert titles("基数下限", cast.hr_a) == []
    with pytest.raises(ServiceError, match="只有已发布"):
        services.archive_article(actor=kb_admin, article=article)


def test_it_refuses_what_the_actor_may_not_do(cast, kb_admin, category):
    with pytest.raises(PermissionDenied):
        services.create_article(
            actor=cast.hr_a, data={"title": "x", "body": "y", "category": category.pk}
        )
    article = draft(cast, category)
    with pytest.raises(PermissionDenied, match="他人的草稿"):
        services.save_draft(actor=cast.rep_b, article=article, data=_data(article.versions.get()))
    services.submit_version(actor=cast.rep_a, article=article)
    with pytest.raises(PermissionDenied):
        services.approve_version(actor=cast.rep_b, article=article)
    with pytest.raises(InvalidFields) as caught:
        services.create_article(
            actor=cast.rep_a,
            data={"title": "", "body": "", "category": "999999", "audience": "public"},
        )
    assert sorted(e.field for e in caught.value.errors) == ["audience", "body", "category", "title"]


def test_it_lets_nobody_approve_their_own_revision(cast, kb_admin, category):
    article = services.create_article(
        actor=kb_admin,
        data={"title": "社保卡补办", "body": "到银行网点补办。", "category": category.pk},
    )
    services.submit_version(actor=kb_admin, article=article)
    with pytest.raises(ServiceError, match="不能审核发布自己编写的修订"):
        services.approve_version(actor=kb_admin, article=article)
    other = make_kb_admin(cast, "kb_admin2")
    services.approve_version(actor=other, article=article)
    article.refresh_from_db()
    assert article.status == "published"


def test_it_reports_zero_result_searches(cast, kb_admin, category):
    article = draft(cast, category)
    services.submit_version(actor=cast.rep_a, article=article)
    services.approve_version(actor=kb_admin, article=article)
    for user, text in [
        (cast.rep_a, "残疾人就业保障金"),
        (cast.rep_b, "残疾人就业保障金"),
        (cast.rep_a, "残疾人就业保障金"),
        (cast.hr_a, "年金怎么交"),
        (cast.rep_a, "基数下限"),  # found: not in the report
    ]:
        queries.search(text, user=user)
    queries.suggest("离职补偿", user=cast.rep_a)  # suggestions are not logged
    assert SearchLog.objects.count() == 5
    now = timezone.now()
    report = queries.zero_result_report(
        kb_admin, since=now - dt.timedelta(days=1), until=now + dt.timedelta(minutes=1)
    )
    assert [(r["query"], r["times"], r["users"]) for r in report] == [
        ("残疾人就业保障金", 3, 2),
        ("年金怎么交", 1, 1),
    ]
    older = queries.zero_result_report(
        kb_admin, since=now - dt.timedelta(days=10), until=now - dt.timedelta(days=1)
    )
    assert older == []
    with pytest.raises(PermissionDenied):
        queries.zero_result_report(cast.rep_a, since=now, until=now)


def test_it_rebuilds_the_index(cast, kb_admin, category):
    from django.core.management import call_command

    article = draft(cast, category)
    services.submit_version(actor=cast.rep_a, article=article)
    services.approve_version(actor=kb_admin, article=article)
    call_command("kb_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles("基数下限", cast.rep_a) == ["社保缴费基数下限是多少"]
