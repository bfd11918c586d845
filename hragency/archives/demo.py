"""Demo data for archives: last month's filing done for the first client, open (and an older
month overdue) for the second, a general file with old correspondence, an overdue borrowing
and a destruction proposal for the items past retention."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hragency.archives import borrowing, destruction, services
from hragency.archives.models import MonthlyFiling
from hragency.archives.views import last_month


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    admin = users["admin"]
    if not clients:
        return
    month = last_month(today)
    before = last_month(month)
    services.open_month(month=month, actor=None)
    if len(clients) > 1:
        services.open_month(month=before, actor=None, client_ids=[clients[1].pk])
    first = clients[0]
    filing = MonthlyFiling.objects.filter(client=first, month=month).first()
    services.file_month_materials(actor=admin, client=first, month=month, box=f"{month:%Y%m}-01")
    services.file_item(
        actor=admin,
        client=first,
        kind="correspondence",
        title=f"{month:%Y年%m月} 社保基数调整告知函",
        month=month,
        box=f"{month:%Y%m}-01",
        location="档案室 A 柜 3 层",
    )
    if filing is not None:
        services.close_filing(actor=admin, filing=filing)
    old = [
        services.file_item(
            actor=admin,
            client=first,
            kind=kind,
            title=title,
            month=f"{year}-{mon:02d}",
            box=f"{year}-01",
            location="档案室 D 柜 1 层",
        )
        for kind, title, year, mon in (
            ("correspondence", "关于员工体检安排的往来函", 2013, 4),
            ("client_materials", "员工花名册（2014年）", 2014, 6),
            ("correspondence", "关于年度服务费调整的函", 2015, 9),
        )
    ]
    recent = services.file_item(
        actor=admin,
        client=first,
        kind="client_materials",
        title="营业执照复印件（年检后）",
        month=before,
        location="档案室 A 柜 2 层",
    )
    lent = borrowing.request_borrowing(
        actor=admin,
        client=first,
        item_ids=[recent.pk],
        purpose="客户核对营业执照信息",
        borrower_kind="client",
        borrower_name="星辰科技 人事部 王女士",
    )
    borrowing.approve_borrowing(actor=admin, borrowing=lent, today=today - dt.timedelta(days=12))
    destruction.propose_destruction(actor=admin, client=first, item_ids=[o.pk for o in old])
