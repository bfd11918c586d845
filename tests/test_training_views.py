"""The training pages cost a bounded number of queries whatever their size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hragency.training import roster
from tests.conftest import Cast
from tests.sweep_training import programme, session, trainer


def _count(http: Any, path: str) -> int:
    http.get(path)  # warm caches (permissions, scope)
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(path)
    assert response.status_code == 200, path
    return len(ctx)


def test_it_keeps_the_session_page_bounded(cast: Cast, as_user: Any) -> None:
    http = as_user(trainer(cast))
    prog = programme(cast)
    sess = session(cast, prog, starts_at=timezone.now() + dt.timedelta(days=1))
    roster.enrol(actor=trainer(cast), session=sess, names=["甲"])
    small = _count(http, f"/training/sessions/{sess.pk}/")
    roster.enrol(
        actor=trainer(cast), session=sess, person_ids=[cast.person_a.pk], names=["乙", "丙", "丁"]
    )
    assert _count(http, f"/training/sessions/{sess.pk}/") == small
    assert _count(http, f"/training/{prog.pk}/") <= 25
