"""The import batch the scoping sweep points its `batch_id` at: rep A's, for client A."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.generate import employee_rows, write_xlsx


def batch_id(cast: Any) -> str:
    cached = getattr(cast, "_sweep_import_batch_id", None)
    if cached is None:
        from hragency.core.imports import pipeline

        with tempfile.TemporaryDirectory() as tmp:
            path = write_xlsx(Path(tmp) / "sweep.xlsx", employee_rows(3, bad_every=3))
            batch = pipeline.start_import(
                kind="employees",
                actor=cast.rep_a,
                data=path.read_bytes(),
                filename="员工导入.xlsx",
                client_id=cast.client_a.pk,
                run=False,
            )
        pipeline.validate_batch(batch.pk)
        cached = batch.pk
        cast._sweep_import_batch_id = cached
    return str(cached)
