"""Custom queries (R-RPT-2): a spec (dataset, columns, filters, sort) checked against the
dataset registry, turned into a scoped ``values()`` queryset, previewed a page at a time and
written to CSV / Excel in 5,000-row chunks. Bad input is a ServiceError (400), never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hragency.analytics.datasets import PERSONAL_KINDS, REGISTRY, Column, Dataset
from hragency.clients.models import Client
from hragency.core import values
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.scoping import scope_queryset
from hragency.domain.masking import mask_bank_account, mask_id_number, mask_phone
from hragency.domain.money import format_cny, from_fen

PAGE_SIZE = 50
CHUNK = 5000
MAX_COLUMNS = 40
_FORMULA = ("=", "+", "-", "@")
FORMATS = {"xlsx": "Excel（.xlsx）", "csv": "CSV（UTF-8）"}


@dataclass(frozen=True)
class Spec:
    dataset: str
    columns: tuple[str, ...]
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "columns": list(self.columns),
            "filters": self.filters,
            "sort": self.sort,
        }


def dataset_for(user: Any, key: str) -> Dataset:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "analytics.use_custom_query"
    ):
        raise PermissionDenied("无权使用自定义查询")
    dataset = REGISTRY.get(key or "")
    if dataset is None:
        raise ServiceError(f"未知的数据集：{key or '（未选择）'}")
    if not user.has_perm(dataset.permission) or (
        getattr(user, "kind", "") == "client_hr" and not dataset.client_visible
    ):
        raise PermissionDenied(f"无权查询「{dataset.label}」")
    return dataset


def _as_list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [p.strip() for p in raw.split(",") if p.strip()]
    if isinstance(raw, list | tuple):
        return [str(p).strip() for p in raw if str(p).strip()]
    raise ServiceError("列应为列表")


def parse_spec(user: Any, data: Mapping[str, Any]) -> Spec:
    """Check a spec against the registry and the user's scope; the filters come back clean
    (client id, dates, choice codes), so a saved query stores exactly what ran."""
    dataset = dataset_for(user, str(data.get("dataset") or ""))
    columns = _as_list(data.get("columns")) or list(dataset.default_columns)
    unknown = [c for c in columns if dataset.column(c) is None]
    if unknown:
        raise ServiceError(f"「{dataset.label}」没有这些列：{'、'.join(unknown)}")
    if len(columns) > MAX_COLUMNS:
        raise ServiceError(f"最多选择 {MAX_COLUMNS} 列")
    columns = list(dict.fromkeys(columns))
    raw_filters = data.get("filters") or {}
    if not isinstance(raw_filters, Mapping):
        raise ServiceError("筛选条件应为对象")
    filters = _clean_filters(user, dataset, raw_filters)
    sort = str(data.get("sort") or dataset.default_sort).strip()
    if dataset.column(sort.lstrip("-")) is None:
        raise ServiceError(f"不能按「{sort.lstrip('-')}」排序：不是「{dataset.label}」的列")
    return Spec(dataset=dataset.key, columns=tuple(columns), filters=filters, sort=sort)


def _clean_filters(user: Any, dataset: Dataset, raw: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        spec = dataset.filter(key)
        if spec is None:
            errors.append(FieldError(key, key, f"「{dataset.label}」没有这个筛选条件"))
            continue
        try:
            if spec.kind == "client":
                client_id = values.integer(value)
                if client_id is None:
                    continue
                if not scope_queryset(Client.objects.filter(pk=client_id), user).exists():
                    raise values.InvalidValue("客户不存在或无权查看")
                clean[key] = client_id
            elif spec.kind == "date":
                if not isinstance(value, Mapping):
                    raise values.InvalidValue("应为 {from, to} 日期区间")
                start = values.date(value.get("from"))
                end = values.date(value.get("to"))
                if start and end and start > end:
                    raise values.InvalidValue("开始日期不能晚于结束日期")
                if start or end:
                    clean[key] = {
                        "from": start.isoformat() if start else "",
                        "to": end.isoformat() if end else "",
                    }
            else:
                code = values.choice(value, spec.choices or {})
                if code:
                    clean[key] = code
        except values.InvalidValue as exc:
            errors.append(FieldError(key, spec.label, str(exc)))
    if errors:
        raise InvalidFields(errors)
    return clean


def _is_datetime_field(qs: Any, path: str) -> bool:
    model = qs.model
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1]).get_internal_type() == "DateTimeField"


def queryset(user: Any, spec: Spec) -> tuple[Dataset, list[Column], Any]:
    """The scoped, filtered, sorted ``values()`` queryset of a checked spec."""
    dataset = dataset_for(user, spec.dataset)
    qs = scope_queryset(dataset.base(), user)
    for key, value in spec.filters.items():
        f = dataset.filter(key)
        if f is None:
            raise ServiceError(f"「{dataset.label}」没有筛选条件「{key}」")
        if f.kind in ("client", "choice"):
            qs = qs.filter(**{f.field: value})
            continue
        start = values.date(value.get("from"))
        end = values.date(value.get("to"))
        if _is_datetime_field(qs, f.field):
            tz = timezone.get_current_timezone()
            if start:
                qs = qs.filter(**{f"{f.field}__gte": dt.datetime.combine(start, dt.time.min, tz)})
            if end:
                after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
                qs = qs.filter(**{f"{f.field}__lt": after})
        else:
            if start:
                qs = qs.filter(**{f"{f.field}__gte": start})
            if end:
                qs = qs.filter(**{f"{f.field}__lte": end})
    columns = [c for key in spec.columns if (c := dataset.column(key)) is not None]
    sort_col = dataset.column(spec.sort.lstrip("-"))
    assert sort_col is not None
    direction = "-" if spec.sort.startswith("-") else ""
    qs = qs.order_by(f"{direction}{sort_col.field}", f"{direction}pk")
    return dataset, columns, qs.values_list(*[c.field for c in columns])


# ---- formatting ---------------------------------------------------------------------------


def cell(column: Column, value: Any, *, reveal: bool, target: str) -> Any:
    """One value as the screen ("screen"), a CSV ("csv") or Excel ("xlsx") shows it."""
    if value is None or value == "":
        return ""
    kind = column.kind
    if kind in PERSONAL_KINDS:
        if reveal:
            return str(value)
        if kind == "id_number":
            return mask_id_number(str(value))
        if kind == "phone":
            return mask_phone(str(value))
        return mask_bank_account(str(value))
    if kind == "choice":
        return (column.choices or {}).get(value, value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "fen":
        amount = from_fen(int(value))
        return (
            format_cny(amount)
            if target == "screen"
            else (amount if target == "xlsx" else str(amount))
        )
    if kind == "money":
        amount = Decimal(value).quantize(Decimal("0.01"))
        return (
            format_cny(amount)
            if target == "screen"
            else (amount if target == "xlsx" else str(amount))
        )
    if kind == "datetime":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if kind == "month":
        return value.strftime("%Y-%m")
    if kind == "date":
        return value if target == "xlsx" else value.isoformat()
    if kind == "int":
        return int(value) if target == "xlsx" else str(value)
    return str(value)


def row_cells(
    columns: list[Column], row: tuple[Any, ...], *, reveal: bool, target: str
) -> list[Any]:
    return [cell(c, v, reveal=reveal, target=target) for c, v in zip(columns, row, strict=True)]


@dataclass
class Preview:
    dataset: Dataset
    columns: list[Column]
    rows: list[list[Any]]
    count: int
    page: int
    pages: int


def preview(user: Any, spec: Spec, *, page: int = 1, page_size: int = PAGE_SIZE) -> Preview:
    """One page of the query, masked (2 queries: count and page)."""
    dataset, columns, qs = queryset(user, spec)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = min(max(1, page), pages)
    start = (page - 1) * page_size
    rows = [
        row_cells(columns, row, reveal=False, target="screen")
        for row in qs[start : start + page_size]
    ]
    return Preview(dataset, columns, rows, count, page, pages)


# ---- export -------------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]


def chunks(qs: Any, total: int, progress: Progress | None) -> Iterator[tuple[Any, ...]]:
    """The rows in server-side chunks of CHUNK, reporting progress after each chunk."""
    done = 0
    for row in qs.iterator(chunk_size=CHUNK):
        yield row
        done += 1
        if progress is not None and done % CHUNK == 0:
            progress(done, total, f"已写入 {done:,} / {total:,} 行")
    if progress is not None:
        progress(done, total, f"已写入 {done:,} 行")


def export(
    user: Any, spec: Spec, fmt: str, *, reveal: bool, progress: Progress | None = None
) -> tuple[str, bytes]:
    """(file name, content) of the whole query. Personal data stay masked unless `reveal`
    (the caller checks the permission and audits)."""
    if fmt not in FORMATS:
        raise ServiceError(f"导出格式应为 {' 或 '.join(FORMATS)}")
    dataset, columns, qs = queryset(user, spec)
    total = qs.count()
    if progress is not None:
        progress(0, total, f"共 {total:,} 行，开始导出")
    rows = chunks(qs, total, progress)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name = f"{dataset.label}_{stamp}.{fmt}"
    if fmt == "csv":
        return name, _csv(columns, rows, reveal=reveal)
    return name, _xlsx(dataset, columns, rows, reveal=reveal)


def _csv(columns: list[Column], rows: Iterator[tuple[Any, ...]], *, reveal: bool) -> bytes:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([c.label for c in columns])
        texts = [i for i, c in enumerate(columns) if c.kind == "text"]
        for row in rows:
            out = row_cells(columns, row, reveal=reveal, target="csv")
            for i in texts:
                # A cell starting like a formula is not run by Excel (CSV injection).
                if out[i][:1] in _FORMULA:
                    out[i] = "'" + out[i]
            writer.writerow(out)
        text.flush()
        raw.seek(0)
        content = raw.read()
        text.detach()
    return content


def _xlsx(
    dataset: Dataset, columns: list[Column], rows: Iterator[tuple[Any, ...]], *, reveal: bool
) -> bytes:
    from hragency.analytics import xlsx

    widths = [
        22 if c.kind in PERSONAL_KINDS or c.kind == "datetime" else (30 if c.kind == "text" else 14)
        for c in columns
    ]
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as buffer:
        xlsx.write(
            buffer,
            sheet_name=dataset.label,
            headers=[c.label for c in columns],
            rows=(row_cells(columns, row, reveal=reveal, target="xlsx") for row in rows),
            widths=widths,
        )
        buffer.seek(0)
        return buffer.read()
