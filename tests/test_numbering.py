from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hragency.core.numbering import next_number


@pytest.mark.django_db
def test_it_formats_numbers_by_prefix_and_day() -> None:
    day = dt.date(2026, 11, 22)
    assert next_number("GD", on=day) == "GD202611220001"
    assert next_number("GD", on=day) == "GD202611220002"
    assert next_number("FP", on=day) == "FP202611220001"
    assert next_number("GD", on=dt.date(2026, 11, 23)) == "GD202611230001"


@pytest.mark.django_db
def test_it_rejects_a_bad_prefix() -> None:
    with pytest.raises(ValueError, match="编号前缀"):
        next_number("gd")


@pytest.mark.django_db(transaction=True)
def test_it_never_hands_out_a_number_twice_under_concurrency() -> None:
    """Eight threads, each with its own database connection, draw 25 numbers each."""
    day = dt.date(2026, 11, 22)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            mine = [next_number("GD", on=day) for _ in range(25)]
            with lock:
                results.extend(mine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(results) == 200
    assert sorted(results) == [f"GD20261122{n:04d}" for n in range(1, 201)]
