"""Knowledge-base search: query processing and ranking (the index itself is in ``index``).

Index: each published article's title + question variants + keywords (weight A) and answer +
guide (weight B) are segmented by jieba (search mode) into ``SearchDoc``; the database indexes
that text (SQLite FTS5 with bm25, PostgreSQL tsvector/GIN with ts_rank, see migration 0002).

Query: the text is segmented; each word becomes a *group* of alternatives — the word itself, its
synonyms, its dictionary parts when the word itself is not indexed, and, for an unknown word,
typo corrections (same pinyin: 社报 → 社保; near pinyin; near spelling by rapidfuzz). A run of
latin letters is read as pinyin (full "shebaojishu", with spaces, or initials "sbjs") and split
into indexed terms. The database finds the articles matching every group — in the titles
first, then in the whole text when the titles give too few — ranked by bm25 / ts_rank; the best
40 are re-ranked in Python (``rerank``). To fill the page, the most common query word is dropped
and the search repeated; such partial matches rank below the full ones. The vocabulary the
typo and pinyin matching read is in memory (``index.vocabulary``), never scanned per query.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from rapidfuzz import fuzz, process

from hragency.core.business import BusinessModule
from hragency.knowledge import text as T
from hragency.knowledge.index import Vocabulary, fetch_rows, vocabulary
from hragency.knowledge.models import Article, Audience, Category, SearchDoc

PER_PIECE = 6  # candidate terms kept for one pinyin/initials piece or one typo
SNIPPET = 80
CANDIDATES = 40  # database hits re-ranked per query

Conj = tuple[str, ...]  # terms that must all match
Group = list[Conj]  # alternatives, any of which may match


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    snippet: str
    category: str
    module: str
    score: float
    terms: tuple[str, ...] = ()  # the matched terms, for highlighting


# --- queries ------------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    groups: list[Group]
    unmatched: list[str]
    prior: dict[Conj, float] = field(default_factory=dict)  # how sure we are of an alternative

    def add(self, alternatives: list[tuple[Conj, float]]) -> None:
        group: Group = []
        for conj, prior in alternatives:
            if conj not in group:
                group.append(conj)
            self.prior[conj] = max(prior, self.prior.get(conj, 0.0))
        if group:
            self.groups.append(group)

    @property
    def terms(self) -> tuple[str, ...]:
        seen = dict.fromkeys(t for g in self.groups for conj in g for t in conj)
        return tuple(sorted(seen, key=len, reverse=True))


def parse_query(query: str, vocab: Vocabulary) -> ParsedQuery:
    parsed = ParsedQuery([], [])
    normalized = T.normalize(query)
    for run in re.split(r"([a-z][a-z' ]*)", normalized):
        run = run.strip(" '")
        if not run:
            continue
        if T.looks_like_pinyin(run):
            _latin_run(run, vocab, parsed)
        else:
            _words(T.query_tokens(run), vocab, parsed)
    if not parsed.groups and not parsed.unmatched:
        # A query of single characters only: take them as they are.
        for single in T.query_tokens(normalized):
            if single in vocab.df:
                parsed.add([((single,), 1.0)])
    return parsed


def _words(tokens: list[str], vocab: Vocabulary, parsed: ParsedQuery) -> None:
    pending = list(tokens)
    several = len(tokens) > 1
    while pending:
        token = pending.pop(0)
        if several and len(token) == 1 and T.is_cjk(token):
            continue  # a lone character (调, 办) narrows nothing
        alts: list[tuple[Conj, float]] = []
        if token in vocab.df:
            alts.append(((token,), 1.0))
        for synonym in sorted(vocab.synonyms.get(token, ())):
            if synonym in vocab.df:
                alts.append(((synonym,), 0.9))
            else:
                parts = _parts(synonym, vocab)
                if parts:
                    alts.append((parts, 0.8))
        if token not in vocab.df and not alts:
            parts = _parts(token, vocab)
            if parts:
                pending[:0] = list(parts)  # each part with its own synonyms
                continue
        if not alts and T.is_cjk(token):
            alts = [((c,), 0.8 / (1 + i)) for i, c in enumerate(corrections(token, vocab))]
        if alts:
            parsed.add(alts)
        else:
            parsed.unmatched.append(token)


def _parts(word: str, vocab: Vocabulary) -> Conj:
    """Indexed dictionary parts covering every character of ``word``, or ()."""
    parts = [p for p in T.sub_words(word) if p in vocab.df]
    covered = set("".join(parts))
    if parts and covered >= set(word):
        # Drop parts contained in another kept part (公积 inside 公积金).
        parts = [p for p in parts if not any(p != q and p in q for q in parts)]
        return tuple(dict.fromkeys(parts))
    return ()


def corrections(token: str, vocab: Vocabulary) -> list[str]:
    """Indexed terms the user probably meant by an unknown word: homophones first (社报 → 社保),
    then near pinyin (gongjijing → gongjijin), then near spelling for longer words."""
    pinyin, _ = T.pinyin_of(token)
    if pinyin and pinyin in vocab.by_pinyin:
        return vocab.by_pinyin[pinyin][:PER_PIECE]
    found: list[str] = []
    if pinyin and vocab.pinyin_keys:
        for key, _score, _i in process.extract(
            pinyin, vocab.pinyin_keys, scorer=fuzz.ratio, score_cutoff=85, limit=3
        ):
            found.extend(vocab.by_pinyin[key][:2])
    if not found and len(token) >= 3:
        for size in (len(token), len(token) - 1, len(token) + 1):
            for term, _score, _i in process.extract(
                token, vocab.by_length.get(size, []), scorer=fuzz.ratio, score_cutoff=66, limit=3
            ):
                found.append(term)
    return list(dict.fromkeys(found))[:PER_PIECE]


def _latin_run(run: str, vocab: Vocabulary, parsed: ParsedQuery) -> None:
    """Latin letters: indexed words as they are (excel), else pinyin, per space-separated chunk
    and, failing that, over the whole run."""
    chunks = run.replace("'", " ").split()
    groups: list[list[tuple[Conj, float]]] = []
    for chunk in chunks:
        if chunk in vocab.df:
            groups.append([((chunk,), 1.0)])
            continue
        pieces = pinyin_pieces(chunk, vocab)
        if pieces is None:
            groups = []
            break
        groups.extend(pieces)
    if not groups and len(chunks) > 1:
        groups = pinyin_pieces("".join(chunks), vocab) or []
    for group in groups:
        parsed.add(group)
    if not groups:
        parsed.unmatched.append(run)


def pinyin_pieces(letters: str, vocab: Vocabulary) -> list[list[tuple[Conj, float]]] | None:
    """Split letters into indexed terms' full pinyin, else their initials (fewest pieces)."""
    for index, longest in (
        (vocab.by_pinyin, vocab.longest_pinyin),
        (vocab.by_initials, vocab.longest_initials),
    ):
        pieces = _segment(letters, index, longest, vocab)
        if pieces is not None:
            # The more frequent readings first: 社保 before 申报 for "sb".
            return [
                [((t,), 1.0 / (1 + i)) for i, t in enumerate(index[p][:PER_PIECE])] for p in pieces
            ]
    return None


