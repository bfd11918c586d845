"""Form rendering helpers: the field checks live in ``validation`` (shared with the API and the
import); here we only describe the inputs and turn a POST into the dict the services take."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from hragency.clients.models import (
    Agreement,
    Client,
    HandoverItem,
    InfoReview,
    Module,
    RegistryCheck,
)
from hragency.clients.validation import (
    AGREEMENT_FIELDS,
    CLIENT_FIELDS,
    CONTACT_FIELDS,
    INTAKE_FIELDS,
)


@dataclass
class Field:
    name: str
    label: str
    widget: str = "text"  # text, textarea, select, checkboxes, checkbox, number, date, datetime
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    value: Any = ""
    error: str = ""
    help: str = ""
    wide: bool = False


def _choices(pairs: Iterable[tuple[str, str]], blank: str | None = "—") -> list[tuple[str, str]]:
    head = [("", blank)] if blank is not None else []
    return head + [(str(k), str(v)) for k, v in pairs]


CLIENT_WIDGETS: dict[str, dict[str, Any]] = {
    "name": {"required": True},
    "credit_code": {"required": True, "help": "18位，系统校验校验位"},
    "nature": {"widget": "select", "choices": _choices(Client.Nature.choices)},
    "grade": {"widget": "select", "choices": _choices(Client.Grade.choices, None)},
    "service_cities": {"help": "多个城市用顿号或逗号分隔"},
    "min_age": {"widget": "number"},
    "max_age": {"widget": "number"},
    "address": {"wide": True},
}
CONTACT_WIDGETS: dict[str, dict[str, Any]] = {
    "name": {"required": True},
    "is_primary": {"widget": "checkbox"},
    "note": {"wide": True},
}
INTAKE_WIDGETS: dict[str, dict[str, Any]] = {
    "first_contact_at": {"widget": "datetime", "required": True},
    "channel": {
        "widget": "select",
        "choices": _choices((c, c) for c in ("线上咨询", "上门拜访", "电话", "转介绍", "其他")),
    },
    "company_size": {"widget": "number"},
    "headcount": {"widget": "number", "help": "完成时必填"},
    "insured_cities": {"help": "完成时必填；多个城市用顿号分隔"},
    "modules": {"widget": "checkboxes", "choices": _choices(Module.choices, None), "wide": True},
    "special_needs": {"widget": "textarea", "wide": True},
}
AGREEMENT_WIDGETS: dict[str, dict[str, Any]] = {
    "kind": {"widget": "select", "choices": _choices(Agreement.Kind.choices), "required": True},
    "modules": {
        "widget": "checkboxes",
        "choices": _choices(Module.choices, None),
        "required": True,
        "wide": True,
    },
    "start_date": {"widget": "date", "required": True},
    "end_date": {"widget": "date", "required": True},
    "fee_model": {
        "widget": "select",
        "choices": _choices(Agreement.FeeModel.choices),
        "required": True,
    },
    "fee_per_head": {"help": "按人按月收费时填写，如 80.00"},
    "fee_rate": {"help": "按工资总额比例收费时填写，如 3.5"},
    "module_fees": {"widget": "module_fees", "wide": True, "help": "按模块计费时填写各模块月费"},
    "payment_method": {
        "widget": "select",
        "choices": _choices(Agreement.PaymentMethod.choices, None),
    },
    "payment_day": {"widget": "number", "help": "1–28"},
    "rights_obligations": {"widget": "textarea", "wide": True},
    "breach_liability": {"widget": "textarea", "wide": True},
}


def build(
    labels: Mapping[str, str],
    widgets: Mapping[str, dict[str, Any]],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[Field]:
    values = values or {}
    errors = errors or {}
    return [
        Field(
            name=name,
            label=label,
            value=_display(values.get(name, "")),
            error=errors.get(name, ""),
            **widgets.get(name, {}),
        )
        for name, label in labels.items()
    ]


def _display(value: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%dT%H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def client_form(values: Any = None, errors: Any = None) -> list[Field]:
    return build(CLIENT_FIELDS, CLIENT_WIDGETS, values, errors)


def contact_form(values: Any = None, errors: Any = None) -> list[Field]:
    return build(CONTACT_FIELDS, CONTACT_WIDGETS, values, errors)


def intake_form(values: Any = None, errors: Any = None) -> list[Field]:
    return build(INTAKE_FIELDS, INTAKE_WIDGETS, values, errors)


def agreement_form(values: Any = None, errors: Any = None) -> list[Field]:
    values = dict(values or {})
    fees = values.get("module_fees") or {}
    values["module_fees"] = [
        (code, label, fees.get(code, "") if isinstance(fees, Mapping) else "")
        for code, label in Module.choices
    ]
    return build(AGREEMENT_FIELDS, AGREEMENT_WIDGETS, values, errors)


def instance_values(instance: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def posted(post: QueryDict, labels: Mapping[str, str], widgets: Mapping[str, Any]) -> dict:  # type: ignore[type-arg]
    """The submitted form as the services' input dict (every field present: forms are full)."""
    data: dict[str, Any] = {}
    for name in labels:
        widget = widgets.get(name, {}).get("widget", "text")
        if widget == "checkboxes":
            data[name] = post.getlist(name)
        elif widget == "checkbox":
            data[name] = "是" if post.get(name) else "否"
        elif widget == "module_fees":
            data[name] = {
                code: post.get(f"fee_{code}", "").strip()
                for code, _ in Module.choices
                if post.get(f"fee_{code}", "").strip()
            }
        else:
            data[name] = post.get(name, "")
    return data


def review_checks(post: QueryDict) -> list[dict[str, str]]:
    """One row per registry source on the form; a row counts when a result is chosen."""
    rows = []
    for source, _ in RegistryCheck.Source.choices:
        result = post.get(f"check_{source}_result", "").strip()
        note = post.get(f"check_{source}_note", "").strip()
        if result or note:
            rows.append({"source": source, "result": result, "note": note})
    return rows


REVIEW_SOURCES = RegistryCheck.Source.choices
REVIEW_RESULTS = RegistryCheck.Result.choices
REVIEW_OUTCOMES = InfoReview.Outcome.choices
REVIEW_DECISIONS = InfoReview.Decision.choices

__all__ = ["Field", "HandoverItem", "Module"]
