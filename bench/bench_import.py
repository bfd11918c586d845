"""Benchmark of the import pipeline: 100,000 employee rows into one client.

Sets up a fresh SQLite database in a temporary directory (or uses DATABASE_URL when it is
set: a PostgreSQL database that this script may migrate and fill), generates a realistic
.xlsx, and times read+validate and commit through the same functions the task queue runs.
Then the same for a file with 1 % bad rows (validation plus error-report generation).
Exits non-zero when a target is missed.

    python bench/bench_import.py [rows]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
VALIDATE_TARGET_S = 15.0
COMMIT_TARGET_S = 60.0


def setup(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hragency.settings")
    os.environ["HRAGENCY_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["HUEY_IMMEDIATE"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hragency-bench-") as name:
        tmp = Path(name)
        setup(tmp)
        from django.db import connection

        from bench.generate import employee_rows, write_xlsx
        from hragency.accounts.models import User
        from hragency.clients.models import Client
        from hragency.core.imports import pipeline
        from hragency.employees.models import InsuredPerson

        db = connection.vendor
        suffix = f"{time.time_ns()}"
        actor = User.objects.create_superuser(f"bench{suffix}", password="x" * 16)
        client = Client.objects.create(
            number=f"B{suffix[-12:]}", name="基准测试客户", status="active"
        )

        started = time.perf_counter()
        good = write_xlsx(tmp / "good.xlsx", employee_rows(ROWS))
        bad = write_xlsx(tmp / "bad.xlsx", employee_rows(ROWS, bad_every=100, seed=7))
        print(
            f"generated 2 × {ROWS:,} rows in {time.perf_counter() - started:.1f} s "
            f"({good.stat().st_size / 1e6:.1f} MB each)"
        )

        def start(path: Path):  # type: ignore[no-untyped-def]
            return pipeline.start_import(
                kind="employees",
                actor=actor,
                data=path.read_bytes(),
                filename=path.name,
                client_id=client.pk,
                run=False,
            )

        batch = start(good)
        t0 = time.perf_counter()
        batch = pipeline.validate_batch(batch.pk)
        validate_s = time.perf_counter() - t0
        assert batch.status == batch.Status.VALID, (batch.status, batch.message, batch.errors[:3])
        pipeline.request_commit(batch=batch, actor=actor, run=False)
        t0 = time.perf_counter()
        batch = pipeline.commit_batch(batch.pk)
        commit_s = time.perf_counter() - t0
        assert batch.status == batch.Status.COMMITTED, (batch.status, batch.message)
        stored = InsuredPerson.objects.filter(client=client).count()
        assert stored == ROWS, stored

        batch = start(bad)
        t0 = time.perf_counter()
        batch = pipeline.validate_batch(batch.pk)
        bad_s = time.perf_counter() - t0
        assert batch.status == batch.Status.INVALID
        report_kb = batch.report.size / 1024

        print(f"database: {db}; rows: {ROWS:,}; warnings in good file: {batch.warning_count:,}")
        print(
            f"read+validate: {validate_s:6.1f} s  {ROWS / validate_s:9,.0f} rows/s  "
            f"(target ≤ {VALIDATE_TARGET_S:.0f} s)"
        )
        print(
            f"commit:        {commit_s:6.1f} s  {ROWS / commit_s:9,.0f} rows/s  "
            f"(target ≤ {COMMIT_TARGET_S:.0f} s)"
        )
        print(
            f"1% bad rows:   {bad_s:6.1f} s  validate + error report of "
            f"{batch.error_count:,} errors ({report_kb:.0f} KB)"
        )
        print(f"peak memory:   {peak_mb():6.0f} MB")
        missed = []
        scale = ROWS / 100_000
        if validate_s > VALIDATE_TARGET_S * max(scale, 0.01):
            missed.append("validate")
        if commit_s > COMMIT_TARGET_S * max(scale, 0.01):
            missed.append("commit")
        if missed:
            print(f"MISSED: {', '.join(missed)}")
            return 1
        print("OK: targets met")
        return 0


if __name__ == "__main__":
    sys.exit(main())
