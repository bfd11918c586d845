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


# ---- Records beside the client: one check each, shared by forms and the API. ----

CONTACT_FIELDS: dict[str, str] = {
    "name": "姓名",
    "title": "职务",
    "phone": "电话",
    "email": "电子邮箱",
    "is_primary": "主要联系人",
    "note": "备注",
}

INTAKE_FIELDS: dict[str, str] = {
    "first_contact_at": "首次接触时间",
    "channel": "接触方式",
    "company_size": "企业规模（员工总数）",
    "headcount": "委托服务人数",
    "insured_cities": "参保城市",
    "modules": "服务模块",
    "special_needs": "特殊需求",
}
# What "需求完整性确认" (000) requires before the form counts as complete.
INTAKE_REQUIRED_TO_COMPLETE = ("headcount", "insured_cities", "modules")

REVIEW_FIELDS: dict[str, str] = {
    "originals_seen": "已查看原件",
    "outcome": "初审结论",
    "note": "初审意见",
    "checks": "核查记录",
}

AGREEMENT_FIELDS: dict[str, str] = {
    "kind": "协议类型",
    "modules": "服务内容（模块）",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "fee_model": "收费方式",
    "fee_per_head": "服务费（元/人/月）",
    "fee_rate": "费率（%）",
    "module_fees": "分模块月费",
    "payment_method": "支付方式",
    "payment_day": "每月付款日",
    "rights_obligations": "双方权利与义务",
    "breach_liability": "违约责任",
}
_PHONE_CHARS = set("0123456789-+ ()")


def _limited(raw: object, limit: int) -> str:
    result = values.text(raw)
    if len(result) > limit:
        raise values.InvalidValue(f"不能超过 {limit} 个字")
    return result


def _modules(raw: object) -> list[str]:
    from hragency.clients.models import Module

    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list | tuple) else values.text(raw).replace("，", ",").split(",")
    labels = dict(Module.choices)
    result: list[str] = []
    for item in items:
        code = values.choice(item, labels)
        if code and code not in result:
            result.append(code)
    return result


def _collect(
    data: Mapping[str, object],
    fields: Mapping[str, str],
    cleaners: Mapping[str, Any],
    partial: bool,
) -> tuple[dict[str, Any], list[FieldError]]:
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, label in fields.items():
        if field not in cleaners or (partial and field not in data):
            continue
        try:
            clean[field] = cleaners[field](data.get(field))
        except values.InvalidValue as exc:
            errors.append(FieldError(field, label, str(exc)))
    return clean, errors


def _required(
    clean: Mapping[str, Any], errors: list[FieldError], fields: Mapping[str, str], *names: str
) -> None:
    failed = {e.field for e in errors}
    for name in names:
        if name in clean and name not in failed and clean[name] in ("", None, [], {}):
            errors.append(FieldError(name, fields[name], "必填"))


def _phone(raw: object) -> str:
    phone = _limited(raw, 30)
    if phone and (not set(phone) <= _PHONE_CHARS or sum(c.isdigit() for c in phone) < 7):
        raise values.InvalidValue("应为电话号码，如 13812345678 或 021-12345678")
    return phone


def _email(raw: object) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = _limited(raw, 254)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise values.InvalidValue("电子邮箱格式不正确") from exc
    return email


