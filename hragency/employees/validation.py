"""The one check of insured-person fields, used by the form, the API and the Excel import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hragency.core import values
from hragency.core.errors import FieldError
from hragency.domain.idcard import parse_id_number
from hragency.employees.models import InsuredPerson

P = InsuredPerson
# Field → label, in the order of the import template's columns.
PERSON_FIELDS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "email": "电子邮箱",
    "retirement_category": "退休类别",
    "hukou_type": "户籍性质",
    "hukou_place": "户籍所在地",
    "education": "学历",
    "employee_number": "工号",
    "position": "岗位",
    "salary": "月工资",
    "contract_type": "合同类型",
    "contract_start": "合同开始日期",
    "contract_end": "合同结束日期",
    "probation_end": "试用期截止日期",
    "hire_date": "入职日期",
    "insured_city": "参保城市",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
}
REQUIRED_PERSON_FIELDS = ("name", "id_number")
_CHOICES: dict[str, dict[str, str]] = {
    "retirement_category": dict(P.RetirementCategory.choices),
    "hukou_type": dict(P.HukouType.choices),
    "education": dict(P.Education.choices),
    "contract_type": dict(P.ContractType.choices),
}
_DATES = ("contract_start", "contract_end", "probation_end", "hire_date")
_MAX_LENGTHS = {
    "name": 60,
    "email": 254,
    "hukou_place": 120,
    "employee_number": 30,
    "position": 60,
    "insured_city": 40,
    "bank_name": 60,
}


def validate_person(
    data: Mapping[str, object], *, partial: bool = False, today: dt.date | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean values for the fields present in ``data`` (all of them unless ``partial``) and
    every error found. The ID number also yields gender and birth date. Checks against other
    records (duplicates, blacklist, retirement) are the service's."""
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, label in PERSON_FIELDS.items():
        if partial and field not in data:
            continue
        try:
            clean[field] = _clean(field, data.get(field), today)
        except values.InvalidValue as exc:
            errors.append(FieldError(field, label, str(exc)))
            continue
        if field in REQUIRED_PERSON_FIELDS and clean[field] in ("", None):
            errors.append(FieldError(field, label, "必填"))
    if not clean.get("retirement_category"):
        clean.pop("retirement_category", None)
    if clean.get("id_number"):
        info = parse_id_number(clean["id_number"], today=today)
        clean["gender"] = info.gender
        clean["birth_date"] = info.birth_date
        if not partial and "retirement_category" not in clean:
            clean["retirement_category"] = default_retirement_category(info.gender)
    gender = clean.get("gender")
    category = clean.get("retirement_category")
    if gender and category and (gender == "M") != (category == P.RetirementCategory.MALE):
        errors.append(
            FieldError("retirement_category", PERSON_FIELDS["retirement_category"], "与性别不符")
        )
    start, end = clean.get("contract_start"), clean.get("contract_end")
    if start and end and end < start:
        errors.append(FieldError("contract_end", PERSON_FIELDS["contract_end"], "早于合同开始日期"))
    probation = clean.get("probation_end")
    if start and probation and probation < start:
        errors.append(
            FieldError("probation_end", PERSON_FIELDS["probation_end"], "早于合同开始日期")
        )
    return clean, errors


def default_retirement_category(gender: str) -> str:
    """Men 60; women default to the earlier (50) age until the archive says otherwise, so the
    retirement warning errs on the early side."""
    return P.RetirementCategory.MALE if gender == "M" else P.RetirementCategory.FEMALE_WORKER


def _clean(field: str, raw: object, today: dt.date | None) -> Any:
    if field == "id_number":
        return values.id_number(raw, today=today)
    if field in _CHOICES:
        return values.choice(raw, _CHOICES[field])
    if field in _DATES:
        return values.date(raw)
    if field == "salary":
        salary = values.amount(raw)
        if salary is not None and salary < 0:
            raise values.InvalidValue("不能为负数")
        return salary
    result = values.text(raw)
    if field == "phone":
        result = "".join(result.split()).replace("-", "")
        if result and not (result.isdigit() and 7 <= len(result) <= 12):
            raise values.InvalidValue("应为 11 位手机号或带区号的固定电话")
        if len(result) == 11 and not result.startswith("1"):
            raise values.InvalidValue("11 位手机号应以 1 开头")
    elif field == "bank_account":
        result = "".join(result.split())
        if result and not (result.isdigit() and 12 <= len(result) <= 30):
            raise values.InvalidValue("银行账号应为 12–30 位数字")
    elif field == "email" and result and ("@" not in result or " " in result):
        raise values.InvalidValue("电子邮箱格式不正确")
    limit = _MAX_LENGTHS.get(field)
    if limit and len(result) > limit:
        raise values.InvalidValue(f"不能超过 {limit} 个字")
    return result
