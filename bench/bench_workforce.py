"""Benchmark of the hotline workforce calculations (pure domain, no database):

- Erlang C staffing for 96 fifteen-minute intervals × 2 channels (phone 95 %/15 s, chat 30 s);
- the weekday × slot forecast of a week from 8 weeks of 15-minute history (plus its backtest);
- the HiGHS shift optimiser for a week of 672 fifteen-minute intervals and of 336 thirty-minute
  ones, then the named assignment to 30 agents.

Prints times in ms; exits non-zero when the week's optimiser takes 10 s or more.

    python bench/bench_workforce.py
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hragency.domain import erlang, forecast, shifts  # noqa: E402

OPTIMISER_TARGET_S = 10.0
WEEKDAY = [1.25, 1.15, 1.05, 1.0, 0.95, 0.55, 0.45]


def shape(hour: float) -> float:
    return (
        0.06
        + math.exp(-(((hour - 10) / 1.6) ** 2))
        + 0.85 * math.exp(-(((hour - 15) / 1.8) ** 2))
        + 0.3 * math.exp(-(((hour - 20) / 1.5) ** 2))
    )


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> int:
    rng = random.Random(7)
    # 1. Erlang: 96 × 15-minute intervals × 2 channels.
    t = time.perf_counter()
    phone = chat = 0
    for i in range(96):
        calls = 60 * shape(i / 4)
        phone = max(
            phone,
            erlang.required_agents(
                calls=calls,
                interval_seconds=900,
                aht_seconds=240,
                target_service_level=0.95,
                target_seconds=15,
                shrinkage=0.3,
                max_occupancy=0.85,
                min_agents=2,
            ).scheduled,
        )
        chat = max(
            chat,
            erlang.required_agents(
                calls=30 * shape(i / 4),
                interval_seconds=900,
                aht_seconds=180,
                target_service_level=0.95,
                target_seconds=30,
                shrinkage=0.3,
                min_agents=1,
            ).scheduled,
        )
    print(f"Erlang C 96 个时段 × 2 渠道: {ms(t):.1f} ms（峰值应排 电话 {phone}，在线 {chat}）")

    # 2. Forecast: 8 weeks of 15-minute history → next week; backtest on 2 held-out weeks.
    start = dt.date(2026, 10, 12)
    history = {}
    for d in range(56):
        day = start + dt.timedelta(days=d)
        history[day] = [
            max(0.0, rng.gauss(m, math.sqrt(m) + 0.3))
            for m in (40 * WEEKDAY[day.weekday()] * shape(s / 4) for s in range(96))
        ]
    targets = [start + dt.timedelta(days=56 + i) for i in range(7)]
    t = time.perf_counter()
    forecast.forecast(history, targets, 96)
    f_ms = ms(t)
    t = time.perf_counter()
    acc = forecast.backtest(history, 96, holdout_weeks=2)
    print(
        f"预测 8 周 15 分钟历史 → 7 天: {f_ms:.1f} ms；回测 {ms(t):.1f} ms "
        f"（WAPE {acc.wape * 100:.1f}%，上周同期法 {acc.naive_wape * 100:.1f}%）"
    )

    # 3. Optimiser for a week, 15- and 30-minute grids; then names for 30 agents.
    templates = [
        shifts.Template("早班", 7 * 60, 540, 60),
        shifts.Template("白班", 9 * 60, 540, 60),
        shifts.Template("中班", 12 * 60, 540, 60),
        shifts.Template("晚班", 15 * 60, 540, 60),
        shifts.Template("夜班", 23 * 60, 480, 0),
        shifts.Template("早半班", 8 * 60, 240, 0),
        shifts.Template("午高峰", 14 * 60, 240, 0),
    ]
    worst = 0.0
    for interval in (15, 30):
        per_day = 1440 // interval
        required = [
            max(2, round(12 * WEEKDAY[(i // per_day)] * shape((i % per_day) * interval / 60)))
            for i in range(7 * per_day)
        ]
        t = time.perf_counter()
        plan = shifts.optimise(required, templates, interval=interval)
        seconds = time.perf_counter() - t
        worst = max(worst, seconds)
        t = time.perf_counter()
        agents = [shifts.Agent(i) for i in range(30)]
        named = shifts.assign(shifts.slots_of(plan.counts, templates), agents)
        unfilled = sum(1 for a in named if a.agent_id is None)
        print(
            f"排班优化 一周 {len(required)} 个 {interval} 分钟时段: {seconds * 1000:.1f} ms "
            f"（{sum(plan.counts.values())} 个班次，计薪 {plan.paid_minutes / 60:.0f} 小时，"
            f"缺口 {max(plan.shortfall)}）；分配 30 人: {ms(t):.1f} ms（待补 {unfilled}）"
        )
    ok = worst < OPTIMISER_TARGET_S
    print(f"目标：一周排班优化 < {OPTIMISER_TARGET_S:.0f} s —— {'达标' if ok else '未达标'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
