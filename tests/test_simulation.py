"""The season simulation: determinism, shapes, sanity, matched fill rates, inputs and queries."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from supply.data import schema
from supply.engine.db import Viewer, connect
from supply.inventory import sensitivity as sens
from supply.inventory import simulation as sim


@pytest.fixture(scope="module")
def cells() -> pl.DataFrame:
    """Eight schools in two counties, four garments, the sizes each school's pupils wear (seeded)."""
    rnd = random.Random(42)
    rows = []
    for s in range(8):
        first = rnd.randrange(2, 7)
        for garment in schema.GARMENTS:
            for size in schema.SIZES[first : first + 6]:
                rows.append(
                    {
                        "adcode": "330502" if s < 4 else "330503",
                        "school_id": f"S{s:02d}",
                        "garment": garment,
                        "size": size,
                        "qty": rnd.randrange(5, 120),
                    }
                )
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def inputs(cells) -> sim.SimInputs:
    """SimInputs over the tiny cells, valued at 40 CNY a piece."""
    return sim.inputs_from_cells(cells, unit_cost=40.0)


PARAMS = sim.SimParams(scenarios=400, seed=7)


def assert_results_equal(a: sim.SimResult, b: sim.SimResult) -> None:
    """Two results hold identical per-scenario outcomes and buffers."""
    for system in ("baseline", "pooled"):
        for k, v in getattr(a, system).items():
            np.testing.assert_array_equal(v, getattr(b, system)[k], err_msg=f"{system}.{k}")
    assert a.buffer_pieces == b.buffer_pieces


def test_same_seed_same_result(inputs):
    assert_results_equal(sim.simulate(inputs, PARAMS), sim.simulate(inputs, PARAMS))


def test_other_seed_other_result(inputs):
    a = sim.simulate(inputs, PARAMS)
    b = sim.simulate(inputs, replace(PARAMS, seed=8))
    assert not np.array_equal(a.baseline["avg_pieces"], b.baseline["avg_pieces"])


def test_reused_draws_give_the_same_result(inputs):
    d = sim.draw(inputs, PARAMS)
    assert_results_equal(sim.simulate(inputs, PARAMS, d), sim.simulate(inputs, PARAMS))
    # draws for other replacement parameters are not reused by mistake
    other = replace(PARAMS, replacement_rate=0.3)
    assert_results_equal(sim.simulate(inputs, other, d), sim.simulate(inputs, other))


def test_shapes(inputs):
    res = sim.simulate(inputs, PARAMS)
    for system in (res.baseline, res.pooled):
        assert set(sim.OUTCOMES) <= set(system)
        assert all(v.shape == (PARAMS.scenarios,) for v in system.values())
    table = res.table()
    assert table["measure"].to_list() == list(sim.TABLE_MEASURES)
    assert table.null_count().sum_horizontal().item() == 0
    assert res.inputs_summary["cells"] == inputs.n_cells == 8 * 4 * 6


def test_pooled_holds_less_than_baseline(inputs):
    res = sim.simulate(inputs, PARAMS)
    for measure in ("avg_pieces", "end_pieces"):
        r = res.ratio(measure)
        assert 0 < r.mean < 1 and r.ci_high < 1, measure
        assert r.ci_low <= r.mean <= r.ci_high and r.p5 <= r.mean <= r.p95
    assert res.mean("pooled", "avg_cny") == pytest.approx(res.mean("pooled", "avg_pieces") * 40.0)


def test_fill_rates_matched(inputs):
    for params in (PARAMS, replace(PARAMS, schools_pooled=2, correlation=0.8), replace(PARAMS, moq=2000)):
        res = sim.simulate(inputs, params)
        base = res.fill_rate("baseline", "replacement")
        pooled = res.fill_rate("pooled", "replacement")
        assert base == pytest.approx(res.target_fill_rate)
        assert base <= pooled <= base + 0.01
        # the pooled system never runs short on first issue, so its overall fill rate is higher
        assert res.fill_rate("pooled", "all") >= res.fill_rate("baseline", "all")


def test_mass_balance(inputs):
    """Baseline: produced = initial demand met + replacements met + stock left (+ shortages)."""
    res = sim.simulate(inputs, PARAMS)
    b = res.baseline
    initial = inputs.total_pieces
    np.testing.assert_allclose(
        b["produced_pieces"],
        initial - b["short_initial"] + b["filled_replacement"] + b["end_pieces"],
        rtol=1e-6,
    )
    p = res.pooled
    np.testing.assert_allclose(res.buffer_pieces, p["filled_replacement"] + p["end_pieces"], rtol=1e-6)


