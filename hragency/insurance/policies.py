"""The city policy library (R-SI-1): which rules are in force for a city and month, the seed
file, and the contributions calculator used by reps on the phone and by ``/api/calc``.

The seed file ``data/policies.csv`` carries every value with its source and whether it has been
checked (``docs/POLICY_SOURCES.md``). Loading it only adds rows that are missing, so an
administrator's edits are never overwritten.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.domain.insurance import (
    Contributions,
    Item,
    ItemRule,
    MissingRate,
    Period,
    PolicyError,
    contributions,
)
from hragency.domain.money import RoundingRule, to_fen
from hragency.insurance.models import PolicyRule

SEED_FILE = Path(__file__).parent / "data" / "policies.csv"

CSV_COLUMNS = [
    "city",
    "item",
    "effective_from",
    "base_floor",
    "base_ceiling",
    "employer_rate",
    "employee_rate",
    "employer_fixed",
    "employee_fixed",
    "rounding",
    "rate_min",
    "rate_max",
    "certainty",
    "source",
    "note",
]


class MissingInput(ServiceError):
    """Something the calculation needs is missing; ``missing`` names the input (``city``,
    ``period``, ``injury_rate`` or ``hf_rate``)."""

    def __init__(self, message: str, *, missing: str) -> None:
        super().__init__(message)
        self.missing = missing


class PolicyNotFound(MissingInput):
    """No policy for the city, or none in force for the month."""


def normalize_city(name: str) -> str:
    """ "北京市" and " 北京 " are both 北京: the library keys cities by their short name."""
    name = (name or "").strip()
    return name[:-1] if len(name) > 2 and name.endswith("市") else name


def cities() -> list[str]:
    return list(PolicyRule.objects.order_by("city").values_list("city", flat=True).distinct())


def rules_in_force(period: Period, city: str | None = None) -> dict[str, list[PolicyRule]]:
    """For each city (or just ``city``), the rule of each item in force in ``period``.

    One query: per (city, item) the latest ``effective_from`` on or before the month.
    """
    qs = PolicyRule.objects.filter(effective_from__lte=period.first_day)
    if city is not None:
        qs = qs.filter(city=city)
    latest = qs.values("city", "item").annotate(latest=Max("effective_from"))
    wanted = {(row["city"], row["item"], row["latest"]) for row in latest}
    by_city: dict[str, list[PolicyRule]] = defaultdict(list)
    for rule in qs.filter(effective_from__in={w[2] for w in wanted}):
        if (rule.city, rule.item, rule.effective_from) in wanted:
            by_city[rule.city].append(rule)
    return dict(by_city)


def policy_rows_for(city: str, period: Period) -> list[PolicyRule]:
    """The library rows of ``city`` in force in ``period``; ``PolicyNotFound`` names what is
    missing (the city, or a policy for that month)."""
    city = normalize_city(city)
    if not city:
        raise PolicyNotFound("请提供参保城市", missing="city")
    if not PolicyRule.objects.filter(city=city).exists():
        known = "、".join(cities()) or "（无）"
        raise PolicyNotFound(f"政策库中没有城市「{city}」；已有城市：{known}", missing="city")
    rules = rules_in_force(period, city).get(city)
    if not rules:
        first = PolicyRule.objects.filter(city=city).order_by("effective_from").first()
        since = f"，最早从 {first.effective_from:%Y-%m} 起" if first else ""
        raise PolicyNotFound(
            f"「{city}」在所属期 {period} 没有生效的社保政策{since}", missing="period"
        )
    return rules


def policy_for(city: str, period: Period) -> list[ItemRule]:
    return [rule.to_rule() for rule in policy_rows_for(city, period)]


@dataclass(frozen=True)
class Calculation:
    city: str
    period: Period
    result: Contributions
    unverified: list[str]
    """Labels of the items whose figures in force are marked 待核实 in the library."""


def calculate(
    *,
    city: str,
    period: Period,
    wage: Decimal,
    hf_rate: Decimal | None = None,
    injury_rate: Decimal | None = None,
    hf_wage: Decimal | None = None,
    items: list[Item] | None = None,
) -> Calculation:
    """One person's contributions for a month; ``ServiceError`` with the reason on bad input."""
    rows = policy_rows_for(city, period)
    try:
        result = contributions(
            [row.to_rule() for row in rows],
            to_fen(wage),
            hf_rate=hf_rate,
            injury_rate=injury_rate,
            hf_wage_fen=to_fen(hf_wage) if hf_wage is not None else None,
            items=items,
        )
    except MissingRate as exc:
        field = "injury_rate" if exc.item is Item.INJURY else "hf_rate"
        raise MissingInput(str(exc), missing=field) from exc
    except (PolicyError, ValueError) as exc:
        raise ServiceError(str(exc)) from exc
    used = {line.item.value for line in result.lines}
    unverified = [
        Item(row.item).label
        for row in rows
        if row.item in used and row.certainty == PolicyRule.Certainty.UNCERTAIN
    ]
    return Calculation(
        city=normalize_city(city), period=period, result=result, unverified=sorted(unverified)
    )


