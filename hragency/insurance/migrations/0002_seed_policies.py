"""Seed the policy library from data/policies.csv (10 cities; sources in the file).

Only missing (city, item, month) rows are added, so re-running never overwrites an
administrator's edits. Later seed updates are loaded with ``hragency load-policies``.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from hragency.insurance.policies import load_policies, read_seed_file

    load_policies(read_seed_file(), model=apps.get_model("insurance", "PolicyRule"))


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
