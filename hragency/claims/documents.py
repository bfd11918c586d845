"""Documents of a claim: stored after the one upload check (``core.uploads.check_upload``) in
private storage under ``private/claims/<client>/<claim>/``, read only through the scoped
download views, each download logged (``reveal.claim_document``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from hragency.claims import workflow as wf
from hragency.claims.models import Claim, ClaimDocument
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.scoping import scope_queryset
from hragency.core.uploads import RejectedFile, check_upload

MAX_NAME = 200


def _require(actor: Any, claim: Claim) -> Claim:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not (actor.has_perm("claims.add_claim") or actor.has_perm("claims.handle_claim")):
        raise PermissionDenied("无权办理出险理赔")
    if not scope_queryset(Claim.objects.filter(pk=claim.pk), actor).exists():
        raise PermissionDenied("无权处理该理赔")
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    if claim.status != Claim.Status.OPEN:
        raise ServiceError(f"该理赔{claim.get_status_display()}，不能再上传材料")
    return claim


def _clean_file_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name or "upload")[:MAX_NAME]


@transaction.atomic
def add_document(
    *, actor: Any, claim: Claim, step: str, kind: str, file: Any, name: str | None = None
) -> ClaimDocument:
    """Store a document for a step after checking size, extension and magic bytes. Private
    storage; read only through the scoped download view."""
    claim = _require(actor, claim)
    ensure_serviceable(claim.client_id)
    errors: list[FieldError] = []
    if step not in wf.STEP_LABELS:
        errors.append(FieldError("step", "环节", "请选择环节"))
    if kind not in wf.DOCUMENT_LABELS:
        errors.append(FieldError("kind", "材料类型", "请选择材料类型"))
    if file is None:
        errors.append(FieldError("file", "文件", "请选择要上传的文件"))
    if errors:
        raise InvalidFields(errors)
    original = _clean_file_name(name or getattr(file, "name", "") or "")
    size = int(getattr(file, "size", 0) or 0)
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        sniffed = check_upload(original, size, head)
    except RejectedFile as exc:
        raise InvalidFields([FieldError("file", "文件", str(exc))]) from exc
    document = ClaimDocument(
        claim=claim,
        step=step,
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
            action="claims.document_add",
            instance=claim,
            extra={
                "document": {
                    "id": document.pk,
                    "step": wf.STEP_LABELS[step],
                    "kind": wf.DOCUMENT_LABELS[kind],
                    "name": original,
                }
            },
        )
    except BaseException:
        default_storage.delete(document.file.name)
        raise
    return document


def record_download(*, actor: Any, document: ClaimDocument) -> None:
    """A claim's papers are medical and personal data: each download is logged."""
    audit.record(
        actor=actor,
        action="reveal.claim_document",
        instance=document.claim,
        extra={
            "document": {"id": document.pk, "kind": str(document), "name": document.original_name}
        },
    )
