"""Demo data for training: the trainer serves the first two clients; clients[0] has a programme
with a delivered, evaluated session and one still being planned."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from hragency.accounts.services import assign_client
from hragency.employees.queries import people_for
from hragency.training import roster, services


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    trainer, hr = users["trainer"], users["hr_a"]
    for client in clients[:2]:
        assign_client(client_id=client.pk, user=trainer, responsibility="培训")
    client = clients[0]
    programme = services.request_programme(
        actor=hr,
        client=client,
        title="新员工劳动法规与考勤制度培训",
        needs="近三个月新员工迟到、请假手续不全较多，HR 反复解释制度",
        objectives="掌握考勤、请假、加班审批流程及《劳动合同法》要点",
        audience="入职一年内员工",
        format="onsite",
        requested_at=timezone.now() - dt.timedelta(days=21),
    )
    services.plan_resources(
        actor=trainer,
        programme=programme,
        trainer_id=trainer.pk,
        venue="星辰科技三楼培训室",
        budget="3600.00",
    )
    start = timezone.localtime(timezone.now() - dt.timedelta(days=7)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    session = services.schedule_session(
        actor=trainer,
        programme=programme,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=30,
        place="星辰科技三楼培训室",
    )
    people = list(people_for(hr).filter(client=client).exclude(status="left").order_by("pk")[:8])
    enrolled = roster.enrol(
        actor=hr, session=session, person_ids=[p.pk for p in people], names=["部门经理 钱总"]
    )
    present = [e.pk for e in enrolled[:-2]] + [enrolled[-1].pk]
    roster.mark_attendance(actor=trainer, session=session, attended_ids=present)
    roster.record_results(
        actor=trainer,
        session=session,
        results={
            pk: {"satisfaction": rng.choice([4, 5, 5]), "score": rng.choice([55, 72, 85, 90, 96])}
            for pk in present
        },
    )
    services.evaluate_programme(
        actor=trainer,
        programme=programme,
        reaction="学员普遍认为案例贴近实际",
        learning="随堂测验多数通过，请假流程题错误率最高",
        behaviour="一个月后回访：请假手续不全减少",
        results="",
    )
    services.request_programme(
        actor=hr,
        client=client,
        title="客服沟通技巧提升",
        needs="客户投诉中态度问题占比上升",
        audience="客服部全员",
    )
