"""Request bodies of /api/analytics. Values are checked by query.parse_spec (Chinese 400s)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class SpecIn(Schema):
    dataset: str
    columns: list[str] = []
    filters: dict[str, Any] = {}
    sort: str = ""

    def spec(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "columns": self.columns,
            "filters": self.filters,
            "sort": self.sort,
        }


class PreviewIn(SpecIn):
    page: int = 1


class SavedQueryIn(SpecIn):
    name: str
    share: bool = False


class ExportIn(SpecIn):
    format: str = "xlsx"
    reveal: bool = False
