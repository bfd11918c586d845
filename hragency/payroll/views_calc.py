"""The 个税计算器 page (``payroll:iit_calculator``): twelve month rows → the monthly withholding
table, and the annual bonus taxed separately or combined. For staff and clients' HR users.

Server-rendered; the buttons post with htmx and get a fragment back (``#months`` filled from
the first month with an income, ``#result`` the withholding table, ``#bonus_result``), and the
same form works without JavaScript (the whole page comes back). The figures are those of the
API (``schemas_calc``), so page and API can never disagree.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from hragency.domain.tax import BONUS_SEPARATE_LAST_YEAR, MONTHS_PER_YEAR
from hragency.payroll.schemas_calc import (
    MONTH_FIELDS,
    CalcError,
    CalcRefused,
    IitResult,
    MonthRow,
    bonus_taxes,
    money,
    withhold,
)

TEMPLATE = "payroll/calc/iit.html"
DEFAULT_ROW = {
    "income": "10000.00",
    "tax_free": "",
    "special": "1500.00",
    "additional": "1000.00",
    "other": "",
}
ACTIONS = ("months", "fill", "bonus")


def _year(raw: str) -> object:
    raw = raw.strip()
    return int(raw) if raw.isdigit() else raw


def _typed(data: QueryDict | None) -> dict[str, Any]:
    """The form's values as typed: defaults on first view, else exactly what was posted (an
    unticked checkbox is absent from a post, hence False)."""
    if data is None:
        return {
            "year": str(timezone.localdate().year),
            "low_income": False,
            "rows": [
                {"month": m, **DEFAULT_ROW, "standard": True} for m in range(1, MONTHS_PER_YEAR + 1)
            ],
            "bonus": "",
            "annual_taxable": "",
            "bonus_use_months": False,
        }
    rows = []
    for m in range(1, MONTHS_PER_YEAR + 1):
        row: dict[str, Any] = {"month": m}
        for key in MONTH_FIELDS:
            row[key] = data.get(f"{key}_{m}", "").strip()
        row["standard"] = bool(data.get(f"standard_{m}"))
        rows.append(row)
    return {
        "year": data.get("year", "").strip(),
        "low_income": bool(data.get("low_income")),
        "rows": rows,
        "bonus": data.get("bonus", "").strip(),
        "annual_taxable": data.get("annual_taxable", "").strip(),
        "bonus_use_months": bool(data.get("bonus_use_months")),
    }


def _fill(typed: dict[str, Any]) -> None:
    """Copy the first month that has an income into every later month."""
    rows = typed["rows"]
    source = next((r for r in rows if r["income"]), None)
    if source is None:
        return
    for row in rows[rows.index(source) + 1 :]:
        for key in (*MONTH_FIELDS, "standard"):
            row[key] = source[key]


def _compute_months(typed: dict[str, Any]) -> IitResult:
    rows = [
        MonthRow(
            month=r["month"],
            income=r["income"],
            tax_free=r["tax_free"],
            special=r["special"],
            additional=r["additional"],
            other=r["other"],
            standard=r["standard"],
        )
        for r in typed["rows"]
        if r["income"]  # a month without income: not employed here that month
    ]
    return withhold(year=_year(typed["year"]), low_income_rule=typed["low_income"], rows=rows)


def _month_rows(typed: dict[str, Any], errors: list[CalcError]) -> list[dict[str, Any]]:
    by_cell = {(e.month, e.key): e.reason for e in errors if e.month}
    return [
        {
            "month": row["month"],
            "standard": row["standard"],
            "cells": [
                {
                    "name": f"{key}_{row['month']}",
                    "label": label,
                    "value": row[key],
                    "error": by_cell.get((row["month"], key), ""),
                }
                for key, label in MONTH_FIELDS.items()
            ],
            "error": by_cell.get((row["month"], "month"), ""),
        }
        for row in typed["rows"]
    ]


_GENERAL_LABELS = {
    "year": "纳税年度",
    "low_income_rule": "6万元减除规则",
    "months": "各月数据",
    "bonus": "全年一次性奖金",
    "annual_taxable": "全年应纳税所得额",
}


def _general(errors: list[CalcError]) -> list[str]:
    return [
        f"{_GENERAL_LABELS.get(e.key or e.field, e.where)}：{e.reason}"
        for e in errors
        if not e.month
    ]


def _months_context(typed: dict[str, Any]) -> dict[str, Any]:
    try:
        result = _compute_months(typed)
    except CalcRefused as exc:
        return {"month_errors": exc.errors, "general_errors": _general(exc.errors)}
    totals = result.totals
    return {
        "result": result,
        "after_tax_fen": totals.income_fen - totals.special_fen - result.withheld_fen,
        "month_errors": [],
        "general_errors": [],
    }


def _bonus_context(typed: dict[str, Any]) -> dict[str, Any]:
    annual: object = typed["annual_taxable"]
    if typed["bonus_use_months"]:
        try:
            months = _compute_months(typed)
        except CalcRefused:
            return {
                "bonus_errors": ["上方各月数据有误，无法取得全年应纳税所得额；请先修正或取消勾选"]
            }
        annual = money(months.raw_taxable_fen)
    try:
        result = bonus_taxes(year=_year(typed["year"]), bonus=typed["bonus"], annual_taxable=annual)
    except CalcRefused as exc:
        return {"bonus_errors": _general(exc.errors)}
    return {"bonus_result": result, "bonus_errors": []}


@login_required
def iit_calculator(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "kind", "") not in ("staff", "client_hr"):
        raise PermissionDenied("无权使用计算器")
    posted = request.method == "POST"
    typed = _typed(request.POST if posted else None)
    action = ""
    if posted:
        action = request.POST.get("action", "months")
        if action not in ACTIONS:
            action = "months"
    context: dict[str, Any] = {
        "typed": typed,
        "month_errors": [],
        "general_errors": [],
        "bonus_errors": [],
        "bonus_last_year": BONUS_SEPARATE_LAST_YEAR,
    }
    if action == "fill":
        _fill(typed)
    elif action == "months":
        context.update(_months_context(typed))
    elif action == "bonus":
        context.update(_bonus_context(typed))
    context["rows"] = _month_rows(typed, context["month_errors"])
    refused = bool(context["month_errors"] or context["bonus_errors"])
    status = 400 if refused else 200
    template = TEMPLATE
    if getattr(request, "htmx", False) and posted:
        # htmx swaps only 2xx answers: the errors are part of the fragment.
        fragment = {"fill": "months", "months": "result", "bonus": "bonus_result"}[action]
        template, status = f"{TEMPLATE}#{fragment}", 200
        if action == "months":
            # The table of inputs shows each refused value beside its cell: swap it too.
            context["oob_months"] = True
    return render(request, template, context, status=status)
