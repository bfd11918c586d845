"""``POST /api/desk/inbound/{gateway}``: the messaging gateways' webhook (R-DESK-1).

No session: the request is authenticated by its HMAC signature, so the body is read raw,
checked, and only then parsed (a pydantic body parameter would be parsed before the check).
The contract is in ``hragency.servicedesk.channels.webhook``'s docstring and in the OpenAPI
description below.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ValidationError

from hragency.servicedesk.channels import webhook
from hragency.servicedesk.models import Gateway

router = Router(tags=["服务台-渠道接入"])


class SenderIn(Schema):
    name: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    client_number: str | None = Field(None, max_length=20)
    external_user_id: str | None = Field(None, max_length=120)


class AttachmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    url: str | None = Field(None, max_length=1000)
    content_type: str | None = Field(None, max_length=120)
    size: int | None = Field(None, ge=0)


class GatewayMessageIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=200)
    conversation_id: str | None = Field(None, max_length=150)
    sent_at: str | None = Field(None, max_length=40)
    sender: SenderIn | None = None
    text: str | None = Field(None, max_length=20000)
    attachments: list[AttachmentIn] | None = Field(None, max_length=50)


class InboundOut(Schema):
    ticket: str
    duplicate: bool
    status: str
    action: str


class InboundError(Schema):
    detail: str
    errors: list[dict[str, str]] = []


_REASONS = {
    "missing": "必填",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "too_long": "太多",
    "greater_than_equal": "太小",
}

_DESCRIPTION = (
    (webhook.__doc__ or "").split("Threading:")[0]
    + "签名：`X-Signature: sha256=<hex HMAC-SHA256(密钥, X-Timestamp + '.' + 原始请求体)>`，"
    "`X-Timestamp` 为 Unix 秒，与服务器时间相差超过 5 分钟视为重放（401）。"
    "同一网关的同一 message_id 只受理一次：重试返回同一工单号与 `duplicate: true`。"
)


def _inline(schema: Any, defs: dict[str, Any] | None = None) -> Any:
    """A pydantic JSON schema with its ``$defs`` inlined (they are not OpenAPI components)."""
    if defs is None:
        defs = schema.pop("$defs", {}) if isinstance(schema, dict) else {}
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(dict(defs[ref.split("/")[-1]]), defs)
        return {key: _inline(value, defs) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, defs) for item in schema]
    return schema


def _error(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> Status[Any]:
    return Status(status, {"detail": detail, "errors": errors or []})


def _parse(body: bytes) -> GatewayMessageIn | Status[Any]:
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(
            400, "请求体不是有效的 UTF-8 JSON", [{"field": "body", "reason": "JSON 格式错误"}]
        )
    if not isinstance(data, dict):
        return _error(400, "请求体应为 JSON 对象", [{"field": "body", "reason": "应为对象"}])
    try:
        payload = GatewayMessageIn.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())),
                "reason": _REASONS.get(str(e.get("type")), str(e.get("msg", ""))),
            }
            for e in exc.errors()
        ]
        detail = "；".join(f"「{e['field']}」{e['reason']}" for e in errors)
        return _error(400, f"请求参数无效：{detail}", errors)
    problems = []
    if not (payload.text or "").strip() and not payload.attachments:
        problems.append({"field": "text", "reason": "必填"})
    email = (payload.sender.email or "").strip() if payload.sender else ""
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            problems.append({"field": "sender.email", "reason": "邮箱格式不正确"})
    if problems:
        detail = "；".join(f"「{p['field']}」{p['reason']}" for p in problems)
        return _error(400, f"请求参数无效：{detail}", problems)
    return payload


def _message(payload: GatewayMessageIn) -> webhook.GatewayMessage:
    sender = payload.sender or SenderIn.model_validate({})
    return webhook.GatewayMessage(
        message_id=payload.message_id.strip(),
        text=(payload.text or "").strip(),
        conversation_id=(payload.conversation_id or "").strip(),
        sender_name=(sender.name or "").strip(),
        sender_phone=(sender.phone or "").strip(),
        sender_email=(sender.email or "").strip(),
        client_number=(sender.client_number or "").strip(),
        external_user_id=(sender.external_user_id or "").strip(),
        attachments=tuple(
            webhook.Attachment(a.name.strip(), (a.url or "").strip())
            for a in payload.attachments or []
        ),
    )


@router.post(
    "/{gateway}",
    auth=None,
    response={200: InboundOut, 400: InboundError, 401: InboundError, 404: InboundError},
    summary="消息网关来件（签名校验、幂等）",
    description=_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _inline(GatewayMessageIn.model_json_schema())}
            },
        },
        "parameters": [
            {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"}},
            {"name": "X-Timestamp", "in": "header", "required": True, "schema": {"type": "string"}},
        ],
    },
)
def gateway_inbound(request: HttpRequest, gateway: str) -> Status[Any]:
    found = Gateway.objects.filter(code=gateway, active=True).first()
    if found is None:
        return _error(404, "消息网关不存在或已停用")
    try:
        webhook.verify(
            found,
            signature=request.headers.get("X-Signature", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
            body=request.body,
            now=timezone.now(),
        )
    except webhook.SignatureRejected as exc:
        return _error(401, str(exc))
    payload = _parse(request.body)
    if isinstance(payload, Status):
        return payload
    result = webhook.receive_gateway_message(gateway=found, message=_message(payload))
    ticket = result.ticket
    return Status(
        200,
        {
            "ticket": ticket.number if ticket is not None else "",
            "duplicate": result.duplicate,
            "status": ticket.status if ticket is not None else "",
            "action": result.action,
        },
    )
