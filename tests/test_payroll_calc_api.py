"""POST /api/calc/iit and /api/calc/bonus-tax: the State Taxation Administration's published
examples, the bonus thresholds, exact amounts (no float), and 422s that name month and field.
Anonymous on purpose: the calculators read no client data."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from tests.test_browser import TIMEOUT_MS, browser, live_cast, login  # noqa: F401

IIT = "/api/calc/iit"
BONUS = "/api/calc/bonus-tax"

pytestmark = pytest.mark.django_db


def post(url, body):
    response = HttpClient().post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def months(count, start=1, **figures):
    return [{"month": m, **figures} for m in range(start, start + count)]


def test_it_withholds_the_sta_example_of_10000_a_month():
    # 国家税务总局公告2018年第61号解读 例1: 10,000 − 5,000 − 1,500 − 1,000 = 2,500 a month.
    # Jan 2,500 × 3% = 75; Feb 5,000 × 3% − 75 = 75; Mar 7,500 × 3% − 150 = 75.
    status, body = post(
        IIT,
        {
            "year": 2026,
            "months": months(3, income="10000.00", special="1500.00", additional="1000.00"),
        },
    )
    assert status == 200, body
    assert [m["tax"] for m in body["months"]] == ["75.00", "75.00", "75.00"]
    assert [m["rate_pct"] for m in body["months"]] == [3, 3, 3]
    assert body["totals"] == {
        "income": "30000.00",
        "tax_free": "0.00",
        "standard_deduction": "15000.00",
        "special": "4500.00",
        "additional": "3000.00",
        "other": "0.00",
        "taxable": "7500.00",
        "tax": "225.00",
        "withheld": "225.00",
    }
    feb = body["months"][1]
    assert feb["cumulative"]["taxable"] == "5000.00"
    assert feb["quick_deduction"] == "0.00"
    assert feb["standard_deduction"] is True


def test_it_withholds_the_sta_example_of_30000_a_month():
    # 例2: 30,000 − 5,000 − 4,500 − 2,000 = 18,500 a month. Jan 555; Feb 37,000 × 10% − 2,520
    # = 1,180 → 625; Mar 55,500 × 10% − 2,520 = 3,030 → 1,850.
    status, body = post(
        IIT,
        {
            "year": 2026,
            "months": months(3, income="30000.00", special="4500.00", additional="2000.00"),
        },
    )
    assert status == 200, body
    assert [m["tax"] for m in body["months"]] == ["555.00", "625.00", "1850.00"]
    assert [(m["rate_pct"], m["quick_deduction"]) for m in body["months"]] == [
        (3, "0.00"),
        (10, "2520.00"),
        (10, "2520.00"),
    ]
    assert [m["cumulative"]["tax"] for m in body["months"]] == ["555.00", "1180.00", "3030.00"]


def test_it_applies_the_60000_rule_and_mid_year_months():
    # 10,000 a month, own SI/HF 2,000, 6万元规则: nothing until August (80,000 − 60,000 − 16,000
    # = 4,000 × 3% = 120), then 240 a month: 1,080 in the year.
    wage = {"income": "10000", "special": "2000"}
    status, body = post(IIT, {"year": 2026, "low_income_rule": True, "months": months(12, **wage)})
    assert status == 200, body
    assert [m["tax"] for m in body["months"]] == ["0.00"] * 7 + ["120.00"] + ["240.00"] * 4
    assert body["totals"]["standard_deduction"] == "60000.00"
    assert body["totals"]["withheld"] == "1080.00"
    # Hired in April at 20,000 with 2,000 SI/HF: 390, 390, 600 (the deduction counts from April).
    status, body = post(
        IIT, {"year": 2026, "months": months(3, start=4, income="20000", special="2000")}
    )
    assert [(m["month"], m["tax"]) for m in body["months"]] == [
        (4, "390.00"),
        (5, "390.00"),
        (6, "600.00"),
    ]


def test_it_reads_json_numbers_exactly_and_refuses_what_a_float_cannot_hold():
    # Integers and short floats are exact: 10,000.5 is 10,000.50.
    status, body = post(
        IIT, {"year": 2026, "months": [{"month": 1, "income": 10000.5, "special": 1500}]}
    )
    assert status == 200, body
    assert body["months"][0]["income"] == "10000.50"
    # 10,000.50 − 5,000 − 1,500 = 3,500.50 × 3% = 105.015 → 105.02 (half up).
    assert body["months"][0]["tax"] == "105.02"
    status, body = post(IIT, {"year": 2026, "months": [{"month": 1, "income": 10000.555}]})
    assert status == 422
    assert body["detail"].startswith("第1个月「income」：金额最多两位小数")
    status, body = post(
        IIT, {"year": 2026, "months": [{"month": 1, "income": 1234567890123.45678}]}
    )
    assert status == 422
    assert "请以字符串传入" in body["detail"]
    status, body = post(IIT, {"year": 2026, "months": [{"month": 1, "income": True}]})
    assert status == 422
    assert body["detail"].startswith("第1个月「income」：应为金额")


def test_it_names_the_month_and_field_of_each_refused_value():
    status, body = post(
        IIT,
        {
            "year": 2026,
            "months": [
                {"month": 1, "income": "10000"},
                {"month": 2, "income": "10000", "special": "-1"},
                {"month": 3, "income": "1.234"},
                {"month": 4},
            ],
        },
    )
    assert status == 422
    assert body["detail"] == (
        "第2个月「special」：不能为负数；"
        "第3个月「income」：金额最多两位小数（精确到分）：「1.234」；"
        "第4个月「income」：必填"
    )
    assert [e["field"] for e in body["errors"]] == [
        "months[1].special",
        "months[2].income",
        "months[3].income",
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"year": 2026, "months": []}, "「months」：至少填写一个月"),
        (
            {"year": 2026, "months": months(13, income="1")},
            "「months」：最多 12 个月，实为 13 个月",
        ),
        (
            {"year": 2026, "months": [{"month": 3, "income": "1"}, {"month": 3, "income": "1"}]},
            "第2项「month」：月份须从小到大且不重复（上一项为 3 月，本项为 3 月）",
        ),
        (
            {"year": 2026, "months": [{"month": 5, "income": "1"}, {"month": 2, "income": "1"}]},
            "第2项「month」：月份须从小到大且不重复（上一项为 5 月，本项为 2 月）",
        ),
        (
            {"year": 2026, "months": [{"month": 13, "income": "1"}]},
            "第1项「month」：月份应为 1 到 12",
        ),
        ({"year": 2018, "months": [{"month": 1, "income": "1"}]}, "「year」：累计预扣法自2019年"),
        (
            {"year": 2019, "low_income_rule": True, "months": [{"month": 1, "income": "1"}]},
            "「low_income_rule」：6万元减除费用规则自2020年起适用",
        ),
    ],
)
def test_it_refuses_bad_months_and_years(body, detail):
    status, answer = post(IIT, body)
    assert status == 422, answer
    assert answer["detail"].startswith(detail)


def test_it_refuses_a_malformed_request_in_chinese():
    status, body = post(IIT, {"months": [{"income": "1"}]})
    assert status == 422
    assert "「payload.year」必填" in body["detail"]
    assert "「payload.months.0.month」必填" in body["detail"]


def test_it_taxes_the_annual_bonus_on_its_own():
    # 36,000 ÷ 12 = 3,000 → 3 %: 1,080. 36,000.01 ÷ 12 > 3,000 → 10 % − 210: 3,390.00.
    status, body = post(BONUS, {"bonus": "36000.00", "year": 2026})
    assert status == 200, body
    assert body["separate"] == {
        "rate_pct": 3,
        "quick_deduction": "0.00",
        "tax": "1080.00",
        "after_tax": "34920.00",
    }
    assert body["combined"] is None and body["better"] is None and body["saving"] is None
    status, body = post(BONUS, {"bonus": "36001", "year": 2026})
    # 36,001 × 10% − 210 = 3,390.10.
    assert body["separate"]["tax"] == "3390.10"
    assert body["separate"]["rate_pct"] == 10
    assert body["separate"]["quick_deduction"] == "210.00"


def test_it_compares_separate_and_combined_bonus_tax():
    # Other taxable income 80,000 (10 %): combined adds 116,000 × 10% − 2,520 = 9,080 minus
    # 80,000 × 10% − 2,520 = 5,480 → 3,600; separate 1,080 is lower by 2,520.
    status, body = post(BONUS, {"bonus": "36000", "year": 2027, "annual_taxable": "80000.00"})
    assert status == 200, body
    assert body["combined"] == {
        "annual_taxable": "80000.00",
        "tax": "3600.00",
        "after_tax": "32400.00",
    }
    assert (body["better"], body["saving"]) == ("separate", "2520.00")
    # Deductions not used up (−36,000): combined, the bonus only fills them, no tax at all.
    status, body = post(BONUS, {"bonus": "36000", "year": 2026, "annual_taxable": "-36000"})
    assert body["combined"]["tax"] == "0.00"
    assert (body["better"], body["saving"]) == ("combined", "1080.00")


@pytest.mark.parametrize(
    ("payload", "field", "detail"),
    [
        ({"bonus": "36000", "year": 2028}, "year", "「year」：2028年不适用全年一次性奖金单独计税"),
        ({"bonus": "0", "year": 2026}, "bonus", "「bonus」：应大于 0"),
        ({"bonus": "-1", "year": 2026}, "bonus", "「bonus」：不能为负数"),
        ({"year": 2026}, "bonus", "「bonus」：必填"),
        ({"bonus": "abc", "year": 2026}, "bonus", "「bonus」：金额格式不正确"),
        (
            {"bonus": "1", "year": 2026, "annual_taxable": "1.001"},
            "annual_taxable",
            "「annual_taxable」：金额最多两位小数",
        ),
    ],
)
def test_it_refuses_bad_bonus_input(payload, field, detail):
    status, body = post(BONUS, payload)
    assert status == 422, body
    assert body["detail"].startswith(detail)
    assert [e["field"] for e in body["errors"]] == [field]


def test_it_explains_that_separate_taxation_ends_in_2027():
    status, body = post(BONUS, {"bonus": "36000", "year": 2028})
    assert status == 422
    assert "执行至2027年12月31日" in body["detail"]
    assert "请并入当年综合所得计税" in body["detail"]


# ---- the 个税计算器 page -----------------------------------------------------------------------

PAGE = "/payroll/calculator/"


def _form(rows, **extra):
    """Form data: ``rows`` maps month → (income, special, additional); others blank."""
    data = {"year": "2026", **extra}
    for month, (income, special, additional) in rows.items():
        data.update(
            {
                f"income_{month}": income,
                f"special_{month}": special,
                f"additional_{month}": additional,
                f"standard_{month}": "1",
            }
        )
    return data


def test_it_shows_the_calculator_with_sensible_defaults(cast, as_user):
    for user in (cast.rep_a, cast.hr_a):
        response = as_user(user).get(PAGE)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count('name="income_') == 12
        assert 'name="income_12" value="10000.00"' in body
        assert 'name="standard_7" value="1" checked' in body
        assert 'data-testid="iit-table"' not in body  # nothing computed until asked
    assert as_user(cast.employee_a).get(PAGE).status_code == 403
    anonymous = as_user(None).get(PAGE)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_it_computes_the_monthly_withholding_table(cast, as_user):
    # The STA example: 75.00 in each of January–March; months without income are left out.
    data = _form({m: ("10000.00", "1500.00", "1000.00") for m in (1, 2, 3)}, action="months")
    response = as_user(cast.hr_a).post(PAGE, data)
    assert response.status_code == 200
    body = response.content.decode()
    for month in (1, 2, 3):
        assert f'data-testid="tax-month-{month}">¥75.00<' in body
    assert 'data-testid="tax-month-4"' not in body
    assert 'data-testid="iit-withheld">¥225.00<' in body
    # After tax: 30,000 − 4,500 − 225 = 25,275.
    assert 'data-testid="iit-after-tax">¥25,275.00<' in body


def test_it_answers_htmx_with_fragments(cast, as_user):
    http = as_user(cast.rep_a)
    data = _form({m: ("30000", "4500", "2000") for m in (1, 2, 3)}, action="months")
    response = http.post(PAGE, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="iit-result"' in body
    assert [
        f'data-testid="tax-month-{m}">¥{t}<' in body
        for m, t in ((1, "555.00"), (2, "625.00"), (3, "1,850.00"))
    ] == [True] * 3
    # A refused cell: the fragment carries the months table out of band, the cell marked.
    bad = _form({1: ("10000", "1500", "0"), 2: ("1.234", "0", "0")}, action="months")
    response = http.post(PAGE, bad, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in body
    assert 'data-testid="error-income_2">金额最多两位小数（精确到分）：「1.234」<' in body
    # Without htmx the same mistake is a 400 with the whole page.
    assert http.post(PAGE, bad).status_code == 400


def test_it_fills_all_months_from_the_first_month_with_income(cast, as_user):
    data = _form({3: ("20000", "2000", "1500")}, action="fill")
    response = as_user(cast.rep_a).post(PAGE, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="iit-months"' in body and "<html" not in body
    assert 'name="income_1" value=""' in body
    for month in range(3, 13):
        assert f'name="income_{month}" value="20000"' in body
        assert f'name="additional_{month}" value="1500"' in body


def test_it_taxes_the_bonus_separately_or_combined(cast, as_user):
    http = as_user(cast.hr_a)
    response = http.post(PAGE, {"year": "2026", "bonus": "36000", "action": "bonus"})
    body = response.content.decode()
    assert 'data-testid="bonus-separate">¥1,080.00<' in body
    assert 'data-testid="bonus-combined"' not in body
    # The year's taxable income from the month rows: 12 × (10,000 − 5,000 − 1,500 − 1,000)
    # = 30,000 → combined 66,000 × 10% − 2,520 = 4,080 − 900 = 3,180; separate is lower.
    rows = {m: ("10000", "1500", "1000") for m in range(1, 13)}
    data = _form(rows, bonus="36000", bonus_use_months="1", action="bonus")
    body = http.post(PAGE, data, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="bonus-combined">¥3,180.00<' in body
    assert "单独计税税额较低，可少缴 ¥2,100.00" in body
    refused = http.post(PAGE, {"year": "2028", "bonus": "36000", "action": "bonus"})
    assert refused.status_code == 400
    assert "执行至2027年12月31日" in refused.content.decode()


def test_it_survives_an_empty_post(cast, as_user):
    response = as_user(cast.rep_a).post(PAGE, "{}", content_type="application/json")
    assert response.status_code == 400
    assert "至少填写一个月" in response.content.decode()


@pytest.mark.browser
def test_it_fills_computes_and_compares_in_a_real_browser(
    browser,  # noqa: F811
    live_server,
    live_cast,  # noqa: F811
):
    """htmx in Chromium: fill from month 1, compute (fragment swapped in), a refused cell marked
    beside it, and the bonus comparison."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = live_server.url
    login(page, base, live_cast.hr_a)
    page.goto(f"{base}{PAGE}")
    page.get_by_label("1月本期收入", exact=True).fill("30000")
    page.get_by_label("1月专项扣除（个人社保公积金）", exact=True).fill("4500")
    page.get_by_label("1月专项附加扣除", exact=True).fill("2000")
    page.get_by_test_id("iit-fill").click()
    page.wait_for_function(
        "document.querySelector('[name=income_12]').value === '30000'", timeout=TIMEOUT_MS
    )
    page.get_by_test_id("iit-calc").click()
    page.get_by_test_id("tax-month-3").wait_for()
    assert page.get_by_test_id("tax-month-2").inner_text() == "¥625.00"
    assert page.get_by_test_id("tax-month-3").inner_text() == "¥1,850.00"
    # 12 × 18,500 = 222,000 × 20% − 16,920 = 27,480 in the year.
    assert page.get_by_test_id("iit-withheld").inner_text() == "¥27,480.00"
    page.get_by_label("5月本期收入", exact=True).fill("30000.001")
    page.get_by_test_id("iit-calc").click()
    page.get_by_test_id("error-income_5").wait_for()
    assert "最多两位小数" in page.get_by_test_id("error-income_5").inner_text()
    page.get_by_label("5月本期收入", exact=True).fill("30000")
    page.get_by_label("奖金金额（元）").fill("36000")
    page.get_by_label("按上方各月数据计算全年应纳税所得额").check()
    page.get_by_test_id("bonus-calc").click()
    page.get_by_test_id("bonus-combined").wait_for()
    assert page.get_by_test_id("bonus-separate").inner_text() == "¥1,080.00"
    # Combined: 258,000 × 20% − 16,920 = 34,680 − 27,480 = 7,200; separate saves 6,120.
    assert page.get_by_test_id("bonus-combined").inner_text() == "¥7,200.00"
    assert "可少缴 ¥6,120.00" in page.get_by_test_id("bonus-better").inner_text()
    context.close()
