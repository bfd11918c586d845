"""Demo data for the clients app, built through the real services.

``seed_demo(*, clients, users, rng)`` — call it from the ``demo`` command after the clients,
the staff users and the assignments exist:

- ``clients``: the demo ``Client`` rows (at least 4; they may already be active);
- ``users``: username → ``User``; needs ``sales`` (销售顾问), ``reviewer`` (信息审核员), ``gm``
  (总经理) and ``rep_a`` (客服专员, serving the first two clients), as the demo command makes;
- ``rng``: a seeded ``random.Random`` so the data is the same on every run.

It gives every client two contacts and a completed 《服务需求表》, an approved two-level review
and a signed agreement (the first client's ends within 30 days, so it carries 协议即将到期);
the second client's hand-over checklist is half done; the last client's 服务需求表 is still
open (a live 24-hour deadline for ``sales``). It also creates one more company, found to have
forged its licence, and puts it on the 失信客户名单. Returns that blacklisted client.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from hragency.clients import services
from hragency.clients.models import Client
from hragency.domain.uscc import make_credit_code

CONTACT_NAMES = ["王丽", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷"]


def seed_demo(*, clients: Sequence[Client], users: Mapping[str, Any], rng: random.Random) -> Client:
    sales, reviewer, gm, rep = users["sales"], users["reviewer"], users["gm"], users["rep_a"]
    now = timezone.now()
    today = timezone.localdate()
    for index, client in enumerate(clients):
        names = rng.sample(CONTACT_NAMES, 2)
        services.add_contact(
            client=client,
            data={
                "name": names[0],
                "title": "人事经理",
                "phone": f"13{rng.randint(100000000, 999999999)}",
                "email": f"hr{index + 1}@example.cn",
            },
            actor=sales,
        )
        services.add_contact(
            client=client,
            data={
                "name": names[1],
                "title": "财务主管",
                "phone": f"021-{rng.randint(10**7, 10**8 - 1)}",
            },
            actor=sales,
        )
        last = index == len(clients) - 1
        intake = services.create_intake(
            client=client,
            data={
                "first_contact_at": now - dt.timedelta(hours=30 if index == 1 else 3),
                "channel": rng.choice(["线上咨询", "上门拜访", "电话"]),
                "company_size": rng.randint(30, 800),
                "headcount": rng.randint(10, 400),
                "insured_cities": client.service_cities,
                "modules": ["si_hf", "payroll"] if index % 2 else ["si_hf"],
                "special_needs": "部分员工异地参保" if index == 0 else "",
            },
            actor=sales,
        )
        if last:
            continue  # still being filled in: its deadline is live in sales' 我的待办
        # The second client's form came in late, so the on-time figures are not all 100 %.
        services.complete_intake(intake=intake, actor=sales)
        review = services.record_first_review(
            client=client,
            data={
                "originals_seen": True,
                "outcome": "pass",
                "checks": [
                    {"source": "gsxt", "result": "consistent", "note": "登记状态：存续"},
                    {"source": "creditchina", "result": "consistent", "note": "无失信记录"},
                ],
            },
            actor=reviewer,
        )
        services.decide_review(review=review, decision="approve", note="同意签约", actor=gm)
        start = today - dt.timedelta(days=340) if index == 0 else today - dt.timedelta(days=5)
        end = today + dt.timedelta(days=20) if index == 0 else start + dt.timedelta(days=364)
        draft = services.create_agreement(
            client=client,
            data={
                "kind": "si_agency" if index % 2 == 0 else "comprehensive",
                "modules": ["si_hf"] if index % 2 == 0 else ["si_hf", "payroll"],
                "start_date": start,
                "end_date": end,
                "fee_model": "per_head",
                "fee_per_head": rng.choice(["60.00", "80.00", "95.00", "120.00"]),
                "payment_method": "transfer",
                "payment_day": 10,
                "rights_obligations": (
                    "甲方按月提供增减员名单并按时付款；乙方按政策为甲方员工办理社保公积金业务，"
                    "提供政策咨询与异常处理。"
                ),
                "breach_liability": "甲方逾期付款的，每日按应付金额的万分之五支付违约金。",
            },
            actor=sales,
        )
        # rep_a serves the first two demo clients; the others' hand-over stays with sales.
        agreement = services.sign_agreement(
            agreement=draft, actor=sales, handover_owner=rep if index < 2 else None
        )
        if index == 1:
            for item in list(agreement.handover_items.all())[:3]:
                services.update_handover_item(
                    item=item, data={"received": True, "check_result": "ok"}, actor=rep
                )
    return _forged_client(sales=sales, reviewer=reviewer, gm=gm, rng=rng)


def _forged_client(*, sales: Any, reviewer: Any, gm: Any, rng: random.Random) -> Client:
    body = "9144030" + "".join(rng.choice("0123456789ABCDEFGH") for _ in range(10))
    client = services.create_client(
        data={
            "name": "宏图环球贸易（深圳）有限公司",
            "credit_code": make_credit_code(body),
            "nature": "private",
            "industry": "批发和零售业",
            "service_cities": "深圳",
        },
        actor=sales,
    )
    review = services.record_first_review(
        client=client,
        data={
            "originals_seen": False,
            "outcome": "suspected_forgery",
            "note": "营业执照复印件上的注册资本与公示系统不符，对方无法出示原件",
            "checks": [
                {"source": "gsxt", "result": "inconsistent", "note": "注册资本、法定代表人不符"},
            ],
        },
        actor=reviewer,
    )
    services.decide_review(
        review=review, decision="confirm_forgery", note="经向登记机关核实，营业执照系伪造", actor=gm
    )
    client.refresh_from_db()
    return client
