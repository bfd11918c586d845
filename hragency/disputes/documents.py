"""Documents (evidence, rulings; private files) and the handling notes of a dispute case."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from hragency.clients.services import ensure_serviceable
from hragency.core import audit, fields
from hragency.core.errors import FieldError, InvalidFields
from hragency.core.uploads import RejectedFile, check_upload
from hragency.disputes.models import CaseDocument, CaseNote, DisputeCase
from hragency.disputes.services import MAX_TEXT, _require_handler


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name.strip()[:200] or "upload"


@transaction.atomic
def add_document(
    *, actor: Any, case: DisputeCase, kind: str, file: Any, name: str | None = None
) -> CaseDocument:
    """Evidence and rulings: JPG/PNG/PDF checked by extension and magic bytes, stored under a
    private path, downloaded only through the scoped view."""
    _require_handler(actor, case)
    ensure_serviceable(case.client_id)
    if kind not in CaseDocument.Kind.values:
        raise InvalidFields([FieldError("kind", "材料类型", "请选择材料类型")])
    if file is None:
        raise InvalidFields([FieldError("file", "文件", "请选择要上传的文件")])
    original = _clean_name(name or getattr(file, "name", "") or "")
    size = int(getattr(file, "size", 0) or 0)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        sniffed = check_upload(original, size, head)
    except RejectedFile as exc:
        raise InvalidFields([FieldError("file", "文件", str(exc))]) from exc
    document = CaseDocument(
        case=case,
        kind=kind,
        original_name=original,
        size=size,
        content_type=sniffed.content_type,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{sniffed.extension}", File(file), save=False)
    try:
        document.save()
        audit.record(
            actor=actor,
            action="disputes.document_add",
            instance=case,
            extra={"document": {"id": document.pk, "kind": kind, "name": original}},
        )
    except BaseException:
        default_storage.delete(document.file.name)
        raise
    return document


def record_download(*, actor: Any, document: CaseDocument) -> None:
    audit.record(
        actor=actor,
        action="disputes.document_download",
        instance=document.case,
        extra={"document": {"id": document.pk, "name": document.original_name}},
    )


@transaction.atomic
def add_note(
    *, actor: Any, case: DisputeCase, text: str, visible_to_client: bool = False
) -> CaseNote:
    _require_handler(actor, case)
    ensure_serviceable(case.client_id)
    errors: list[FieldError] = []
    text = fields.text(text, "text", "内容", errors, required=True, max_length=MAX_TEXT)
    if errors:
        raise InvalidFields(errors)
    note = CaseNote.objects.create(
        case=case, text=text, visible_to_client=bool(visible_to_client), author=actor
    )
    audit.record(
        actor=actor,
        action="disputes.note_client" if note.visible_to_client else "disputes.note_add",
        instance=case,
        extra={"note": note.pk},
    )
    return note
