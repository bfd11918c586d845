"""Helpers shared by the clients tests (no tests here): the agency's sales, info officer and
general manager beside the cast, and shortcuts through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tests.conftest import PASSWORD, Cast

GOOD_CODE = "91350100M000100Y43"


@dataclass
class Staff:
    sales: Any
    reviewer: Any
    gm: Any


def make_staff(cast: Cast) -> Staff:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    def user(name: str, role: Role) -> Any:
        return create_user(
            username=name, password=PASSWORD, roles=[role], department=cast.department
        )

    staff = Staff(
        user("sales_x", Role.SALES),
        user("reviewer_x", Role.INFO_REVIEWER),
        user("gm_x", Role.GENERAL_MANAGER),
    )
    assign_client(client_id=cast.client_a.pk, user=staff.sales)
    return staff


def review_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "originals_seen": True,
        "outcome": "pass",
        "note": "",
        "checks": [
            {"source": "gsxt", "result": "consistent", "note": "登记信息一致，存续"},
            {"source": "website", "result": "consistent", "note": ""},
        ],
    }
    data.update(overrides)
    return data


def approve(client: Any, staff: Staff) -> Any:
    from hragency.clients import services

    review = services.record_first_review(client=client, data=review_data(), actor=staff.reviewer)
    return services.decide_review(review=review, decision="approve", note="", actor=staff.gm)


def agreement_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "kind": "si_agency",
        "modules": ["si_hf"],
        "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=364)).isoformat(),
        "fee_model": "per_head",
        "fee_per_head": "80.00",
        "payment_method": "transfer",
        "payment_day": 10,
        "rights_obligations": "甲方按时提供资料，乙方按时办理。",
        "breach_liability": "逾期付款按日万分之五计违约金。",
    }
    data.update(overrides)
    return data


def signed_agreement(client: Any, staff: Staff, **overrides: Any) -> Any:
    from hragency.clients import services

    approve(client, staff)
    draft = services.create_agreement(
        client=client, data=agreement_data(**overrides), actor=staff.sales
    )
    return services.sign_agreement(agreement=draft, actor=staff.sales)
