"""Benchmark of the knowledge-base search (R-KB-1): 10,000 articles, ≥ 500 varied queries.

Target (the issue): p95 of one search ≤ 20 ms on this machine, on SQLite and on PostgreSQL.

For each database (``--backend sqlite|postgres|both``, default both; PostgreSQL is skipped with a
message when not reachable) a child process:

1. creates its own database (SQLite: a file in a temporary directory; PostgreSQL: ``bench_kb``
   on the server of ``DATABASE_URL``, else 127.0.0.1:5432) and migrates it;
2. writes 10,000 published articles of realistic Chinese text built from a vocabulary of
   HR/social-insurance phrases (seeded, so every run has the same data) and builds the index
   with ``index.rebuild_index`` (timed, not a target);
3. runs the queries — plain words, natural questions, synonyms, typos (homophones), full
   pinyin with and without spaces, initials — through ``queries.search`` as a staff user
   (``log=False``: the search itself, without the log insert), after one warm-up query that
   loads jieba and the vocabulary (reported separately);
4. prints p50 / p95 / max overall and per kind of query, and the share of queries with hits.

Exits 1 when p95 exceeds the target.

    python bench/bench_kb_search.py [--articles N] [--queries N] [--backend both] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_si  # noqa: E402

TARGET_P95_MS = 20.0
ARTICLES = 10_000
QUERIES = 600
DATABASE = os.environ.get("BENCH_KB_DB", "bench_kb")
SEED = 2026

CITIES = ["上海", "北京", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "合肥"]
SUBJECTS = [
    "社保",
    "社会保险",
    "公积金",
    "住房公积金",
    "医保",
    "养老保险",
    "失业保险",
    "工伤保险",
    "生育保险",
    "个税",
    "工资",
    "劳动合同",
    "试用期",
    "社保卡",
    "缴费基数",
    "生育津贴",
    "失业金",
    "经济补偿金",
    "派遣员工",
    "档案",
    "费用明细表",
    "发票",
    "专项附加扣除",
    "工资条",
    "退工单",
    "离职证明",
    "居住证",
    "灵活就业",
]
ACTIONS = [
    "增员",
    "减员",
    "转移",
    "提取",
    "申领",
    "办理",
    "查询",
    "调整",
    "认定",
    "报销",
    "变更",
    "补办",
    "续签",
    "解除",
    "申报",
    "备案",
    "补缴",
    "退费",
    "缴纳",
    "核定",
]
QUALIFIERS = ["流程", "材料", "条件", "时限", "标准", "规定", "注意事项", "常见问题", "费用"]
SENTENCES = [
    "{s}{a}需要在每月5日前提交，逾期顺延至次月办理。",
    "请员工准备身份证复印件、劳动合同和银行卡信息，{s}{a}由客服专员统一受理。",
    "{c}的{s}{a}可以通过政务服务App线上办理，一般3至5个工作日完成。",
    "{s}{q}以参保地最新政策为准，如有变化我们会及时通知贵司HR。",
    "办理{s}{a}时，需核对员工的参保城市和缴费基数，避免重复参保。",
    "企业HR可以在平台查看{s}{a}的进度，办理完成后系统会发送通知。",
    "{s}{a}涉及的费用将计入当月《费用明细表》，请在10日前确认。",
    "如{s}{a}被退回，请根据退回原因补充材料后重新提交。",
    "{c}{s}的缴费比例和基数上下限每年7月调整一次。",
    "员工离职后，{s}需在当月办理减员并出具离职证明。",
]
SYNONYM_QUERIES = ["五险一金", "社会保险增员", "住房公积金提取", "医疗保险报销", "个人所得税申报"]
HOMOPHONES = {"社保": "社报", "公积金": "公积经", "医保": "医宝", "增员": "增圆", "提取": "题取"}


def article_text(rng: random.Random) -> tuple[str, str, str, str]:
    city, subject = rng.choice(CITIES), rng.choice(SUBJECTS)
    action, qualifier = rng.choice(ACTIONS), rng.choice(QUALIFIERS)
    title = (
        f"{city}{subject}{action}{qualifier}"
        if rng.random() < 0.6
        else (f"{subject}{action}的{qualifier}")
    )
    questions = "\n".join(f"{rng.choice(SUBJECTS)}{action}怎么办" for _ in range(rng.randint(1, 3)))
    sentences = []
    for _ in range(rng.randint(4, 9)):
        template = rng.choice(SENTENCES)
        sentences.append(
            template.format(
                s=rng.choice([subject, subject, rng.choice(SUBJECTS)]),
                a=rng.choice([action, action, rng.choice(ACTIONS)]),
                c=city,
                q=qualifier,
            )
        )
    keywords = f"{subject} {action} {qualifier}"
    return title, questions, keywords, "".join(sentences)


def make_queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    from pypinyin import Style, lazy_pinyin

    made: list[tuple[str, str]] = []
    kinds = ["plain", "question", "synonym", "typo", "pinyin", "pinyin_spaced", "initials"]
    while len(made) < count:
        kind = kinds[len(made) % len(kinds)]
        subject, action = rng.choice(SUBJECTS[:16]), rng.choice(ACTIONS)
        if kind == "plain":
            text = f"{subject}{action}"
        elif kind == "question":
            text = f"{rng.choice(CITIES)}{subject}{action}需要什么{rng.choice(QUALIFIERS)}"
        elif kind == "synonym":
            text = rng.choice(SYNONYM_QUERIES)
        elif kind == "typo":
            word = rng.choice(list(HOMOPHONES))
            text = (
                f"{HOMOPHONES[word]}{action}" if rng.random() < 0.5 else f"社保{HOMOPHONES['增员']}"
            )
        elif kind == "pinyin":
            text = "".join(lazy_pinyin(f"{subject}{action}"))
        elif kind == "pinyin_spaced":
            text = f"{''.join(lazy_pinyin(subject))} {''.join(lazy_pinyin(action))}"
        else:
            text = "".join(lazy_pinyin(f"{subject}{action}", style=Style.FIRST_LETTER))
        made.append((kind, text))
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def work(backend: str, url: str, articles: int, queries: int) -> dict[str, Any]:
    """In the child process: set up, generate, index, measure; returns the figures."""
    with tempfile.TemporaryDirectory(prefix="hragency-bench-kb-") as tmp:
        if backend == "sqlite":
            url = f"sqlite:///{tmp}/bench_kb.sqlite3"
        generate_si.setup_django(url, Path(tmp))
        from django.db import transaction

        from hragency.accounts.models import User
        from hragency.knowledge import index as kb_index
        from hragency.knowledge import queries as kb
        from hragency.knowledge.demo import seed_categories
        from hragency.knowledge.models import Article, Audience

        rng = random.Random(SEED)
        author = User.objects.create(username="bench_author", is_superuser=True)
        leaves = [c for c in seed_categories().values()]
        started = time.perf_counter()
        with transaction.atomic():
            rows = []
            for index in range(articles):
                title, questions, keywords, body = article_text(rng)
                rows.append(
                    Article(
                        title=title,
                        questions=questions,
                        keywords=keywords,
                        body=body,
                        guide="",
                        category=leaves[index % len(leaves)],
                        audience=Audience.CLIENT if index % 3 else Audience.INTERNAL,
                        status=Article.Status.PUBLISHED,
                        author=author,
                        version=1,
                    )
                )
            Article.objects.bulk_create(rows, batch_size=2000)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():
            indexed = kb_index.rebuild_index()
        if backend == "postgres":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        index_s = time.perf_counter() - started
        terms = len(kb_index.vocabulary().df)

        started = time.perf_counter()
        kb.search("社保增员材料", user=author, log=False)
        warm_ms = (time.perf_counter() - started) * 1000
        timings: dict[str, list[float]] = {}
        hits = 0
        plan = make_queries(random.Random(SEED + 1), queries)
        for kind, text in plan:
            started = time.perf_counter()
            found = kb.search(text, user=author, limit=10, log=False)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            hits += bool(found)
        if os.environ.get("BENCH_KB_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _kind, text in plan[:100]:
                kb.search(text, user=author, limit=10, log=False)
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        every = [t for values in timings.values() for t in values]
        return {
            "backend": backend,
            "articles": indexed,
            "terms": terms,
            "generate_s": round(generated, 1),
            "index_s": round(index_s, 1),
            "warm_ms": round(warm_ms, 1),
            "queries": len(every),
            "with_hits": hits,
            "p50": percentile(every, 0.5),
            "p95": percentile(every, 0.95),
            "max": max(every),
            "by_kind": {
                kind: (percentile(v, 0.5), percentile(v, 0.95), max(v))
                for kind, v in timings.items()
            },
            "rss_mib": round(generate_si.peak_mib()),
        }


def fresh_postgres(name: str) -> str:
    import psycopg

    admin = generate_si.libpq(generate_si.database_url("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return generate_si.database_url(name)


def drop_postgres(name: str) -> None:
    import psycopg

    admin = generate_si.libpq(generate_si.database_url("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(figures: dict[str, Any]) -> bool:
    ok = figures["p95"] <= TARGET_P95_MS
    print(
        f"[{figures['backend']}] {figures['articles']:,} articles, {figures['terms']:,} indexed "
        f"terms; generated in {figures['generate_s']} s, indexed in {figures['index_s']} s; "
        f"first query (loads jieba + vocabulary) {figures['warm_ms']} ms; peak RSS "
        f"{figures['rss_mib']} MiB"
    )
    print(
        f"[{figures['backend']}] {figures['queries']} queries ({figures['with_hits']} with hits): "
        f"p50 {figures['p50']:.2f} ms, p95 {figures['p95']:.2f} ms, max {figures['max']:.2f} ms "
        f"(target p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if ok else 'MISSED'})"
    )
    for kind, (p50, p95, top) in figures["by_kind"].items():
        print(f"    {kind:<14} p50 {p50:6.2f}  p95 {p95:6.2f}  max {top:6.2f} ms")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        figures = work(args.worker, args.url or "", args.articles, args.queries)
        print("FIGURES " + json.dumps(figures))
        return 0

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    ok = True
    for backend in backends:
        url = ""
        if backend == "postgres":
            if not generate_si.reachable():
                print(
                    f"bench_kb_search: PostgreSQL not reachable at {generate_si.where()}: skipped"
                )
                continue
            url = fresh_postgres(args.database)
        command = [
            sys.executable,
            __file__,
            f"--worker={backend}",
            f"--url={url}",
            f"--articles={args.articles}",
            f"--queries={args.queries}",
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        finally:
            if backend == "postgres" and not args.keep:
                drop_postgres(args.database)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("FIGURES ")]
        if done.returncode != 0 or not lines:
            print(done.stdout + done.stderr)
            print(f"bench_kb_search: the {backend} run failed")
            ok = False
            continue
        ok = report(json.loads(lines[-1][len("FIGURES ") :])) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