# --- the seed file ------------------------------------------------------------------------


def _decimal(value: str, *, column: str, line: int, optional: bool = False) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        if optional:
            return None
        raise ValueError(f"第 {line} 行「{column}」：必填")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"第 {line} 行「{column}」：不是数字：{value}") from None


def parse_rows(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Rows of the seed/export layout → model field values; every value is checked through
    ``ItemRule`` so a bad figure names its line and column. Line numbers count the header."""
    from hragency.domain.insurance import parse_period

    parsed = []
    for line, raw in enumerate(rows, start=2):
        try:
            period = parse_period(raw["effective_from"])
            values: dict[str, Any] = {
                "city": normalize_city(raw["city"]),
                "item": Item(raw["item"].strip()).value,
                "effective_from": period.first_day,
                "base_floor": _decimal(raw["base_floor"], column="base_floor", line=line),
                "base_ceiling": _decimal(raw["base_ceiling"], column="base_ceiling", line=line),
                "rounding": RoundingRule((raw.get("rounding") or "fen").strip()).value,
                "certainty": (raw.get("certainty") or "待核实").strip() or "待核实",
                "source": (raw.get("source") or "").strip(),
                "note": (raw.get("note") or "").strip(),
            }
            for column in ("employer_rate", "employee_rate", "rate_min", "rate_max"):
                values[column] = _decimal(
                    raw.get(column, ""), column=column, line=line, optional=True
                )
            for column in ("employer_fixed", "employee_fixed"):
                values[column] = _decimal(
                    raw.get(column, ""), column=column, line=line, optional=True
                ) or Decimal("0.00")
            PolicyRule(**values).to_rule()
        except PolicyError as exc:
            raise ValueError(f"第 {line} 行：{exc}") from exc
        except (KeyError, ValueError) as exc:
            if isinstance(exc, KeyError):
                raise ValueError(f"缺少列：{exc.args[0]}") from exc
            message = str(exc)
            located = message if message.startswith("第") else f"第 {line} 行：{message}"
            raise ValueError(located) from exc
        parsed.append(values)
    return parsed


def read_seed_file(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return parse_rows(list(csv.DictReader(handle)))


@transaction.atomic
def load_policies(
    rows: list[dict[str, Any]], *, actor: Any = None, model: type[PolicyRule] = PolicyRule
) -> int:
    """Add the rows whose (city, item, month) is not in the library yet; returns how many.

    ``model`` lets the data migration pass its historical model (then nothing is audited: the
    audit table may not exist yet at that point of a fresh migrate).
    """
    existing = set(model.objects.values_list("city", "item", "effective_from"))
    new = [
        model(**row)
        for row in rows
        if (row["city"], row["item"], row["effective_from"]) not in existing
    ]
    model.objects.bulk_create(new)
    if new and model is PolicyRule:
        from hragency.insurance.notices import announce_policy_changes

        audit.record(
            actor=actor,
            action="insurance.policies_loaded",
            extra={"rows": len(new), "cities": sorted({r.city for r in new})},
        )
        announce_policy_changes(actor=actor, rules=new)
    return len(new)


def rule_as_row(rule: PolicyRule) -> dict[str, str]:
    """A library row in the seed/export layout (decimal strings, never floats)."""

    def text(value: Decimal | None) -> str:
        return "" if value is None else format(value.normalize(), "f")

    return {
        "city": rule.city,
        "item": rule.item,
        "effective_from": f"{rule.effective_from:%Y-%m}",
        "base_floor": f"{rule.base_floor:.2f}",
        "base_ceiling": f"{rule.base_ceiling:.2f}",
        "employer_rate": text(rule.employer_rate),
        "employee_rate": text(rule.employee_rate),
        "employer_fixed": f"{rule.employer_fixed:.2f}",
        "employee_fixed": f"{rule.employee_fixed:.2f}",
        "rounding": rule.rounding,
        "rate_min": text(rule.rate_min),
        "rate_max": text(rule.rate_max),
        "certainty": rule.certainty,
        "source": rule.source,
        "note": rule.note,
    }


__all__ = [
    "CSV_COLUMNS",
    "Calculation",
    "ItemRule",
    "MissingInput",
    "PolicyNotFound",
    "calculate",
    "cities",
    "load_policies",
    "normalize_city",
    "policy_for",
    "policy_rows_for",
    "read_seed_file",
    "rule_as_row",
    "rules_in_force",
]
