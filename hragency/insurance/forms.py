"""Parsing of typed input for orders, rates and the calculator — one set of rules for the web
forms, the API and the Excel roster, each refused value named by field with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from hragency.core import values
from hragency.core.errors import FieldError, ServiceError
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.insurance.models import Order
from hragency.insurance.policies import MissingInput
from hragency.insurance.policies import calculate as calculate_policy

KIND_CHOICES = dict(Order.Kind.choices)

ORDER_LABELS = {
    "person": "人员",
    "kind": "类型",
    "city": "参保城市",
    "month": "生效月份",
    "wage": "申报工资",
    "hf_wage": "公积金申报工资",
    "si": "参加社保",
    "hf": "缴存公积金",
    "reason": "减员原因",
}


def month(value: object) -> Period | None:
    """A contribution month from 2026-12, 2026/12, 202612, 2026年12月 or a date cell."""
    if isinstance(value, dt.date):
        return Period.of(value)
    raw = values.text(value)
    if not raw:
        return None
    try:
        return parse_period(raw)
    except PolicyError as exc:
        raise values.InvalidValue(f"格式应为 2026-12 或 2026年12月：{raw}") from exc


def rate(value: object, *, as_percent: bool = False) -> Decimal | None:
    """A rate as a fraction (0.12), or typed as a percentage (12 → 0.12) in the screens."""
    raw = values.text(value).rstrip("%％").strip() if not isinstance(value, float) else repr(value)
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise values.InvalidValue(f"应为数字：{raw}") from exc
    if not number.is_finite():
        raise values.InvalidValue(f"应为数字：{raw}")
    return number / 100 if as_percent else number


def parse_order(
    raw: Mapping[str, Any], *, checkboxes: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean order values from a form (``checkboxes``: an unticked box is absent) or JSON."""
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []

    def parse(field: str, parser: Any) -> None:
        try:
            clean[field] = parser(raw.get(field))
        except values.InvalidValue as exc:
            errors.append(FieldError(field, ORDER_LABELS[field], str(exc)))

    parse("kind", lambda v: values.choice(v, KIND_CHOICES))
    if not clean.get("kind") and not any(e.field == "kind" for e in errors):
        errors.append(FieldError("kind", "类型", "请选择增员或减员"))
    clean["city"] = values.text(raw.get("city"))
    parse("month", month)
    if clean.get("month") is None and not any(e.field == "month" for e in errors):
        errors.append(FieldError("month", "生效月份", "必填，如 2026-12"))
    parse("wage", values.amount)
    parse("hf_wage", values.amount)
    for field in ("si", "hf"):
        if checkboxes:
            clean[field] = bool(raw.get(field))
        elif raw.get(field) is None:
            clean[field] = True
        else:
            parse(field, values.yes_no)
    clean["reason"] = values.text(raw.get("reason"))[:200]
    return clean, errors


def order_arguments(clean: Mapping[str, Any]) -> dict[str, Any]:
    """A cleaned order (``parse_order``, the roster importer) as the keyword arguments of
    ``services.submit_order``: the one mapping used by the form, the API and the importer."""
    return {
        "kind": clean["kind"],
        "city": clean["city"],
        "period": clean["month"],
        "wage": clean["wage"],
        "hf_wage": clean["hf_wage"],
        "si": clean["si"],
        "hf": clean["hf"],
        "reason": clean["reason"],
    }


def parse_rates(
    raw: Mapping[str, Any], *, as_percent: bool
) -> tuple[dict[str, Any], list[FieldError]]:
    clean: dict[str, Any] = {"city": values.text(raw.get("city"))}
    errors: list[FieldError] = []
    if not clean["city"]:
        errors.append(FieldError("city", "参保城市", "请选择参保城市"))
    for field, label in (("injury_rate", "工伤费率"), ("hf_rate", "公积金缴存比例")):
        try:
            clean[field] = rate(raw.get(field), as_percent=as_percent)
        except values.InvalidValue as exc:
            errors.append(FieldError(field, label, str(exc)))
    return clean, errors


def percent_text(value: Decimal | None) -> str:
    """0.12 → "12" for a percentage input; None → ""."""
    if value is None:
        return ""
    return format((value * 100).normalize(), "f")


# ---- the calculator page ------------------------------------------------------------------

# A refused rate names its item ("住房公积金缴存比例 0.13 高于…"): show it beside that rate.
_CALC_FIELDS = {"住房公积金": "hf_rate", "工伤保险": "injury_rate"}


def calculate(typed: dict[str, str]) -> dict[str, Any]:
    """The calculator page: the typed values (rates as percentages) → the figures of
    ``policies.calculate`` (the API's), or the errors by field."""
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for field, parse in (
        ("period", lambda v: parse_period(v) if v else None),
        ("wage", values.amount),
        ("hf_wage", values.amount),
        ("hf_rate", lambda v: rate(v, as_percent=True)),
        ("injury_rate", lambda v: rate(v, as_percent=True)),
    ):
        try:
            parsed[field] = parse(typed[field])
        except (ValueError, PolicyError) as exc:
            errors[field] = str(exc)
    if not typed["city"]:
        errors["city"] = "请选择城市"
    if parsed.get("period") is None and "period" not in errors:
        errors["period"] = "必填，如 2026-11"
    if parsed.get("wage") is None and "wage" not in errors:
        errors["wage"] = "请填写申报工资"
    if errors:
        return {"errors": errors}
    try:
        calculation = calculate_policy(
            city=typed["city"],
            period=parsed["period"],
            wage=parsed["wage"],
            hf_wage=parsed["hf_wage"],
            hf_rate=parsed["hf_rate"],
            injury_rate=parsed["injury_rate"],
        )
    except MissingInput as exc:
        return {"errors": {exc.missing: str(exc)}}
    except ServiceError as exc:
        message = str(exc)
        field = next((f for k, f in _CALC_FIELDS.items() if k in message), "wage")
        return {"errors": {field: message}}
    result = calculation.result
    si = result.subtotal_fen(housing_fund=False)
    hf = result.subtotal_fen(housing_fund=True)
    return {
        "errors": {},
        "calculation": calculation,
        "lines": [
            {
                "label": line.item.label,
                "base": from_fen(line.base_fen),
                "employer": from_fen(line.employer_fen),
                "employee": from_fen(line.employee_fen),
                "total": from_fen(line.total_fen),
            }
            for line in result.lines
        ],
        "si": [from_fen(si[0]), from_fen(si[1]), from_fen(si[0] + si[1])],
        "hf": [from_fen(hf[0]), from_fen(hf[1]), from_fen(hf[0] + hf[1])],
        "totals": [
            from_fen(result.employer_fen),
            from_fen(result.employee_fen),
            from_fen(result.total_fen),
        ],
    }
