"""Service fees on a client's monthly statement (R-FEE-2).

Three models, from the client's agreement:

- **per head** (按人按月): a fixed fee per insured person per month (50–120 CNY, 003 §4.1);
- **percentage** (按工资总额比例): a rate of the month's total wages of the people served
  (8–10 %, 002 §3). The seed says that fee "包括业务服务费、相关税费以及风险预控金三部份", so it is
  split: taxes are the VAT contained in the fee (6 % on the pre-tax amount, i.e. 6/106 of the
  fee), the risk reserve a configured share of the fee, and the service fee what remains, so
  the three parts always add up to the fee exactly;
- **modular** (按模块计费): the sum of the monthly fees of the modules the client chose.

Amounts are integer fen; every rounding is half-up to the fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import RoundingRule, apply_rounding, from_fen, to_fen

__all__ = ["FeeBreakdown", "FeeModel", "FeeTerms", "service_fee"]

VAT_SHARE = Decimal(6) / Decimal(106)
"""The VAT contained in a tax-inclusive fee at 6 % (现代服务业增值税)."""

DEFAULT_RISK_RESERVE_SHARE = Decimal("0.10")


class FeeModel(StrEnum):
    """Values equal ``clients.Agreement.FeeModel``; do not rename them."""

    PER_HEAD = "per_head"
    PERCENTAGE = "percentage"
    MODULAR = "modular"


@dataclass(frozen=True)
class FeeTerms:
    model: FeeModel
    per_head_fen: int = 0
    rate_percent: Decimal = Decimal(0)
    """Percent of total wages, e.g. ``Decimal("9")`` for 9 %."""
    module_fees_fen: Mapping[str, int] | None = None
    risk_reserve_share: Decimal = DEFAULT_RISK_RESERVE_SHARE


@dataclass(frozen=True)
class FeeBreakdown:
    service_fee_fen: int
    tax_fen: int
    risk_reserve_fen: int

    @property
    def total_fen(self) -> int:
        return self.service_fee_fen + self.tax_fen + self.risk_reserve_fen


def _share(fen: int, share: Decimal) -> int:
    return to_fen(apply_rounding(from_fen(fen) * share, RoundingRule.FEN))


def service_fee(terms: FeeTerms, *, headcount: int, wages_fen: int) -> FeeBreakdown:
    """The month's fee for a client with ``headcount`` people and ``wages_fen`` total wages."""
    if headcount < 0 or wages_fen < 0:
        raise ValueError("人数和工资总额不能为负数")
    if terms.model is FeeModel.PER_HEAD:
        return FeeBreakdown(terms.per_head_fen * headcount, 0, 0)
    if terms.model is FeeModel.MODULAR:
        return FeeBreakdown(sum((terms.module_fees_fen or {}).values()), 0, 0)
    if not Decimal(0) <= terms.rate_percent <= Decimal(100):
        raise ValueError(f"费率应在 0 到 100 之间（百分比），实为 {terms.rate_percent}")
    if not Decimal(0) <= terms.risk_reserve_share < 1:
        raise ValueError(f"风险预控金占比应在 0 到 1 之间，实为 {terms.risk_reserve_share}")
    fee = _share(wages_fen, terms.rate_percent / 100)
    tax = _share(fee, VAT_SHARE)
    reserve = _share(fee, terms.risk_reserve_share)
    return FeeBreakdown(fee - tax - reserve, tax, reserve)
