"""A fictional city's policy (示例市) with round, hand-checkable figures, and helpers to insure
the cast's people there. Tests use it instead of the seeded cities, whose figures may be
corrected over time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

D = Decimal
CITY = "示例"


def make_test_city(effective_from: dt.date = dt.date(2026, 1, 1)) -> None:
    from hragency.insurance.models import PolicyRule

    if PolicyRule.objects.filter(city=CITY, effective_from=effective_from).exists():
        return

    def rule(item: str, floor: str, ceiling: str, er: str | None, ee: str | None, **kw: Any) -> Any:
        return PolicyRule(
            city=CITY,
            item=item,
            effective_from=effective_from,
            base_floor=D(floor),
            base_ceiling=D(ceiling),
            employer_rate=None if er is None else D(er),
            employee_rate=None if ee is None else D(ee),
            certainty="已核实",
            source="测试数据",
            **kw,
        )

    PolicyRule.objects.bulk_create(
        [
            rule("pension", "5000.00", "30000.00", "0.16", "0.08"),
            rule("medical", "5000.00", "30000.00", "0.098", "0.02", employee_fixed=D("3.00")),
            rule("unemployment", "5000.00", "30000.00", "0.005", "0.005"),
            rule(
                "injury", "5000.00", "30000.00", None, "0", rate_min=D("0.002"), rate_max=D("0.019")
            ),
            rule(
                "housing_fund",
                "2500.00",
                "30000.00",
                None,
                None,
                rounding="yuan",
                rate_min=D("0.05"),
                rate_max=D("0.12"),
            ),
        ]
    )


def make_specialist(cast: Any, username: str = "si_a") -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(
        username=username,
        password="Cast@2026pass",
        display_name="赵社保",
        roles=[Role.SI_SPECIALIST],
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    assign_client(client_id=cast.client_b.pk, user=user)
    return user


def activate(
    client: Any, *, fee_model: str = "per_head", per_head: str = "80.00", rate: str = "9"
) -> Any:
    """An active agreement for the client (signed directly: the signing workflow is tested in
    the clients tests)."""
    from hragency.clients.models import Agreement, Client

    Client.objects.filter(pk=client.pk).update(status=Client.Status.ACTIVE)
    return Agreement.objects.create(
        client=client,
        number=f"XY{client.pk:06d}",
        kind=Agreement.Kind.SI_AGENCY,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        fee_model=fee_model,
        fee_per_head=D(per_head) if fee_model == "per_head" else None,
        fee_rate=D(rate) if fee_model == "percentage" else None,
        status=Agreement.Status.ACTIVE,
    )


def enroll(person: Any, wage: str, month: dt.date = dt.date(2026, 1, 1), **kw: Any) -> Any:
    from hragency.insurance.models import Enrollment

    return Enrollment.objects.create(
        client=person.client, person=person, city=CITY, wage=D(wage), start_month=month, **kw
    )


def set_rates(client: Any, injury: str = "0.004", hf: str = "0.12") -> Any:
    from hragency.insurance.models import ClientRate

    rate, _ = ClientRate.objects.update_or_create(
        client=client, city=CITY, defaults={"injury_rate": D(injury), "hf_rate": D(hf)}
    )
    return rate
