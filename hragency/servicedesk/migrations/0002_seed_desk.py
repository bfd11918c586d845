"""Seed service levels (R-DESK-4, R-CMP-1), classification keywords (R-DESK-2) and, when the
departments exist, routing rules. All are editable in the admin; re-running adds nothing."""

from __future__ import annotations

from django.db import migrations

# name, nature, urgency, module, channel, response min, resolution min, calendar, warn, source
POLICIES = [
    (
        "默认（整体响应≤2小时）",
        "",
        "",
        "",
        "",
        120,
        1440,
        "office",
        30,
        "R-DESK-4 整体响应≤2小时（000）",
    ),
    (
        "邮件首次答复",
        "",
        "",
        "",
        "email",
        120,
        1440,
        "office",
        30,
        "R-DESK-4 邮件2个工作小时内首次答复（004）",
    ),
    (
        "信息咨询",
        "inquiry",
        "",
        "",
        "",
        720,
        1440,
        "office",
        60,
        "R-DESK-4 咨询12小时响应（003）/24小时答复（002）",
    ),
    (
        "在线客服",
        "",
        "",
        "",
        "chat",
        1,
        1440,
        "office",
        0,
        "R-DESK-4 在线客服30秒响应（以1分钟计，最小单位）",
    ),
    (
        "招聘外包",
        "",
        "",
        "recruitment",
        "",
        120,
        1440,
        "office",
        30,
        "R-DESK-4 招聘专员2小时内联系客户（004）",
    ),
    (
        "劳动争议",
        "",
        "",
        "labour_dispute",
        "",
        60,
        1440,
        "hotline",
        15,
        "R-DESK-4 劳动争议1小时联合响应、24小时出方案（004）",
    ),
    (
        "紧急事件",
        "emergency",
        "",
        "",
        "",
        60,
        1440,
        "hotline",
        15,
        "R-DESK-11 紧急事件1小时响应、24小时处置（全天候）",
    ),
    (
        "投诉（一般）",
        "complaint",
        "",
        "",
        "",
        120,
        1440,
        "hotline",
        60,
        "R-CMP-1 一般投诉24小时内解决",
    ),
    (
        "投诉（特急/重大）",
        "complaint",
        "critical",
        "",
        "",
        60,
        2880,
        "hotline",
        120,
        "R-CMP-1 重大投诉48小时内解决并提出整改方案",
    ),
]

# word, module, nature, urgency, weight
KEYWORDS = [
    ("增员", "payroll_si", "operation", "", 2),
    ("减员", "payroll_si", "operation", "", 2),
    ("社保", "payroll_si", "", "", 2),
    ("公积金", "payroll_si", "", "", 2),
    ("基数", "payroll_si", "", "", 1),
    ("工资", "payroll_si", "", "", 1),
    ("个税", "payroll_si", "", "", 1),
    ("工资条", "payroll_si", "", "", 1),
    ("招聘", "recruitment", "", "", 2),
    ("简历", "recruitment", "", "", 2),
    ("面试", "recruitment", "", "", 2),
    ("仲裁", "labour_dispute", "emergency", "urgent", 3),
    ("纠纷", "labour_dispute", "emergency", "", 2),
    ("劳动争议", "labour_dispute", "emergency", "", 3),
    ("工伤", "labour_dispute", "emergency", "urgent", 2),
    ("事故", "labour_dispute", "emergency", "urgent", 2),
    ("投诉", "", "complaint", "", 3),
    ("不满", "", "complaint", "", 2),
    ("差评", "", "complaint", "", 2),
    ("建议", "", "complaint", "", 1),
    ("培训", "training", "", "", 2),
    ("派遣", "dispatch", "", "", 2),
    ("档案", "hr_agency", "", "", 2),
    ("调档", "hr_agency", "operation", "", 2),
    ("合同", "hr_agency", "", "", 1),
    ("办理", "", "operation", "", 1),
    ("申请", "", "operation", "", 1),
    ("咨询", "", "inquiry", "", 1),
    ("请问", "", "inquiry", "", 1),
    ("怎么", "", "inquiry", "", 1),
    ("紧急", "", "", "urgent", 1),
    ("尽快", "", "", "urgent", 1),
    ("集体", "", "emergency", "critical", 2),
    ("罢工", "labour_dispute", "emergency", "critical", 3),
    ("死亡", "", "emergency", "critical", 3),
    ("重伤", "", "emergency", "critical", 3),
]

ROUTING = [
    ("payroll_si", "", "社保服务组", "si_specialist"),
    ("hr_agency", "", "社保服务组", "si_specialist"),
    ("recruitment", "", "招聘部", "recruiter"),
    ("training", "", "培训部", "trainer"),
    ("dispatch", "", "员工关系部", "labour_relations"),
    ("labour_dispute", "", "法务部", "legal"),
    ("labour_dispute", "emergency", "应急处理小组", "exception_team"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    SlaPolicy = apps.get_model("servicedesk", "SlaPolicy")
    Keyword = apps.get_model("servicedesk", "ClassificationKeyword")
    RoutingRule = apps.get_model("servicedesk", "RoutingRule")
    Department = apps.get_model("accounts", "Department")
    for name, nature, urgency, module, channel, resp, res, cal, warn, source in POLICIES:
        SlaPolicy.objects.get_or_create(
            name=name,
            defaults=dict(
                nature=nature,
                urgency=urgency,
                module=module,
                channel=channel,
                response_minutes=resp,
                resolution_minutes=res,
                calendar=cal,
                warn_minutes=warn,
                source=source,
            ),
        )
    for word, module, nature, urgency, weight in KEYWORDS:
        Keyword.objects.get_or_create(
            word=word,
            defaults=dict(module=module, nature=nature, urgency=urgency, weight=weight),
        )
    departments = {d.name: d for d in Department.objects.all()}
    for module, nature, dept, role in ROUTING:
        if dept in departments:
            RoutingRule.objects.get_or_create(
                module=module,
                nature=nature,
                defaults={"department": departments[dept], "role": role},
            )


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
