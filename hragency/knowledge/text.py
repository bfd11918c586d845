"""Chinese text for the knowledge base: segmentation (jieba, one tokenizer per process, loaded
at first use with the domain words), pinyin of terms (pypinyin) and the stop words."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba
from pypinyin import Style, lazy_pinyin

# Words the general dictionary lacks or splits badly; kept whole so that both the word and,
# in search mode, its parts are indexed.
DOMAIN_WORDS = [
    "增员",
    "减员",
    "社保",
    "公积金",
    "住房公积金",
    "缴费基数",
    "社保基数",
    "缴存基数",
    "五险一金",
    "五险",
    "工伤认定",
    "生育津贴",
    "失业金",
    "个税",
    "专项附加扣除",
    "劳务派遣",
    "人事代理",
    "异地转移",
    "转移接续",
    "参保",
    "停保",
    "补缴",
    "退费",
    "社保卡",
    "医保卡",
    "灵活就业",
    "退工",
    "用工",
    "试用期",
    "经济补偿金",
    "劳动仲裁",
    "工资条",
    "费用明细表",
    "代缴",
    "申领",
    "增减员",
]

# Question words and particles: they say nothing about which article is meant.
_STOP = """
的 了 吗 呢 吧 啊 是 在 和 与 及 或 都 也 就 还 要 想 请 请问 您 你 我 我们 他 她 它 这 那
这个 那个 怎么 怎么办 怎样 怎么样 如何 什么 哪些 哪个 哪里 为什么 是否 能否 能不能
可不可以 可以 能 会 有 没有 多少 多久 几 一下 一些 有关 关于 问题 需要 应该 如果 一个
有没有 么
"""
STOP_WORDS = frozenset(_STOP.split())

_TOKEN = re.compile(r"^[\w\u3400-\u9fff]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PINYIN_QUERY = re.compile(r"^[a-z\s']+$")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_added: set[str] = set()


def tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer (its own instance, so other apps' words do not mix)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                for word in DOMAIN_WORDS:
                    instance.add_word(word, freq=50000)
                _added.update(DOMAIN_WORDS)
                _tokenizer = instance
    return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer more whole words (synonyms); cheap when already known."""
    new = [w for w in words if w not in _added and _CJK.search(w) and len(w) > 1]
    if not new:
        return
    instance = tokenizer()
    with _lock:
        for word in new:
            instance.add_word(word, freq=20000)
            _added.add(word)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _keep(token: str) -> bool:
    return bool(_TOKEN.match(token)) and token not in STOP_WORDS and token != "_"


def index_terms(text: str) -> list[str]:
    """Search-mode segmentation (words and their dictionary sub-words), for the index."""
    return [t for t in tokenizer().cut_for_search(normalize(text)) if _keep(t.strip())]


def query_tokens(text: str) -> list[str]:
    """Precise segmentation of a query, stop words and punctuation removed. Runs of single
    characters are joined (年/金 → 年金, 社/抱 → 社抱): jieba splits words it does not know,
    and such a run is usually one word, or a typo of one."""
    tokens: list[str] = []
    run = ""
    for token in tokenizer().cut(normalize(text)):
        token = token.strip()
        if len(token) == 1 and _CJK.match(token) and token not in STOP_WORDS:
            run += token
            continue
        if run:
            tokens.append(run)
            run = ""
        if _keep(token):
            tokens.append(token)
    if run:
        tokens.append(run)
    return tokens


def sub_words(token: str) -> list[str]:
    """The dictionary words of at least two characters inside ``token`` (search mode)."""
    return [w for w in tokenizer().cut_for_search(token) if w != token and len(w) > 1]


def is_cjk(token: str) -> bool:
    return bool(_CJK.search(token))


def looks_like_pinyin(token: str) -> bool:
    return bool(_PINYIN_QUERY.match(token))


def pinyin_of(term: str) -> tuple[str, str]:
    """(full pinyin without tones, initials) of a Chinese term; ("", "") for other terms."""
    if not _CJK.search(term) or not _TOKEN.match(term):
        return "", ""
    syllables = lazy_pinyin(term, style=Style.NORMAL, errors="ignore")
    initials = lazy_pinyin(term, style=Style.FIRST_LETTER, errors="ignore")
    full = "".join(syllables).lower()
    if not full.isascii():
        return "", ""
    return full, "".join(initials).lower()
