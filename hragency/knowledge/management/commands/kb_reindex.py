"""``hragency kb-reindex``: rebuild the knowledge-base search index from the published
articles (after a restore, or a change of the segmentation's domain words)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hragency.knowledge.index import rebuild_index


class Command(BaseCommand):
    help = "重建知识库搜索索引（全部已发布文章）。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            count = rebuild_index()
        seconds = time.perf_counter() - started
        message = f"已重建索引：{count} 篇文章，用时 {seconds:.1f} 秒。"
        self.stdout.write(self.style.SUCCESS(message))
