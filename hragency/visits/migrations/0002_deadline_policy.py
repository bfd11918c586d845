"""The ``visits.visit`` deadline warns its owner three days before the due day ends (a visit
has to be arranged with the client), then escalates on the default chain."""

from __future__ import annotations

from typing import Any

from django.db import migrations

KIND = "visits.visit"


def add_policy(apps: Any, schema_editor: Any) -> None:
    policy = apps.get_model("core", "DeadlinePolicy")
    if not policy.objects.filter(kind=KIND).exists():
        policy.objects.create(
            kind=KIND,
            name="客户回访",
            warn_before_minutes=3 * 24 * 60,
            escalation=[
                {"after_minutes": 0, "to": "supervisor"},
                {"after_minutes": 24 * 60, "to": "director"},
            ],
        )


def remove_policy(apps: Any, schema_editor: Any) -> None:
    apps.get_model("core", "DeadlinePolicy").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("core", "0002_import_batch")]

    operations = [migrations.RunPython(add_policy, remove_policy)]
