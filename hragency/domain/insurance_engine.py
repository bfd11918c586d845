"""Vectorised social-insurance and housing-fund contributions for a whole month close (R-SI-1).

The month close computes up to a million people at once. Doing that with ``Decimal`` one person
at a time (``insurance.contributions``) is far too slow, so this engine works on polars columns.
It must nevertheless give **exactly** the same fen as the reference for every person; a property
test in ``tests/domain/test_insurance_engine.py`` compares the two on random policies and people.

Why integers are exact
----------------------
Everything is an ``Int64``; no float is ever created.

* Amounts are integer fen. The base is ``clamp(wage, floor, ceiling)``: integer fen.
* Rates are integer parts per million (``RATE_SCALE``). The reference only accepts rates with at
  most six decimal places (``rate_to_ppm``), so ``rate = ppm / 1_000_000`` exactly.
* The reference computes ``base_fen / 100 × rate`` yuan and rounds it with ``apply_rounding``.
  In units of 10⁻⁸ yuan (10⁻⁶ fen) that product is the integer ``p = base_fen × ppm``: nothing is
  lost. Rounding ``p`` to a step of ``s`` such units with the reference's mode is integer floor
  division (``p ≥ 0`` because the base and the rate are):

  ==========  ===================================  ==================================
  rule        reference (``decimal``)              here (``p = base_fen × ppm``)
  ==========  ===================================  ==================================
  fen         quantize 0.01, ROUND_HALF_UP         ``(p + 500_000) // 10⁶``
  jiao        quantize 0.1, ROUND_HALF_UP          ``(p + 5_000_000) // 10⁷ × 10``
  yuan        quantize 1, ROUND_HALF_UP            ``(p + 50_000_000) // 10⁸ × 100``
  yuan_up     quantize 1, ROUND_UP                 ``(p + 99_999_999) // 10⁸ × 100``
  fen_down    quantize 0.01, ROUND_DOWN            ``p // 10⁶``
  ==========  ===================================  ==================================

  For ``p ≥ 0``, "half up" (away from zero) is ``floor(x + ½)``, "up" is ``ceil(x)`` and "down"
  is ``floor(x)``, which is what the formulas compute.
* Nothing overflows: the rules are checked so that a base is at most ``MAX_BASE_FEN`` (10¹² fen)
  and a rate at most 10⁶ ppm, so ``p + 10⁸ < 2⁶³``. (The reference's ``Decimal`` product has at
  most 20 significant digits then, well inside the default 28-digit context, so it is exact too.)

How the columns are computed
----------------------------
The rules frame is tiny (policy keys × items). Each policy key gets an index; for every item the
rule's columns are laid out densely by that index (null where the policy lacks the item) and
gathered onto the people by their index — a join without hashing a million rows seven times,
and without a seven-fold long frame or a pivot: the result is built in the wide form directly,
one item at a time, so at most one item's rule columns exist beside the people at once.

Rate checks follow ``insurance.resolve_rates`` exactly and give the same Chinese messages. A
person with any error is left out of ``amounts`` and listed in ``problems`` with the message the
reference would raise first (the negative-wage check, then the items in ``ITEMS`` order). Message
strings are built only for the people with a problem, never for everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from .insurance import ITEMS, RATE_SCALE, Item, ItemRule, PolicyError, rate_to_ppm
from .money import RoundingRule

__all__ = [
    "MAX_BASE_FEN",
    "MAX_FIXED_FEN",
    "PEOPLE_SCHEMA",
    "RULE_SCHEMA",
    "EngineResult",
    "compute_contributions",
    "ppm_to_rate",
    "rules_frame",
]

MAX_BASE_FEN = 10**12
"""Largest contribution-base ceiling the engine accepts (100 亿元), so that ``base × ppm`` fits."""

MAX_FIXED_FEN = 10**12
"""Largest fixed amount per item and side the engine accepts."""

RULE_SCHEMA = pl.Schema(
    {
        "policy": pl.String,
        "item": pl.String,
        "floor_fen": pl.Int64,
        "ceiling_fen": pl.Int64,
        "er_ppm": pl.Int64,
        "ee_ppm": pl.Int64,
        "er_fixed_fen": pl.Int64,
        "ee_fixed_fen": pl.Int64,
        "rounding": pl.String,
        "min_ppm": pl.Int64,
        "max_ppm": pl.Int64,
    }
)
"""One row per (policy key, item). ``er_ppm``/``ee_ppm`` null = set per client."""

PEOPLE_SCHEMA = pl.Schema(
    {
        "row_id": pl.Int64,
        "policy": pl.String,
        "wage_fen": pl.Int64,
        "hf_wage_fen": pl.Int64,
        "injury_ppm": pl.Int64,
        "hf_ppm": pl.Int64,
        "si": pl.Boolean,
        "hf": pl.Boolean,
    }
)
"""One row per person. ``hf_wage_fen`` null = use ``wage_fen``; the ppm columns null = not given."""

_NULLABLE_RULE_COLUMNS = frozenset({"er_ppm", "ee_ppm", "min_ppm", "max_ppm"})
_NULLABLE_PEOPLE_COLUMNS = frozenset({"hf_wage_fen", "injury_ppm", "hf_ppm"})

# RoundingRule → (added before dividing, divisor, multiplier back to fen), see the docstring.
_ROUNDING: dict[RoundingRule, tuple[int, int, int]] = {
    RoundingRule.FEN: (500_000, 1_000_000, 1),
    RoundingRule.JIAO: (5_000_000, 10_000_000, 10),
    RoundingRule.YUAN: (50_000_000, 100_000_000, 100),
    RoundingRule.YUAN_UP: (99_999_999, 100_000_000, 100),
    RoundingRule.FEN_DOWN: (0, 1_000_000, 1),
}

_AMOUNT_SUFFIXES = ("base", "er", "ee")


@dataclass(frozen=True)
class EngineResult:
    """``amounts``: one row per person without problems, in input order: ``row_id``, then for
    every item in ``ITEMS`` order ``{item}_base``, ``{item}_er``, ``{item}_ee`` (null when the
    policy has no such item or the person is not insured for it), then ``er_total`` and
    ``ee_total``. ``problems``: ``row_id`` and the Chinese ``message``, in input order."""

    amounts: pl.DataFrame
    problems: pl.DataFrame


def ppm_to_rate(ppm: int) -> Decimal:
    """The exact rate of ``ppm`` parts per million, written without trailing zeros.

    ``ppm_to_rate(160_000) == Decimal("0.16")``; ``str`` of the result is how the engine prints
    a rate in a message (e.g. "0.004", "0", "1.2", "-0.000005").
    """
    if isinstance(ppm, bool) or not isinstance(ppm, int):
        raise TypeError(f"ppm 必须是整数，实为 {type(ppm).__name__}")
    whole, frac = divmod(abs(ppm), RATE_SCALE)
    fraction = f"{frac:06d}".rstrip("0")
    return Decimal(f"{'-' if ppm < 0 else ''}{whole}{'.' + fraction if fraction else ''}")


def rules_frame(policies: Mapping[str, Iterable[ItemRule]]) -> pl.DataFrame:
    """The rules frame (``RULE_SCHEMA``) for policies keyed e.g. "北京|2026-11".

    Rows come in key order, then ``ITEMS`` order. A key with no rules gives no rows (its people
    become problems). An item twice under one key is refused rather than silently taking one.
    """
    columns: dict[str, list[object]] = {name: [] for name in RULE_SCHEMA}

    def ppm(rate: Decimal | None) -> int | None:
        return None if rate is None else rate_to_ppm(rate)

    for key, item_rules in policies.items():
        by_item: dict[Item, ItemRule] = {}
        for rule in item_rules:
            if rule.item in by_item:
                raise PolicyError(f"社保政策「{key}」中{rule.item.label}重复")
            by_item[rule.item] = rule
        for item in ITEMS:
            found = by_item.get(item)
            if found is None:
                continue
            columns["policy"].append(key)
            columns["item"].append(item.value)
            columns["floor_fen"].append(found.base_floor_fen)
            columns["ceiling_fen"].append(found.base_ceiling_fen)
            columns["er_ppm"].append(ppm(found.employer_rate))
            columns["ee_ppm"].append(ppm(found.employee_rate))
            columns["er_fixed_fen"].append(found.employer_fixed_fen)
            columns["ee_fixed_fen"].append(found.employee_fixed_fen)
            columns["rounding"].append(RoundingRule(found.rounding).value)
            columns["min_ppm"].append(ppm(found.rate_min))
            columns["max_ppm"].append(ppm(found.rate_max))
    frame = pl.DataFrame(columns, schema=RULE_SCHEMA)
    return _checked_rules(frame)


# --- input checks -------------------------------------------------------------------------------


def _conformed(frame: pl.DataFrame, schema: pl.Schema, nullable: frozenset[str]) -> pl.DataFrame:
    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise ValueError(f"缺少列：{', '.join(missing)}")
    # A strict cast still truncates a float (100.5 → 100): amount, rate and id columns must
    # already be integers (or all null), as in ``iit_engine``.
    wrong = [
        f"{name} 应为整数，实为 {frame.schema[name]}"
        for name, dtype in schema.items()
        if dtype == pl.Int64
        and not (frame.schema[name].is_integer() or frame.schema[name] == pl.Null)
    ]
    if wrong:
        raise ValueError(f"列类型不符：{'；'.join(wrong)}")
    try:
        conformed = frame.select(
            pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items()
        )
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"列类型不符：{error}") from None
    nulls = conformed.null_count().row(0, named=True)
    with_nulls = [name for name in schema if name not in nullable and nulls[name]]
    if with_nulls:
        raise ValueError(f"以下列不能为空：{', '.join(with_nulls)}")
    return conformed


def _checked_rules(rules: pl.DataFrame) -> pl.DataFrame:
    """The rules frame in ``RULE_SCHEMA``; a rule no ``ItemRule`` would allow is refused."""
    rules = _conformed(rules, RULE_SCHEMA, _NULLABLE_RULE_COLUMNS)
    if rules.select(pl.struct("policy", "item").is_duplicated().any()).item():
        raise PolicyError("规则表中同一社保政策的同一项目出现多次")
    items = {item.value: item for item in ITEMS}
    roundings = {rule.value for rule in RoundingRule}
    # The rules frame is small (policy keys × items): checking it row by row costs nothing.
    for row in rules.iter_rows(named=True):
        item = items.get(row["item"])
        if item is None:
            raise PolicyError(f"社保政策「{row['policy']}」：未知项目「{row['item']}」")
        where = f"社保政策「{row['policy']}」{item.label}"
        if row["rounding"] not in roundings:
            raise PolicyError(f"{where}：未知舍入规则「{row['rounding']}」")
        if not 0 <= row["floor_fen"] <= row["ceiling_fen"] <= MAX_BASE_FEN:
            raise PolicyError(
                f"{where}：缴费基数下限、上限应满足 0 ≤ 下限 ≤ 上限 ≤ {MAX_BASE_FEN} 分"
            )
        for name in ("er_fixed_fen", "ee_fixed_fen"):
            if not 0 <= row[name] <= MAX_FIXED_FEN:
                raise PolicyError(f"{where}：固定金额应在 0 到 {MAX_FIXED_FEN} 分之间")
        for name in ("er_ppm", "ee_ppm", "min_ppm", "max_ppm"):
            if row[name] is not None and not 0 <= row[name] <= RATE_SCALE:
                raise PolicyError(f"{where}：费率应在 0 到 {RATE_SCALE} ppm 之间")
        low, high = row["min_ppm"], row["max_ppm"]
        if low is not None and high is not None and low > high:
            raise PolicyError(f"{where}：费率下限不能高于上限")
    return rules


def _checked_people(people: pl.DataFrame) -> pl.DataFrame:
    people = _conformed(people, PEOPLE_SCHEMA, _NULLABLE_PEOPLE_COLUMNS)
    if people.select(pl.col("row_id").is_duplicated().any()).item():
        raise ValueError("row_id 不能重复")
    return people


# --- per-item expressions -----------------------------------------------------------------------

_RULE_FIELDS = (
    "floor_fen",
    "ceiling_fen",
    "er_ppm",
    "ee_ppm",
    "er_fixed_fen",
    "ee_fixed_fen",
    "min_ppm",
    "max_ppm",
    "round_add",
    "round_div",
    "round_mul",
)


def _dense_rules(rules: pl.DataFrame, keys: pl.Series) -> dict[Item, pl.DataFrame]:
    """Per item, the rule fields with one row per policy key in ``keys`` order (null = no rule)."""
    old = [rule.value for rule in _ROUNDING]
    key_frame = pl.DataFrame({"policy": keys})
    rounding = rules.with_columns(
        pl.col("rounding")
        .replace_strict(old, [_ROUNDING[rule][i] for rule in _ROUNDING], return_dtype=pl.Int64)
        .alias(name)
        for i, name in enumerate(("round_add", "round_div", "round_mul"))
    )
    return {
        item: key_frame.join(
            rounding.filter(pl.col("item") == item.value),
            on="policy",
            how="left",
            maintain_order="left",
        ).select(_RULE_FIELDS)
        for item in ITEMS
    }


def _rule(field: str) -> pl.Expr:
    return pl.col(f"_rule_{field}")


def _gathered(dense: pl.DataFrame) -> list[pl.Expr]:
    """The item's rule fields as temporary columns ``_rule_*``, gathered by the policy index."""
    return [
        pl.lit(dense.get_column(field)).gather(pl.col("_pidx")).alias(f"_rule_{field}")
        for field in _RULE_FIELDS
    ]


