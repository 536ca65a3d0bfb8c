"""Inventory models: the newsvendor and risk pooling (DESIGN.md section 8).

All costs are per unit: ``holding_cost`` (h) is the cost of one unit left over at the
end of the period, ``stockout_cost`` (p) the cost of one unit of demand not met. The
optimal stock meets the *critical ratio* p / (p + h). Bad input (a standard deviation
that is not positive, a correlation matrix that is not positive semi-definite, a cost
that is zero or negative) raises ``ValueError`` naming the parameter.

Risk pooling, and what "% reduction" means here
-----------------------------------------------
``separate_safety_stock`` is the sum of z * sigma_i: every location (school, factory)
holds its own buffer. ``pooled_safety_stock`` is z * sqrt(sum of variances + 2 * sum
of covariances): one buffer for the sum of the demands. A "% reduction" in this
package always uses the **separate** (before pooling) total as its base:
``(separate - pooled) / separate``. ``pooling_summary`` reports it next to the ratio
``pooled / separate``, each under its own label, so the two are never confused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

_SQRT_2PI = math.sqrt(2.0 * math.pi)
PSD_TOLERANCE = 1e-9


class NewsvendorResult(NamedTuple):
    """Optimal order quantity and its expected cost per period."""

    quantity: float
    expected_cost: float


class PoolingSummary(NamedTuple):
    """Separate vs pooled safety stock, with the two ways of comparing them."""

    separate: float
    pooled: float
    pooled_over_separate: float  # pooled / separate
    reduction: float  # (separate - pooled) / separate: base is the separate total

    def labelled(self) -> dict[str, float]:
        """The figures under explicit labels, e.g. for a table or a log line."""
        return {
            "separate safety stock": self.separate,
            "pooled safety stock": self.pooled,
            "pooled / separate": self.pooled_over_separate,
            "(separate - pooled) / separate": self.reduction,
        }


# -- checks --------------------------------------------------------------------------------


def _positive(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def _finite(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def _sds(sds) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(sds, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"sds must be a non-empty list of standard deviations, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr) | (arr <= 0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"sds[{i}] must be a finite standard deviation > 0, got {arr[i]!r}")
    return arr


def _z(z) -> float:
    v = _finite("z", z)
    if v < 0:
        raise ValueError(f"z must be >= 0 (a safety factor), got {z!r}")
    return v


def correlation_matrix(corr, n: int) -> np.ndarray:
    """An n x n correlation matrix from a scalar (equal pairwise correlation) or a matrix.

    Raises ValueError naming ``corr`` when it is not square n x n, not symmetric, has a
    diagonal other than 1, entries outside [-1, 1], or is not positive semi-definite.
    """
    c = np.asarray(corr, dtype=float)
    if c.ndim == 0:
        if not math.isfinite(float(c)) or not -1.0 <= float(c) <= 1.0:
            raise ValueError(f"corr must be a correlation in [-1, 1], got {float(c)!r}")
        c = np.full((n, n), float(c))
        np.fill_diagonal(c, 1.0)
    if c.shape != (n, n):
        raise ValueError(f"corr must be a {n} x {n} matrix (one row per sd), got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("corr has entries that are not finite numbers")
    if not np.allclose(c, c.T, atol=1e-12):
        raise ValueError("corr must be symmetric: corr[i, j] == corr[j, i]")
    if not np.allclose(np.diag(c), 1.0, atol=1e-12):
        raise ValueError("corr must have 1 on its diagonal")
    if np.any(np.abs(c) > 1.0 + 1e-12):
        raise ValueError("corr entries must lie in [-1, 1]")
    low = float(np.linalg.eigvalsh(c).min()) if n > 1 else 1.0
    if low < -PSD_TOLERANCE:
        raise ValueError(
            f"corr is not positive semi-definite (smallest eigenvalue {low:.3g}); "
            "no set of demands can have these correlations"
        )
    return c


# -- newsvendor ----------------------------------------------------------------------------


def critical_ratio(holding_cost: float, stockout_cost: float) -> float:
    """The newsvendor critical ratio p / (p + h); ValueError unless both costs are > 0."""
    h = _positive("holding_cost", holding_cost)
    p = _positive("stockout_cost", stockout_cost)
    return p / (p + h)


def normal_loss(z):
    """Standard normal loss function L(z) = E[(Z - z)+] = phi(z) - z * (1 - Phi(z))."""
    z = np.asarray(z, dtype=float)
    out = np.exp(-0.5 * z * z) / _SQRT_2PI - z * ndtr(-z)
    return float(out) if out.ndim == 0 else out


def newsvendor_normal(mean: float, sd: float, holding_cost: float, stockout_cost: float) -> NewsvendorResult:
    """Optimal order quantity and expected cost for normally distributed demand.

    S* = mean + z * sd with z = Phi^-1(p / (p + h)), and the expected cost
    g(S*) = (h + p) * sd * phi(z) (Snyder & Shen, *Fundamentals of Supply Chain Theory*,
    section 4.3).

    Parameters
    ----------
    mean : float
        Mean demand in the period.
    sd : float
        Standard deviation of demand; must be > 0.
    holding_cost : float
        h, cost per unit left over; must be > 0.
    stockout_cost : float
        p, cost per unit short; must be > 0.

    Returns
    -------
    NewsvendorResult
        ``(quantity, expected_cost)``.

    Examples
    --------
    Snyder & Shen, Example 4.3: h = 0.18, p = 0.70, demand N(50, 8^2).

    >>> q, cost = newsvendor_normal(50, 8, 0.18, 0.70)
    >>> round(q, 3), round(cost, 4)
    (56.604, 1.9976)
    """
    mu = _finite("mean", mean)
    sigma = _positive("sd", sd)
    h = _positive("holding_cost", holding_cost)
    p = _positive("stockout_cost", stockout_cost)
    z = float(ndtri(p / (p + h)))
    cost = (h + p) * sigma * math.exp(-0.5 * z * z) / _SQRT_2PI
    return NewsvendorResult(mu + z * sigma, cost)


def newsvendor_normal_cost(mean: float, sd: float, holding_cost: float, stockout_cost: float, quantity):
    """Expected cost of stocking ``quantity`` when demand is normal.

    g(S) = h * E[(S - D)+] + p * E[(D - S)+] = sd * (h * (z + L(z)) + p * L(z)), with
    z = (S - mean) / sd and L the standard normal loss function.

    Parameters
    ----------
    mean, sd : float
        Demand distribution, N(mean, sd^2); sd > 0.
    holding_cost, stockout_cost : float
        h and p per unit; both > 0.
    quantity : float or array-like
        The stock level(s) S to price.

    Returns
    -------
    float or numpy.ndarray
        Expected cost per period, one per quantity.

    Examples
    --------
    >>> round(newsvendor_normal_cost(50, 8, 0.18, 0.70, 56.604), 4)
    1.9976
    >>> round(newsvendor_normal_cost(50, 8, 0.18, 0.70, 50), 4)  # stocking the mean costs more
    2.8086
    """
    mu = _finite("mean", mean)
    sigma = _positive("sd", sd)
    h = _positive("holding_cost", holding_cost)
    p = _positive("stockout_cost", stockout_cost)
    s = np.asarray(quantity, dtype=float)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"quantity must be finite, got {quantity!r}")
    z = (s - mu) / sigma
    loss = normal_loss(z)
    out = sigma * (h * (z + loss) + p * loss)
    return float(out) if np.ndim(out) == 0 else out


def _discrete_distribution(demand) -> tuple[np.ndarray, np.ndarray]:
    """Sorted support and probabilities from a pmf mapping or a sample."""
    if isinstance(demand, Mapping):
        if not demand:
            raise ValueError("demand pmf is empty")
        values = np.array([float(k) for k in demand.keys()])
        probs = np.array([float(v) for v in demand.values()])
        if not np.all(np.isfinite(values)):
            raise ValueError("demand pmf has demand values that are not finite")
        if np.any(~np.isfinite(probs)) or np.any(probs < 0):
            raise ValueError("demand pmf probabilities must be finite and >= 0")
        if not math.isclose(probs.sum(), 1.0, abs_tol=1e-6):
            raise ValueError(f"demand pmf probabilities must sum to 1, they sum to {probs.sum():.6g}")
    else:
        sample = np.asarray(demand, dtype=float).ravel()
        if sample.size == 0:
            raise ValueError("demand sample is empty")
        if not np.all(np.isfinite(sample)):
            raise ValueError("demand sample has values that are not finite")
        values, counts = np.unique(sample, return_counts=True)
        probs = counts / counts.sum()
    order = np.argsort(values)
    return values[order], probs[order]


def newsvendor_discrete(demand, holding_cost: float, stockout_cost: float) -> NewsvendorResult:
    """Optimal order quantity and expected cost for discrete (empirical) demand.

    S* is the smallest demand value d with F(d) >= p / (p + h), where F is the
    cumulative distribution of the pmf (or of the sample's empirical distribution).

    Parameters
    ----------
    demand : Mapping[float, float] or array-like
        Either a pmf ``{demand value: probability}`` (probabilities sum to 1) or a sample
        of observed demands, each observation with equal weight.
    holding_cost, stockout_cost : float
        h and p per unit; both > 0.

    Returns
    -------
    NewsvendorResult
        ``(quantity, expected_cost)``; the quantity is one of the demand values.

    Examples
    --------
    A distributor: shortage costs 2 a case, a leftover case 1; demand 10, 20, 30, 40, 50
    with probabilities .2, .3, .3, .1, .1. The critical ratio 2/3 is first reached at 30.

    >>> newsvendor_discrete({10: .2, 20: .3, 30: .3, 40: .1, 50: .1}, 1, 2)
    NewsvendorResult(quantity=30.0, expected_cost=13.0)
    >>> newsvendor_discrete([3, 5, 5, 7], 1, 1).quantity  # a sample: the median
    5.0
    """
    h = _positive("holding_cost", holding_cost)
    p = _positive("stockout_cost", stockout_cost)
    values, probs = _discrete_distribution(demand)
    ratio = p / (p + h)
    cdf = np.cumsum(probs)
    idx = int(np.searchsorted(cdf, ratio - 1e-12))
    q = float(values[min(idx, len(values) - 1)])
    cost = float(np.sum(probs * (h * np.maximum(q - values, 0) + p * np.maximum(values - q, 0))))
    return NewsvendorResult(q, cost)


def discrete_expected_shortage(demand, quantity: float) -> float:
    """Expected units short, E[(D - quantity)+], for a pmf mapping or a sample."""
    values, probs = _discrete_distribution(demand)
    return float(np.sum(probs * np.maximum(values - _finite("quantity", quantity), 0)))


# -- risk pooling --------------------------------------------------------------------------


def separate_safety_stock(sds, z: float) -> float:
    """Total safety stock when each location holds its own: sum of z * sigma_i.

    Parameters
    ----------
    sds : array-like
        Standard deviation of demand at each location; each > 0.
    z : float
        Safety factor (e.g. Phi^-1 of the cycle service level); >= 0.

    Returns
    -------
    float
        z * sum(sds).

    Examples
    --------
    >>> separate_safety_stock([10, 10, 10, 10], 1.645)
    65.8
    """
    return float(_z(z) * _sds(sds).sum())


def pooled_safety_stock(sds, corr, z: float) -> float:
    """Safety stock of one pooled buffer: z * sqrt(sum of variances + 2 * sum of covariances).

    A "% reduction" against the separate total uses the separate total as its base,
    (separate - pooled) / separate; see ``pooling_summary``.

    Parameters
    ----------
    sds : array-like
        Standard deviation of demand at each location; each > 0.
    corr : float or array-like
        Correlation between the locations' demands: one number for every pair, or an
        n x n matrix that is symmetric, has ones on the diagonal and is positive
        semi-definite.
    z : float
        Safety factor; >= 0.

    Returns
    -------
    float
        z * sqrt(sds @ corr @ sds).

    Examples
    --------
    Four independent locations with equal sigma need half the stock once pooled
    (the square-root law, 1 / sqrt(4)):

    >>> pooled_safety_stock([10, 10, 10, 10], 0.0, 1.645)
    32.9
    >>> round(pooled_safety_stock([10, 10, 10, 10], 1.0, 1.645), 6)  # perfectly correlated: no gain
    65.8
    """
    s = _sds(sds)
    zz = _z(z)
    c = correlation_matrix(corr, s.size)
    var = float(s @ c @ s)
    return zz * math.sqrt(max(var, 0.0))


def pooling_summary(sds, corr, z: float) -> PoolingSummary:
    """Separate and pooled safety stock, pooled / separate, and the reduction on the separate base.

    Parameters
    ----------
    sds, corr, z
        As for ``pooled_safety_stock``.

    Returns
    -------
    PoolingSummary
        ``separate``, ``pooled``, ``pooled_over_separate`` = pooled / separate and
        ``reduction`` = (separate - pooled) / separate. With z = 0 both stocks are 0 and
        the ratio is reported as 1 (no reduction) rather than 0/0.

    Examples
    --------
    >>> s = pooling_summary([10, 10, 10, 10], 0.0, 1.645)
    >>> round(s.pooled_over_separate, 3), round(s.reduction, 3)
    (0.5, 0.5)
    """
    sep = separate_safety_stock(sds, z)
    pooled = pooled_safety_stock(sds, corr, z)
    ratio = pooled / sep if sep > 0 else 1.0
    return PoolingSummary(sep, pooled, ratio, 1.0 - ratio)
