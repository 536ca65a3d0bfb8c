"""Why pooling removes stock: the tornado sensitivity and the pooling formula on the model's inputs.

``sensitivity`` swings one parameter at a time to its low and high value (``default_ranges``)
and reports the pooled / baseline ratio, with common random numbers so that the differences
come from the parameter; ``analytic_pooling`` gives the risk-pooling safety stock of the same
replacement demand with no simulation, as a cross-check.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import polars as pl
from scipy.special import ndtri

from supply.inventory.pooling import PoolingSummary
from supply.inventory.simulation import Draws, SimInputs, SimParams, draw, pool_layout, simulate

SENSITIVITY_PARAMS = ("moq", "forecast_cv", "schools_pooled", "replacement_rate", "correlation")


def default_ranges(inputs: SimInputs, moq_low: float = 50, moq_high: float = 2000) -> dict[str, tuple]:
    """Low and high values each parameter is swung to in the tornado chart."""
    return {
        "moq": (float(moq_low), float(moq_high)),
        "forecast_cv": (0.1, 0.4),
        "schools_pooled": (1, inputs.n_schools),
        "replacement_rate": (0.05, 0.20),
        "correlation": (0.0, 0.8),
    }


def sensitivity(
    inputs: SimInputs, params: SimParams, ranges: dict[str, tuple], measure: str = "avg_pieces"
) -> pl.DataFrame:
    """Pooled / baseline ratio when each parameter alone is set to its low and its high value.

    Every run shares the same random draws where it can (common random numbers), so the
    differences come from the parameter, not from the noise. Returns one row per
    parameter, largest swing first, with the ratio at the current parameters.
    """
    base_draws = draw(inputs, params)
    base = simulate(inputs, params, base_draws).ratio(measure)
    rows = []
    for name in SENSITIVITY_PARAMS:
        if name not in ranges:
            continue
        low, high = ranges[name]
        out = {}
        for tag, value in (("low", low), ("high", high)):
            value = int(value) if name == "schools_pooled" else float(value)
            q = replace(params, **{name: value})
            d = (
                base_draws
                if Draws.key_for(q) == base_draws.key
                else draw(inputs, q, base_draws.forecast_noise)
            )
            res = simulate(inputs, q, d).ratio(measure)
            out[tag] = res.mean if res else None
        rows.append(
            {
                "parameter": name,
                "low_value": float(low),
                "high_value": float(high),
                "ratio_low": out["low"],
                "ratio_high": out["high"],
                "base_ratio": base.mean if base else None,
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "parameter": pl.String,
            "low_value": pl.Float64,
            "high_value": pl.Float64,
            "ratio_low": pl.Float64,
            "ratio_high": pl.Float64,
            "base_ratio": pl.Float64,
        },
    )
    swing = (pl.col("ratio_high") - pl.col("ratio_low")).abs().fill_null(0)
    return frame.with_columns(swing=swing).sort("swing", descending=True)


def analytic_pooling(inputs: SimInputs, params: SimParams) -> PoolingSummary:
    """Safety stock for replacement demand, every school on its own vs the current pools.

    The formula of ``supply.inventory.pooling.pooled_safety_stock`` applied to the model's own
    replacement demand, with no simulation: school i's demand for a garment x size has
    mean l_i = rate x initial pieces, variance l_i + (cv x l_i)^2, and covariance
    l_i * l_j * (exp(rho * s^2) - 1) with another school's (s^2 = log(1 + cv^2)). The
    safety factor is z = Phi^-1(service level). Reductions use the separate total as base.
    """
    p = params
    z = float(ndtri(p.service_level))
    lam = p.replacement_rate * inputs.qty
    rcv2 = p.replacement_cv**2
    cov = math.expm1(p.correlation * math.log1p(rcv2))
    var = lam + rcv2 * lam * lam
    separate = z * float(np.sqrt(var).sum())
    perm, starts = pool_layout(inputs, p.schools_pooled)
    lam_j = np.add.reduceat(lam[perm], starts)
    var_j = np.add.reduceat(var[perm], starts) + cov * (lam_j**2 - np.add.reduceat(lam[perm] ** 2, starts))
    pooled = z * float(np.sqrt(np.maximum(var_j, 0)).sum())
    ratio = pooled / separate if separate > 0 else 1.0
    return PoolingSummary(separate, pooled, ratio, 1.0 - ratio)
