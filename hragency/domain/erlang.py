"""Erlang C: how many agents an interval needs for a service level (R-WFM-1).

Traffic intensity ``A = calls × AHT / interval`` (Erlangs). With ``N`` agents:

- Erlang B by the recursion ``B(0) = 1``, ``B(k) = A·B(k−1) / (k + A·B(k−1))``: stable for ``A``
  in the thousands (no factorials, no powers);
- probability of waiting ``C = N·B / (N − A·(1 − B))`` (1 when ``N ≤ A``: the queue grows);
- service level ``P(wait ≤ t) = 1 − C·e^(−(N−A)·t/AHT)``;
- average speed of answer ``ASA = C·AHT / (N − A)``; occupancy ``A / N``.

``required_agents`` walks ``N`` upwards from ``⌊A⌋ + 1`` advancing Erlang B by one step per
``N`` (one pass, O(N)), and stops at the first ``N`` that meets the service level and the
occupancy cap. Scheduled agents add shrinkage: ``⌈N / (1 − shrinkage)⌉``. Floats are fine here
(these are not money); results are rounded for display by the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

# Beyond this the answer is not a staffing question any more (and the walk would be long).
MAX_ERLANGS = 20_000.0


class ErlangError(ValueError):
    """An input the calculation cannot take, with the reason in Chinese."""


@dataclass(frozen=True)
class Staffing:
    traffic: float  # Erlangs
    agents: int  # raw agents on the phones (no shrinkage)
    scheduled: int  # agents to schedule (with shrinkage)
    service_level: float  # 0..1
    occupancy: float  # 0..1
    asa_seconds: float
    probability_wait: float


def traffic_intensity(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    if interval_seconds <= 0:
        raise ErlangError("时段长度必须大于 0")
    if aht_seconds <= 0:
        raise ErlangError("平均处理时长必须大于 0 秒")
    if calls < 0:
        raise ErlangError("呼入量不能为负数")
    return calls * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of ``agents`` servers offered ``traffic`` Erlangs."""
    if agents < 0 or traffic < 0:
        raise ErlangError("坐席数和话务量不能为负数")
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def _c_from_b(agents: int, traffic: float, b: float) -> float:
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits (is not answered at once)."""
    return _c_from_b(agents, traffic, erlang_b(agents, traffic))


def _sl_from_c(c: float, agents: int, traffic: float, aht: float, target_seconds: float) -> float:
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return max(0.0, 1.0 - c * math.exp(-(agents - traffic) * target_seconds / aht))


def service_level(agents: int, traffic: float, aht_seconds: float, target_seconds: float) -> float:
    """Share of contacts answered within ``target_seconds``."""
    return _sl_from_c(erlang_c(agents, traffic), agents, traffic, aht_seconds, target_seconds)


def asa(agents: int, traffic: float, aht_seconds: float) -> float:
    """Average speed of answer in seconds (infinite when ``agents ≤ traffic``)."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    if agents <= 0:
        return 0.0
    return min(1.0, traffic / agents)


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are on the phones: ⌈N / (1 − shrinkage)⌉.

    Exact arithmetic (``Fraction`` of the decimal text) so 14 / 0.7 is 20, not 20.000…04."""
    if not 0 <= shrinkage < 1:
        raise ErlangError("缺勤/休息占比（shrinkage）须在 0%～100% 之间（不含 100%）")
    exact = Fraction(agents) / (1 - Fraction(str(shrinkage)))
    return math.ceil(exact)


def required_agents(
    *,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_service_level: float,
    target_seconds: float,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
    min_agents: int = 0,
) -> Staffing:
    """The smallest ``N`` (≥ ``min_agents``) with service level ≥ target and occupancy ≤ cap."""
    traffic = traffic_intensity(calls, interval_seconds, aht_seconds)
    if not 0 < target_service_level < 1:
        raise ErlangError("目标服务水平须大于 0% 且小于 100%")
    if target_seconds < 0:
        raise ErlangError("目标应答秒数不能为负数")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ErlangError("最高占用率须大于 0% 且不超过 100%")
    if traffic > MAX_ERLANGS:
        raise ErlangError(f"话务量 {traffic:.0f} 爱尔兰过大（上限 {MAX_ERLANGS:.0f}），请检查输入")
    with_shrinkage(0, shrinkage)  # validates shrinkage before the walk
    if traffic == 0:
        n = max(0, min_agents)
        return Staffing(0.0, n, with_shrinkage(n, shrinkage), 1.0, 0.0, 0.0, 0.0)
    # Walk N upwards from ⌊A⌋ + 1 (fewer agents can never keep up), one Erlang B step per N.
    n = math.floor(traffic) + 1
    b = erlang_b(n, traffic)
    while True:
        c = _c_from_b(n, traffic, b)
        sl = _sl_from_c(c, n, traffic, aht_seconds, target_seconds)
        occ = traffic / n
        if (
            n >= min_agents
            and sl >= target_service_level
            and (max_occupancy is None or occ <= max_occupancy)
        ):
            return Staffing(
                traffic=traffic,
                agents=n,
                scheduled=with_shrinkage(n, shrinkage),
                service_level=sl,
                occupancy=occ,
                asa_seconds=c * aht_seconds / (n - traffic),
                probability_wait=c,
            )
        n += 1
        b = traffic * b / (n + traffic * b)
