"""Declarations to the SI bureau and the HF centre (R-SI-4, 003 §4.6–4.7).

After the month close, the specialist prepares each client's declarations (one per city and
kind), exports the file in the city's layout (``DeclarationFormat``, admin-editable), declares,
and records the result: success with the receipt (申报回执) and payment proof (缴费凭证), which
the client's HR sees and downloads; or failure with the reason, which opens a social-insurance
exception with its 1 h / 24 h clocks (R-SI-6).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable, require
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.core.uploads import RejectedFile, check_upload
from hragency.domain.insurance import ITEMS, Item, Period
from hragency.domain.money import from_fen
from hragency.insurance.models import Contribution, Declaration, DeclarationFormat, Enrollment

SI_ITEMS = [item for item in ITEMS if item is not Item.HOUSING_FUND]

# field → (header used by the generic layout, how to read it from a row)
DECLARATION_FIELDS: dict[str, str] = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "gender": "性别",
    "hukou_type": "户籍性质",
    "change": "变动类型",
    "month": "所属期",
    "wage": "申报工资",
    "base": "缴费基数",
    "hf_rate": "缴存比例",
    "employer": "单位缴费",
    "employee": "个人缴费",
    "total": "合计",
    "phone": "手机号码",
}

GENERIC_COLUMNS = {
    "si": [
        "name",
        "id_type",
        "id_number",
        "gender",
        "hukou_type",
        "change",
        "month",
        "wage",
        "base",
        "employer",
        "employee",
        "total",
    ],
    "hf": [
        "name",
        "id_type",
        "id_number",
        "change",
        "month",
        "base",
        "hf_rate",
        "employer",
        "employee",
        "total",
    ],
}


def layout(city: str, kind: str) -> list[dict[str, str]]:
    """The city's columns, or the generic layout when none is configured."""
    configured = DeclarationFormat.objects.filter(city=city, kind=kind).first()
    if configured is not None:
        return list(configured.columns)
    return [{"header": DECLARATION_FIELDS[f], "field": f} for f in GENERIC_COLUMNS[kind]]


def _sums(rows: Any, kind: str) -> tuple[int, int]:
    headcount, amount = 0, 0
    for row in rows:
        if kind == Declaration.Kind.SI:
            parts = [
                (getattr(row, f"{i.value}_er") or 0) + (getattr(row, f"{i.value}_ee") or 0)
                for i in SI_ITEMS
                if getattr(row, f"{i.value}_base") is not None
            ]
            if not parts:
                continue
        else:
            if row.housing_fund_base is None:
                continue
            parts = [row.housing_fund_er + row.housing_fund_ee]
        headcount += 1
        amount += sum(parts)
    return headcount, amount


@transaction.atomic
def prepare_declarations(*, actor: Any, client: Client, month: Period) -> list[Declaration]:
    """One declaration per city and kind with people charged this month (after the close).
    Re-preparing refreshes the figures of declarations not yet declared."""
    require(actor, "insurance.handle_order")
    client = ensure_serviceable(client)
    rows = list(Contribution.objects.filter(client=client, period=month.first_day))
    if not rows:
        raise ServiceError(f"{client.name} 在 {month} 没有缴费明细，请先完成该月月结")
    by_city: dict[str, list[Contribution]] = {}
    for row in rows:
        by_city.setdefault(row.city, []).append(row)
    result = []
    for city, city_rows in sorted(by_city.items()):
        for kind in Declaration.Kind.values:
            headcount, amount = _sums(city_rows, kind)
            if headcount == 0:
                continue
            declaration, created = Declaration.objects.select_for_update().get_or_create(
                client=client,
                city=city,
                month=month.first_day,
                kind=kind,
                defaults={"headcount": headcount, "amount_fen": amount, "handled_by": actor},
            )
            if not created:
                if declaration.status != Declaration.Status.PREPARED:
                    result.append(declaration)
                    continue
                before = audit.snapshot(declaration)
                declaration.headcount, declaration.amount_fen = headcount, amount
                declaration.save(update_fields=["headcount", "amount_fen"])
            else:
                before = None
            audit.record(
                actor=actor,
                action="insurance.declaration_prepare",
                instance=declaration,
                before=before,
                after=audit.snapshot(declaration),
            )
            result.append(declaration)
    return result


