"""The one check of client record fields, used by the form, the API and the Excel import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hragency.clients.models import Client
from hragency.core import values
from hragency.core.errors import FieldError
from hragency.domain.uscc import InvalidCreditCode, parse_credit_code

# Field → label, in the order of the import template's columns.
CLIENT_FIELDS: dict[str, str] = {
    "name": "客户名称",
    "credit_code": "统一社会信用代码",
    "nature": "企业属性",
    "industry": "所属行业",
    "address": "办公地址",
    "service_cities": "服务城市",
    "grade": "客户等级",
    "min_age": "最低年龄",
    "max_age": "最高年龄",
}
REQUIRED_CLIENT_FIELDS = ("name", "credit_code")
_MAX_LENGTHS = {"name": 120, "industry": 60, "address": 200, "service_cities": 200}


def validate_client(
    data: Mapping[str, object], *, partial: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean values for the fields present in ``data`` (all fields unless ``partial``) and the
    errors found. Uniqueness against the database is the caller's check (it is set-based in
    the import)."""
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, label in CLIENT_FIELDS.items():
        if partial and field not in data:
            continue
        raw = data.get(field)
        try:
            clean[field] = _clean(field, raw)
        except values.InvalidValue as exc:
            errors.append(FieldError(field, label, str(exc)))
            continue
        if field in REQUIRED_CLIENT_FIELDS and clean[field] in ("", None):
            errors.append(FieldError(field, label, "必填"))
    if not errors:
        low, high = clean.get("min_age"), clean.get("max_age")
        if low is not None and high is not None and low > high:
            errors.append(FieldError("max_age", CLIENT_FIELDS["max_age"], "不能小于最低年龄"))
    return clean, errors


def _clean(field: str, raw: object) -> Any:
    if field == "credit_code":
        code = values.text(raw)
        if not code:
            return ""
        try:
            return parse_credit_code(code)
        except InvalidCreditCode as exc:
            raise values.InvalidValue(str(exc)) from exc
    if field == "nature":
        return values.choice(raw, dict(Client.Nature.choices))
    if field == "grade":
        return values.choice(raw, dict(Client.Grade.choices)) or Client.Grade.NORMAL
    if field in ("min_age", "max_age"):
        age = values.integer(raw)
        if age is not None and not 16 <= age <= 70:
            raise values.InvalidValue("年龄限制应在 16–70 之间")
        return age
    if field == "service_cities":
        cities = [c for c in values.text(raw).replace("，", ",").replace("、", ",").split(",")]
        result = "、".join(c.strip() for c in cities if c.strip())
    else:
        result = values.text(raw)
    limit = _MAX_LENGTHS.get(field)
    if limit and len(result) > limit:
        raise values.InvalidValue(f"不能超过 {limit} 个字")
    return result
