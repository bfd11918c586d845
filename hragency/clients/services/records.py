"""The client record itself, its contacts, the 服务需求表 and the blacklist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.clients.models import Agreement, Client, Contact, Intake
from hragency.clients.services.base import ensure_serviceable, locked, require, staff_or_none
from hragency.clients.validation import (
    CLIENT_FIELDS,
    INTAKE_FIELDS,
    validate_client,
    validate_contact,
    validate_intake,
)
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.uploads import RejectedFile, check_upload

INTAKE_HOURS = 24  # 000: 需求对接 — 销售顾问 — 24小时内 — 《服务需求表》


def _check_unique_credit_code(code: str, *, exclude: int | None = None) -> None:
    if not code:
        return
    clash = Client.objects.filter(credit_code=code).exclude(pk=exclude).first()
    if clash is None:
        return
    reason = f"已被客户 {clash.number}「{clash.name}」使用"
    if clash.is_blacklisted:
        reason = f"该企业已列入失信客户名单（{clash.number}），不能再建档服务"
    raise InvalidFields([FieldError("credit_code", CLIENT_FIELDS["credit_code"], reason)])


@transaction.atomic
def create_client(*, data: Mapping[str, object], actor: Any) -> Client:
    """A new client (a prospect until an agreement is signed). Staff who create a client and
    do not see every client are assigned to it, or they could not open what they created."""
    clean, errors = validate_client(data)
    if errors:
        raise InvalidFields(errors)
    _check_unique_credit_code(clean["credit_code"])
    client = Client.objects.create(number=next_number("KH"), owner=staff_or_none(actor), **clean)
    audit.record(
        actor=actor, action="clients.create", instance=client, after=audit.snapshot(client)
    )
    if staff_or_none(actor) is not None and not actor.has_perm("accounts.view_all_clients"):
        from hragency.accounts.services import assign_client

        assign_client(client_id=client.pk, user=actor, responsibility="客户经理", actor=actor)
        actor.__dict__.pop("_hragency_scope", None)  # the cached scope lacks the new client
    return client


@transaction.atomic
def update_client(*, client: Client, data: Mapping[str, object], actor: Any) -> Client:
    client = locked(client)
    clean, errors = validate_client(data, partial=True)
    if errors:
        raise InvalidFields(errors)
    if "credit_code" in clean:
        _check_unique_credit_code(clean["credit_code"], exclude=client.pk)
    low = clean.get("min_age", client.min_age)
    high = clean.get("max_age", client.max_age)
    if low is not None and high is not None and low > high:
        # A partial update can pair a new limit with the stored one: check the result.
        field = "max_age" if "max_age" in clean else "min_age"
        reason = "不能小于最低年龄" if field == "max_age" else "不能大于最高年龄"
        raise InvalidFields([FieldError(field, CLIENT_FIELDS[field], reason)])
    before = audit.snapshot(client)
    for field, value in clean.items():
        setattr(client, field, value)
    client.save()
    audit.record(
        actor=actor,
        action="clients.update",
        instance=client,
        before=before,
        after=audit.snapshot(client),
    )
    return client


# ---- contacts ----


def _refuse_unknown(data: Mapping[str, object], fields: Mapping[str, str]) -> None:
    unknown = sorted(set(data) - set(fields) - {"csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")


def _clear_other_primary(contact: Contact) -> None:
    # One primary contact per client (a partial unique constraint backs this up).
    if contact.is_primary:
        Contact.objects.filter(client_id=contact.client_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def add_contact(*, client: Client, data: Mapping[str, object], actor: Any) -> Contact:
    require(actor, "clients.add_contact")
    client = ensure_serviceable(locked(client))
    clean, errors = validate_contact(data)
    if errors:
        raise InvalidFields(errors)
    if not client.contacts.exists():
        clean["is_primary"] = True
    contact = Contact(client=client, **clean)
    _clear_other_primary(contact)
    contact.save()
    audit.record(
        actor=actor, action="clients.contact_add", instance=contact, after=audit.snapshot(contact)
    )
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, data: Mapping[str, object], actor: Any) -> Contact:
    require(actor, "clients.change_contact")
    ensure_serviceable(locked(contact.client))
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    clean, errors = validate_contact(data, partial=True)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(contact)
    for field, value in clean.items():
        setattr(contact, field, value)
    if not contact.phone and not contact.email:
        raise InvalidFields([FieldError("phone", "电话", "电话和电子邮箱至少填一项")])
    _clear_other_primary(contact)
    contact.save()
    audit.record(
        actor=actor,
        action="clients.contact_update",
        instance=contact,
        before=before,
        after=audit.snapshot(contact),
    )
    return contact


@transaction.atomic
def remove_contact(*, contact: Contact, actor: Any) -> None:
    require(actor, "clients.delete_contact")
    locked(contact.client)
    before = audit.snapshot(contact)
    audit.record(actor=actor, action="clients.contact_remove", instance=contact, before=before)
    contact.delete()


# ---- 《服务需求表》 ----


@transaction.atomic
def create_intake(*, client: Client, data: Mapping[str, object], actor: Any) -> Intake:
    """Record the first contact and open the obligation to finish the form within 24 hours
    of it (kind ``clients.intake``, owned by the sales user who records it)."""
    require(actor, "clients.add_intake")
    _refuse_unknown(data, INTAKE_FIELDS)
    client = ensure_serviceable(locked(client))
    clean, errors = validate_intake(data)
    if errors:
        raise InvalidFields(errors)
    _refuse_future(clean["first_contact_at"])
    intake = Intake.objects.create(client=client, sales=actor, **clean)
    intake.deadline = open_deadline(
        kind="clients.intake",
        title=f"{client.name}：《服务需求表》24小时内完成",
        owner=actor,
        due_at=intake.first_contact_at + dt.timedelta(hours=INTAKE_HOURS),
        starts_at=intake.first_contact_at,
        client_id=client.pk,
        subject=intake,
        link=f"/clients/{client.pk}/intake/",
        actor=actor,
    )
    intake.save(update_fields=["deadline"])
    audit.record(
        actor=actor, action="clients.intake_create", instance=intake, after=audit.snapshot(intake)
    )
    return intake


def _refuse_future(moment: dt.datetime | None) -> None:
    if moment is not None and moment > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidFields(
            [FieldError("first_contact_at", INTAKE_FIELDS["first_contact_at"], "不能晚于当前时间")]
        )


@transaction.atomic
def update_intake(*, intake: Intake, data: Mapping[str, object], actor: Any) -> Intake:
    require(actor, "clients.change_intake")
    _refuse_unknown(data, INTAKE_FIELDS)
    ensure_serviceable(locked(intake.client))
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status == Intake.Status.COMPLETED:
        raise ServiceError("服务需求表已完成，不能再修改")
    clean, errors = validate_intake(data, partial=True)
    if errors:
        raise InvalidFields(errors)
    if "first_contact_at" in clean and clean["first_contact_at"] != intake.first_contact_at:
        # The 24 hours run from the first contact, which was recorded when the form was opened.
        raise InvalidFields(
            [FieldError("first_contact_at", INTAKE_FIELDS["first_contact_at"], "登记后不能修改")]
        )
    before = audit.snapshot(intake)
    for field, value in clean.items():
        setattr(intake, field, value)
    intake.save()
    audit.record(
        actor=actor,
        action="clients.intake_update",
        instance=intake,
        before=before,
        after=audit.snapshot(intake),
    )
    return intake


@transaction.atomic
def complete_intake(
    *, intake: Intake, actor: Any, data: Mapping[str, object] | None = None
) -> Intake:
    """Save any last changes, confirm the form is complete and close its deadline (met when
    within the 24 hours, late otherwise)."""
    if data:
        intake = update_intake(intake=intake, data=data, actor=actor)
    require(actor, "clients.change_intake")
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status == Intake.Status.COMPLETED:
        raise ServiceError("服务需求表已完成")
    current = {f: getattr(intake, f) for f in INTAKE_FIELDS}
    _, errors = validate_intake(current, complete=True)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(intake)
    intake.status = Intake.Status.COMPLETED
    intake.completed_at = timezone.now()
    intake.save(update_fields=["status", "completed_at"])
    if intake.deadline_id:
        close_deadline(intake.deadline, at=intake.completed_at, actor=actor)  # type: ignore[arg-type]
    audit.record(
        actor=actor,
        action="clients.intake_complete",
        instance=intake,
        before=before,
        after=audit.snapshot(intake),
    )
    return intake


# ---- 失信客户名单 ----


@transaction.atomic
def blacklist_client(*, client: Client, reason: str, actor: Any) -> Client:
    """Put the client on the 失信客户名单 (002 §6.5): service ends, its open deadlines are
    cancelled, its agreements terminated; ``ensure_serviceable`` refuses everything after."""
    require(actor, "clients.blacklist_client")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidFields([FieldError("reason", "失信原因", "必填")])
    if len(reason) > 500:
        raise InvalidFields([FieldError("reason", "失信原因", "不能超过 500 个字")])
    client = locked(client)
    if client.is_blacklisted:
        raise ServiceError(f"客户「{client.name}」已在失信客户名单中")
    before = audit.snapshot(client)
    now = timezone.now()
    client.status = Client.Status.BLACKLISTED
    client.blacklisted_at = now
    client.blacklist_reason = reason
    client.save(update_fields=["status", "blacklisted_at", "blacklist_reason"])
    for deadline in Deadline.objects.filter(client=client, status=Deadline.Status.OPEN):
        cancel_deadline(deadline=deadline, actor=actor)
    live = [Agreement.Status.DRAFT, Agreement.Status.ACTIVE]
    for agreement in Agreement.objects.select_for_update().filter(client=client, status__in=live):
        agreement_before = audit.snapshot(agreement)
        agreement.status = Agreement.Status.TERMINATED
        agreement.terminated_at = now
        agreement.termination_reason = "客户列入失信客户名单"
        agreement.save(update_fields=["status", "terminated_at", "termination_reason"])
        audit.record(
            actor=actor,
            action="clients.agreement_terminate",
            instance=agreement,
            before=agreement_before,
            after=audit.snapshot(agreement),
        )
    audit.record(
        actor=actor,
        action="clients.blacklist",
        instance=client,
        before=before,
        after=audit.snapshot(client),
    )
    if client.owner_id and client.owner_id != actor.pk:
        notify(
            recipients=[client.owner],
            title=f"客户「{client.name}」已列入失信客户名单",
            body=f"原因：{reason}。此后不再为该客户办理任何业务。",
            link=f"/clients/{client.pk}/",
            level="danger",
        )
    return client


@transaction.atomic
def upload_licence(*, client: Client, file: Any, actor: Any) -> Client:
    """Store the business licence copy (JPG/PNG/PDF, checked by its first bytes), replacing the
    previous one; the old file is removed after commit."""
    require(actor, "clients.change_client")
    client = locked(client)
    ensure_serviceable(client)
    if file is None:
        raise InvalidFields([FieldError("licence_file", "营业执照复印件", "请选择要上传的文件")])
    name = str(getattr(file, "name", "") or "").replace("/", "_").replace("\\", "_")[-200:]
    size = int(getattr(file, "size", 0) or 0)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        sniffed = check_upload(name, size, head)
    except RejectedFile as exc:
        raise InvalidFields([FieldError("licence_file", "营业执照复印件", str(exc))]) from exc
    before = audit.snapshot(client, ["licence_name", "licence_uploaded_at"])
    old = client.licence_file.name
    client.licence_file.save(f"licence.{sniffed.extension}", File(file), save=False)
    stored = client.licence_file.name
    transaction.on_commit(lambda: default_storage.delete(old) if old else None)
    client.licence_name = name
    client.licence_uploaded_at = timezone.now()
    try:
        client.save(update_fields=["licence_file", "licence_name", "licence_uploaded_at"])
        audit.record(
            actor=actor,
            action="clients.licence_upload",
            instance=client,
            before=before,
            after=audit.snapshot(client, ["licence_name", "licence_uploaded_at"]),
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return client


def record_licence_download(*, client: Client, actor: Any) -> None:
    audit.record(actor=actor, action="clients.licence_download", instance=client)
