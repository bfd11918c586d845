"""Demo data for recruitment: the recruiter serves the first two clients; for clients[0] one
requisition at the client-interview stage with three candidates, and one filled and evaluated."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hragency.accounts.services import assign_client
from hragency.recruitment import pipeline, services


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    recruiter, hr = users["recruiter"], users["hr_a"]
    for client in clients[:2]:
        assign_client(client_id=client.pk, user=recruiter, responsibility="招聘")
    client = clients[0]
    now = timezone.now()

    # 1. 客户面试中: three candidates (one interviewed, one shortlisted, one screened out).
    asked = now - dt.timedelta(days=3, hours=2)
    open_req = services.submit_requisition(
        actor=hr,
        client=client,
        position="Java 开发工程师",
        headcount=2,
        salary_min=Decimal("18000"),
        salary_max=Decimal("25000"),
        location="上海浦东",
        requirements="本科，三年以上 Java 开发经验，熟悉 Spring Boot",
        urgency="urgent",
        requested_at=asked,
    )
    _prepare(recruiter, open_req, asked, [("智联招聘", "1500.00"), ("内部推荐", "0")])
    names = [("刘洋", "13761234501"), ("陈静", "13761234502"), ("杨帆", "13761234503")]
    apps = [
        pipeline.add_candidate(
            actor=recruiter, requisition=open_req, name=n, phone=p, source="智联招聘"
        )
        for n, p in names
    ]
    pipeline.shortlist(
        actor=recruiter, application=apps[0], note="五年 Spring Boot 经验，做过支付系统"
    )
    pipeline.shortlist(actor=recruiter, application=apps[1], note="三年经验，沟通好，期望薪资 20k")
    pipeline.schedule_interview(
        actor=recruiter,
        application=apps[0],
        at=timezone.localtime(now + dt.timedelta(days=1)).replace(
            hour=14, minute=0, second=0, microsecond=0
        ),
        place="星辰科技 8 楼会议室",
        interviewer="技术总监 周工",
    )
    pipeline.reject(actor=recruiter, application=apps[2], reason="经验不足两年")

    # 2. 已完成 and evaluated: one hire passed probation.
    asked = now - dt.timedelta(days=40)
    done = services.submit_requisition(
        actor=hr,
        client=client,
        position="行政前台",
        headcount=1,
        salary_min=Decimal("6000"),
        salary_max=Decimal("7500"),
        location="上海浦东",
        requirements="大专，形象气质佳，熟练使用办公软件",
        requested_at=asked,
    )
    _prepare(recruiter, done, asked, [("前程无忧", "800.00"), ("现场招聘会", "450.50")])
    hire = pipeline.add_candidate(
        actor=recruiter, requisition=done, name="王芳", phone="13661234509", source="前程无忧"
    )
    other = pipeline.add_candidate(
        actor=recruiter, requisition=done, name="赵丽", phone="13661234510", source="现场招聘会"
    )
    pipeline.shortlist(actor=recruiter, application=hire, note="两年前台经验")
    pipeline.shortlist(actor=recruiter, application=other, note="应届，形象好")
    for app in (hire, other):
        pipeline.schedule_interview(
            actor=recruiter,
            application=app,
            at=asked + dt.timedelta(days=3),
            place="星辰科技前台",
            interviewer="行政经理 孙女士",
        )
    pipeline.record_feedback(actor=hr, application=other, result="fail", comment="普通话不够标准")
    pipeline.record_feedback(actor=hr, application=hire, result="pass", comment="沟通得体")
    pipeline.make_offer(actor=hr, application=hire)
    pipeline.confirm_hire(actor=hr, application=hire, hire_date=today - dt.timedelta(days=30))
    pipeline.record_probation(actor=hr, application=hire, result="pass", note="试用期表现良好")
    services.evaluate_requisition(
        actor=hr, requisition=done, satisfaction=5, note="推荐及时，人选合适"
    )


def _prepare(recruiter: Any, req: Any, asked: dt.datetime, channels: list[tuple[str, str]]) -> None:
    services.record_contact(
        actor=recruiter,
        requisition=req,
        note="电话确认岗位职责、薪资范围与到岗时间",
        at=asked + dt.timedelta(minutes=50),
    )
    services.save_jd(actor=recruiter, requisition=req, jd=f"{req.position}：{req.requirements}")
    start = timezone.localdate(asked)
    services.save_plan(
        actor=recruiter,
        requisition=req,
        plan_start=start,
        plan_end=start + dt.timedelta(days=30),
        plan_note="网络招聘为主，辅以内部推荐；每周向客户反馈进展",
    )
    for name, cost in channels:
        services.add_channel(
            actor=recruiter, requisition=req, name=name, cost=Decimal(cost), published_on=start
        )
