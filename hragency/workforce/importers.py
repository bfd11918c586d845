"""``contact_volumes``: contacts per channel and 15/30-minute interval from the telephony
system's CSV/Excel export, through the one import pipeline (``hragency import-file
contact_volumes file.csv --commit`` or /imports/new/contact_volumes/).

One row per channel and interval; a row whose channel and interval start already exist replaces
the stored figures (upsert). Per 5,000-row chunk: one query for the existing rows, one insert,
one bulk update, one audit row; then the chunk's intervals are checked for surges against the
forecast (``alerts.check_surges``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.utils import timezone

from hragency.core import audit, values
from hragency.core.imports import Column, Importer, RowResult, register
from hragency.workforce.models import Channel, ContactVolume

CHANNEL, START, MINUTES = "渠道", "时段开始", "时长(分钟)"
OFFERED, ANSWERED, ABANDONED = "呼入量", "接通量", "放弃量"
IN_TARGET, AHT = "达标接通量", "平均处理时长(秒)"
FIGURES = [
    (OFFERED, "offered"),
    (ANSWERED, "answered"),
    (ABANDONED, "abandoned"),
    (IN_TARGET, "answered_in_target"),
    (AHT, "aht_seconds"),
]
_MOMENT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
MAX_FIGURE = 1_000_000


def register_importers() -> None:
    register("contact_volumes", "hragency.workforce.importers.ContactVolumeImporter")


def parse_moment(value: object) -> dt.datetime:
    """A local date and time such as 2026-12-07 08:30 (or a date-time cell) → aware."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        raw = values.text(value)
        match = _MOMENT.match(raw)
        if not match:
            raise values.InvalidValue(f"应为“2026-12-07 08:30”格式的日期时间：{raw}")
        y, m, d, hh, mm, ss = (int(g) if g else 0 for g in match.groups())
        try:
            moment = dt.datetime(y, m, d, hh, mm, ss)  # noqa: DTZ001 (made aware below)
        except ValueError as exc:
            raise values.InvalidValue(f"日期时间不存在：{raw}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class ContactVolumeImporter(Importer):
    kind = "contact_volumes"
    label = "话务量"
    modes: ClassVar[dict[str, str]] = {"upsert": "新增或更新"}
    columns: ClassVar[list[Column]] = [
        Column(
            CHANNEL,
            "channel",
            required=True,
            help="电话、在线客服、企业微信、邮件（或 phone/chat/wecom/email）",
            example="电话",
            choices=tuple(Channel.labels),
        ),
        Column(
            START,
            "interval_start",
            required=True,
            help="时段开始的北京时间，如 2026-12-07 08:30；须对齐到 15 或 30 分钟",
            example="2026-12-07 08:30",
            text=True,
        ),
        Column(MINUTES, "interval_minutes", required=True, help="15 或 30", example=30),
        Column(OFFERED, "offered", required=True, help="进线（呼入）总量", example=120),
        Column(ANSWERED, "answered", required=True, help="人工接通量", example=112),
        Column(ABANDONED, "abandoned", help="排队中放弃的数量", example=8),
        Column(IN_TARGET, "answered_in_target", help="在目标秒数内接通的数量", example=105),
        Column(AHT, "aht_seconds", help="接通电话的平均处理时长（通话+话后）", example=236),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[str, dt.datetime], int] = {}

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False)
            and getattr(user, "kind", "") == "staff"
            and user.has_perm("workforce.manage_workforce")
        )

    def _parse(self, row: RowResult) -> None:
        data: dict[str, Any] = {}
        try:
            data["channel"] = values.choice(row.raw.get(CHANNEL), dict(Channel.choices))
            if not data["channel"]:
                row.error(CHANNEL, "必填")
        except values.InvalidValue as exc:
            row.error(CHANNEL, str(exc))
        minutes = None
        try:
            minutes = values.integer(row.raw.get(MINUTES))
            if minutes not in (15, 30):
                row.error(MINUTES, "应为 15 或 30")
        except values.InvalidValue as exc:
            row.error(MINUTES, str(exc))
        data["interval_minutes"] = minutes
        raw_start = row.raw.get(START)
        if values.text(raw_start) == "":
            row.error(START, "必填")
        else:
            try:
                start = parse_moment(raw_start)
            except values.InvalidValue as exc:
                row.error(START, str(exc))
            else:
                local = timezone.localtime(start)
                if minutes in (15, 30) and (local.minute % minutes or local.second):
                    row.error(START, f"时段开始须对齐到 {minutes} 分钟（如 08:00、08:{minutes}）")
                data["interval_start"] = start
        for label, field in FIGURES:
            try:
                number = values.integer(row.raw.get(label))
            except values.InvalidValue as exc:
                row.error(label, str(exc))
                continue
            if number is None:
                if label in (OFFERED, ANSWERED):
                    row.error(label, "必填")
                number = 0
            if not 0 <= number <= MAX_FIGURE:
                row.error(label, f"应在 0～{MAX_FIGURE:,} 之间")
            data[field] = number
        if row.errors:
            return
        if data["answered"] + data["abandoned"] > data["offered"]:
            row.error(ANSWERED, "接通量与放弃量之和不能超过呼入量")
        if data["answered_in_target"] > data["answered"]:
            row.error(IN_TARGET, "达标接通量不能超过接通量")
        if data["answered"] > 0 and data["aht_seconds"] == 0:
            row.error(AHT, "有接通时必须填写平均处理时长")
        if not row.errors:
            row.clean = data

    def validate_chunk(self, rows: list[RowResult]) -> None:
        for row in rows:
            self._parse(row)
            if not row.clean:
                continue
            key = (row.clean["channel"], row.clean["interval_start"])
            first = self.seen.setdefault(key, row.row)
            if first != row.row:
                row.error(START, f"与第 {first} 行的渠道、时段相同")
                row.clean = {}
        keys = [(r.clean["channel"], r.clean["interval_start"]) for r in rows if r.clean]
        if not keys:
            return
        existing = {
            (v.channel, v.interval_start): v
            for v in ContactVolume.objects.filter(
                channel__in={k[0] for k in keys}, interval_start__in={k[1] for k in keys}
            )
        }
        for row in rows:
            if row.clean and not row.errors:
                row.existing = existing.get((row.clean["channel"], row.clean["interval_start"]))

    def write_chunk(self, rows: list[RowResult]) -> None:
        from hragency.workforce.alerts import check_surges

        new: list[ContactVolume] = []
        changed: list[ContactVolume] = []
        fields = ["interval_minutes", *(f for _, f in FIGURES)]
        for row in rows:
            volume = row.existing
            if volume is None:
                new.append(ContactVolume(**row.clean))
                continue
            if all(getattr(volume, f) == row.clean[f] for f in fields):
                self.count("unchanged")
                continue
            for f in fields:
                setattr(volume, f, row.clean[f])
            changed.append(volume)
        ContactVolume.objects.bulk_create(new, batch_size=1000)
        if changed:
            now = timezone.now()
            for volume in changed:
                volume.imported_at = now
            ContactVolume.objects.bulk_update(changed, [*fields, "imported_at"], batch_size=1000)
        self.count("created", len(new))
        self.count("updated", len(changed))
        moments = [r.clean["interval_start"] for r in rows]
        if not moments:
            return
        audit.record(
            actor=self.actor,
            action="workforce.volumes_import",
            extra={
                "import_batch": self.batch_id,
                "created": len(new),
                "updated": len(changed),
                "from": min(moments).isoformat(),
                "to": max(moments).isoformat(),
            },
        )
        check_surges(
            actor=self.actor, start=min(moments), end=max(moments) + dt.timedelta(minutes=30)
        )
