"""Client A's archive objects for the scoping sweep's URL parameters: a month's filing, a
file with an item, a borrowing and a destruction batch; created once per cast."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_archives", None)
    if cached is not None:
        return cached
    from hragency.archives import borrowing, destruction, services
    from hragency.archives.models import MonthlyFiling

    month = dt.date(2026, 10, 1)
    # Written directly: the cast's clients are prospects, which open_month leaves alone.
    filing = MonthlyFiling.objects.create(
        client=cast.client_a, month=month, due_on=dt.date(2026, 11, 15), owner=cast.rep_a
    )
    item = services.file_item(
        actor=cast.admin,
        client=cast.client_a,
        kind="correspondence",
        title=f"{cast.person_a2.name} 工作联系函",
        month="2026-10",
    )
    old = services.file_item(
        actor=cast.admin,
        client=cast.client_a,
        kind="correspondence",
        title="2010年往来函件",
        month="2010-03",
    )
    lent = borrowing.request_borrowing(
        actor=cast.admin,
        client=cast.client_a,
        item_ids=[item.pk],
        purpose="核对",
        borrower_kind="client",
        borrower_name="客户人事",
    )
    record = destruction.propose_destruction(
        actor=cast.admin, client=cast.client_a, item_ids=[old.pk]
    )
    cached = {
        "filing": filing,
        "file": item.archive,
        "borrowing": lent,
        "destruction": record,
    }
    cast._sweep_archives = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "archive_filing_id": lambda cast: str(_objects(cast)["filing"].pk),
    "archive_file_id": lambda cast: str(_objects(cast)["file"].pk),
    "archive_borrowing_id": lambda cast: str(_objects(cast)["borrowing"].pk),
    "archive_destruction_id": lambda cast: str(_objects(cast)["destruction"].pk),
}
