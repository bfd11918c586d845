"""Demo data for agents: profiles for the CS team (rep_a, rep_b, the supervisor as manager) and a
hotline team 热线一组 of five agents without a manager (over the 1-manager-per-4-staff ratio,
one of them left last month), the rating scheme, two trainings, last month's events and
assessments (confirmed by the supervisor), and the cadence deadlines."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hragency.accounts.models import Department
from hragency.accounts.roles import Role
from hragency.agents import schemes, services, training
from hragency.agents.common import previous_month
from hragency.agents.models import AgentProfile, MonthlyAssessment

PASSWORD = "Demo@2026"
HOTLINE = [
    ("zx01", "韩雪", "rep"),
    ("zx02", "邓凯", "rep"),
    ("zx03", "冯琳", "specialist"),
    ("zx04", "曹阳", "specialist"),
    ("zx05", "彭静", "rep"),
]


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    from hragency.accounts.services import create_user

    actor = users["supervisor"]
    schemes.ensure_scheme(actor=actor)
    cs_team = users["supervisor"].department
    profiles = {
        "rep_a": services.create_profile(
            actor=actor,
            user=users["rep_a"],
            team=cs_team.pk,
            hire_date="2025-03-01",
            skills="社保政策,薪酬个税",
        ),
        "rep_b": services.create_profile(
            actor=actor,
            user=users["rep_b"],
            team=cs_team.pk,
            hire_date="2025-09-15",
            skills="社保政策",
        ),
        "supervisor": services.create_profile(
            actor=actor,
            user=users["supervisor"],
            team=cs_team.pk,
            hire_date="2024-01-02",
            position=AgentProfile.Position.MANAGER,
        ),
    }
    ops = Department.objects.filter(name="运营中心").first()
    hotline = Department.objects.create(name="热线一组", parent=ops)
    last_month_first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for index, (username, name, position) in enumerate(HOTLINE):
        user = create_user(
            username=username,
            password=PASSWORD,
            display_name=name,
            roles=[Role.CS_REP],
            department=hotline,
        )
        profiles[username] = services.create_profile(
            actor=actor,
            user=user,
            team=hotline.pk,
            position=position,
            hire_date=(last_month_first - dt.timedelta(days=90 + 30 * index)).isoformat(),
        )
    services.update_profile(
        actor=actor,
        profile=profiles["zx05"],
        leave_date=(last_month_first + dt.timedelta(days=17)).isoformat(),
    )

    # Two trainings: one three weeks ago (everyone), one last week (the CS team only).
    sessions = [
        (today - dt.timedelta(days=21), "2026年社保缴费基数调整政策", "政策信息", None),
        (today - dt.timedelta(days=6), "投诉处理与情绪安抚技巧", "服务技巧", cs_team.pk),
    ]
    for held_on, topic, category, team in sessions:
        session = training.create_session(
            actor=actor,
            held_on=held_on.isoformat(),
            topic=topic,
            category=category,
            trainer="胡培训",
            hours="2",
            team=team,
        )
        agents = [a.agent_id for a in session.attendance.all()]
        present = [pk for pk in agents if pk != profiles["rep_b"].pk or team is None]
        training.mark_attendance(
            actor=actor,
            session=session,
            present=present,
            scores={pk: str(rng.randint(80, 98)) for pk in present},
        )

    # Last month's events and assessments.
    month = previous_month(today)
    day = last_month_first + dt.timedelta(days=14)
    for key in ("rep_a", "rep_b", "zx01", "zx02"):
        services.record_event(
            actor=actor,
            agent=profiles[key],
            kind="exam",
            happened_on=day.isoformat(),
            title=f"{month} 政策考试",
            score=str(rng.randint(72, 98)),
        )
    services.record_event(
        actor=actor,
        agent=profiles["rep_b"],
        kind="discipline",
        happened_on=day.isoformat(),
        title="迟到 15 分钟",
        points="5",
    )
    services.record_event(
        actor=actor,
        agent=profiles["rep_a"],
        kind="skill",
        happened_on=day.isoformat(),
        title="社保业务高级认证",
        score="90",
    )
    services.compute_month(actor=actor, month=month)
    for row in MonthlyAssessment.objects.filter(month=month):
        missing = {d: str(rng.randint(70, 96)) for d in services.missing_dimensions(row)}
        if missing:
            services.edit_assessment(actor=actor, assessment=row, scores=missing)
    services.confirm_month(actor=actor, month=month)
    training.plan_cadences(today=today, actor=actor)
