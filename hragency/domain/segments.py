"""Client segments (R-CRM-2): the size class by headcount of insured persons in service.

003 §7.4 grades clients as 小型 (1–100 人), 中型 (100–300 人) and 大型 (300 人以上). The ranges in
the source overlap at their ends; we read them the way the trade does: "100 人以内" is small,
"300 人以上" includes 300, so medium is 101–299. A client with nobody insured yet (a prospect)
is small: the class describes service load, and there is none yet.
"""

from __future__ import annotations

from enum import StrEnum

SMALL_MAX = 100
LARGE_MIN = 300


class SizeClass(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label(self) -> str:
        return SIZE_LABELS[self]


SIZE_LABELS: dict[SizeClass, str] = {
    SizeClass.SMALL: "小型（100人以内）",
    SizeClass.MEDIUM: "中型（101–299人）",
    SizeClass.LARGE: "大型（300人以上）",
}


def size_class(headcount: int) -> SizeClass:
    """The size class of a client with ``headcount`` insured persons in service."""
    if headcount < 0:
        raise ValueError(f"人数不能为负数：{headcount}")
    if headcount <= SMALL_MAX:
        return SizeClass.SMALL
    if headcount < LARGE_MIN:
        return SizeClass.MEDIUM
    return SizeClass.LARGE


def headcount_range(size: SizeClass) -> tuple[int, int | None]:
    """Inclusive bounds (low, high; None = no upper bound) of a class, for database filters.

    ``size_class(n) == size`` exactly when ``low <= n`` and (``high is None`` or ``n <= high``).
    """
    if size is SizeClass.SMALL:
        return 0, SMALL_MAX
    if size is SizeClass.MEDIUM:
        return SMALL_MAX + 1, LARGE_MIN - 1
    return LARGE_MIN, None
