"""Agent assessment and staffing ratios (R-WFM-2, R-WFM-3): pure calculations, no Django.

**The monthly rating.** Six dimensions, each a score 0–100: service quality (质检), skills
(业务技能), discipline (工作纪律), customer satisfaction (客户满意度), utilisation (工时利用率) and
exams (考试成绩). A ``Scheme`` gives each a weight in whole or decimal per cent (the weights must
add up to exactly 100), grade bands (the lowest total of each grade; the lowest band starts at 0)
and a performance coefficient per grade. The total is Σ score × weight ÷ 100, computed exactly in
``Decimal`` and rounded **half-up to two places** (``TOTAL_PLACES``); the grade is read from the
rounded total, so what the sheet shows is what decides the grade.

**Staffing ratios.** One CS rep per at most 500 insured persons (003 §3.2.4), one staff member
per 800 dispatched employees and one manager per four staff (002 §4). ``required(load, per)``
is ⌈load ÷ per⌉; a team is over the ratio when it has fewer than that, and the shortfall is the
number of people to add.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DIMENSIONS: tuple[str, ...] = (
    "quality",
    "skills",
    "discipline",
    "satisfaction",
    "utilisation",
    "exams",
)
DIMENSION_LABELS: dict[str, str] = {
    "quality": "服务质量",
    "skills": "业务技能",
    "discipline": "工作纪律",
    "satisfaction": "客户满意度",
    "utilisation": "工时利用率",
    "exams": "考试成绩",
}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
TOTAL_PLACES = Decimal("0.01")
COEFFICIENT_PLACES = Decimal("0.0001")
MAX_COEFFICIENT = Decimal(3)  # payroll accepts 0–3

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "quality": Decimal(30),
    "skills": Decimal(15),
    "discipline": Decimal(15),
    "satisfaction": Decimal(20),
    "utilisation": Decimal(10),
    "exams": Decimal(10),
}
DEFAULT_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("A", Decimal(90)),
    ("B", Decimal(80)),
    ("C", Decimal(70)),
    ("D", Decimal(0)),
)
DEFAULT_COEFFICIENTS: dict[str, Decimal] = {
    "A": Decimal("1.2"),
    "B": Decimal("1.0"),
    "C": Decimal("0.8"),
    "D": Decimal("0.6"),
}


class SchemeError(ValueError):
    """A scheme that cannot be used; ``problems`` lists every reason (Chinese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class ScoreError(ValueError):
    """A dimension score outside 0–100, or a dimension that is missing."""


@dataclass(frozen=True)
class Scheme:
    weights: Mapping[str, Decimal]
    # (grade, lowest total of the grade), any order; validated by ``check_scheme``.
    bands: Sequence[tuple[str, Decimal]]
    coefficients: Mapping[str, Decimal]


@dataclass(frozen=True)
class Rating:
    total: Decimal
    grade: str
    coefficient: Decimal


DEFAULT_SCHEME = Scheme(DEFAULT_WEIGHTS, DEFAULT_BANDS, DEFAULT_COEFFICIENTS)


def check_scheme(scheme: Scheme) -> list[str]:
    """Every problem of a scheme (empty when usable)."""
    problems: list[str] = []
    unknown = set(scheme.weights) - set(DIMENSIONS)
    if unknown:
        problems.append(f"未知考核维度：{'、'.join(sorted(unknown))}")
    missing = [d for d in DIMENSIONS if d not in scheme.weights]
    if missing:
        problems.append(f"缺少权重：{'、'.join(DIMENSION_LABELS[d] for d in missing)}")
    for dim, weight in scheme.weights.items():
        if weight < 0:
            problems.append(f"{DIMENSION_LABELS.get(dim, dim)}权重不能为负数")
    total = sum(scheme.weights.values(), ZERO)
    if total != HUNDRED:
        problems.append(f"权重合计应为 100%，现为 {total}%")
    grades = [grade for grade, _low in scheme.bands]
    if not grades:
        problems.append("至少需要一个等级")
    if len(set(grades)) != len(grades):
        problems.append("等级名称重复")
    lows = [low for _grade, low in scheme.bands]
    if len(set(lows)) != len(lows):
        problems.append("等级分数线重复")
    if lows and min(lows) != ZERO:
        problems.append("最低等级的分数线应为 0")
    if any(low < 0 or low > HUNDRED for low in lows):
        problems.append("分数线应在 0–100 之间")
    for grade in grades:
        coefficient = scheme.coefficients.get(grade)
        if coefficient is None:
            problems.append(f"等级 {grade} 缺少绩效系数")
        elif not ZERO <= coefficient <= MAX_COEFFICIENT:
            problems.append(f"等级 {grade} 的绩效系数应在 0–{MAX_COEFFICIENT} 之间")
    return problems


def require_scheme(scheme: Scheme) -> None:
    problems = check_scheme(scheme)
    if problems:
        raise SchemeError(problems)


def check_score(dimension: str, score: Decimal) -> Decimal:
    if not isinstance(score, Decimal):
        raise ScoreError(f"{DIMENSION_LABELS.get(dimension, dimension)}应为 Decimal")
    if not ZERO <= score <= HUNDRED:
        raise ScoreError(f"{DIMENSION_LABELS.get(dimension, dimension)}应在 0–100 之间：{score}")
    return score


def total_score(scheme: Scheme, scores: Mapping[str, Decimal]) -> Decimal:
    """Σ score × weight ÷ 100, half-up to two places (exact before the one rounding)."""
    missing = [d for d in DIMENSIONS if d not in scores]
    if missing:
        raise ScoreError(f"缺少：{'、'.join(DIMENSION_LABELS[d] for d in missing)}")
    raw = sum(
        (check_score(d, scores[d]) * scheme.weights[d] for d in DIMENSIONS),
        ZERO,
    )
    return (raw / HUNDRED).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)


