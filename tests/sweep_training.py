"""Client A's training programme, session and material for the scoping sweep, and the helpers
the training tests share (a trainer serving client A, a programme with a session)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.conftest import PASSWORD, Cast


def trainer(cast: Cast, username: str = "trainer_a") -> Any:
    from hragency.accounts.models import User
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = create_user(
        username=username,
        password=PASSWORD,
        display_name="培训专员甲",
        roles=[Role.TRAINER],
        department=cast.department,
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def programme(cast: Cast, *, client: Any = None, actor: Any = None, resources: bool = True) -> Any:
    from hragency.training import services

    user = trainer(cast)
    prog = services.request_programme(
        actor=actor or cast.hr_a,
        client=client or cast.client_a,
        title="新员工劳动法规培训",
        needs="新入职员工不了解考勤与请假制度，违纪较多",
        objectives="掌握考勤、请假、加班规定",
        audience="入职一年内员工",
    )
    if resources:
        services.plan_resources(
            actor=user, programme=prog, trainer_id=user.pk, venue="客户三楼培训室", budget="3000.00"
        )
        prog.refresh_from_db()
    return prog


def session(
    cast: Cast, prog: Any, *, starts_at: dt.datetime | None = None, capacity: int = 30
) -> Any:
    from hragency.training import services

    start = starts_at or timezone.now() - dt.timedelta(hours=3)
    return services.schedule_session(
        actor=trainer(cast),
        programme=prog,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=capacity,
        place="客户三楼培训室",
    )


def _rows(cast: Cast) -> tuple[Any, Any, Any]:
    cached = getattr(cast, "_sweep_training", None)
    if cached is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from hragency.training import roster, services

        prog = programme(cast)
        sess = session(cast, prog)
        roster.enrol(
            actor=trainer(cast), session=sess, person_ids=[cast.person_a.pk, cast.person_a2.pk]
        )
        material = services.add_material(
            actor=trainer(cast),
            programme=prog,
            file=SimpleUploadedFile("课件.pdf", b"%PDF-1.4 slides", content_type="application/pdf"),
        )
        cached = (prog, sess, material)
        cast._sweep_training = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "programme_id": lambda cast: str(_rows(cast)[0].pk),
    "training_session_id": lambda cast: str(_rows(cast)[1].pk),
    "material_id": lambda cast: str(_rows(cast)[2].pk),
}
