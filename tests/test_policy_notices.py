"""Policy change notices (R-SI-7): affected clients only, HR and serving staff, on the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hragency.core.models import AuditLog, Notification
from hragency.insurance.policies import load_policies
from tests.si_support import CITY, enroll, make_test_city


def test_it_tells_affected_clients_about_new_rules(cast):
    make_test_city()
    enroll(cast.person_a, "9000")
    added = load_policies(
        [
            {
                "city": CITY,
                "item": "pension",
                "effective_from": dt.date(2027, 1, 1),
                "base_floor": Decimal("5200.00"),
                "base_ceiling": Decimal("31000.00"),
                "employer_rate": Decimal("0.16"),
                "employee_rate": Decimal("0.08"),
                "employer_fixed": Decimal("0"),
                "employee_fixed": Decimal("0"),
                "rounding": "fen",
                "rate_min": None,
                "rate_max": None,
                "certainty": "已核实",
                "source": "测试",
                "note": "",
            }
        ],
        actor=cast.admin,
    )
    assert added == 1
    notice = Notification.objects.get(recipient=cast.hr_a)
    assert notice.title == f"政策变更：{CITY} 2027-01 起社保公积金政策调整"
    assert "养老保险：基数 5,200.00–31,000.00，单位 16%，个人 8%" in notice.body
    assert Notification.objects.filter(recipient=cast.rep_a).exists()  # serves client A
    assert not Notification.objects.filter(recipient__in=[cast.hr_b, cast.rep_b]).exists()
    assert AuditLog.objects.filter(
        action="insurance.policy_notice", client_id=cast.client_a.pk
    ).exists()
    assert not AuditLog.objects.filter(
        action="insurance.policy_notice", client_id=cast.client_b.pk
    ).exists()
