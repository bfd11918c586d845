"""Demo claims for the first client (星辰科技): a work injury half-way (report done with its
three documents, no transfer, appraisal pending) and a maternity claim paid and closed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hragency.claims import services
from hragency.employees.models import InsuredPerson

# A minimal valid PDF: enough for the upload check and for a browser to open.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _upload(actor: Any, claim: Any, step: str, kinds: list[str]) -> None:
    for kind in kinds:
        services.add_document(
            actor=actor,
            claim=claim,
            step=step,
            kind=kind,
            file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
        )


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    if not clients:
        return
    people = list(
        InsuredPerson.objects.filter(
            client=clients[0], status=InsuredPerson.Status.ACTIVE
        ).order_by("pk")[:6]
    )
    if len(people) < 2:
        return
    hr, si = users["hr_a"], users["si"]
    men = [p for p in people if p.gender == "M"] or people
    women = [p for p in people if p.gender == "F"] or people
    now = timezone.now()

    injury = services.report_claim(
        actor=hr,
        person=men[0],
        kind="work_injury",
        incident_date=today - dt.timedelta(days=12),
        description="仓库搬运时货架倾倒，左小腿骨折，已送医院急诊手术。",
        hospital="上海市第六人民医院",
        now=now - dt.timedelta(days=11),
    )
    _upload(hr, injury, "report", ["accident_statement", "diagnosis"])
    _upload(si, injury, "report", ["recognition_application"])
    services.complete_step(
        actor=si, claim=injury, step="report", note="已向区人社局递交工伤认定申请"
    )
    services.skip_step(actor=si, claim=injury, step="transfer", reason="在原医院治疗，无需转院")

    birth = services.report_claim(
        actor=hr,
        person=women[0],
        kind="maternity",
        incident_date=today - dt.timedelta(days=60),
        description="顺产，申领生育津贴及生育医疗费用。",
        hospital="上海市第一妇婴保健院",
        now=now - dt.timedelta(days=55),
    )
    _upload(hr, birth, "report", ["maternity_registration"])
    services.complete_step(actor=si, claim=birth, step="report")
    services.skip_step(actor=si, claim=birth, step="transfer", reason="无需转院")
    _upload(hr, birth, "application", ["birth_certificate", "allowance_form"])
    services.complete_step(actor=si, claim=birth, step="application", amount="28600.00")
    services.record_approval(actor=si, claim=birth, amount="28600.00")
    services.record_payment(actor=si, claim=birth, amount="28600.00")
    _upload(si, birth, "payment", ["payment_voucher"])
    services.complete_step(actor=si, claim=birth, step="payment", note="生育津贴已拨付至个人账户")
    services.skip_step(actor=si, claim=birth, step="continuation", reason="仍在职，无需转移")
    services.close_claim(actor=si, claim=birth, outcome="生育津贴 ¥28,600.00 已全额支付")
