"""Demo data for the archive, called by the ``demo`` management command after it has created
clients and people.

``fill_demo_archive(*, actor=None, today=None, seed=20261123) -> dict[str, int]``

- ``actor``: the user recorded as author of the audit rows (e.g. the demo's ``si`` user);
  None records "系统".
- ``today``: the day the demo pretends it is (default: today in Asia/Shanghai).
- ``seed``: makes the random choices repeatable.

It fills every existing person's hukou, education, contract, position and salary (Decimal), puts
two new hires per client (of four people or more) in onboarding and one person in
offboarding (with some steps done), adds a
person a few months before statutory retirement to the first client, registers one person of
the first client also as active at the second client (the duplicate-insurance warning), and
uploads a photo (PNG) and a labour contract (PDF) generated in code for the first client's
first person. Returns counts of what it did. Every write goes through ``services``.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from hragency.domain.idcard import make_id_number
from hragency.domain.retirement import add_months, retirement_date
from hragency.employees import services
from hragency.employees.models import InsuredPerson

POSITIONS = ["行政专员", "仓储管理员", "客服专员", "软件工程师", "财务助理", "销售代表", "质检员"]
HUKOU_PLACES = ["上海市浦东新区", "北京市朝阳区", "江苏省南京市", "安徽省合肥市", "河南省郑州市"]
EDUCATIONS = ["bachelor", "college", "master", "secondary", "high_school"]


def demo_png(
    width: int = 60, height: int = 80, rgb: tuple[int, int, int] = (70, 110, 170)
) -> bytes:
    """A small solid-colour PNG (an ID-photo stand-in), built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def demo_pdf(title: str = "Labour contract (demo)") -> bytes:
    """A one-page PDF with a line of text; offsets in the xref table are computed, so readers
    open it without repair."""
    stream = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _near_retirement_birth(today: dt.date) -> dt.date:
    """A man's birth date whose statutory retirement falls about four months from today."""
    low, high = today + dt.timedelta(days=90), today + dt.timedelta(days=150)
    birth = add_months(today, -12 * 63)
    for _ in range(12 * 10):
        due = retirement_date(birth, "male_60")
        if low <= due <= high:
            return birth
        birth = add_months(birth, 1 if due < low else -1)
    return birth


def fill_demo_archive(
    *, actor: Any = None, today: dt.date | None = None, seed: int = 20261123
) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts = {"filled": 0, "onboarding": 0, "offboarding": 0, "documents": 0, "extra_people": 0}
    people = list(InsuredPerson.objects.select_related("client").order_by("client_id", "pk"))
    if not people:
        return counts
    for person in people:
        start = today - dt.timedelta(days=rng.randint(60, 2000))
        services.update_person(
            person=person,
            actor=actor,
            today=today,
            data={
                "hukou_type": rng.choice(["urban", "rural"]),
                "hukou_place": rng.choice(HUKOU_PLACES),
                "education": rng.choice(EDUCATIONS),
                "employee_number": f"E{person.client_id:02d}{person.pk:05d}",
                "position": rng.choice(POSITIONS),
                "salary": Decimal(rng.randrange(550000, 3000000, 50)) / 100,
                "contract_type": "fixed",
                "contract_start": start,
                "contract_end": start + dt.timedelta(days=3 * 365),
                "probation_end": start + dt.timedelta(days=90),
                "hire_date": start,
                "bank_name": "中国工商银行",
            },
        )
        counts["filled"] += 1

    by_client: dict[int, list[InsuredPerson]] = {}
    for person in people:
        by_client.setdefault(person.client_id, []).append(person)
    clients = list(by_client)
    for members in by_client.values():
        if len(members) < 4:
            continue
        # Two new hires being onboarded: one just started, one half-way.
        for index in range(2):
            hire = services.create_person(
                client_id=members[0].client_id,
                actor=actor,
                today=today,
                status=InsuredPerson.Status.ONBOARDING,
                name=rng.choice("赵钱孙李周吴郑王") + rng.choice(["晓明", "佳怡", "子涵", "浩然"]),
                id_number=make_id_number(
                    region_code="310115",
                    birth_date=dt.date(rng.randint(1985, 2002), rng.randint(1, 12), 15),
                    sequence=90 + index,
                    gender="M" if index == 0 else "F",
                ),
                phone=f"137{rng.randint(10000000, 99999999)}",
                position=rng.choice(POSITIONS),
                salary=Decimal(rng.randrange(600000, 1500000, 100)) / 100,
                hire_date=today,
                insured_city=members[0].insured_city,
            )
            process = hire.processes.get()
            for step in list(process.steps.order_by("position"))[: 2 * index]:
                services.complete_step(step=step, actor=actor, note="")
            counts["onboarding"] += 1
        leaver = members[-3]
        process = services.start_offboarding(
            person=leaver,
            actor=actor,
            leave_date=today + dt.timedelta(days=20),
            reason="合同到期不续签",
        )
        first = process.steps.order_by("position").first()
        if first is not None:
            services.complete_step(step=first, actor=actor, note="已签收离职申请")
        counts["offboarding"] += 1

    first_client = clients[0]
    birth = _near_retirement_birth(today)
    services.create_person(
        client_id=first_client,
        actor=actor,
        today=today,
        status=InsuredPerson.Status.ACTIVE,
        name="郑建国",
        id_number=make_id_number(region_code="310115", birth_date=birth, sequence=88, gender="M"),
        phone="13900001111",
        position="仓储管理员",
        salary=Decimal("6800.00"),
        insured_city=people[0].insured_city,
        hire_date=today - dt.timedelta(days=3000),
    )
    counts["extra_people"] += 1
    if len(clients) > 1:
        twice = by_client[first_client][0]
        services.create_person(
            client_id=clients[1],
            actor=actor,
            today=today,
            status=InsuredPerson.Status.ACTIVE,
            name=twice.name,
            id_number=twice.id_number,
            phone=twice.phone,
            position="兼职顾问",
            salary=Decimal("3000.00"),
            insured_city=by_client[clients[1]][0].insured_city,
        )
        counts["extra_people"] += 1

    owner = by_client[first_client][0]
    services.add_document(
        person=owner, kind="photo", file=ContentFile(demo_png(), name="照片.png"), actor=actor
    )
    services.add_document(
        person=owner,
        kind="contract",
        file=ContentFile(demo_pdf(), name="劳动合同.pdf"),
        actor=actor,
    )
    counts["documents"] += 2
    return counts
