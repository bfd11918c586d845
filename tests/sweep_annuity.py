"""Client A's annuity plan with two members (A2 active, A withdrawn) for the scoping sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast


def _plan(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_annuity", None)
    if cached is None:
        from hragency.annuity import services
        from hragency.annuity.models import AnnuityMember

        # Members written directly with a declared base: an SI enrollment here would overlap
        # the back-payment the insurance sweep makes for person A2.
        plan = services.create_plan(
            actor=cast.admin,
            client=cast.client_a,
            name="甲方企业年金",
            employer_rate="8",
            employee_rate="4",
            effective_from="2026-01",
            vesting="0:0, 2:50, 4:100",
            base_source="declared",
        )
        for person in (cast.person_a, cast.person_a2):
            AnnuityMember.objects.create(
                plan=plan,
                client=cast.client_a,
                person=person,
                joined=dt.date(2026, 1, 1),
                declared_base_fen=1000000,
            )
        services.compute_contributions(actor=cast.admin, plan=plan, month="2026-10")
        services.data_check(actor=cast.admin, plan=plan, month="2026-10")
        gone = AnnuityMember.objects.get(plan=plan, person=cast.person_a)
        withdrawal = services.withdraw(
            actor=cast.admin, member=gone, reason="leave", date="2026-10-31"
        )
        cached = {
            "plan": plan,
            "member": AnnuityMember.objects.get(plan=plan, person=cast.person_a2),
            "withdrawal": withdrawal,
        }
        cast._sweep_annuity = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "annuity_plan_id": lambda cast: str(_plan(cast)["plan"].pk),
    "annuity_member_id": lambda cast: str(_plan(cast)["member"].pk),
    "annuity_withdrawal_id": lambda cast: str(_plan(cast)["withdrawal"].pk),
}