def export_rows(declaration: Declaration) -> list[dict[str, Any]]:
    """The rows of the declaration file, in full (ID numbers in clear: the bureau needs them)."""
    month = declaration.month
    rows = (
        Contribution.objects.filter(
            client_id=declaration.client_id, city=declaration.city, period=month
        )
        .select_related("person", "enrollment")
        .order_by("person__name", "person_id")
    )
    previous = Period.of(month).shifted(-1).first_day
    removed = Enrollment.objects.filter(
        client_id=declaration.client_id, city=declaration.city, end_month=previous
    ).select_related("person")
    hf = declaration.kind == Declaration.Kind.HF
    result = []
    for row in rows:
        person = row.person
        if hf:
            if row.housing_fund_base is None:
                continue
            base, er, ee = row.housing_fund_base, row.housing_fund_er, row.housing_fund_ee
            wage_fen = row.wage_fen
        else:
            present = [i for i in SI_ITEMS if getattr(row, f"{i.value}_base") is not None]
            if not present:
                continue
            base = (
                row.pension_base
                if row.pension_base is not None
                else getattr(row, f"{present[0].value}_base")
            )
            er = sum(getattr(row, f"{i.value}_er") for i in present)
            ee = sum(getattr(row, f"{i.value}_ee") for i in present)
            wage_fen = row.wage_fen
        started = row.enrollment.start_month == month
        result.append(
            _row(person, "增员" if started else "在册", month, wage_fen, base, er, ee, hf, row)
        )
    for enrollment in removed:
        if (hf and not enrollment.hf) or (not hf and not enrollment.si):
            continue
        result.append(_row(enrollment.person, "减员", month, 0, 0, 0, 0, hf, None))
    return result


def _row(
    person: Any, change: str, month: Any, wage: int, base: int, er: int, ee: int, hf: bool, row: Any
) -> dict[str, Any]:
    rate = ""
    if hf and base:
        rate = f"{(from_fen(er) / from_fen(base) * 100).quantize(from_fen(1)):f}%"
    return {
        "name": person.name,
        "id_type": "居民身份证",
        "id_number": person.id_number,
        "gender": person.get_gender_display(),
        "hukou_type": person.get_hukou_type_display() or "",
        "change": change,
        "month": f"{month:%Y%m}",
        "wage": from_fen(wage),
        "base": from_fen(base),
        "hf_rate": rate,
        "employer": from_fen(er),
        "employee": from_fen(ee),
        "total": from_fen(er + ee),
        "phone": person.phone or "",
    }


