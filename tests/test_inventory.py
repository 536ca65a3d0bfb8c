"""Inventory models against textbook cases, risk-pooling properties, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtri

from supply.inventory import pooling as inv


def poisson_pmf(mean: float, upto: int = 40) -> dict[int, float]:
    """A Poisson pmf truncated far in the tail (mass renormalised)."""
    p = [math.exp(-mean) * mean**k / math.factorial(k) for k in range(upto + 1)]
    total = sum(p)
    return {k: v / total for k, v in enumerate(p)}


def brute_force_best(values, probs, h, p):
    """The cost-minimising stock over the support, by enumeration."""
    costs = [
        sum(pr * (h * max(q - d, 0) + p * max(d - q, 0)) for d, pr in zip(values, probs)) for q in values
    ]
    return min(costs)


# -- textbook newsvendor cases ----------------------------------------------------------------


def test_snyder_shen_example_4_3():
    # Snyder & Shen, Fundamentals of Supply Chain Theory, Example 4.3: h=0.18, p=0.70, N(50, 8^2).
    q, cost = inv.newsvendor_normal(50, 8, 0.18, 0.70)
    assert q == pytest.approx(56.604, abs=5e-4)
    assert cost == pytest.approx(1.9976, abs=1e-4)
    assert inv.newsvendor_normal_cost(50, 8, 0.18, 0.70, q) == pytest.approx(cost, rel=1e-12)


def test_normal_cost_is_smallest_at_the_optimum():
    q, cost = inv.newsvendor_normal(50, 8, 0.18, 0.70)
    grid = np.linspace(20, 90, 1401)
    costs = inv.newsvendor_normal_cost(50, 8, 0.18, 0.70, grid)
    assert costs.min() >= cost - 1e-9
    assert abs(grid[costs.argmin()] - q) <= 0.05


def test_sport_obermeyer_critical_ratio():
    # Sport Obermeyer (HBS case): 24% of wholesale earned on a parka sold, 8% lost on one unsold
    # -> critical ratio 0.75, z = 0.67 in the table (0.6745 exactly).
    assert inv.critical_ratio(8, 24) == pytest.approx(0.75)
    q, _ = inv.newsvendor_normal(0, 1, 8, 24)
    assert q == pytest.approx(0.6745, abs=1e-4)
    assert round(q, 2) == 0.67


def test_standard_normal_loss_table_values():
    # L(0) = phi(0); L(1) = phi(1) - (1 - Phi(1)) = 0.0833; L(2) = 0.0085 (standard tables).
    assert inv.normal_loss(0.0) == pytest.approx(0.398942, abs=1e-6)
    assert inv.normal_loss(1.0) == pytest.approx(0.0833, abs=1e-4)
    assert inv.normal_loss(2.0) == pytest.approx(0.0085, abs=1e-4)


def test_cachon_terwiesch_expected_shortage_normal():
    # Cachon & Terwiesch, Matching Supply with Demand, statistics tutorial: N(1000, 300^2),
    # Q = 1600 -> z = 2, L(2) = 0.0085, expected shortage 300 x 0.0085 = 2.55.
    short = 300 * inv.normal_loss((1600 - 1000) / 300)
    assert short == pytest.approx(2.55, abs=0.01)
    # and the cost function agrees: with h -> tiny, cost / p is the expected shortage
    assert inv.newsvendor_normal_cost(1000, 300, 1e-12, 1.0, 1600) == pytest.approx(short, rel=1e-6)


def test_cachon_terwiesch_poisson_loss_table():
    # Same tutorial, Poisson mean 1.25: F(0)=0.286505, F(1)=0.644636, L(1)=0.53650,
    # L(2)=0.18114, L(3)=0.04961.
    pmf = poisson_pmf(1.25)
    assert pmf[0] == pytest.approx(0.286505, abs=1e-6)
    assert pmf[0] + pmf[1] == pytest.approx(0.644636, abs=1e-6)
    for q, loss in ((1, 0.53650), (2, 0.18114), (3, 0.04961)):
        assert inv.discrete_expected_shortage(pmf, q) == pytest.approx(loss, abs=1e-5)
    # h = p: the median (1) is optimal; cost = (Q - mean + L(Q)) + L(Q)
    q, cost = inv.newsvendor_discrete(pmf, 1, 1)
    assert q == 1
    assert cost == pytest.approx((1 - 1.25 + 0.53650) + 0.53650, abs=1e-4)


def test_freddie_the_newsboy():
    # Hillier & Lieberman: buy 1.50, sell 2.50, refund 0.50 -> underage 1.00, overage 1.00;
    # 15, 16, 17, 18 requests with probabilities .4, .2, .3, .1 -> order 16.
    pmf = {15: 0.4, 16: 0.2, 17: 0.3, 18: 0.1}
    q, cost = inv.newsvendor_discrete(pmf, 1.0, 1.0)
    assert q == 16
    assert cost == pytest.approx(brute_force_best(list(pmf), list(pmf.values()), 1.0, 1.0))


def test_discrete_pmf_worked_example():
    pmf = {10: 0.2, 20: 0.3, 30: 0.3, 40: 0.1, 50: 0.1}
    assert inv.newsvendor_discrete(pmf, 1, 2) == (30.0, 13.0)


def test_discrete_sample_is_its_empirical_distribution():
    sample = [3, 5, 5, 7]
    assert inv.newsvendor_discrete(sample, 1, 1) == inv.newsvendor_discrete({3: 0.25, 5: 0.5, 7: 0.25}, 1, 1)


def test_discrete_on_a_large_normal_sample_approaches_the_normal_answer():
    sample = np.random.default_rng(42).normal(50, 8, 200_000)
    q, cost = inv.newsvendor_discrete(sample, 0.18, 0.70)
    assert q == pytest.approx(56.604, abs=0.15)
    assert cost == pytest.approx(1.9976, abs=0.02)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=30), st.floats(0.01, 10), st.floats(0.01, 10))
def test_discrete_answer_is_the_brute_force_minimum(sample, h, p):
    values, counts = np.unique(sample, return_counts=True)
    q, cost = inv.newsvendor_discrete(sample, h, p)
    assert q in values
    assert cost == pytest.approx(brute_force_best(values, counts / counts.sum(), h, p), rel=1e-9, abs=1e-12)


# -- risk pooling ------------------------------------------------------------------------------


def test_square_root_law():
    z = 1.645
    for n in (1, 2, 4, 9, 100):
        sds = [7.0] * n
        pooled = inv.pooled_safety_stock(sds, 0.0, z)
        assert pooled == pytest.approx(inv.separate_safety_stock(sds, z) / math.sqrt(n), rel=1e-12)


def test_equal_correlation_closed_form():
    # n equal demands with pairwise correlation rho: sigma_pool = sigma sqrt(n (1 + (n-1) rho)).
    n, sigma, rho, z = 10, 5.0, 0.3, 2.0
    expected = z * sigma * math.sqrt(n * (1 + (n - 1) * rho))
    assert inv.pooled_safety_stock([sigma] * n, rho, z) == pytest.approx(expected, rel=1e-12)


def test_perfect_negative_correlation_cancels():
    assert inv.pooled_safety_stock([4, 4], [[1, -1], [-1, 1]], 1.5) == pytest.approx(0.0, abs=1e-9)


def test_summary_reports_both_ratios_labelled():
    s = inv.pooling_summary([10, 10, 10, 10], 0.0, 1.645)
    assert s.pooled_over_separate == pytest.approx(0.5)
    assert s.reduction == pytest.approx(0.5)
    labelled = s.labelled()
    assert labelled["pooled / separate"] == pytest.approx(0.5)
    assert labelled["(separate - pooled) / separate"] == pytest.approx(0.5)
    assert "separate" in inv.__doc__ and "base" in inv.pooled_safety_stock.__doc__


@st.composite
def sds_and_corr(draw):
    """Positive sds and a random valid (PSD) correlation matrix from a random factor matrix."""
    n = draw(st.integers(1, 8))
    sds = draw(st.lists(st.floats(0.01, 1000), min_size=n, max_size=n))
    seed = draw(st.integers(0, 2**32 - 1))
    k = draw(st.integers(1, n + 2))
    x = np.random.default_rng(seed).normal(size=(n, k))
    cov = x @ x.T + 1e-9 * np.eye(n)
    d = np.sqrt(np.diag(cov))
    corr = cov / np.outer(d, d)
    corr = (corr + corr.T) / 2
    np.fill_diagonal(corr, 1.0)
    return sds, corr


@settings(max_examples=300, deadline=None)
@given(sds_and_corr(), st.floats(0, 4))
def test_pooled_never_above_separate(case, z):
    sds, corr = case
    pooled = inv.pooled_safety_stock(sds, corr, z)
    separate = inv.separate_safety_stock(sds, z)
    assert pooled <= separate * (1 + 1e-9) + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.01, 1000), min_size=1, max_size=12), st.floats(0, 4))
def test_pooled_equals_separate_when_all_correlations_are_one(sds, z):
    ones = np.ones((len(sds), len(sds)))
    assert inv.pooled_safety_stock(sds, ones, z) == pytest.approx(inv.separate_safety_stock(sds, z), rel=1e-9)
    assert inv.pooled_safety_stock(sds, 1.0, z) == pytest.approx(inv.separate_safety_stock(sds, z), rel=1e-9)


def test_model_covariance_matches_the_library_formula():
    """sensitivity.analytic_pooling uses the same formula as pooled_safety_stock."""
    import polars as pl

    from supply.inventory import sensitivity
    from supply.inventory import simulation as sim

    cells = pl.DataFrame(
        {"school_id": ["A", "B", "C"], "garment": "summer_uniform", "size": "130/64", "qty": [100, 200, 50]}
    )
    params = sim.SimParams(replacement_rate=0.1, replacement_cv=0.5, correlation=0.3, service_level=0.9)
    got = sensitivity.analytic_pooling(sim.inputs_from_cells(cells), params)
    lam = 0.1 * np.array([100.0, 200.0, 50.0])
    sd = np.sqrt(lam + 0.25 * lam**2)
    corr = np.outer(lam, lam) * math.expm1(0.3 * math.log1p(0.25)) / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    want = inv.pooling_summary(sd, corr, float(ndtri(0.9)))
    assert got.pooled == pytest.approx(want.pooled, rel=1e-12)
    assert got.separate == pytest.approx(want.separate, rel=1e-12)


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: inv.newsvendor_normal(50, 0, 1, 1), "sd"),
        (lambda: inv.newsvendor_normal(50, -3, 1, 1), "sd"),
        (lambda: inv.newsvendor_normal(50, 8, 0, 1), "holding_cost"),
        (lambda: inv.newsvendor_normal(50, 8, 1, 0), "stockout_cost"),
        (lambda: inv.newsvendor_normal(float("nan"), 8, 1, 1), "mean"),
        (lambda: inv.newsvendor_normal_cost(50, 8, 1, 1, float("inf")), "quantity"),
        (lambda: inv.newsvendor_discrete({1: 0.5, 2: 0.4}, 1, 1), "sum to 1"),
        (lambda: inv.newsvendor_discrete([], 1, 1), "empty"),
        (lambda: inv.newsvendor_discrete([1, 2], 0, 1), "holding_cost"),
        (lambda: inv.separate_safety_stock([3, 0, 2], 1.0), "sds[1]"),
        (lambda: inv.pooled_safety_stock([3, -1], 0.0, 1.0), "sds[1]"),
        (lambda: inv.pooled_safety_stock([1, 1], 0.0, -1.0), "z"),
        (
            lambda: inv.pooled_safety_stock([1, 1, 1], [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], 1.0),
            "positive semi-definite",
        ),
        (lambda: inv.pooled_safety_stock([1, 1, 1], -0.9, 1.0), "positive semi-definite"),
        (lambda: inv.pooled_safety_stock([1, 1], [[1, 0.5], [0.2, 1]], 1.0), "symmetric"),
        (lambda: inv.pooled_safety_stock([1, 1], [[2, 0], [0, 2]], 1.0), "diagonal"),
        (lambda: inv.pooled_safety_stock([1, 1], np.eye(3), 1.0), "2 x 2"),
        (lambda: inv.pooled_safety_stock([1, 1], 1.5, 1.0), "corr"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_docstring_examples_run():
    import doctest

    from supply.inventory import simulation

    for module in (inv, simulation):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
