"""Reading and writing many rows at once as Polars frames (month close, payroll).

On PostgreSQL both directions go through ``COPY`` (CSV over the wire), which moves a million rows
in seconds; on SQLite they fall back to ``fetchall`` and ``executemany``. Values stay integers
and strings end to end: no float is created on the way.
"""

from __future__ import annotations

import io
import itertools
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import polars as pl
from django.db import connection, connections

__all__ = ["copy_into", "is_postgres", "read_frame", "run_in_lanes"]

T = TypeVar("T")
R = TypeVar("R")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def read_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of ``sql`` as a frame: ``COPY (…) TO STDOUT`` on PostgreSQL."""
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params)  # type: ignore[attr-defined]
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
            for block in copy:
                buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, schema=schema)


def copy_into(table: str, frame: pl.DataFrame) -> None:
    """Insert every row of ``frame`` into ``table`` (columns named as the frame's)."""
    if frame.is_empty():
        return
    columns = ", ".join(frame.columns)
    if is_postgres():
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
                copy.write(buffer.getbuffer())
        return
    placeholders = ", ".join(["%s"] * len(frame.columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(frame.iter_rows())
        )


def run_in_lanes(
    items: Sequence[T],
    work: Callable[[T], R],
    done: Callable[[R], None],
    lanes: int,
) -> None:
    """``work(item)`` for every item, ``lanes`` at a time, each lane a thread with its own
    database connection; ``done`` is called in this thread as each finishes. An error (or an
    exception from ``done``) stops handing out items: chunks already under way still commit,
    then it is raised here."""
    tasks: queue.SimpleQueue[Any] = queue.SimpleQueue()
    results: queue.SimpleQueue[tuple[R | None, BaseException | None]] = queue.SimpleQueue()

    def lane() -> None:
        try:
            while (item := tasks.get()) is not None:
                try:
                    results.put((work(item), None))
                except BaseException as error:  # handed to the calling thread
                    results.put((None, error))
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=lane, name=f"bulk-lane-{i}") for i in range(lanes)]
    for thread in threads:
        thread.start()
    pending = iter(items)
    running = 0
    try:
        for item in itertools.islice(pending, lanes):
            tasks.put(item)
            running += 1
        while running:
            written, error = results.get()
            running -= 1
            if error is not None:
                raise error
            assert written is not None
            done(written)
            item = next(pending, None)
            if item is not None:
                tasks.put(item)
                running += 1
    finally:
        for _ in threads:
            tasks.put(None)
        for thread in threads:
            thread.join()
