"""The knowledge-base search index, kept in the publishing transaction, and the in-memory
vocabulary the query processing reads (see ``search`` for the whole picture).

``SearchDoc`` holds each published article's segmented text; the database's full-text index
follows it (migration 0002). ``SearchTerm`` is the vocabulary: every indexed term with its pinyin,
initials and document frequency. Each process keeps the vocabulary and the synonyms in memory and
reloads them when ``IndexState.token`` changes; every index or synonym change sets a new token.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F

from hragency.knowledge import text as T
from hragency.knowledge.models import Article, IndexState, SearchDoc, SearchTerm, Synonym

MAX_TERM = 100


@dataclass
class Vocabulary:
    token: str
    df: dict[str, int] = field(default_factory=dict)
    by_pinyin: dict[str, list[str]] = field(default_factory=dict)
    by_initials: dict[str, list[str]] = field(default_factory=dict)
    pinyin_keys: list[str] = field(default_factory=list)
    by_length: dict[int, list[str]] = field(default_factory=dict)
    synonyms: dict[str, set[str]] = field(default_factory=dict)
    longest_pinyin: int = 0
    longest_initials: int = 0


# --- the in-memory vocabulary -------------------------------------------------------------------

_cache: Vocabulary | None = None
_cache_lock = threading.Lock()


def fetch_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    # The search path runs a handful of small fixed statements: plain SQL, no ORM compilation.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def current_token() -> str:
    rows = fetch_rows(f"SELECT token FROM {IndexState._meta.db_table} WHERE id = %s", [1])
    return rows[0][0] if rows else ""


def vocabulary() -> Vocabulary:
    """This process's vocabulary, reloaded when another transaction changed the index."""
    global _cache
    token = current_token()
    cached = _cache
    if cached is not None and cached.token == token:
        return cached
    with _cache_lock:
        if _cache is None or _cache.token != token:
            _cache = _load(token)
        return _cache


def _load(token: str) -> Vocabulary:
    vocab = Vocabulary(token=token)
    by_pinyin: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_length: dict[int, list[str]] = defaultdict(list)
    rows = SearchTerm.objects.filter(df__gt=0).values_list("term", "pinyin", "initials", "df")
    for term, pinyin, initials, df in rows.iterator(chunk_size=5000):
        vocab.df[term] = df
        if pinyin and len(term) > 1:
            by_pinyin[pinyin].append((-df, term))
            by_initials[initials].append((-df, term))
            by_length[len(term)].append(term)
    vocab.by_pinyin = {k: [t for _, t in sorted(v)] for k, v in by_pinyin.items()}
    vocab.by_initials = {k: [t for _, t in sorted(v)] for k, v in by_initials.items()}
    vocab.pinyin_keys = list(vocab.by_pinyin)
    vocab.by_length = dict(by_length)
    vocab.longest_pinyin = max(map(len, vocab.by_pinyin), default=0)
    vocab.longest_initials = max(map(len, vocab.by_initials), default=0)
    synonyms: dict[str, set[str]] = defaultdict(set)
    for words in Synonym.objects.values_list("words", flat=True):
        group = [T.normalize(w) for w in Synonym(words=words).word_list]
        T.add_words(group)
        for word in group:
            synonyms[word].update(w for w in group if w != word)
    vocab.synonyms = dict(synonyms)
    return vocab


def invalidate() -> None:
    """Tell every process to reload (call inside the transaction that changed something)."""
    updated = IndexState.objects.filter(pk=1).update(
        version=F("version") + 1, token=uuid.uuid4().hex
    )
    if not updated:
        IndexState.objects.create(pk=1, version=1, token=uuid.uuid4().hex)


# --- the index ----------------------------------------------------------------------------------


def document_terms(article: Article) -> tuple[list[str], list[str]]:
    head = "\n".join([article.title, article.questions, " ".join(article.keyword_list)])
    return _clip(T.index_terms(head)), _clip(T.index_terms(f"{article.body}\n{article.guide}"))


def _clip(terms: list[str]) -> list[str]:
    return [t for t in terms if len(t) <= MAX_TERM]


def index_article(article: Article) -> None:
    """(Re)index a published article; call inside the publishing transaction."""
    title, body = document_terms(article)
    old = SearchDoc.objects.filter(pk=article.pk).first()
    old_terms = set(f"{old.title} {old.body}".split()) if old else set()
    if old is None:
        SearchDoc.objects.create(
            article=article,
            title=" ".join(title),
            body=" ".join(body),
            audience=article.audience,
            category_id=article.category_id,
        )
    else:
        old.title, old.body = " ".join(title), " ".join(body)
        old.audience, old.category_id = article.audience, article.category_id
        old.save()
    new_terms = set(title) | set(body)
    _count(new_terms - old_terms, +1)
    _count(old_terms - new_terms, -1)
    invalidate()


def unindex_article(article: Article) -> None:
    old = SearchDoc.objects.filter(pk=article.pk).first()
    if old is None:
        return
    terms = set(f"{old.title} {old.body}".split())
    old.delete()
    _count(terms, -1)
    invalidate()


def _count(terms: set[str], delta: int) -> None:
    if not terms:
        return
    for chunk in _chunks(sorted(terms), 500):
        if delta > 0:
            known = set(SearchTerm.objects.filter(term__in=chunk).values_list("term", flat=True))
            SearchTerm.objects.bulk_create(
                [_term_row(t) for t in chunk if t not in known], ignore_conflicts=True
            )
        SearchTerm.objects.filter(term__in=chunk).update(df=F("df") + delta)


def _term_row(term: str, df: int = 0) -> SearchTerm:
    pinyin, initials = T.pinyin_of(term)
    return SearchTerm(term=term, pinyin=pinyin[:300], initials=initials[:100], df=df)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rebuild_index(batch: int = 2000) -> int:
    """Index every published article from scratch (set-based; bench, repairs). Returns count."""
    SearchDoc.objects.all().delete()
    SearchTerm.objects.all().delete()
    df: Counter[str] = Counter()
    count = 0
    published = Article.objects.filter(status=Article.Status.PUBLISHED).order_by("pk")
    docs: list[SearchDoc] = []
    for article in published.iterator(chunk_size=batch):
        title, body = document_terms(article)
        df.update(set(title) | set(body))
        docs.append(
            SearchDoc(
                article_id=article.pk,
                title=" ".join(title),
                body=" ".join(body),
                audience=article.audience,
                category_id=article.category_id,
            )
        )
        count += 1
        if len(docs) >= batch:
            SearchDoc.objects.bulk_create(docs)
            docs = []
    SearchDoc.objects.bulk_create(docs)
    SearchTerm.objects.bulk_create([_term_row(t, n) for t, n in df.items()], batch_size=batch)
    invalidate()
    return count