def export_declaration(*, actor: Any, declaration: Declaration) -> tuple[str, bytes]:
    """The declaration file (.xlsx) in the city's layout. Logged: it holds full ID numbers."""
    from openpyxl import Workbook

    require(actor, "insurance.handle_order")
    columns = layout(declaration.city, declaration.kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "申报明细"
    sheet.append([c["header"] for c in columns])
    money = {"wage", "base", "employer", "employee", "total"}
    for data in export_rows(declaration):
        sheet.append([data.get(c["field"], "") for c in columns])
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            if column["field"] in money:
                cell.number_format = "#,##0.00"
            elif column["field"] in ("id_number", "phone", "month"):
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit.record(
        actor=actor,
        action="insurance.declaration_export",
        instance=declaration,
        extra={"rows": sheet.max_row - 1},
    )
    name = (
        f"{declaration.city}{declaration.get_kind_display()}申报_{declaration.client.name}_"
        f"{declaration.month:%Y%m}.xlsx"
    )
    return name, buffer.getvalue()


def _transition(
    actor: Any,
    declaration: Declaration,
    allowed: set[str],
    change: Callable[[Declaration], None],
    action: str,
) -> Declaration:
    require(actor, "insurance.handle_order")
    declaration = (
        Declaration.objects.select_for_update().select_related("client").get(pk=declaration.pk)
    )
    ensure_serviceable(declaration.client)
    if declaration.status not in allowed:
        raise ServiceError(f"该申报{declaration.get_status_display()}，不能执行此操作")
    before = audit.snapshot(declaration)
    change(declaration)
    declaration.handled_by = actor
    declaration.save()
    audit.record(
        actor=actor,
        action=action,
        instance=declaration,
        before=before,
        after=audit.snapshot(declaration),
    )
    return declaration


@transaction.atomic
def mark_declared(*, actor: Any, declaration: Declaration) -> Declaration:
    def change(d: Declaration) -> None:
        d.status = Declaration.Status.DECLARED
        d.declared_at = timezone.now()

    return _transition(
        actor, declaration, {Declaration.Status.PREPARED}, change, "insurance.declaration_declared"
    )


def _store(
    declaration: Declaration, field: str, label: str, upload: Any, stored: list[str]
) -> None:
    name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        sniffed = check_upload(name, size, head)
    except RejectedFile as exc:
        raise InvalidFields([FieldError(field, label, str(exc))]) from exc
    file_field = getattr(declaration, field)
    old = file_field.name
    file_field.save(f"{field}.{sniffed.extension}", File(upload), save=False)
    stored.append(file_field.name)
    transaction.on_commit(lambda: default_storage.delete(old) if old else None)


@transaction.atomic
def record_result(
    *,
    actor: Any,
    declaration: Declaration,
    succeeded: bool,
    receipt_number: str = "",
    receipt_file: Any = None,
    proof_file: Any = None,
    failure_reason: str = "",
) -> Declaration:
    """Success needs the receipt (number or file); failure needs the reason and opens an
    exception for the emergency team."""
    errors = []
    if succeeded and not receipt_number.strip() and receipt_file is None:
        errors.append(
            FieldError("receipt_number", "回执编号", "申报成功须填写回执编号或上传申报回执")
        )
    if not succeeded and not failure_reason.strip():
        errors.append(FieldError("failure_reason", "失败原因", "必填"))
    if errors:
        raise InvalidFields(errors)
    stored: list[str] = []  # new files, removed again if anything below fails

    def change(d: Declaration) -> None:
        d.completed_at = timezone.now()
        if succeeded:
            d.status = Declaration.Status.SUCCEEDED
            d.receipt_number = receipt_number.strip()
            if receipt_file is not None:
                _store(d, "receipt_file", "申报回执", receipt_file, stored)
            if proof_file is not None:
                _store(d, "proof_file", "缴费凭证", proof_file, stored)
        else:
            d.status = Declaration.Status.FAILED
            d.failure_reason = failure_reason.strip()

    try:
        declaration = _transition(
            actor,
            declaration,
            {Declaration.Status.DECLARED, Declaration.Status.FAILED},
            change,
            "insurance.declaration_result",
        )
        _announce(actor, declaration, succeeded)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return declaration


def _announce(actor: Any, declaration: Declaration, succeeded: bool) -> None:
    client = declaration.client
    period = f"{declaration.month:%Y-%m}"
    if succeeded:
        from hragency.accounts.queries import client_hr_users

        hr_users = client_hr_users(client.pk)
        receipt = declaration.receipt_number or "见回执"
        notify(
            recipients=list(hr_users),
            title=f"{period} {declaration.city}{declaration.get_kind_display()}申报成功",
            body=f"共 {declaration.headcount} 人；回执编号 {receipt}",
            link=f"/insurance/declarations/{declaration.pk}/",
        )
    else:
        from hragency.insurance.incidents import report_incident

        report_incident(
            actor=actor,
            client=client,
            kind="declaration",
            description=(
                f"{period} {declaration.city}{declaration.get_kind_display()}申报失败："
                f"{declaration.failure_reason}"
            ),
        )


def record_proof_download(*, actor: Any, declaration: Declaration, which: str) -> None:
    audit.record(
        actor=actor,
        action="insurance.declaration_download",
        instance=declaration,
        extra={"file": which},
    )
