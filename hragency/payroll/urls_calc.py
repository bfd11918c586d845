"""Payroll URLs (calc): the 个税计算器 page and the 调基建议 screens; included by
payroll/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from hragency.payroll import views_bases, views_calc

urlpatterns: list[URLPattern] = [
    path("calculator/", views_calc.iit_calculator, name="iit_calculator"),
    path("bases/", views_bases.base_proposals, name="base_proposals"),
    path("bases/proposals.xlsx", views_bases.base_proposals_xlsx, name="base_proposals_xlsx"),
    path("bases/apply/", views_bases.base_proposals_apply, name="base_proposals_apply"),
]
