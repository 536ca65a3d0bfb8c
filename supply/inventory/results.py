"""What one simulation run returns: per-scenario outcomes of both systems and their summaries.

``SimResult`` holds the outcomes (``OUTCOMES``) of the make-to-stock baseline and of pooled
make-to-order, one value per scenario; ``ratio`` and ``interval`` summarise them as a mean
with its 95% confidence interval and the 5-95% range, ``table`` as the measures of
``TABLE_MEASURES``. The simulation itself is ``supply.inventory.simulation.simulate``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from supply.inventory.simulation import SimParams


@dataclass(frozen=True)
class Interval:
    """Mean over scenarios, the 95% confidence interval of that mean, and the 5-95% range."""

    mean: float
    ci_low: float
    ci_high: float
    p5: float
    p95: float


def interval(values: np.ndarray) -> Interval | None:
    """Interval of the finite values (None when there are none)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    m = float(v.mean())
    half = 1.959964 * float(v.std(ddof=1)) / math.sqrt(v.size) if v.size > 1 else 0.0
    p5, p95 = (float(x) for x in np.percentile(v, [5, 95]))
    return Interval(m, m - half, m + half, p5, p95)


# Per-scenario outcomes kept for each system, in pieces.
OUTCOMES = (
    "avg_pieces",
    "end_pieces",
    "short_initial",
    "replacement",
    "filled_replacement",
    "produced_pieces",
)
TABLE_MEASURES = (
    "avg_pieces",
    "end_pieces",
    "avg_cny",
    "end_cny",
    "short_pieces",
    "fill_rate",
    "replacement_fill_rate",
    "produced_pieces",
)


@dataclass(frozen=True)
class SimResult:
    """Per-scenario outcomes of both systems, and how the pooled buffer was sized."""

    params: SimParams
    inputs_summary: dict
    baseline: dict[str, np.ndarray]  # outcome -> one value per scenario
    pooled: dict[str, np.ndarray]
    buffer_pieces: float  # the pooled replacement buffer, all pools together
    buffer_k: float  # its safety factor (standard deviations of pool demand above the mean)
    target_fill_rate: float  # the baseline's replacement fill rate that the buffer matches
    unit_cost: float | None = None

    def ratio(self, measure: str = "avg_pieces") -> Interval | None:
        """pooled / baseline of a stock outcome, per scenario, summarised (None if undefined)."""
        b, p = self.baseline[measure], self.pooled[measure]
        r = np.full(b.shape, np.nan)
        np.divide(p, b, out=r, where=b > 0)
        return interval(r)

    def fill_rate(self, system: str, kind: str = "all") -> float:
        """Pieces delivered from stock / pieces demanded, over all scenarios (1.0 if no demand).

        ``kind`` is ``replacement`` (replacement demand only) or ``all`` (initial + replacement).
        """
        o = self.baseline if system == "baseline" else self.pooled
        repl = float(o["replacement"].sum())
        if kind == "replacement":
            return float(o["filled_replacement"].sum()) / repl if repl > 0 else 1.0
        initial = self.inputs_summary["initial_pieces"] * len(o["replacement"])
        short = float(o["short_initial"].sum()) + repl - float(o["filled_replacement"].sum())
        return 1.0 - short / (initial + repl) if initial + repl > 0 else 1.0

    def mean(self, system: str, measure: str) -> float | None:
        """Mean over scenarios of one measure of TABLE_MEASURES (None for CNY without a unit cost)."""
        o = self.baseline if system == "baseline" else self.pooled
        if measure in ("avg_cny", "end_cny"):
            return None if not self.unit_cost else float(o[measure[:3] + "_pieces"].mean()) * self.unit_cost
        if measure == "short_pieces":
            return float((o["short_initial"] + o["replacement"] - o["filled_replacement"]).mean())
        if measure == "fill_rate":
            return self.fill_rate(system, "all")
        if measure == "replacement_fill_rate":
            return self.fill_rate(system, "replacement")
        return float(o[measure].mean())

    def table(self) -> pl.DataFrame:
        """One row per measure: baseline and pooled means (pieces, CNY, shares)."""
        rows = [
            {"measure": m, "baseline": self.mean("baseline", m), "pooled": self.mean("pooled", m)}
            for m in TABLE_MEASURES
        ]
        return pl.DataFrame(rows, schema={"measure": pl.String, "baseline": pl.Float64, "pooled": pl.Float64})
