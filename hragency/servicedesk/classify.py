"""Classification suggestion (R-DESK-2) from keywords and the knowledge base.

Each `ClassificationKeyword` found in the text adds its weight to its module, nature and
urgency; the top knowledge-base hits add 1 to their category's module. The highest score wins
per dimension; without any hit the defaults are 薪酬社保 / 信息咨询 / 普通. The rep sees the
reasons and may override every field.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hragency.core.business import BusinessModule
from hragency.servicedesk.models import ClassificationKeyword, Nature, Urgency

URGENCY_RANK = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.CRITICAL: 2}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    module: str
    nature: str
    urgency: str
    reasons: tuple[str, ...] = ()


def _kb_modules(text: str, user: Any) -> list[tuple[str, str]]:
    """(module, article title) of the top knowledge-base hits: those the user may read, or any
    published article at intake without a user (a gateway message, an e-mail)."""
    from hragency.knowledge.queries import classification_hints
    from hragency.knowledge.queries import suggest as kb_suggest

    try:
        hits = (
            kb_suggest(text, user=user, limit=3)
            if user is not None
            else classification_hints(text, limit=3)
        )
    except Exception:  # the KB is an aid: a failure there must not stop an intake
        logger.exception("知识库分类建议失败")
        return []
    # A hit names its category's module by its label (what the search page shows).
    codes = {label: code for code, label in BusinessModule.choices}
    found = []
    for hit in hits:
        module = codes.get(hit.module, hit.module)
        if module in BusinessModule.values:
            found.append((module, hit.title))
    return found


def _best(scores: dict[str, int], default: str) -> str:
    if not scores:
        return default
    return max(scores.items(), key=lambda kv: (kv[1], -list(scores).index(kv[0])))[0]


def suggest(text: str, user: Any = None) -> Suggestion:
    text = text or ""
    modules: dict[str, int] = defaultdict(int)
    natures: dict[str, int] = defaultdict(int)
    urgency = Urgency.NORMAL
    reasons: list[str] = []
    for kw in ClassificationKeyword.objects.order_by("-weight", "word"):
        if not kw.word or kw.word not in text:
            continue
        parts = []
        if kw.module:
            modules[kw.module] += kw.weight
            parts.append(BusinessModule(kw.module).label)
        if kw.nature:
            natures[kw.nature] += kw.weight
            parts.append(Nature(kw.nature).label)
        if kw.urgency and URGENCY_RANK[Urgency(kw.urgency)] > URGENCY_RANK[Urgency(urgency)]:
            urgency = Urgency(kw.urgency)
        if kw.urgency:
            parts.append(Urgency(kw.urgency).label)
        reasons.append(f"关键词「{kw.word}」→ {'、'.join(parts)}")
    for module, title in _kb_modules(text, user):
        modules[module] += 1
        reasons.append(f"知识库「{title}」→ {BusinessModule(module).label}")
    nature = _best(natures, Nature.INQUIRY)
    if nature == Nature.EMERGENCY and urgency == Urgency.NORMAL:
        urgency = Urgency.URGENT
        reasons.append("紧急事件 → 至少为紧急")
    if not reasons:
        reasons.append("未识别到关键词，按默认分类，请人工确认")
    return Suggestion(
        module=_best(modules, BusinessModule.PAYROLL_SI),
        nature=nature,
        urgency=urgency,
        reasons=tuple(reasons),
    )
