"""``hragency load-policies [FILE]``: add the missing rows of a policy file (the seed layout,
.csv) to the library. Existing (city, item, month) rows are never overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.insurance.policies import SEED_FILE, load_policies, read_seed_file


class Command(BaseCommand):
    help = "把政策文件（默认为内置的 10 城市种子数据）中缺少的行加入社保公积金政策库"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SEED_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_seed_file(Path(options["file"]))
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        added = load_policies(rows)
        self.stdout.write(f"政策库：新增 {added} 条，已有的 {len(rows) - added} 条保持不变")
