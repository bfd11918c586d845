"""Shift planning for a 24-hour hotline (R-WFM-1): template counts by a MIP, then names.

**Coverage.** The horizon is ``days`` days of ``interval`` minutes each, treated as cyclic (the
week repeats: Sunday's night shift covers Monday morning). A shift of a template that starts on
day ``d`` covers the intervals from its start for ``length`` minutes except its unpaid break
(at ``break_offset`` minutes after the start; by default the middle of the shift, on an
interval boundary). Every time must be a multiple of the interval.

**Optimiser** (``optimise``): integer ``x[d, j]`` = agents starting template ``j`` on day ``d``;
minimise paid minutes ``Σ x·(length − break)`` subject to coverage ``≥ required`` in every
interval. Solved exactly by HiGHS (branch and bound); a week of 30-minute intervals with a
handful of templates takes milliseconds.

**Names** (``assign``): slots in order of start time, each to the eligible agent with the fewest
shifts so far (then fewest paid minutes, then fewest night shifts for a night slot, then id):
eligible = not over ``max_shifts``, at least ``rest_minutes`` (11 h) after their previous
shift's end (the previous week's last shift counts), no other shift that calendar day. Slots
nobody can take stay unfilled and are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

MINUTES_PER_DAY = 24 * 60
DEFAULT_REST_MINUTES = 11 * 60
NIGHT_START, NIGHT_END = 22 * 60, 6 * 60


class ShiftError(ValueError):
    """The plan cannot be built as asked (reason in Chinese)."""


@dataclass(frozen=True)
class Template:
    name: str
    start_minute: int  # from midnight
    length_minutes: int
    break_minutes: int = 0
    break_offset_minutes: int | None = None  # from the shift start; None = middle

    @property
    def paid_minutes(self) -> int:
        return self.length_minutes - self.break_minutes

    def break_offset(self, interval: int) -> int:
        if self.break_offset_minutes is not None:
            return self.break_offset_minutes
        middle = (self.length_minutes - self.break_minutes) // 2
        return middle - middle % interval

    def covered_offsets(self, interval: int) -> list[int]:
        """Interval offsets (from the start interval) this shift covers."""
        steps = self.length_minutes // interval
        if self.break_minutes == 0:
            return list(range(steps))
        first = self.break_offset(interval) // interval
        skip = set(range(first, first + self.break_minutes // interval))
        return [k for k in range(steps) if k not in skip]


@dataclass(frozen=True)
class Plan:
    counts: dict[tuple[int, int], int]  # (day, template index) -> agents starting
    paid_minutes: int
    coverage: list[int]
    required: list[int]

    @property
    def shortfall(self) -> list[int]:
        return [max(0, r - c) for r, c in zip(self.required, self.coverage, strict=True)]


def validate_templates(templates: Sequence[Template], interval: int) -> None:
    if interval <= 0 or MINUTES_PER_DAY % interval:
        raise ShiftError("时段长度须能整除 24 小时（如 15 或 30 分钟）")
    if not templates:
        raise ShiftError("没有启用的班次模板")
    for t in templates:
        where = f"班次「{t.name}」"
        if not 0 <= t.start_minute < MINUTES_PER_DAY:
            raise ShiftError(f"{where}的开始时间无效")
        if t.length_minutes <= 0 or t.length_minutes > 16 * 60:
            raise ShiftError(f"{where}的时长须在 0～16 小时之间")
        if not 0 <= t.break_minutes < t.length_minutes:
            raise ShiftError(f"{where}的休息时长须小于班次时长")
        for label, value in (
            ("开始时间", t.start_minute),
            ("时长", t.length_minutes),
            ("休息时长", t.break_minutes),
            ("休息开始", t.break_offset(interval)),
        ):
            if value % interval:
                raise ShiftError(f"{where}的{label}须为 {interval} 分钟的整数倍")
        if t.break_offset(interval) + t.break_minutes > t.length_minutes:
            raise ShiftError(f"{where}的休息超出了班次")


def coverage_of(
    counts: dict[tuple[int, int], int], templates: Sequence[Template], days: int, interval: int
) -> list[int]:
    per_day = MINUTES_PER_DAY // interval
    total = days * per_day
    cover = [0] * total
    for (day, j), n in counts.items():
        if n <= 0:
            continue
        t = templates[j]
        start = day * per_day + t.start_minute // interval
        for k in t.covered_offsets(interval):
            cover[(start + k) % total] += n
    return cover


def optimise(
    required: Sequence[int],
    templates: Sequence[Template],
    *,
    interval: int,
    time_limit: float = 30.0,
) -> Plan:
    """Minimum paid minutes covering ``required`` (one value per interval, whole days)."""
    validate_templates(templates, interval)
    per_day = MINUTES_PER_DAY // interval
    if not required or len(required) % per_day:
        raise ShiftError(f"需求时段数 {len(required)} 不是整天（每天 {per_day} 个时段）")
    if any(r < 0 for r in required):
        raise ShiftError("需求人数不能为负数")
    days = len(required) // per_day
    total = len(required)
    columns: list[tuple[int, int]] = [(d, j) for d in range(days) for j in range(len(templates))]
    # Rows: intervals; entries: which columns cover them.
    rows: list[list[int]] = [[] for _ in range(total)]
    for col, (day, j) in enumerate(columns):
        t = templates[j]
        start = day * per_day + t.start_minute // interval
        for k in t.covered_offsets(interval):
            rows[(start + k) % total].append(col)
    for i, r in enumerate(required):
        if r > 0 and not rows[i]:
            raise ShiftError(
                f"第 {i // per_day + 1} 天 {(i % per_day) * interval // 60:02d}:"
                f"{(i % per_day) * interval % 60:02d} 需要 {r} 人，但没有班次覆盖该时段"
            )
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    n = len(columns)
    upper = float(max(required) if required else 0)
    h.addVars(n, np.zeros(n), np.full(n, max(upper, 0.0)))
    idx = np.arange(n, dtype=np.int32)
    costs = np.array([float(templates[j].paid_minutes) for _, j in columns])
    h.changeColsCost(n, idx, costs)
    h.changeColsIntegrality(n, idx, np.array([highspy.HighsVarType.kInteger] * n))
    active = [i for i in range(total) if required[i] > 0]
    starts: list[int] = []
    indices: list[int] = []
    for i in active:
        starts.append(len(indices))
        indices.extend(rows[i])
    if active:
        h.addRows(
            len(active),
            np.array([float(required[i]) for i in active]),
            np.full(len(active), highspy.kHighsInf),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.ones(len(indices)),
        )
    h.setMinimize()  # type: ignore[no-untyped-call]
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise ShiftError(f"排班优化未找到最优解（{h.modelStatusToString(status)}）")
    values = h.getSolution().col_value
    rounded = [round(v) for v in values]
    counts = {columns[c]: x for c, x in enumerate(rounded) if x > 0}
    paid = sum(templates[j].paid_minutes * x for (_, j), x in counts.items())
    return Plan(counts, paid, coverage_of(counts, templates, days, interval), list(required))


@dataclass(frozen=True)
class Slot:
    day: int
    template: int
    start: int  # minutes from the horizon start
    end: int
    paid_minutes: int
    night: bool


@dataclass
class Agent:
    id: int
    max_shifts: int = 5
    last_end: int | None = None  # minutes from the horizon start (negative: previous week)
    shifts: int = 0
    paid_minutes: int = 0
    nights: int = 0
    days: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Assignment:
    slot: Slot
    agent_id: int | None


def slots_of(counts: dict[tuple[int, int], int], templates: Sequence[Template]) -> list[Slot]:
    slots: list[Slot] = []
    for (day, j), n in sorted(counts.items()):
        t = templates[j]
        start = day * MINUTES_PER_DAY + t.start_minute
        night = t.start_minute >= 20 * 60 or t.start_minute < NIGHT_END
        for _ in range(n):
            slots.append(Slot(day, j, start, start + t.length_minutes, t.paid_minutes, night))
    slots.sort(key=lambda s: (s.start, s.template))
    return slots


def assign(
    slots: Sequence[Slot], agents: Sequence[Agent], *, rest_minutes: int = DEFAULT_REST_MINUTES
) -> list[Assignment]:
    """Named agents for the slots, fairly, respecting rest and the weekly maximum."""
    result: list[Assignment] = []
    pool = list(agents)
    for slot in slots:
        eligible = [
            a
            for a in pool
            if a.shifts < a.max_shifts
            and slot.day not in a.days
            and (a.last_end is None or slot.start - a.last_end >= rest_minutes)
        ]
        if not eligible:
            result.append(Assignment(slot, None))
            continue
        best = min(
            eligible,
            key=lambda a: (a.shifts, a.paid_minutes, a.nights if slot.night else 0, a.id),
        )
        best.shifts += 1
        best.paid_minutes += slot.paid_minutes
        best.nights += 1 if slot.night else 0
        best.days.add(slot.day)
        best.last_end = slot.end
        result.append(Assignment(slot, best.id))
    return result