def validate_contact(
    data: Mapping[str, object], *, partial: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    cleaners = {
        "name": lambda v: _limited(v, 60),
        "title": lambda v: _limited(v, 60),
        "phone": _phone,
        "email": _email,
        "is_primary": values.yes_no,
        "note": lambda v: _limited(v, 200),
    }
    clean, errors = _collect(data, CONTACT_FIELDS, cleaners, partial)
    _required(clean, errors, CONTACT_FIELDS, "name")
    if not partial and not errors and not clean["phone"] and not clean["email"]:
        errors.append(FieldError("phone", CONTACT_FIELDS["phone"], "电话和电子邮箱至少填一项"))
    return clean, errors


def _moment(raw: object) -> Any:
    import datetime as dt

    from django.utils import timezone

    if isinstance(raw, dt.datetime):
        return raw if timezone.is_aware(raw) else timezone.make_aware(raw)
    text = values.text(raw).replace("T", " ")
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            zone = timezone.get_current_timezone()
            return dt.datetime.strptime(text[:19], fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise values.InvalidValue(f"时间格式应为 2026-01-05 09:30：{text}")


def _count(raw: object) -> int | None:
    number = values.integer(raw)
    if number is not None and not 0 <= number <= 10_000_000:
        raise values.InvalidValue("应为 0 以上的人数")
    return number


def _cities(raw: object) -> str:
    text = values.text(raw).replace("，", ",").replace("、", ",")
    return _limited("、".join(c.strip() for c in text.split(",") if c.strip()), 200)


def validate_intake(
    data: Mapping[str, object], *, partial: bool = False, complete: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Fields of the 服务需求表; with ``complete`` also the fields its completion requires."""
    cleaners = {
        "first_contact_at": _moment,
        "channel": lambda v: _limited(v, 30),
        "company_size": _count,
        "headcount": _count,
        "insured_cities": _cities,
        "modules": _modules,
        "special_needs": lambda v: _limited(v, 2000),
    }
    clean, errors = _collect(data, INTAKE_FIELDS, cleaners, partial)
    _required(clean, errors, INTAKE_FIELDS, "first_contact_at")
    if complete:
        _required(clean, errors, INTAKE_FIELDS, *INTAKE_REQUIRED_TO_COMPLETE)
    return clean, errors


def validate_review(data: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    """The first review: outcome, originals seen, and the registry checks made.

    ``checks`` is a list of {source, result, note}. A pass needs the originals seen, at least one
    check against an official registry (公示系统 or 信用中国) and no inconsistent check (002 §6)."""
    from hragency.clients.models import InfoReview, RegistryCheck

    clean, errors = _collect(
        data,
        REVIEW_FIELDS,
        {
            "originals_seen": values.yes_no,
            "outcome": lambda v: values.choice(v, dict(InfoReview.Outcome.choices)),
            "note": lambda v: _limited(v, 2000),
        },
        False,
    )
    _required(clean, errors, REVIEW_FIELDS, "outcome")
    checks: list[dict[str, str]] = []
    raw_checks = data.get("checks") or []
    if not isinstance(raw_checks, list | tuple):
        errors.append(FieldError("checks", REVIEW_FIELDS["checks"], "应为核查记录列表"))
        raw_checks = []
    sources, results = dict(RegistryCheck.Source.choices), dict(RegistryCheck.Result.choices)
    for index, raw in enumerate(raw_checks, start=1):
        row = raw if isinstance(raw, Mapping) else {}
        try:
            source = values.choice(row.get("source"), sources)
            result = values.choice(row.get("result"), results)
            note = _limited(row.get("note"), 300)
        except values.InvalidValue as exc:
            errors.append(FieldError("checks", REVIEW_FIELDS["checks"], f"第{index}条：{exc}"))
            continue
        if not source or not result:
            errors.append(
                FieldError("checks", REVIEW_FIELDS["checks"], f"第{index}条：须填写核查渠道和结果")
            )
            continue
        checks.append({"source": source, "result": result, "note": note})
    clean["checks"] = checks
    if not errors and clean["outcome"] == InfoReview.Outcome.PASS:
        if not clean["originals_seen"]:
            errors.append(
                FieldError(
                    "originals_seen", REVIEW_FIELDS["originals_seen"], "重要证明资料须查看原件"
                )
            )
        official = {RegistryCheck.Source.GSXT, RegistryCheck.Source.CREDIT_CHINA}
        if not any(c["source"] in official for c in checks):
            errors.append(
                FieldError(
                    "checks",
                    REVIEW_FIELDS["checks"],
                    "须记录国家企业信用信息公示系统或信用中国的核查结果",
                )
            )
        if any(c["result"] == RegistryCheck.Result.INCONSISTENT for c in checks):
            errors.append(
                FieldError("outcome", REVIEW_FIELDS["outcome"], "有核查结果不一致，不能通过初审")
            )
    if not errors and clean["outcome"] != InfoReview.Outcome.PASS and not clean["note"]:
        errors.append(FieldError("note", REVIEW_FIELDS["note"], "不通过或涉嫌伪造时须写明理由"))
    return clean, errors


def _fee_rate(raw: object) -> Any:
    rate = values.amount(raw, places=3)
    if rate is not None and not 0 < rate <= 100:
        raise values.InvalidValue("费率应在 0–100（%）之间")
    return rate


def _money(raw: object) -> Any:
    amount = values.amount(raw)
    if amount is not None and (amount < 0 or amount >= 10**8):
        raise values.InvalidValue("金额应为 0 至 1 亿元之间")
    return amount


def _module_fees(raw: object) -> dict[str, str]:
    from hragency.clients.models import Module

    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, Mapping):
        raise values.InvalidValue("应为“模块: 金额”的对应表")
    labels = dict(Module.choices)
    result: dict[str, str] = {}
    for key, value in raw.items():
        code = values.choice(key, labels)
        amount = _money(value)
        if code and amount is not None:
            result[code] = str(amount)
    return result


def _payment_day(raw: object) -> int | None:
    day = values.integer(raw)
    if day is not None and not 1 <= day <= 28:
        raise values.InvalidValue("应为 1–28 日（每个月都有的日子）")
    return day


def validate_agreement(
    data: Mapping[str, object], *, partial: bool = False
) -> tuple[dict[str, Any], list[FieldError]]:
    """Agreement terms. The fee of the chosen fee model is required: an amount per head per
    month, a percentage of the labour cost, or a monthly amount per module."""
    from hragency.clients.models import Agreement

    cleaners = {
        "kind": lambda v: values.choice(v, dict(Agreement.Kind.choices)),
        "modules": _modules,
        "start_date": values.date,
        "end_date": values.date,
        "fee_model": lambda v: values.choice(v, dict(Agreement.FeeModel.choices)),
        "fee_per_head": _money,
        "fee_rate": _fee_rate,
        "module_fees": _module_fees,
        "payment_method": lambda v: (
            values.choice(v, dict(Agreement.PaymentMethod.choices))
            or Agreement.PaymentMethod.TRANSFER
        ),
        "payment_day": _payment_day,
        "rights_obligations": lambda v: _limited(v, 20000),
        "breach_liability": lambda v: _limited(v, 20000),
    }
    clean, errors = _collect(data, AGREEMENT_FIELDS, cleaners, partial)
    _required(
        clean, errors, AGREEMENT_FIELDS, "kind", "modules", "start_date", "end_date", "fee_model"
    )
    if "payment_day" in clean and clean["payment_day"] is None:
        clean["payment_day"] = 10
    return clean, errors


def check_agreement_terms(merged: Mapping[str, Any]) -> list[FieldError]:
    """Cross-field rules on the agreement as it will be stored (after a partial update too)."""
    from hragency.clients.models import Agreement

    errors: list[FieldError] = []
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        errors.append(FieldError("end_date", AGREEMENT_FIELDS["end_date"], "不能早于开始日期"))
    model = merged.get("fee_model")
    needed = {
        Agreement.FeeModel.PER_HEAD: "fee_per_head",
        Agreement.FeeModel.PERCENTAGE: "fee_rate",
        Agreement.FeeModel.MODULAR: "module_fees",
    }.get(model)  # type: ignore[call-overload]
    if needed and merged.get(needed) in (None, {}, ""):
        errors.append(FieldError(needed, AGREEMENT_FIELDS[needed], "所选收费方式须填写此项"))
    if model == Agreement.FeeModel.MODULAR:
        extra = set(merged.get("module_fees") or {}) - set(merged.get("modules") or [])
        if extra:
            errors.append(
                FieldError("module_fees", AGREEMENT_FIELDS["module_fees"], "含未选择的服务模块")
            )
    return errors