def _rate_text(ppm: pl.Expr) -> pl.Expr:
    """``str(ppm_to_rate(ppm))`` as an expression (Int128 so that any Int64 has an ``abs``)."""
    wide = ppm.cast(pl.Int128)
    magnitude = wide.abs()
    whole = (magnitude // RATE_SCALE).cast(pl.String)
    fraction = (magnitude % RATE_SCALE).cast(pl.String).str.zfill(6).str.strip_chars_end("0")
    return pl.concat_str(
        pl.when(wide < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        whole,
        pl.when(fraction == "").then(pl.lit("")).otherwise(pl.lit(".") + fraction),
    )


def _rate_is_bad(rate: pl.Expr) -> pl.Expr:
    """What ``insurance._checked_client_rate`` refuses: missing, outside 0..1, outside min..max."""
    return (
        rate.is_null()
        | (rate < 0)
        | (rate > RATE_SCALE)
        | (rate < _rule("min_ppm")).fill_null(False)
        | (rate > _rule("max_ppm")).fill_null(False)
    ).fill_null(False)


def _rate_message(label: str, what: str, rate: pl.Expr) -> pl.Expr:
    """The message of ``insurance._checked_client_rate`` (null when the rate is fine)."""
    text = _rate_text(rate)
    return (
        pl.when(rate.is_null())
        .then(pl.lit(f"{label}：需要提供{what}"))
        .when((rate < 0) | (rate > RATE_SCALE))
        .then(
            pl.concat_str(pl.lit(f"{label}{what}应在 0 到 1 之间（如 0.16 表示 16%），实为 "), text)
        )
        .when(rate < _rule("min_ppm"))
        .then(
            pl.concat_str(
                pl.lit(f"{label}{what} "),
                text,
                pl.lit(" 低于本市允许的下限 "),
                _rate_text(_rule("min_ppm")),
            )
        )
        .when(rate > _rule("max_ppm"))
        .then(
            pl.concat_str(
                pl.lit(f"{label}{what} "),
                text,
                pl.lit(" 高于本市允许的上限 "),
                _rate_text(_rule("max_ppm")),
            )
        )
    )


@dataclass(frozen=True)
class _ItemExprs:
    """One item's expressions over a frame holding the person and the gathered ``_rule_*``."""

    active: pl.Expr  # the policy has the item and the person is insured for it
    error: pl.Expr  # active and the rates cannot be resolved (never null)
    employer_ppm: pl.Expr
    employee_ppm: pl.Expr
    message: Callable[[], pl.Expr]  # the reference's message where ``error``; built lazily


def _item_exprs(item: Item) -> _ItemExprs:
    """``insurance.resolve_rates`` for one item, as expressions."""
    insured = pl.col("hf") if item is Item.HOUSING_FUND else pl.col("si")
    active = _rule("floor_fen").is_not_null() & insured
    employer, employee = _rule("er_ppm"), _rule("ee_ppm")
    label = item.label
    if item is Item.INJURY:
        given = pl.coalesce(pl.col("injury_ppm"), employer)
        return _ItemExprs(
            active=active,
            error=active & _rate_is_bad(given),
            employer_ppm=given,
            employee_ppm=pl.coalesce(employee, pl.lit(0, dtype=pl.Int64)),
            message=lambda: pl.when(active).then(_rate_message(label, "费率", given)),
        )
    if item is Item.HOUSING_FUND:
        chosen = pl.col("hf_ppm")
        per_client = employer.is_null() | employee.is_null()
        return _ItemExprs(
            active=active,
            error=active & per_client & _rate_is_bad(chosen),
            employer_ppm=pl.coalesce(employer, chosen),
            employee_ppm=pl.coalesce(employee, chosen),
            message=lambda: pl.when(active & per_client).then(
                _rate_message(label, "缴存比例", chosen)
            ),
        )
    unset = employer.is_null() | employee.is_null()
    return _ItemExprs(
        active=active,
        error=active & unset,
        employer_ppm=employer,
        employee_ppm=employee,
        message=lambda: pl.when(active & unset).then(pl.lit(f"{label}：政策未设置费率")),
    )


def _amount_exprs(item: Item, exprs: _ItemExprs) -> list[pl.Expr]:
    """``{item}_base``, ``{item}_er``, ``{item}_ee``: null unless active and without error."""
    ok = exprs.active & ~exprs.error
    wage = (
        pl.coalesce(pl.col("hf_wage_fen"), pl.col("wage_fen"))
        if item is Item.HOUSING_FUND
        else pl.col("wage_fen")
    )
    floor, ceiling = _rule("floor_fen"), _rule("ceiling_fen")
    base = pl.when(wage < floor).then(floor).when(wage > ceiling).then(ceiling).otherwise(wage)

    def part(ppm: pl.Expr, fixed: pl.Expr) -> pl.Expr:
        # ``ppm`` is nulled where not ok so that a refused rate is never multiplied.
        product = base * pl.when(ok).then(ppm)
        return (product + _rule("round_add")) // _rule("round_div") * _rule("round_mul") + fixed

    return [
        pl.when(ok).then(base).alias(f"{item.value}_base"),
        part(exprs.employer_ppm, _rule("er_fixed_fen")).alias(f"{item.value}_er"),
        part(exprs.employee_ppm, _rule("ee_fixed_fen")).alias(f"{item.value}_ee"),
    ]


# --- the engine ---------------------------------------------------------------------------------


def compute_contributions(people: pl.DataFrame, rules: pl.DataFrame) -> EngineResult:
    """Every person's contributions, exactly as ``insurance.contributions`` would compute them.

    For each person the reference call is ``contributions(rules of person.policy, wage_fen,
    injury_rate=…, hf_rate=…, hf_wage_fen=…, items=<SI items if si> + <HOUSING_FUND if hf>)``
    with the ppm rates as exact ``Decimal``s. A person whose reference call raises
    ``PolicyError`` is in ``problems`` with the same message; so is a person whose policy key has
    no rules at all. Malformed frames (missing columns, wrong types, nulls where not allowed,
    duplicate ``row_id``) raise ``ValueError``; a rule no ``ItemRule`` would allow raises
    ``PolicyError``.
    """
    rules = _checked_rules(rules)
    people = _checked_people(people)
    keys = rules.get_column("policy").unique(maintain_order=True)
    dense = _dense_rules(rules, keys)

    work = people.with_columns(
        pl.col("policy")
        .replace_strict(keys, list(range(keys.len())), default=None, return_dtype=pl.UInt32)
        .alias("_pidx")
    ).with_columns(((pl.col("wage_fen") < 0) | pl.col("_pidx").is_null()).alias("_bad"))

    amount_columns: list[str] = []
    for item in ITEMS:
        exprs = _item_exprs(item)
        temporary = [f"_rule_{field}" for field in _RULE_FIELDS]
        work = (
            work.with_columns(_gathered(dense[item]))
            .with_columns(*_amount_exprs(item, exprs), (pl.col("_bad") | exprs.error).alias("_bad"))
            .drop(temporary)
        )
        amount_columns += [f"{item.value}_{suffix}" for suffix in _AMOUNT_SUFFIXES]

    amounts = work.filter(~pl.col("_bad")).select(
        "row_id",
        *amount_columns,
        pl.sum_horizontal(f"{item.value}_er" for item in ITEMS).alias("er_total"),
        pl.sum_horizontal(f"{item.value}_ee" for item in ITEMS).alias("ee_total"),
    )
    return EngineResult(amounts=amounts, problems=_problems(work.filter(pl.col("_bad")), dense))


def _problems(bad: pl.DataFrame, dense: dict[Item, pl.DataFrame]) -> pl.DataFrame:
    """``row_id`` and the first message the reference would raise, for the people with errors."""
    bad = bad.select(*PEOPLE_SCHEMA, "_pidx").with_columns(
        pl.when(pl.col("wage_fen") < 0)
        .then(pl.lit("申报工资不能为负数"))
        .when(pl.col("_pidx").is_null())
        .then(pl.concat_str(pl.lit("「"), pl.col("policy"), pl.lit("」无社保政策")))
        .alias("message")
    )
    for item in ITEMS:
        bad = (
            bad.with_columns(_gathered(dense[item]))
            .with_columns(pl.coalesce("message", _item_exprs(item).message()).alias("message"))
            .drop(f"_rule_{field}" for field in _RULE_FIELDS)
        )
    return bad.select("row_id", pl.col("message").cast(pl.String))
