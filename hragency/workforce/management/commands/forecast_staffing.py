"""``hragency forecast-staffing --channel phone --from 2026-12-07 --days 7``: forecast the
channel's volume, compute agents per 30-minute slot (stored), and print the table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hragency.core import values
from hragency.core.errors import ServiceError
from hragency.workforce.models import Channel
from hragency.workforce.staffing import forecast_staffing


class Command(BaseCommand):
    help = "预测话务量并按服务水平计算每 30 分钟所需坐席"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--channel", default="phone", choices=Channel.values)
        parser.add_argument("--from", dest="start", required=True, help="开始日期，如 2026-12-07")
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = values.date(options["start"])
        except values.InvalidValue as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = forecast_staffing(
                actor=None, channel=options["channel"], start=start, days=options["days"]
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        label = Channel(result.channel).label
        self.stdout.write(
            f"{label} {result.start} 起 {result.days} 天；AHT {result.aht_seconds} 秒；"
            f"历史 {result.history_days} 天"
            + (
                f"；回测 WAPE {result.wape * 100:.1f}%（上周同期法 {result.naive_wape * 100:.1f}%）"
                if result.wape is not None and result.naive_wape is not None
                else ""
            )
        )
        self.stdout.write("日期        时段   预测量  在线坐席  应排人数  服务水平")
        for r in result.rows:
            local = timezone.localtime(r.interval_start)
            self.stdout.write(
                f"{local:%Y-%m-%d  %H:%M}  {r.forecast_volume:>6}  {r.agents:>8}  "
                f"{r.scheduled:>8}  {r.service_level:>7}%"
            )
        peak = max(result.rows, key=lambda r: r.scheduled)
        when = timezone.localtime(peak.interval_start)
        self.stdout.write(f"峰值：{when:%Y-%m-%d %H:%M} 应排 {peak.scheduled} 人")
