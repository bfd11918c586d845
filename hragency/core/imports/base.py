"""What an importer is: its columns (which also make the template) and two set-based steps,
``validate_chunk`` and ``write_chunk``. The pipeline (``pipeline.py``) does everything else:
storage, progress, preview, error report, the all-or-nothing transaction and the audit row of
the batch.

Importers are registered by kind with a dotted path and loaded on first use, so ``core`` never
imports a business app at start-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, ClassVar

from django.http import Http404
from django.utils import timezone

from hragency.core.imports.reading import RowError

IMPORTERS: dict[str, str] = {
    "employees": "hragency.employees.importers.EmployeeImporter",
    "clients": "hragency.clients.importers.ClientImporter",
}


def register(kind: str, dotted_path: str) -> None:
    """Make an importer available under ``kind`` (call from an AppConfig.ready)."""
    IMPORTERS[kind] = dotted_path


def importer_class(kind: str) -> type[Importer]:
    """The importer for ``kind``; Http404 for a kind nobody registered."""
    path = IMPORTERS.get(kind)
    if path is None:
        raise Http404("没有这种导入")
    module, _, name = path.rpartition(".")
    cls: type[Importer] = getattr(import_module(module), name)
    return cls


def importable_kinds(user: Any) -> list[type[Importer]]:
    return [cls for kind in IMPORTERS if (cls := importer_class(kind)).may_import(user)]


@dataclass(frozen=True)
class Column:
    label: str  # the header in the file, exactly
    field: str = ""
    required: bool = False
    help: str = ""
    example: object = ""
    choices: tuple[str, ...] = ()  # offered as an Excel dropdown in the template
    text: bool = False  # formatted as text in the template (ID numbers, phones, accounts)


@dataclass
class RowResult:
    row: int
    raw: dict[str, object]
    clean: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # Set by the importer when the row changes an existing record (upsert).
    existing: Any = None

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row, column, reason))

    def warn(self, column: str, reason: str) -> None:
        self.warnings.append(RowError(self.row, column, reason))


class Importer:
    kind: ClassVar[str]
    label: ClassVar[str]  # what is imported, e.g. "员工档案"
    columns: ClassVar[list[Column]]
    needs_client: ClassVar[bool] = False
    modes: ClassVar[dict[str, str]] = {"create": "新增"}
    chunk_size: ClassVar[int] = 5000
    # Templates receive importer classes; Django would otherwise call them.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(
        self,
        *,
        actor: Any,
        client: Any = None,
        options: dict[str, Any] | None = None,
        batch_id: int | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.actor = actor
        self.client = client
        self.options = dict(options or {})
        self.mode = self.options.get("mode") or next(iter(self.modes))
        self.batch_id = batch_id
        self.today = today or timezone.localdate()
        self.counts: dict[str, int] = {}
        # Set by the pipeline for the commit pass: warnings were shown at preview and need not
        # be computed again.
        self.committing = False

    # --- who and for whom -------------------------------------------------------------------
    @classmethod
    def may_import(cls, user: Any) -> bool:
        raise NotImplementedError

    @classmethod
    def may_use_mode(cls, user: Any, mode: str) -> bool:
        return mode in cls.modes

    def check_target(self) -> None:
        """Raise ``ServiceError`` when the whole import is refused (e.g. a blacklisted client).
        Called at upload, before validation and again inside the commit transaction."""

    # --- the two set-based steps ---------------------------------------------------------------
    def validate_chunk(self, rows: list[RowResult]) -> None:
        """Fill ``clean``, ``errors`` and ``warnings`` of every row, with a bounded number of
        queries for the whole chunk. State across chunks (duplicates within the file) lives on
        the importer."""
        raise NotImplementedError

    def write_chunk(self, rows: list[RowResult]) -> None:
        """Write valid rows in bulk with their audit rows. Runs inside the commit transaction."""
        raise NotImplementedError

    def display(self, row: RowResult) -> list[str]:
        """The row as the preview shows it, one cell per column (personal data masked)."""
        return [str(row.raw.get(c.label, "") or "") for c in self.columns]

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # --- template ----------------------------------------------------------------------------
    @classmethod
    def required_labels(cls) -> list[str]:
        return [c.label for c in cls.columns if c.required]
