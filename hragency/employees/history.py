"""A person's audit rows told as field history (R-EMP-5): who, when, "label: old → new".

Encrypted fields are stored in the audit log only as a change marker, so they read "已变更";
reveals and document downloads read as what the user looked at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hragency.core.models import AuditLog
from hragency.employees.models import InsuredPerson

_FIELD_LABELS: dict[str, str] = {
    f.name: str(f.verbose_name) for f in InsuredPerson._meta.concrete_fields
}
_FIELD_LABELS["client"] = "客户"
_CHOICE_LABELS: dict[str, dict[str, str]] = {
    f.name: {str(k): str(v) for k, v in f.choices}
    for f in InsuredPerson._meta.concrete_fields
    if f.choices
}
_ENCRYPTED_MARK = "（已变更）"
_HIDDEN = {"id", "created_at", "updated_at"}
_PROCESS = {"onboarding": "入职办理", "offboarding": "离职办理"}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str
    encrypted: bool = False

    def __str__(self) -> str:
        if self.encrypted:
            return f"{self.label}：已变更"
        return f"{self.label}：{self.old} → {self.new}"


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    title: str
    changes: list[Change] = field(default_factory=list)
    detail: str = ""


def describe(row: AuditLog) -> HistoryEntry:
    actor = str(row.actor) if row.actor is not None else "系统"
    action = row.action
    data: dict[str, Any] = row.changes if isinstance(row.changes, dict) else {}
    document = data.get("document") if isinstance(data.get("document"), dict) else None
    doc_text = f"{document.get('kind', '')}：{document.get('name', '')}" if document else ""
    if action.startswith("reveal."):
        what = action.removeprefix("reveal.")
        if what == "document":
            return HistoryEntry(row.at, actor, f"下载了{doc_text}")
        label = InsuredPerson.REVEALABLE_FIELDS.get(what, what)
        return HistoryEntry(row.at, actor, f"查看了完整{label}")
    if action == "employees.document_add":
        return HistoryEntry(row.at, actor, f"上传了{doc_text}")
    if action == "employees.document_delete":
        return HistoryEntry(row.at, actor, f"删除了{doc_text}")
    if action == "employees.step_done":
        step: dict[str, Any] = data["step"] if isinstance(data.get("step"), dict) else {}
        return HistoryEntry(
            row.at, actor, f"完成步骤「{step.get('title', '')}」", detail=str(step.get("note", ""))
        )
    for kind, label in _PROCESS.items():
        if action == f"employees.{kind}_start":
            return HistoryEntry(row.at, actor, f"开始{label}")
        if action == f"employees.{kind}_finish":
            return HistoryEntry(row.at, actor, f"完成{label}", _changes(data))
    if action == "employees.create":
        return HistoryEntry(row.at, actor, "创建档案")
    if action.startswith("admin."):
        verb = {"add": "新增", "change": "修改", "delete": "删除"}.get(action.split(".")[1], "")
        return HistoryEntry(row.at, actor, f"在系统管理中{verb}档案", _changes(data))
    return HistoryEntry(row.at, actor, "修改档案", _changes(data))


def _changes(data: dict[str, Any]) -> list[Change]:
    changes = []
    for name, pair in data.items():
        if name in _HIDDEN or name not in _FIELD_LABELS:
            continue
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        old, new = pair
        encrypted = new == _ENCRYPTED_MARK
        changes.append(
            Change(name, _FIELD_LABELS[name], _show(name, old), _show(name, new), encrypted)
        )
    order = list(_FIELD_LABELS)
    changes.sort(key=lambda c: order.index(c.field))
    return changes


def _show(name: str, value: Any) -> str:
    if value in (None, ""):
        return "（空）"
    if name in _CHOICE_LABELS:
        return _CHOICE_LABELS[name].get(str(value), str(value))
    return str(value)
