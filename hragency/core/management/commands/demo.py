"""`hragency demo`: a realistic small agency to click through. Idempotent: does nothing but
print the logins when the demo agency already exists."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hragency.accounts.models import Department, User
from hragency.accounts.roles import ROLE_LABELS, Role
from hragency.accounts.services import assign_client, create_user
from hragency.clients.demo import seed_demo as seed_client_records
from hragency.clients.models import Client
from hragency.core.deadlines import open_deadline
from hragency.core.notifications import notify
from hragency.core.worktime import due_after
from hragency.domain.idcard import make_id_number
from hragency.domain.uscc import make_credit_code
from hragency.employees.demo import fill_demo_archive
from hragency.employees.services import create_person
from hragency.insurance.demo import seed_insurance
from hragency.knowledge.demo import seed_demo as seed_knowledge
from hragency.payroll.demo import seed_payroll
from hragency.servicedesk.demo import seed_demo as seed_desk
from hragency.visits.demo import seed_demo as seed_visits

PASSWORD = "Demo@2026"

CLIENTS = [
    ("星辰科技（上海）有限公司", "上海", "vip", "91310115MA1H7XK3"),
    ("北京华泰物流有限公司", "北京", "normal", "91110105MA01CQ8L"),
    ("深圳鹏程电子有限公司", "深圳", "normal", "91440300MA5DTK7N"),
    ("杭州青禾餐饮管理有限公司", "杭州", "normal", "91330106MA27Y2RP"),
    ("成都天府医药连锁有限公司", "成都", "vip", "91510107MA61W3QE"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "建国",
    "海燕",
]
REGIONS = {"上海": "310115", "北京": "110105", "深圳": "440305", "杭州": "330106", "成都": "510107"}

# Apps from issue 7 on seed through their own demo.seed_demo, in this order.
DEMO_MODULES = [
    f"hragency.{app}.demo"
    for app in (
        "workforce",
        "agents",
        "claims",
        "annuity",
        "recruitment",
        "training",
        "disputes",
        "archives",
        "reports",
        "analytics",
    )
]

# username, display name, role, department
STAFF = [
    ("director", "周总监", Role.CS_DIRECTOR, "运营中心"),
    ("supervisor", "吴主管", Role.CS_SUPERVISOR, "客服部"),
    ("rep_a", "陈晓", Role.CS_REP, "客服部"),
    ("rep_b", "林悦", Role.CS_REP, "客服部"),
    ("si", "郭社保", Role.SI_SPECIALIST, "社保服务组"),
    ("payroll", "何薪酬", Role.PAYROLL_SPECIALIST, "薪酬福利组"),
    ("sales", "马销售", Role.SALES, "市场部"),
    ("exception", "罗应急", Role.EXCEPTION_TEAM, "应急处理小组"),
    ("recruiter", "高招聘", Role.RECRUITER, "招聘部"),
    ("trainer", "胡培训", Role.TRAINER, "培训部"),
    ("relations", "朱关系", Role.LABOUR_RELATIONS, "员工关系部"),
    ("legal", "孙法务", Role.LEGAL, "法务部"),
    ("reviewer", "徐审核", Role.INFO_REVIEWER, "综合管理部"),
    ("gm", "赵总经理", Role.GENERAL_MANAGER, "总经理办公室"),
    ("kb_admin", "杨知识", Role.KB_ADMIN, "客服部"),
]


class Command(BaseCommand):
    help = (
        "创建演示数据：部门、每个角色一名用户、若干客户与参保人（数据库已有演示数据时不重复创建）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=12, help="每个客户的参保人数")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username="admin").exists():
            self.stdout.write("演示数据已存在，未重复创建。")
        else:
            self._create(options["people"])
            self.stdout.write(self.style.SUCCESS("演示数据已创建。"))
        self._print_logins()

    @transaction.atomic
    def _create(self, people_per_client: int) -> None:
        rng = random.Random(20261123)
        ops = Department.objects.create(name="运营中心")
        departments: dict[str, Department] = {"运营中心": ops}
        for _, _, _, dept in STAFF:
            if dept not in departments:
                parent = (
                    ops if dept in {"客服部", "社保服务组", "薪酬福利组", "应急处理小组"} else None
                )
                departments[dept] = Department.objects.create(name=dept, parent=parent)
        users: dict[str, User] = {}
        for username, name, role, dept in STAFF:
            users[username] = create_user(
                username=username,
                password=PASSWORD,
                display_name=name,
                roles=[role],
                department=departments[dept],
                email=f"{username}@demo.hragency.cn",
            )
        departments["运营中心"].head = users["director"]
        departments["运营中心"].save()
        departments["客服部"].head = users["supervisor"]
        departments["客服部"].save()
        users["admin"] = create_user(
            username="admin",
            password=PASSWORD,
            display_name="系统管理员",
            roles=[Role.ADMINISTRATOR],
            is_superuser=True,
            email="admin@demo.hragency.cn",
        )

        clients = []
        for index, (name, city, grade, body) in enumerate(CLIENTS, start=1):
            body = (body + "0" * 17)[:17]
            clients.append(
                Client.objects.create(
                    number=f"KH{index:05d}",
                    name=name,
                    credit_code=make_credit_code(body),
                    grade=grade,
                    service_cities=city,
                    status=Client.Status.ACTIVE,
                )
            )
        today = timezone.localdate()
        first_person = {}
        for client in clients:
            city = client.service_cities
            for seq in range(people_per_client):
                gender = "M" if seq % 2 == 0 else "F"
                birth = dt.date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28))
                person = create_person(
                    client_id=client.pk,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    id_number=make_id_number(
                        region_code=REGIONS[city],
                        birth_date=birth,
                        sequence=seq % 100,
                        gender=gender,
                    ),
                    phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    bank_account=f"622202{rng.randint(10**12, 10**13 - 1)}",
                    insured_city=city,
                    today=today,
                )
                first_person.setdefault(client.pk, person)

        assign_client(client_id=clients[0].pk, user=users["rep_a"], responsibility="客服")
        assign_client(client_id=clients[1].pk, user=users["rep_a"], responsibility="客服")
        assign_client(client_id=clients[2].pk, user=users["rep_b"], responsibility="客服")
        assign_client(client_id=clients[3].pk, user=users["rep_b"], responsibility="客服")
        for client in clients:
            assign_client(
                client_id=client.pk, department=departments["社保服务组"], responsibility="社保"
            )
            assign_client(
                client_id=client.pk, department=departments["薪酬福利组"], responsibility="薪酬"
            )
        assign_client(client_id=clients[4].pk, user=users["sales"], responsibility="销售")

        users["hr_a"] = create_user(
            username="hr_a",
            password=PASSWORD,
            display_name="星辰HR 李娜",
            kind=User.Kind.CLIENT_HR,
            roles=[Role.CLIENT_HR],
            client_id=clients[0].pk,
        )
        users["hr_b"] = create_user(
            username="hr_b",
            password=PASSWORD,
            display_name="华泰HR 王强",
            kind=User.Kind.CLIENT_HR,
            roles=[Role.CLIENT_HR],
            client_id=clients[1].pk,
        )
        employee = first_person[clients[0].pk]
        users["employee"] = create_user(
            username="employee",
            password=PASSWORD,
            display_name=employee.name,
            kind=User.Kind.EMPLOYEE,
            roles=[Role.EMPLOYEE],
            insured_person_id=employee.pk,
        )

        now = timezone.now()
        # Agreements, reviews, hand-over checklists and a blacklisted client, then the full
        # archive (contracts, documents, onboarding/offboarding), all through the services.
        seed_client_records(clients=clients, users=users, rng=rng)
        fill_demo_archive(actor=users["si"], today=today)
        seed_insurance(users=users, rng=rng, today=today)
        seed_payroll(users=users, rng=rng, today=today)
        seed_knowledge(users=users)
        seed_desk(clients=clients, users=users, rng=rng)
        seed_visits(clients=clients, users=users, rng=rng, today=today)
        for module in DEMO_MODULES:
            importlib.import_module(module).seed_demo(
                clients=clients, users=users, rng=rng, today=today
            )

        open_deadline(
            kind="si.cutoff",
            title=f"{clients[2].name}：本月增减员截止（5日）",
            owner=users["rep_b"],
            client_id=clients[2].pk,
            due_at=due_after(now, hours=6),
        )
        notify(
            recipients=[users["rep_a"], users["rep_b"]],
            title="欢迎使用人力资源服务平台",
            body="“我的待办”列出您负责的时限事项和站内消息。",
        )

    def _print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {PASSWORD}）：")
        rows = (
            [("admin", "管理员（首次登录须绑定动态口令）")]
            + [(u, f"{n} · {ROLE_LABELS[r]}") for u, n, r, _ in STAFF]
            + [
                ("hr_a", "企业HR · 星辰科技"),
                ("hr_b", "企业HR · 北京华泰"),
                ("employee", "员工 · 星辰科技"),
            ]
        )
        for username, label in rows:
            self.stdout.write(f"  {username:<12} {label}")
        self.stdout.write("  hotline01…48 热线坐席（排班）；zx01…05 热线一组（坐席考核）")
