"""The full-text index beside ``knowledge_searchdoc`` (per database vendor), the index state row,
and a first set of synonyms (administrators edit them in the admin)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, content='knowledge_searchdoc',"
    " content_rowid='article_id', tokenize='unicode61')",
    "CREATE TRIGGER knowledge_searchdoc_ai AFTER INSERT ON knowledge_searchdoc BEGIN"
    " INSERT INTO knowledge_fts(rowid, title, body)"
    " VALUES (new.article_id, new.title, new.body); END",
    "CREATE TRIGGER knowledge_searchdoc_ad AFTER DELETE ON knowledge_searchdoc BEGIN"
    " INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body)"
    " VALUES ('delete', old.article_id, old.title, old.body); END",
    "CREATE TRIGGER knowledge_searchdoc_au AFTER UPDATE ON knowledge_searchdoc BEGIN"
    " INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body)"
    " VALUES ('delete', old.article_id, old.title, old.body);"
    " INSERT INTO knowledge_fts(rowid, title, body)"
    " VALUES (new.article_id, new.title, new.body); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_au",
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_ad",
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_ai",
    "DROP TABLE IF EXISTS knowledge_fts",
]
# The terms are segmented by us (jieba) and joined by spaces; the 'simple' configuration only
# lower-cases them. Title terms weigh A, body terms B, so ts_rank puts title hits first. The GIN
# indexes are written without the pending list (fastupdate off): articles are published one
# at a time, and a long pending list made every search scan it (10 ms at 10,000 articles).
POSTGRES_FORWARD = [
    "ALTER TABLE knowledge_searchdoc ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED",
    "CREATE INDEX knowledge_searchdoc_document ON knowledge_searchdoc"
    " USING gin (document) WITH (fastupdate = off)",
    # Title matches are looked for first (they rank first): their own smaller index.
    "ALTER TABLE knowledge_searchdoc ADD COLUMN title_document tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, title)) STORED",
    "CREATE INDEX knowledge_searchdoc_title ON knowledge_searchdoc"
    " USING gin (title_document) WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchdoc_title",
    "ALTER TABLE knowledge_searchdoc DROP COLUMN IF EXISTS title_document",
    "DROP INDEX IF EXISTS knowledge_searchdoc_document",
    "ALTER TABLE knowledge_searchdoc DROP COLUMN IF EXISTS document",
]

SYNONYMS = [
    ("社保 社会保险 五险", ""),
    ("五险一金 社保 社会保险 公积金 住房公积金", "五险一金包括社会保险和住房公积金"),
    ("公积金 住房公积金", ""),
    ("增员 参保 新增参保 加保", ""),
    ("减员 停保 退保", ""),
    ("缴费基数 社保基数 基数 缴存基数", ""),
    ("工伤 工伤保险", ""),
    ("生育津贴 产假工资 生育保险待遇", ""),
    ("医保 医疗保险 基本医疗保险", ""),
    ("养老 养老保险 基本养老保险", ""),
    ("失业金 失业保险金 失业保险", ""),
    ("个税 个人所得税", ""),
    ("工资条 工资单", ""),
    ("离职 辞职 解除劳动合同", ""),
    ("转移 转出 转入 迁移", "社保、公积金关系转移"),
    ("提取 支取 取出", ""),
    ("劳动合同 用工合同 合同", ""),
    ("试用期 实习期", ""),
    ("派遣 劳务派遣", ""),
    ("补缴 补交", ""),
]


def forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)
    apps.get_model("knowledge", "IndexState").objects.create(pk=1, version=0, token="initial")
    Synonym = apps.get_model("knowledge", "Synonym")
    Synonym.objects.bulk_create(Synonym(words=w, note=n) for w, n in SYNONYMS)


def backward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