def grade_of(scheme: Scheme, total: Decimal) -> str:
    """The grade whose band holds ``total`` (the highest band with lowest total ≤ it)."""
    for grade, low in sorted(scheme.bands, key=lambda band: band[1], reverse=True):
        if total >= low:
            return grade
    raise ScoreError(f"总分 {total} 不在任何等级内")


def rate(scheme: Scheme, scores: Mapping[str, Decimal]) -> Rating:
    require_scheme(scheme)
    total = total_score(scheme, scores)
    grade = grade_of(scheme, total)
    coefficient = scheme.coefficients[grade].quantize(COEFFICIENT_PLACES, rounding=ROUND_HALF_UP)
    return Rating(total=total, grade=grade, coefficient=coefficient)


# --- turning the month's data into dimension scores -------------------------------------------


def average_score(total: int, count: int) -> Decimal | None:
    """The average of ``count`` scores adding up to ``total`` (0–100 each), two places."""
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)


def satisfaction_score(stars_total: int, count: int) -> Decimal | None:
    """Client ratings of 1–5 stars as 0–100: the average × 20 (5 → 100, 4 → 80, 1 → 20)."""
    if count <= 0:
        return None
    return (Decimal(stars_total) * 20 / Decimal(count)).quantize(
        TOTAL_PLACES, rounding=ROUND_HALF_UP
    )


def discipline_score(deduction_points: int) -> Decimal:
    """100 less the month's deduction points (lateness, absence, violations), at least 0."""
    return max(ZERO, HUNDRED - Decimal(max(deduction_points, 0)))


# --- staffing ratios ---------------------------------------------------------------------------

INSURED_PER_REP = "insured_per_rep"
DISPATCHED_PER_STAFF = "dispatched_per_staff"
STAFF_PER_MANAGER = "staff_per_manager"
RATIO_KINDS: tuple[str, ...] = (INSURED_PER_REP, DISPATCHED_PER_STAFF, STAFF_PER_MANAGER)
RATIO_LABELS: dict[str, str] = {
    INSURED_PER_REP: "每名客服服务参保人数",
    DISPATCHED_PER_STAFF: "每名专职人员服务派遣员工数",
    STAFF_PER_MANAGER: "每名业务经理管理专职人员数",
}
DEFAULT_LIMITS: dict[str, int] = {
    INSURED_PER_REP: 500,
    DISPATCHED_PER_STAFF: 800,
    STAFF_PER_MANAGER: 4,
}