def test_levers_move_the_baseline_the_right_way(inputs):
    base = sim.simulate(inputs, PARAMS)
    big_moq = sim.simulate(inputs, replace(PARAMS, moq=5000))
    precise = sim.simulate(inputs, replace(PARAMS, forecast_cv=0.0))
    assert big_moq.mean("baseline", "avg_pieces") > base.mean("baseline", "avg_pieces")
    assert precise.mean("baseline", "avg_pieces") < base.mean("baseline", "avg_pieces")
    # pooling fewer schools needs a larger buffer for the same fill rate
    alone = sim.simulate(inputs, replace(PARAMS, schools_pooled=1))
    assert alone.buffer_pieces > base.buffer_pieces


def test_no_uncertainty_means_no_stock_and_no_nan(inputs):
    p = replace(PARAMS, forecast_cv=0.0, replacement_rate=0.0, replacement_cv=0.0, service_level=0.5, moq=0)
    res = sim.simulate(inputs, p)
    assert res.mean("baseline", "avg_pieces") == 0 and res.buffer_pieces == 0
    assert res.ratio() is None  # 0 / 0 is reported as undefined, never NaN
    assert all(np.isfinite(v).all() for v in res.baseline.values())
    assert res.fill_rate("baseline", "replacement") == 1.0


def test_analytic_pooling_agrees_with_simulated_buffer_direction(inputs):
    one = sens.analytic_pooling(inputs, replace(PARAMS, schools_pooled=1))
    assert one.pooled == pytest.approx(one.separate)
    allp = sens.analytic_pooling(inputs, PARAMS)
    assert allp.pooled < allp.separate and allp.reduction == pytest.approx(1 - allp.pooled_over_separate)


def test_sensitivity_frame(inputs):
    ranges = sens.default_ranges(inputs, 50, 2000)
    frame = sens.sensitivity(inputs, replace(PARAMS, scenarios=60), ranges)
    assert set(frame["parameter"]) == set(sens.SENSITIVITY_PARAMS)
    assert frame.select("ratio_low", "ratio_high", "base_ratio").null_count().sum_horizontal().item() == 0
    row = frame.filter(pl.col("parameter") == "schools_pooled").row(0, named=True)
    assert row["ratio_low"] >= row["ratio_high"]  # pooling one school at a time keeps more stock
    assert frame["swing"].to_list() == sorted(frame["swing"].to_list(), reverse=True)


def test_vectorised_at_benchmark_shape():
    """100,000 scenarios x 50 cells run (no timing here: bench/bench_inventory.py times it)."""
    cells = pl.DataFrame(
        {
            "school_id": [f"S{i // 10}" for i in range(50)],
            "garment": "summer_uniform",
            "size": [schema.SIZES[i % 10] for i in range(50)],
            "qty": [30.0 + i for i in range(50)],
        }
    )
    res = sim.simulate(sim.inputs_from_cells(cells), sim.SimParams(scenarios=100_000, seed=1))
    assert res.baseline["avg_pieces"].shape == (100_000,)
    assert res.ratio().ci_high < 1


# -- inputs ------------------------------------------------------------------------------------


def test_inputs_add_up_rows_and_drop_zeros(cells):
    doubled = pl.concat([cells, cells, cells.head(1).with_columns(qty=pl.lit(0, dtype=cells["qty"].dtype))])
    a, b = sim.inputs_from_cells(cells), sim.inputs_from_cells(doubled)
    assert b.total_pieces == 2 * a.total_pieces and b.n_cells == a.n_cells
    # ordered by adcode then school, and by garment within a school
    assert list(a.school_ids) == sorted(a.school_ids)
    assert np.all(np.diff(a.school) >= 0)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pl.DataFrame({"school_id": ["A"], "garment": ["x"], "qty": [1]}), "size"),
        (
            pl.DataFrame({"school_id": ["A", "B"], "garment": "x", "size": "120/60", "qty": [1, None]}),
            "row 2.*qty",
        ),
        (
            pl.DataFrame({"school_id": ["A", None], "garment": "x", "size": "120/60", "qty": [1, 2]}),
            "row 2.*school_id",
        ),
        (
            pl.DataFrame({"school_id": ["A", "B"], "garment": "x", "size": "120/60", "qty": [1, -2]}),
            "row 2.*qty",
        ),
        (
            pl.DataFrame({"school_id": ["A", "B"], "garment": "x", "size": "120/60", "qty": [1.5, 2]}),
            "row 1.*whole",
        ),
    ],
)
def test_bad_cells_name_row_and_column(frame, message):
    with pytest.raises(ValueError, match=message):
        sim.inputs_from_cells(frame)


