"""Excel/CSV import of client records (R-CRM-1) by staff who may add clients.

Rows are checked by ``validation.validate_client`` (the same rules as the form and the API);
the credit code must be unique within the file and against the database (one query per chunk).
Client numbers are reserved in one block per chunk (``numbering.reserve_numbers``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from hragency.accounts.services import assign_client
from hragency.clients.models import Client
from hragency.clients.validation import CLIENT_FIELDS, REQUIRED_CLIENT_FIELDS, validate_client
from hragency.core import audit, values
from hragency.core.imports import Column, Importer, RowResult
from hragency.core.numbering import reserve_numbers
from hragency.domain.uscc import make_credit_code

_HELP: dict[str, tuple[str, object]] = {
    "name": ("营业执照上的企业全称", "上海示例科技有限公司"),
    "credit_code": (
        "18 位统一社会信用代码，系统按校验位核对",
        make_credit_code("91310115MA1K4X2Y3"),
    ),
    "nature": ("企业属性", "民营企业"),
    "industry": ("所属行业", "信息技术"),
    "address": ("办公地址", "上海市浦东新区张江路 1 号"),
    "service_cities": ("需要服务的城市，多个用顿号或逗号分隔", "上海、苏州"),
    "grade": ("不填为“普通”", "普通"),
    "min_age": ("客户要求的员工最低年龄（16–70），不填为不限", ""),
    "max_age": ("客户要求的员工最高年龄（16–70），不填为不限", ""),
}
_CHOICES = {"nature": tuple(Client.Nature.labels), "grade": tuple(Client.Grade.labels)}
CODE_LABEL = CLIENT_FIELDS["credit_code"]


class ClientImporter(Importer):
    kind = "clients"
    label = "客户"
    columns: ClassVar[list[Column]] = [
        Column(
            label=label,
            field=field,
            required=field in REQUIRED_CLIENT_FIELDS,
            help=_HELP[field][0],
            example=_HELP[field][1],
            choices=_CHOICES.get(field, ()),
            text=field == "credit_code",
        )
        for field, label in CLIENT_FIELDS.items()
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, int] = {}

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return (
            bool(getattr(user, "is_authenticated", False))
            and getattr(user, "kind", "") == "staff"
            and user.has_perm("clients.add_client")
        )

    def validate_chunk(self, rows: list[RowResult]) -> None:
        present = [(f, label) for f, label in CLIENT_FIELDS.items() if label in rows[0].raw]
        codes: dict[int, str] = {}
        for row in rows:
            row.clean, errors = validate_client({f: row.raw[label] for f, label in present})
            for e in errors:
                row.error(e.label, e.reason)
            code = row.clean.get("credit_code")
            if not code:
                continue
            first = self.seen.setdefault(code, row.row)
            if first != row.row:
                row.error(CODE_LABEL, f"与第 {first} 行重复（第 {first} 行与第 {row.row} 行）")
                continue
            codes[row.row] = code
        taken = dict(
            Client.objects.filter(credit_code__in=set(codes.values())).values_list(
                "credit_code", "number"
            )
        )
        for row in rows:
            number = taken.get(codes.get(row.row, ""))
            if number:
                row.error(CODE_LABEL, f"已被客户 {number} 使用")

    def display(self, row: RowResult) -> list[str]:
        if row.errors:
            return [values.text(row.raw.get(c.label)) for c in self.columns]
        cells = []
        for column in self.columns:
            value = row.clean.get(column.field)
            if column.field == "nature" and value:
                value = Client.Nature(value).label
            elif column.field == "grade" and value:
                value = Client.Grade(value).label
            cells.append("" if value is None else str(value))
        return cells

    def write_chunk(self, rows: list[RowResult]) -> None:
        owner = self.actor if getattr(self.actor, "kind", None) == "staff" else None
        numbers = reserve_numbers("KH", len(rows))
        clients = [
            Client(number=number, owner=owner, **row.clean)
            for number, row in zip(numbers, rows, strict=True)
        ]
        Client.objects.bulk_create(clients, batch_size=500)
        audit.record_all(
            [
                audit.entry(
                    actor=self.actor,
                    action="clients.create",
                    instance=client,
                    after=audit.snapshot(client),
                    extra={"import_batch": self.batch_id},
                )
                for client in clients
            ]
        )
        if owner is not None and not owner.has_perm("accounts.view_all_clients"):
            # As create_client does: whoever adds a client must be able to open it.
            for client in clients:
                assign_client(
                    client_id=client.pk, user=owner, responsibility="客户经理", actor=owner
                )
            owner.__dict__.pop("_hragency_scope", None)
        self.count("created", len(clients))
