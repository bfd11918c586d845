"""POST /api/calc/contributions: hand-checked amounts, clamping, and 422s that name what is
missing. Anonymous on purpose: the calculator reads only the public policy library."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from hragency.domain.insurance import Period
from hragency.insurance.policies import policy_for
from tests.si_support import CITY, make_test_city

URL = "/api/calc/contributions"


def post(body):
    response = HttpClient().post(URL, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture
def city(db):
    make_test_city()


def test_it_calculates_every_item_exactly(city):
    status, body = post(
        {
            "city": CITY,
            "period": "2026-11",
            "wage": "12345.67",
            "hf_rate": "0.12",
            "injury_rate": "0.004",
        }
    )
    assert status == 200
    lines = {line["item"]: line for line in body["items"]}
    assert lines["pension"] == {
        "item": "pension",
        "label": "养老保险",
        "base": "12345.67",
        "employer": "1975.31",
        "employee": "987.65",
        "total": "2962.96",
    }
    assert (lines["medical"]["employer"], lines["medical"]["employee"]) == ("1209.88", "249.91")
    assert (lines["unemployment"]["employer"], lines["unemployment"]["employee"]) == (
        "61.73",
        "61.73",
    )
    assert (lines["injury"]["employer"], lines["injury"]["employee"]) == ("49.38", "0.00")
    assert (lines["housing_fund"]["employer"], lines["housing_fund"]["employee"]) == (
        "1481.00",
        "1481.00",
    )
    assert (body["employer_total"], body["employee_total"], body["total"]) == (
        "4777.30",
        "2780.29",
        "7557.59",
    )
    assert (body["si_employer"], body["hf_employer"]) == ("3296.30", "1481.00")
    assert body["unverified_items"] == []


def test_it_clamps_the_base_to_floor_and_ceiling(city):
    _, low = post(
        {
            "city": CITY,
            "period": "2026-11",
            "wage": "3000",
            "hf_rate": "0.05",
            "injury_rate": "0.002",
        }
    )
    lines = {line["item"]: line for line in low["items"]}
    assert lines["pension"]["base"] == "5000.00"
    assert lines["housing_fund"]["base"] == "3000.00"
    _, high = post(
        {
            "city": CITY,
            "period": "2026-11",
            "wage": "88888.88",
            "hf_rate": "0.05",
            "injury_rate": "0.002",
        }
    )
    assert {line["base"] for line in high["items"]} == {"30000.00"}


@pytest.mark.parametrize(
    ("body", "missing", "fragment"),
    [
        ({"city": "拉萨"}, "city", "没有城市「拉萨」"),
        ({"period": "2025-06"}, "period", "最早从 2026-01 起"),
        ({"period": "2026-13"}, "period", "月份无效"),
        ({"hf_rate": None}, "hf_rate", "住房公积金：需要提供缴存比例"),
        ({"injury_rate": None}, "injury_rate", "工伤保险：需要提供费率"),
        ({"hf_rate": "0.15"}, None, "高于本市允许的上限"),
        ({"wage": "100.001"}, None, "最多两位小数"),
    ],
)
def test_it_answers_422_naming_what_is_wrong(city, body, missing, fragment):
    base = {
        "city": CITY,
        "period": "2026-11",
        "wage": "10000",
        "hf_rate": "0.1",
        "injury_rate": "0.004",
    }
    status, answer = post({**base, **body})
    assert status == 422
    assert fragment in answer["detail"]
    assert answer.get("missing") == missing


def test_it_refuses_a_request_without_a_wage(city):
    status, answer = post({"city": CITY, "period": "2026-11"})
    assert status == 422
    assert "wage" in answer["detail"]


SEEDED = ["北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "南京", "合肥", "苏州"]


@pytest.mark.parametrize("name", SEEDED)
def test_it_has_seeded_policies_for_ten_cities(db, name):
    items = {rule.item.value for rule in policy_for(name, Period(2026, 11))}
    assert {"pension", "medical", "unemployment", "injury", "housing_fund"} <= items
    status, body = post(
        {
            "city": name,
            "period": "2026-11",
            "wage": "12345.67",
            "hf_rate": "0.07",
            "injury_rate": "0.004",
        }
    )
    assert status == 200, body
    assert body["total"] != "0.00"
