"""Demo data for disputes: one dismissal case of the first client in arbitration with a hearing
next week (legal support assigned), one wages case of the second client closed by mediation."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from hragency.disputes import documents, hearings, services
from hragency.employees.models import InsuredPerson


def _person(client: Any) -> Any:
    return InsuredPerson.objects.filter(client=client).order_by("pk").first()


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    admin, relations, legal = users["admin"], users.get("relations"), users.get("legal")
    if len(clients) < 2 or relations is None:
        return
    first = services.open_case(
        actor=admin,
        client=clients[0],
        person=_person(clients[0]),
        category="dismissal",
        title="员工对解除劳动合同不服",
        description="员工连续旷工后被解除劳动合同，员工主张公司未履行通知工会程序，属违法解除。",
        demands="违法解除赔偿金 36000\n未休年休假工资 2758.62",
        known_on=today - dt.timedelta(days=75),
        owner=relations,
    )
    if legal is not None:
        services.assign_legal(actor=admin, case=first, legal=legal)
        services.change_stage(actor=admin, case=first, stage="mediation", note="调解未成")
        services.change_stage(actor=admin, case=first, stage="arbitration", note="员工申请仲裁")
        hearing_day = today + dt.timedelta(days=7)
        while hearing_day.weekday() >= 5:
            hearing_day += dt.timedelta(days=1)
        hearings.add_hearing(
            actor=admin,
            case=first,
            kind="arbitration",
            at=timezone.make_aware(dt.datetime.combine(hearing_day, dt.time(9, 30))),
            place="区劳动人事争议仲裁院第二仲裁庭",
        )
    documents.add_note(
        actor=admin,
        case=first,
        text="已收集考勤记录、解除通知书及送达回执，待补充工会意见。",
    )
    second = services.open_case(
        actor=admin,
        client=clients[1],
        person=_person(clients[1]),
        category="wages",
        title="加班费计算争议",
        description="员工主张休息日加班未安排补休也未支付加班费。",
        demands="休息日加班费 4600",
        known_on=today - dt.timedelta(days=120),
        owner=relations,
    )
    services.change_stage(actor=admin, case=second, stage="mediation")
    services.record_outcome(
        actor=admin,
        case=second,
        outcome="mediated",
        amount_awarded="3800.00",
        amount_paid="3800.00",
        cost_to_client="3800.00",
        lessons="休息日加班应及时安排补休或按 200% 支付，考勤确认单需员工签字。",
    )
