"""The person form as data: which inputs, in which sections, with which values and errors.

Field checks are ``validation.validate_person`` (shared with the API and the Excel import), so
this module only lays the fields out and reads them back from the POST body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from hragency.employees.models import InsuredPerson
from hragency.employees.validation import PERSON_FIELDS

P = InsuredPerson
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "基本信息",
        [
            "name",
            "id_number",
            "retirement_category",
            "phone",
            "email",
            "hukou_type",
            "hukou_place",
            "education",
        ],
    ),
    ("任职信息", ["employee_number", "position", "salary", "hire_date", "insured_city"]),
    ("劳动合同", ["contract_type", "contract_start", "contract_end", "probation_end"]),
    ("工资发放", ["bank_name", "bank_account"]),
]
CHOICES: dict[str, list[tuple[str, str]]] = {
    "retirement_category": list(P.RetirementCategory.choices),
    "hukou_type": list(P.HukouType.choices),
    "education": list(P.Education.choices),
    "contract_type": list(P.ContractType.choices),
}
DATES = {"contract_start", "contract_end", "probation_end", "hire_date"}
# Shown masked; on the edit form they stay empty and an empty input keeps the stored value,
# so opening the form never reveals them without the logged reveal.
SENSITIVE = {
    "id_number": "id_number_masked",
    "phone": "phone_masked",
    "bank_account": "bank_account_masked",
}
REQUIRED = {"name", "id_number"}
HELP = {
    "id_number": "18 位，性别和出生日期由身份证号自动识别",
    "retirement_category": "留空时按性别默认（女性默认原 50 岁职工）",
    "salary": "元，最多两位小数",
}

assert all(name in PERSON_FIELDS for _, names in SECTIONS for name in names)


@dataclass
class Input:
    name: str
    label: str
    kind: str  # text, date, select
    value: str
    error: str = ""
    required: bool = False
    help: str = ""
    choices: list[tuple[str, str]] | None = None


def layout(
    values: dict[str, str], errors: dict[str, str], *, person: InsuredPerson | None = None
) -> list[tuple[str, list[Input]]]:
    sections = []
    for title, names in SECTIONS:
        inputs = []
        for name in names:
            help_text = HELP.get(name, "")
            required = name in REQUIRED
            if person is not None and name in SENSITIVE:
                masked = getattr(person, SENSITIVE[name]) or "未填写"
                help_text = f"当前：{masked}；留空表示不修改"
                required = False
            kind = "select" if name in CHOICES else "date" if name in DATES else "text"
            inputs.append(
                Input(
                    name=name,
                    label=PERSON_FIELDS[name],
                    kind=kind,
                    value=values.get(name, ""),
                    error=errors.get(name, ""),
                    required=required,
                    help=help_text,
                    choices=CHOICES.get(name),
                )
            )
        sections.append((title, inputs))
    return sections


def initial(person: InsuredPerson) -> dict[str, str]:
    """The stored values as the edit form shows them (sensitive ones left empty)."""
    result: dict[str, str] = {}
    for name in PERSON_FIELDS:
        if name in SENSITIVE:
            continue
        value: Any = getattr(person, name)
        result[name] = "" if value is None else str(value)
    return result


def read(post: QueryDict, *, editing: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(what the user typed, the subset to hand to the service)."""
    typed = {name: post.get(name, "").strip() for name in PERSON_FIELDS if name in post}
    data = dict(typed)
    if editing:
        for name in SENSITIVE:
            if not data.get(name):
                data.pop(name, None)
    return typed, data
