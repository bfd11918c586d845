"""Demo tickets: a dozen requests over the demo clients in every state (one overdue, one
waiting for the client, resolved and closed ones, a transferred one, an unmatched e-mail),
all through intake and the workflow services, as users would do it.

Call from the demo command after the other seeds:
    seed_demo(clients=clients, users=users, rng=rng)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

from django.utils import timezone

from hragency.core.errors import ServiceError
from hragency.servicedesk import routing, services
from hragency.servicedesk.intake import open_ticket, record_client_message

# client index, channel, subject, description, (module, nature, urgency) or None = suggestion
REQUESTS: list[tuple[int, str, str, str]] = [
    (0, "phone", "咨询本月社保增员截止时间", "请问本月社保增员最晚几号提交？"),
    (0, "portal", "公积金基数调整怎么办理", "今年公积金基数调整需要提交哪些材料？"),
    (0, "phone", "员工工伤事故处理", "车间员工今天上午发生工伤事故，需要协助申报。"),
    (1, "walk_in", "调档手续咨询", "新员工档案调档需要什么手续？"),
    (1, "chat", "工资条没有收到", "本月工资条邮件没有收到，请帮忙查询。"),
    (2, "phone", "招聘需求：仓库管理员3名", "需要招聘仓库管理员3名，请安排面试。"),
    (2, "wecom", "派遣员工合同续签", "派遣员工合同下月到期，如何续签？"),
    (3, "phone", "对上月服务不满", "上月减员办理延误，对服务不满，要投诉。"),
    (3, "phone", "员工培训安排", "新员工入职培训能否安排在下周？"),
    (0, "portal", "社保缴费明细核对", "10月社保缴费明细与工资扣款不一致。"),
    (1, "phone", "劳动仲裁咨询", "离职员工申请劳动仲裁，如何应对？"),
]


def _first_article(user: Any) -> Any:
    try:
        from hragency.knowledge.queries import readable_articles
    except ImportError:
        return None
    return readable_articles(user).first()


def seed_demo(*, clients: list[Any], users: dict[str, Any], rng: random.Random) -> list[Any]:
    routing.seed_default_rules()
    now = timezone.now()
    rep_for = {0: users["rep_a"], 1: users["rep_a"], 2: users["rep_b"], 3: users["rep_b"]}
    tickets = []
    for index, (ci, channel, subject, description) in enumerate(REQUESTS):
        client = clients[ci]
        hr = users["hr_a"] if ci == 0 else users["hr_b"] if ci == 1 else None
        actor = hr if channel == "portal" and hr is not None else rep_for[ci]
        opened = now - dt.timedelta(hours=rng.randint(1, 6) + index)
        tickets.append(
            open_ticket(
                actor=actor,
                channel=channel,
                client=client,
                subject=subject,
                description=description,
                contact_name="" if actor is hr else "客户联系人",
                first_owner=rep_for[ci] if actor is hr else None,
                now=opened,
            )
        )
    rep_a, rep_b, sup = users["rep_a"], users["rep_b"], users["supervisor"]
    # 0: resolved and rated later by the client; 1: waiting for the client; 2: transferred.
    services.accept_ticket(actor=rep_a, ticket=tickets[0])
    services.resolve_ticket(
        actor=rep_a, ticket=tickets[0], solution="本月5日18:00前提交增员，逾期计入次月。"
    )
    services.accept_ticket(actor=rep_a, ticket=tickets[1])
    services.wait_for_client(
        actor=rep_a, ticket=tickets[1], message="请提供员工名单及新基数，收到后为您办理。"
    )
    services.accept_ticket(actor=rep_a, ticket=tickets[2])
    with contextlib.suppress(ServiceError):  # without a matching rule the rep keeps it
        services.transfer_ticket(actor=rep_a, ticket=tickets[2], reason="工伤事故需应急处理")
    services.reply_to_client(actor=rep_a, ticket=tickets[3], body="调档需要调档函和身份证复印件。")
    services.resolve_ticket(actor=rep_a, ticket=tickets[3], solution="已告知调档材料。")
    services.close_ticket(actor=rep_a, ticket=tickets[3])
    services.accept_ticket(actor=rep_b, ticket=tickets[5])
    services.urge_ticket(actor=rep_b, ticket=tickets[5], note="客户希望本周内安排")
    services.supervise_ticket(actor=sup, ticket=tickets[7], note="投诉请今天回复客户")
    services.add_note(actor=rep_b, ticket=tickets[8], body="培训部下周二有空档")
    article = _first_article(rep_a)
    if article is not None:
        services.answer_from_kb(actor=rep_a, ticket=tickets[9], article_id=article.pk)
    else:
        services.resolve_ticket(actor=rep_a, ticket=tickets[9], solution="已说明缴费明细构成。")
    record_client_message(
        ticket=tickets[9], body="谢谢，已核对无误。", channel="portal", actor=users["hr_a"]
    )
    services.resolve_ticket(actor=rep_a, ticket=tickets[9], solution="客户已核对无误。")
    # An overdue one: opened five days ago and never answered.
    tickets.append(
        open_ticket(
            actor=rep_b,
            channel="phone",
            client=clients[2],
            subject="退工手续进度查询",
            description="上周提交的退工手续办到哪一步了？",
            contact_name="客户联系人",
            now=now - dt.timedelta(days=5),
        )
    )
    # An e-mail from an unknown sender, waiting for triage.
    tickets.append(
        open_ticket(
            actor=None,
            channel="email",
            client=None,
            subject="咨询社保代缴服务报价",
            description="贵司社保代缴服务如何收费？",
            contact_email="someone@example.com",
            author_name="someone@example.com",
            now=now - dt.timedelta(hours=2),
        )
    )
    return tickets
