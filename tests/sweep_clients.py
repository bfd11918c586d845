"""Objects of client A that the scoping sweep points the clients app's URL parameters at.

Made lazily with the ORM (no audit rows, so the sweep's write counter starts clean) and cached
on the cast, so every request of one sweep addresses the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.conftest import Cast


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_clients", None)
    if cached is not None:
        return cached
    from hragency.clients.models import (
        Agreement,
        Contact,
        HandoverItem,
        InfoReview,
        Intake,
        RegistryCheck,
    )

    client = cast.client_a
    now = timezone.now()
    today = timezone.localdate()
    contact = Contact.objects.create(
        client=client, name="联系人甲", title="人事经理", phone="13800000001", is_primary=True
    )
    intake = Intake.objects.create(
        client=client, first_contact_at=now, sales=cast.rep_a, insured_cities="上海"
    )
    review = InfoReview.objects.create(
        client=client,
        originals_seen=True,
        outcome=InfoReview.Outcome.PASS,
        reviewer=cast.rep_a,
        reviewed_at=now,
    )
    RegistryCheck.objects.create(
        review=review,
        source=RegistryCheck.Source.GSXT,
        result=RegistryCheck.Result.CONSISTENT,
    )
    agreement = Agreement.objects.create(
        client=client,
        number="HTSWEEPA0001",
        kind=Agreement.Kind.SI_AGENCY,
        modules=["si_hf"],
        start_date=today,
        end_date=today + dt.timedelta(days=364),
        fee_model=Agreement.FeeModel.PER_HEAD,
        fee_per_head=Decimal("80.00"),
        status=Agreement.Status.ACTIVE,
        signed_at=now,
    )
    item = HandoverItem.objects.create(client=client, agreement=agreement, name="营业执照复印件")
    cached = {
        "contact_id": contact.pk,
        "intake_id": intake.pk,
        "info_review_id": review.pk,
        "agreement_id": agreement.pk,
        "handover_item_id": item.pk,
    }
    cast._sweep_clients = cached  # type: ignore[attr-defined]
    return cached


def _param(name: str) -> Callable[[Cast], str]:
    return lambda cast: str(_objects(cast)[name])


PARAMS: dict[str, Callable[[Cast], str]] = {
    name: _param(name)
    for name in ("contact_id", "intake_id", "info_review_id", "agreement_id", "handover_item_id")
}