def _segment(
    letters: str, index: dict[str, list[str]], longest: int, vocab: Vocabulary
) -> list[str] | None:
    n = len(letters)
    best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        for j in range(i + 2, min(n, i + longest) + 1):
            terms = index.get(letters[i:j])
            if not terms:
                continue
            candidate = (here[0] + 1, here[1] - vocab.df.get(terms[0], 0), [*here[2], letters[i:j]])
            current = best[j]
            if current is None or candidate[:2] < current[:2]:
                best[j] = candidate
    final = best[n]
    return final[2] if final is not None else None


def _fts_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ts_term(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _expression(groups: list[Group], *, title_only: bool = False) -> str:
    """Every group must match (one of its alternatives); ``title_only``: in the title part."""
    sqlite = connection.vendor == "sqlite"
    quote = _fts_term if sqlite else _ts_term
    AND, OR = (" AND ", " OR ") if sqlite else (" & ", " | ")
    parts = []
    for group in groups:
        alts = [
            "(" + AND.join(quote(t) for t in conj) + ")" if len(conj) > 1 else quote(conj[0])
            for conj in group
        ]
        parts.append("(" + OR.join(alts) + ")" if len(alts) > 1 else alts[0])
    expression = AND.join(parts)
    return f"{{title}} : ({expression})" if sqlite and title_only else expression


def _matches(
    groups: list[Group],
    *,
    title_only: bool,
    client_only: bool,
    category_ids: list[int] | None,
    tag_id: int | None,
    limit: int,
) -> list[tuple[int, float]]:
    """(article id, database rank) of the best ``limit`` indexed articles matching ``groups``.
    Only published articles are indexed, and the index rows carry audience and category, so
    no join with the article table is needed."""
    filters: list[str] = []
    params: list[Any] = []
    if client_only:
        filters.append("d.audience = %s")
        params.append(Audience.CLIENT)
    if category_ids:
        filters.append(f"d.category_id IN ({', '.join(['%s'] * len(category_ids))})")
        params.extend(category_ids)
    if tag_id:
        filters.append(
            "EXISTS (SELECT 1 FROM knowledge_article_tags t"
            " WHERE t.article_id = d.article_id AND t.tag_id = %s)"
        )
        params.append(tag_id)
    where = "".join(f" AND {f}" for f in filters)
    expression = _expression(groups, title_only=title_only)
    if connection.vendor == "sqlite":
        sql = (
            "SELECT d.article_id, -bm25(knowledge_fts, 10.0, 1.0) AS score FROM knowledge_fts"
            " JOIN knowledge_searchdoc d ON d.article_id = knowledge_fts.rowid"
            f" WHERE knowledge_fts MATCH %s{where} ORDER BY score DESC, d.article_id LIMIT %s"
        )
    else:
        column = "d.title_document" if title_only else "d.document"
        sql = (
            f"SELECT d.article_id, ts_rank({column}, q.query) AS score"
            " FROM knowledge_searchdoc d, (SELECT CAST(%s AS tsquery) AS query) q"
            f" WHERE {column} @@ q.query{where} ORDER BY score DESC, d.article_id LIMIT %s"
        )
    if not filters and connection.vendor == "sqlite":
        sql = (
            "SELECT rowid, -bm25(knowledge_fts, 10.0, 1.0) AS score FROM knowledge_fts"
            " WHERE knowledge_fts MATCH %s ORDER BY score DESC, rowid LIMIT %s"
        )
    return [(int(pk), float(score)) for pk, score in fetch_rows(sql, [expression, *params, limit])]


def search_articles(
    query: str,
    *,
    client_only: bool,
    limit: int = 10,
    category_ids: list[int] | None = None,
    tag_id: int | None = None,
) -> list[SearchHit]:
    """Published articles for ``query`` (best first); ``client_only``: audience 客户可见 only."""
    if not T.normalize(query) or limit <= 0:
        return []
    vocab = vocabulary()
    parsed = parse_query(query, vocab)
    if not parsed.groups:
        return []
    options: dict[str, Any] = {
        "client_only": client_only,
        "category_ids": category_ids,
        "tag_id": tag_id,
        "limit": max(limit * 4, CANDIDATES),
    }
    groups = list(parsed.groups)
    found: list[tuple[int, float]] = []
    while groups:
        seen = {pk for pk, _ in found}
        ranked = rerank(_candidates(groups, options), parsed)
        batch = [(pk, s) for pk, s in ranked if pk not in seen]
        if found:
            # Partial matches (a query word dropped) rank below every fuller match.
            floor = min(s for _, s in found)
            batch = [(pk, min(s, floor) / 2) for pk, s in batch]
        found = (found + batch)[:limit]
        if len(found) >= limit or len(groups) == 1:
            break
        # Fill the page by dropping the least telling word (the most common one) and retrying.
        groups.remove(max(groups, key=lambda g: _frequency(g, vocab)))
    return _hits(found, parsed.terms)


def _frequency(group: Group, vocab: Vocabulary) -> int:
    return max(min(vocab.df.get(t, 0) for t in conj) for conj in group)


def _candidates(groups: list[Group], options: dict[str, Any]) -> list[tuple[int, float]]:
    """Articles matching every group: title matches first (cheap, and they rank first anyway),
    then the whole text when the titles alone do not give enough candidates."""
    wanted = options["limit"]
    found = _matches(groups, title_only=True, **options)
    if len(found) < wanted:
        seen = {pk for pk, _ in found}
        more = _matches(groups, title_only=False, **options)
        found += [(pk, s) for pk, s in more if pk not in seen]
    return found[:wanted]


def rerank(found: list[tuple[int, float]], parsed: ParsedQuery) -> list[tuple[int, float]]:
    """Order the database's candidates by how well each query word is met: the surest
    alternative found (title counts double), plus neighbouring query words found next to each
    other in the title (initials "sbzy" → 社保增员, not 三倍 … 争议), plus the database's rank."""
    if not found:
        return found
    ids = [pk for pk, _ in found]
    docs = {
        pk: (title.split(), body.split())
        for pk, title, body in fetch_rows(
            f"SELECT article_id, title, body FROM {SearchDoc._meta.db_table}"
            f" WHERE article_id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
    }
    top = max(score for _, score in found) or 1.0
    scored = []
    for pk, db_score in found:
        title, body = docs.get(pk, ([], []))
        in_title, in_body = set(title), set(body)
        total = 0.0
        chosen: list[Conj] = []
        for group in parsed.groups:
            best, best_conj = 0.0, ()
            for conj in group:
                if all(t in in_title for t in conj):
                    weight = 2.0
                elif all(t in in_title or t in in_body for t in conj):
                    weight = 1.0
                else:
                    continue
                value = parsed.prior.get(conj, 1.0) * weight
                if value > best:
                    best, best_conj = value, conj
            total += best
            chosen.append(best_conj)
        total += _adjacency(chosen, title)
        scored.append((pk, total + 0.5 * db_score / top))
    scored.sort(key=lambda item: -item[1])
    return scored


def _adjacency(chosen: list[Conj], sequence: list[str]) -> float:
    positions: dict[str, list[int]] = defaultdict(list)
    for index, term in enumerate(sequence):
        positions[term].append(index)
    bonus = 0.0
    for left, right in itertools.pairwise(chosen):
        if not left or not right:
            continue
        ends, starts = positions.get(left[-1], []), positions.get(right[0], [])
        if any(0 < b - a <= 3 for a in ends for b in starts):
            bonus += 0.5
    return bonus


def _hits(found: list[tuple[int, float]], terms: tuple[str, ...]) -> list[SearchHit]:
    if not found:
        return []
    ids = [pk for pk, _ in found]
    rows = fetch_rows(
        "SELECT a.id, a.title, a.body, c.name, c.module, p.name, p.module"
        f" FROM {Article._meta.db_table} a"
        f" LEFT JOIN {Category._meta.db_table} c ON c.id = a.category_id"
        f" LEFT JOIN {Category._meta.db_table} p ON p.id = c.parent_id"
        f" WHERE a.id IN ({', '.join(['%s'] * len(ids))})",
        ids,
    )
    by_id = {row[0]: row for row in rows}
    hits = []
    for pk, score in found:
        row = by_id.get(pk)
        if row is None:
            continue
        _pk, title, body, name, module, parent, parent_module = row
        category = f"{parent} / {name}" if parent else (name or "")
        module = module or parent_module or ""
        hits.append(
            SearchHit(
                article_id=pk,
                title=title,
                snippet=snippet(body, terms),
                category=category,
                module=BusinessModule(module).label if module else "",
                score=round(score, 6),
                terms=terms,
            )
        )
    return hits


def snippet(body: str, terms: Sequence[str], width: int = SNIPPET) -> str:
    """About ``width`` characters of ``body`` around the first matched term."""
    flat = " ".join(body.split())
    lower = flat.lower()
    positions = [p for p in (lower.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")
