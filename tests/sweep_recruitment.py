"""Client A's requisition, candidate and application for the scoping sweep, and the helpers the
recruitment tests share (a recruiter serving client A, a requisition walked to screening)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.conftest import PASSWORD, Cast


def recruiter(cast: Cast, username: str = "recruiter_a") -> Any:
    from hragency.accounts.models import User
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = create_user(
        username=username,
        password=PASSWORD,
        display_name="招聘专员甲",
        roles=[Role.RECRUITER],
        department=cast.department,
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def requisition(
    cast: Cast,
    *,
    client: Any = None,
    actor: Any = None,
    headcount: int = 1,
    requested_at: dt.datetime | None = None,
    to_screening: bool = True,
    cost: str = "800.00",
    contact_at: dt.datetime | None = None,
) -> Any:
    from hragency.recruitment import services

    user = recruiter(cast)
    req = services.submit_requisition(
        actor=actor or cast.hr_a,
        client=client or cast.client_a,
        position="行政专员",
        headcount=headcount,
        salary_min="6000",
        salary_max="8000.50",
        location="上海",
        requirements="大专以上，一年以上行政经验",
        requested_at=requested_at,
    )
    if to_screening:
        services.record_contact(
            actor=user, requisition=req, note="电话确认：需熟悉办公软件", at=contact_at
        )
        services.save_jd(actor=user, requisition=req, jd="负责前台接待、办公用品管理")
        services.save_plan(
            actor=user,
            requisition=req,
            plan_start="2026-12-01",
            plan_end="2026-12-31",
            plan_note="招聘网站 + 内部推荐",
        )
        services.add_channel(
            actor=user,
            requisition=req,
            name="招聘网站",
            cost=Decimal(cost),
            published_on="2026-12-01",
        )
        req.refresh_from_db()
    return req


def candidate(cast: Cast, req: Any, name: str = "周候选", phone: str = "13912345678") -> Any:
    from hragency.recruitment import pipeline

    return pipeline.add_candidate(
        actor=recruiter(cast), requisition=req, name=name, source="招聘网站", phone=phone
    )


def _rows(cast: Cast) -> tuple[Any, Any]:
    cached = getattr(cast, "_sweep_recruitment", None)
    if cached is None:
        from hragency.recruitment import pipeline

        req = requisition(cast)
        app = candidate(cast, req)
        pipeline.shortlist(actor=recruiter(cast), application=app, note="经验匹配")
        cached = (req, app)
        cast._sweep_recruitment = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "requisition_id": lambda cast: str(_rows(cast)[0].pk),
    "application_id": lambda cast: str(_rows(cast)[1].pk),
    "candidate_id": lambda cast: str(_rows(cast)[1].candidate_id),
}