@pytest.mark.parametrize(
    "field, value",
    [
        ("forecast_cv", -0.1),
        ("correlation", 1.5),
        ("scenarios", 1),
        ("service_level", 1.0),
        ("schools_pooled", -1),
        ("moq", float("nan")),
    ],
)
def test_bad_params_name_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        sim.SimParams(**{field: value})


def test_empty_inputs_are_refused():
    empty = sim.inputs_from_cells(pl.DataFrame({"school_id": ["A"], "garment": "x", "size": "y", "qty": [0]}))
    with pytest.raises(ValueError, match="no demand"):
        sim.simulate(empty, PARAMS)


def test_size_shares_follow_the_height_reference():
    for age in (7, 12, 18):
        shares = sim.size_shares(age)
        assert shares.sum() == pytest.approx(1.0)
        assert shares.argmax() > sim.size_shares(7).argmax() or age == 7
    schools = pl.DataFrame(
        {"school_id": ["P1"], "students": [600], "grade_min": [1], "grade_max": [6], "adcode": ["330502"]}
    )
    est = sim.inputs_from_schools(schools)
    assert est.source == "schools"
    assert est.total_pieces == pytest.approx(600 * sum(sim.PIECES_PER_STUDENT.values()), rel=0.02)


# -- from a snapshot, through the scoped views -----------------------------------------------------


def test_load_inputs_by_role(tiny_snapshot):
    admin_in, admin_prof = sim.load_inputs(connect(tiny_snapshot, Viewer("admin")).run, "zhili")
    demand_total = (
        connect(tiny_snapshot, Viewer("admin")).con.sql("select sum(qty) from demand").fetchall()[0][0]
    )
    assert admin_in.source == "demand" and admin_in.total_pieces == demand_total
    assert admin_prof["unit_cost_source"] == "stock" and admin_prof["moq_median"] > 0
    assoc_in, _ = sim.load_inputs(
        connect(tiny_snapshot, Viewer("association", cluster_id="zhili")).run, "zhili"
    )
    assert assoc_in.total_pieces == admin_in.total_pieces
    planner_in, planner_prof = sim.load_inputs(connect(tiny_snapshot, Viewer("planner")).run, "zhili")
    assert planner_in.source == "schools" and planner_prof["unit_cost_source"] == "price"
    assert planner_in.total_pieces == pytest.approx(admin_in.total_pieces, rel=0.15)
    none_in, none_prof = sim.load_inputs(connect(tiny_snapshot, Viewer("admin")).run, "yiwu")
    assert none_in is None and none_prof["source"] == "none"


def test_measured_stock_query(tiny_snapshot, admin_db):
    admin = admin_db.run("inventory_by_snapshot", cluster_id="zhili")
    total = admin_db.con.sql(
        "select sum(on_hand_pieces) from inventory i join factories f using (factory_id) "
        "where f.cluster_id = 'zhili'"
    ).fetchall()[0][0]
    assert admin["on_hand_pieces"].sum() == total
    assert 0 < admin["uniform_maker_pieces"].sum() <= total
    planner = connect(tiny_snapshot, Viewer("planner")).run("inventory_by_snapshot", cluster_id="zhili")
    assert planner["uniform_maker_pieces"].is_null().all()  # per-factory rows are not visible
    assert planner["on_hand_pieces"].sum() <= total  # suppressed cells are left out


def test_factory_owner_sees_no_class_lists(tiny_snapshot):
    db = connect(tiny_snapshot, Viewer("factory", factory_id="F0000001"))
    assert db.run("inventory_sim_inputs", cluster_id="zhili").is_empty()


def test_command_line_on_user_csv(tmp_path, capsys):
    good = tmp_path / "cells.csv"
    good.write_text("school_id,garment,size,qty\nA,summer_uniform,130/64,120\nB,summer_uniform,130/64,60\n")
    assert sim.main(["--csv", str(good), "--scenarios", "200", "--unit-cost", "45"]) == 0
    assert "pooled / baseline avg_pieces" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("school_id,garment,size,qty\nA,summer_uniform,130/64,-3\n")
    assert sim.main(["--csv", str(bad)]) == 2
    assert "row 1: column 'qty'" in capsys.readouterr().err
