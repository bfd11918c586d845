"""Rating schemes (考核方案): weights, grade bands, coefficients. A change is a new version that
becomes the active one; assessments keep the version they were computed with."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from hragency.agents.common import MANAGE, require
from hragency.agents.models import RatingScheme
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields
from hragency.domain.agent_rating import (
    DEFAULT_SCHEME,
    DIMENSION_LABELS,
    DIMENSIONS,
    Scheme,
    check_scheme,
)


def scheme_json(scheme: Scheme) -> dict[str, Any]:
    return {
        "weights": {d: str(scheme.weights[d]) for d in DIMENSIONS},
        "bands": [[grade, str(low)] for grade, low in scheme.bands],
        "coefficients": {grade: str(c) for grade, c in scheme.coefficients.items()},
    }


def to_domain(row: RatingScheme) -> Scheme:
    return Scheme(
        weights={d: Decimal(str(w)) for d, w in row.weights.items()},
        bands=[(str(grade), Decimal(str(low))) for grade, low in row.bands],
        coefficients={g: Decimal(str(c)) for g, c in row.coefficients.items()},
    )


def active_scheme() -> RatingScheme | None:
    return RatingScheme.objects.filter(active=True).first()


@transaction.atomic
def ensure_scheme(*, actor: Any = None) -> RatingScheme:
    """The active scheme; the default one (version 1) is created the first time."""
    row = RatingScheme.objects.select_for_update().filter(active=True).first()
    if row is not None:
        return row
    return _new_version(actor=actor, name="默认考核方案", scheme=DEFAULT_SCHEME)


def _new_version(*, actor: Any, name: str, scheme: Scheme) -> RatingScheme:
    old = RatingScheme.objects.select_for_update().filter(active=True).first()
    if old is not None:
        old.active = False
        old.save(update_fields=["active"])
    version = (RatingScheme.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    row = RatingScheme.objects.create(
        version=version,
        name=name,
        active=True,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **scheme_json(scheme),
    )
    audit.record(
        actor=actor,
        action="agents.scheme_version",
        instance=row,
        after=audit.snapshot(row, ["version", "name", "weights", "bands", "coefficients"]),
        extra={"replaces": old.version} if old is not None else None,
    )
    return row


def _decimal(field: str, label: str, raw: object, errors: list[FieldError]) -> Decimal | None:
    text = str(raw if raw is not None else "").strip().rstrip("%")
    if not text:
        errors.append(FieldError(field, label, "必填"))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(FieldError(field, label, f"应为数字：{text}"))
        return None
    if not value.is_finite() or value.as_tuple().exponent < -4:  # type: ignore[operator]
        errors.append(FieldError(field, label, f"最多 4 位小数：{text}"))
        return None
    return value


def parse_scheme(
    *, weights: dict[str, Any], bands: list[Any], coefficients: dict[str, Any]
) -> Scheme:
    """Raw values (form strings, JSON) → a checked ``Scheme``; every problem at once."""
    errors: list[FieldError] = []
    clean_weights: dict[str, Decimal] = {}
    for dim in DIMENSIONS:
        value = _decimal(f"weight_{dim}", f"{DIMENSION_LABELS[dim]}权重", weights.get(dim), errors)
        if value is not None:
            clean_weights[dim] = value
    clean_bands: list[tuple[str, Decimal]] = []
    clean_coefficients: dict[str, Decimal] = {}
    for index, band in enumerate(bands):
        try:
            grade_raw, low_raw = band[0], band[1]
        except (TypeError, IndexError, KeyError):
            errors.append(FieldError("bands", "等级", "每个等级应为 [等级, 分数线]"))
            continue
        grade = str(grade_raw or "").strip()
        if not grade and str(low_raw or "").strip() == "":
            continue  # an empty row of the form
        if not grade or len(grade) > 4:
            errors.append(FieldError(f"band_{index}", "等级", "等级名称 1–4 个字符"))
            continue
        low = _decimal(f"band_{index}", f"等级 {grade} 分数线", low_raw, errors)
        if low is not None:
            clean_bands.append((grade, low))
        coefficient = _decimal(
            f"coefficient_{index}", f"等级 {grade} 绩效系数", coefficients.get(grade), errors
        )
        if coefficient is not None:
            clean_coefficients[grade] = coefficient
    if errors:
        raise InvalidFields(errors)
    scheme = Scheme(clean_weights, clean_bands, clean_coefficients)
    problems = check_scheme(scheme)
    if problems:
        raise InvalidFields([FieldError("scheme", "考核方案", p) for p in problems])
    return scheme


@transaction.atomic
def save_scheme(
    *,
    actor: Any,
    name: str,
    weights: dict[str, Any],
    bands: list[Any],
    coefficients: dict[str, Any],
) -> RatingScheme:
    """A new version of the scheme, active from now on (existing assessments keep theirs;
    drafts take the new one when recomputed)."""
    require(actor, MANAGE, "无权修改考核方案")
    name = (name or "").strip() or "考核方案"
    if len(name) > 60:
        raise InvalidFields([FieldError("name", "名称", "最多 60 个字")])
    scheme = parse_scheme(weights=weights, bands=bands, coefficients=coefficients)
    return _new_version(actor=actor, name=name, scheme=scheme)