def required(load: int, per: int) -> int:
    """People needed so that nobody carries more than ``per``: ⌈load ÷ per⌉."""
    if per <= 0:
        raise ValueError("per must be positive")
    if load <= 0:
        return 0
    return -(-load // per)


@dataclass(frozen=True)
class RatioCheck:
    kind: str
    load: int  # insured persons, dispatched employees, or staff
    have: int  # reps, staff, or managers
    limit: int
    need: int
    missing: int

    @property
    def over(self) -> bool:
        return self.missing > 0

    @property
    def per_head(self) -> Decimal | None:
        """Load per person they have (one place), None when they have nobody."""
        if self.have <= 0:
            return None
        return (Decimal(self.load) / Decimal(self.have)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def check_ratio(kind: str, *, load: int, have: int, limit: int) -> RatioCheck:
    need = required(load, limit)
    return RatioCheck(
        kind=kind, load=load, have=have, limit=limit, need=need, missing=max(0, need - have)
    )


@dataclass(frozen=True)
class TeamLoad:
    name: str
    reps: int
    staff: int
    managers: int
    insured: int
    dispatched: int


@dataclass(frozen=True)
class TeamCheck:
    name: str
    checks: tuple[RatioCheck, ...]
    staff_to_add: int
    managers_to_add: int

    @property
    def over(self) -> bool:
        return any(c.over for c in self.checks)

    @property
    def to_add(self) -> int:
        return self.staff_to_add + self.managers_to_add


def check_team(team: TeamLoad, limits: Mapping[str, int]) -> TeamCheck:
    """The three ratios of a team. Reps serve the insured; every staff member (reps included)
    counts for the dispatched; managers are counted against the staff they lead.

    People to add: reps are staff, so the staff shortfall is the larger of the two load
    shortfalls; the managers needed are then counted for the team as it would be after that
    (adding four reps may need a manager too)."""
    insured = check_ratio(
        INSURED_PER_REP, load=team.insured, have=team.reps, limit=limits[INSURED_PER_REP]
    )
    dispatched = check_ratio(
        DISPATCHED_PER_STAFF,
        load=team.dispatched,
        have=team.staff,
        limit=limits[DISPATCHED_PER_STAFF],
    )
    managers = check_ratio(
        STAFF_PER_MANAGER, load=team.staff, have=team.managers, limit=limits[STAFF_PER_MANAGER]
    )
    staff_to_add = max(insured.missing, dispatched.missing)
    managers_to_add = max(
        0, required(team.staff + staff_to_add, limits[STAFF_PER_MANAGER]) - team.managers
    )
    return TeamCheck(
        name=team.name,
        checks=(insured, dispatched, managers),
        staff_to_add=staff_to_add,
        managers_to_add=managers_to_add,
    )


def teams_over(teams: Sequence[TeamLoad], limits: Mapping[str, int]) -> list[TeamCheck]:
    return [check for check in (check_team(t, limits) for t in teams) if check.over]


# --- head-count analysis ----------------------------------------------------------------------


@dataclass(frozen=True)
class Turnover:
    start: int
    joiners: int
    leavers: int
    end: int

    @property
    def rate(self) -> Decimal | None:
        """Leavers ÷ the average of the start and end head-count, in per cent (one place)."""
        average = Decimal(self.start + self.end) / 2
        if average == 0:
            return None
        return (Decimal(self.leavers) * HUNDRED / average).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def turnover(start: int, joiners: int, leavers: int) -> Turnover:
    return Turnover(start=start, joiners=joiners, leavers=leavers, end=start + joiners - leavers)
