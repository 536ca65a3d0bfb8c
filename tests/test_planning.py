"""Pooled planning: hand-solved instances (optimal finds the optimum, greedy does not), every
constraint checked on the output, MOQ, deadlines, infeasible demand, time limit, determinism,
size split, what-if, CLI and both pages in both languages."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supply.engine.db import Viewer, connect
from supply.planning import model as planning_model
from supply.planning import plan as planning
from supply.planning import whatif as planning_whatif
from tests.test_app_smoke import assert_no_exception, open_app

MON = dt.date(2026, 7, 6)  # a Monday: week 0 of the hand-made instances
LON, LAT = 120.1, 30.9


def make_inputs(
    groups: list[dict],
    factories: list[dict],
    weeks: int = 1,
    free: dict | None = None,
    prices: dict | None = None,
    **params,
) -> planning.PlanInputs:
    """A tiny instance. groups: school_id, garment, demand, deadline (+lon/lat); factories:
    factory_id, weekly (free pieces per week), moq, lead; free: {(factory, week): pieces}
    overrides; prices: {(factory, garment): CNY}. Every place is at (LON, LAT) unless given."""
    g = pl.DataFrame(
        [
            {
                "school_id": x["school_id"],
                "school_name": x["school_id"],
                "adcode": "330502",
                "lon": x.get("lon", LON),
                "lat": x.get("lat", LAT),
                "garment": x["garment"],
                "deadline": x["deadline"],
                "demand": x["demand"],
            }
            for x in groups
        ]
    )
    # sizes: two sizes per group, split 60/40
    sizes = pl.DataFrame(
        [
            {
                "school_id": x["school_id"],
                "garment": x["garment"],
                "deadline": x["deadline"],
                "size": s,
                "qty": q,
            }
            for x in groups
            for s, q in (("130/64", x["demand"] * 6 // 10), ("140/68", x["demand"] - x["demand"] * 6 // 10))
        ]
    )
    f = pl.DataFrame(
        [
            {
                "factory_id": x["factory_id"],
                "name": x["factory_id"],
                "adcode": "330502",
                "lon": x.get("lon", LON),
                "lat": x.get("lat", LAT),
                "moq_pieces": x.get("moq", 1),
                "bulk_lead_days": x.get("lead", 0),
                "pooled_planning": True,
                "association_member": True,
            }
            for x in factories
        ]
    )
    cap_rows = []
    for x in factories:
        for w in range(weeks):
            pieces = (free or {}).get((x["factory_id"], w), x["weekly"])
            cap_rows.append(
                {
                    "factory_id": x["factory_id"],
                    "week_start": MON + dt.timedelta(weeks=w),
                    "capacity_pieces": pieces + 10,
                    "booked_pieces": 10,
                }
            )
    cap = pl.DataFrame(cap_rows)
    pr = pl.DataFrame(
        [
            {"factory_id": k[0], "garment": k[1], "unit_price": float(v), "price_source": "test"}
            for k, v in (prices or {}).items()
        ],
        schema={
            "factory_id": pl.String,
            "garment": pl.String,
            "unit_price": pl.Float64,
            "price_source": pl.String,
        },
    )
    defaults = {"transport_cny_per_piece_km": 0.0, "time_limit_s": 30.0}
    return planning.inputs_from_frames(
        g, sizes, f, cap, pr, MON, planning.PlanParams(**{**defaults, **params})
    )


def assert_plan_ok(plan: planning.Plan, inputs: planning.PlanInputs) -> None:
    """The plan meets capacity, deadlines, MOQ and sizes (domain assert helper)."""
    problems = planning.check_plan(plan, inputs)
    assert problems == [], problems


@pytest.fixture()
def swap_instance():
    """Greedy gives the early school the cheap factory; the optimum swaps them (10,500 vs 14,000 CNY)."""
    d = MON + dt.timedelta(days=20)
    return make_inputs(
        [
            {"school_id": "A", "garment": "summer_uniform", "demand": 100, "deadline": d},
            {
                "school_id": "B",
                "garment": "winter_uniform",
                "demand": 100,
                "deadline": d + dt.timedelta(days=5),
            },
        ],
        [{"factory_id": "F1", "weekly": 100}, {"factory_id": "F2", "weekly": 100}],
        prices={
            ("F1", "summer_uniform"): 50,
            ("F1", "winter_uniform"): 50,
            ("F2", "summer_uniform"): 55,
            ("F2", "winter_uniform"): 90,
        },
    )


def test_optimal_finds_the_hand_optimum_and_greedy_does_not(swap_instance):
    opt = planning.solve(swap_instance, "optimal")
    greedy = planning.solve(swap_instance, "greedy")
    assert opt.total_cost == pytest.approx(10_500)
    assert opt.proven_optimal and opt.unmet_pieces == 0
    assert greedy.total_cost == pytest.approx(14_000)
    assert dict(opt.lines.select("school_id", "factory_id").iter_rows()) == {"A": "F2", "B": "F1"}
    for plan in (opt, greedy):
        assert_plan_ok(plan, swap_instance)


def test_moq_is_met_by_moving_pieces_between_factories():
    # 150 pieces; F1 (50 CNY, MOQ 50, cap 100), F2 (60 CNY, MOQ 60, cap 100). The LP puts
    # 100 + 50; 50 < MOQ 60, so the optimum is 90 at F1 + 60 at F2 = 8,100 CNY.
    inp = make_inputs(
        [
            {
                "school_id": "A",
                "garment": "summer_uniform",
                "demand": 150,
                "deadline": MON + dt.timedelta(days=20),
            }
        ],
        [{"factory_id": "F1", "weekly": 100, "moq": 50}, {"factory_id": "F2", "weekly": 100, "moq": 60}],
        prices={("F1", "summer_uniform"): 50, ("F2", "summer_uniform"): 60},
    )
    plan = planning.solve(inp, "optimal")
    assert plan.total_cost == pytest.approx(8_100) and plan.proven_optimal
    assert dict(plan.lines.select("factory_id", "pieces").iter_rows()) == {"F1": 90, "F2": 60}
    assert plan.stats["lp_moq_violations"] == 1
    assert_plan_ok(plan, inp)
    greedy = planning.solve(inp, "greedy")  # greedy fills F1 with 100 and cannot place 50 < MOQ 60
    assert greedy.unmet_pieces == 50 and greedy.total_cost > plan.total_cost
    assert_plan_ok(greedy, inp)
    # with F1's MOQ at 100, 90 + 60 is not allowed: the best is 100 at F1 and 50 unmet
    strict = make_inputs(
        [
            {
                "school_id": "A",
                "garment": "summer_uniform",
                "demand": 150,
                "deadline": MON + dt.timedelta(days=20),
            }
        ],
        [{"factory_id": "F1", "weekly": 100, "moq": 100}, {"factory_id": "F2", "weekly": 100, "moq": 60}],
        prices={("F1", "summer_uniform"): 50, ("F2", "summer_uniform"): 60},
    )
    plan = planning.solve(strict, "optimal")
    assert plan.total_cost == pytest.approx(5_000 + 50 * planning.UNMET_PENALTY_CNY) and plan.proven_optimal


def test_deadline_and_lead_time_decide_which_weeks_count():
    # F1 (lead 10 days) may use week 1 (start day 7, + 7 + 10 = day 24 = the deadline) but
    # not week 2 (day 14 + 17 = day 31): 2 weeks x 100 pieces of 300, so 100 are short.
    deadline = MON + dt.timedelta(days=24)
    inp = make_inputs(
        [{"school_id": "A", "garment": "summer_uniform", "demand": 300, "deadline": deadline}],
        [{"factory_id": "F1", "weekly": 100, "lead": 10}],
        weeks=4,
        prices={("F1", "summer_uniform"): 50},
    )
    plan = planning.solve(inp, "optimal")
    assert plan.schedule["week_start"].max() == MON + dt.timedelta(weeks=1)
    assert plan.unmet_pieces == 100 and plan.schedule["pieces"].sum() == 200
    assert (plan.schedule["delivery_date"] <= deadline).all()
    why = planning.explain_unmet(plan, inp)
    assert why.row(0, named=True)["reason"] == "capacity"
    assert why.row(0, named=True)["shortfall_pieces"] == 100
    assert_plan_ok(plan, inp)


def test_infeasible_demand_is_unmet_and_explained_not_a_crash():
    inp = make_inputs(
        [
            {
                "school_id": "A",
                "garment": "summer_uniform",
                "demand": 80,
                "deadline": MON + dt.timedelta(days=3),
            },  # before any week can finish
            {
                "school_id": "B",
                "garment": "summer_uniform",
                "demand": 40,
                "deadline": MON + dt.timedelta(days=30),
            },
        ],  # below the only MOQ
        [{"factory_id": "F1", "weekly": 1000, "moq": 50}],
        weeks=4,
    )
    for method in ("optimal", "greedy"):
        plan = planning.solve(inp, method)
        assert plan.unmet_pieces == 120 and plan.schedule.height == 0
        assert_plan_ok(plan, inp)
        reasons = dict(planning.explain_unmet(plan, inp).select("school_id", "reason").iter_rows())
        assert reasons == {"A": "deadline", "B": "moq"}


def test_every_constraint_holds_on_a_random_instance_and_optimal_beats_greedy():
    rng = np.random.default_rng(7)
    groups = [
        {
            "school_id": f"S{i:02d}",
            "garment": ["summer_uniform", "winter_uniform"][i % 2],
            "demand": int(rng.integers(40, 400)),
            "deadline": MON + dt.timedelta(days=int(rng.integers(12, 40))),
            "lon": LON + rng.uniform(-0.3, 0.3),
            "lat": LAT + rng.uniform(-0.3, 0.3),
        }
        for i in range(30)
    ]
    factories = [
        {
            "factory_id": f"F{j}",
            "weekly": int(rng.integers(100, 600)),
            "moq": int(rng.choice([1, 50, 100, 200])),
            "lead": int(rng.integers(0, 10)),
            "lon": LON + rng.uniform(-0.3, 0.3),
            "lat": LAT + rng.uniform(-0.3, 0.3),
        }
        for j in range(8)
    ]
    prices = {
        (f["factory_id"], g): float(rng.uniform(50, 90))
        for f in factories
        for g in ("summer_uniform", "winter_uniform")
    }
    inp = make_inputs(groups, factories, weeks=6, prices=prices, transport_cny_per_piece_km=0.02)
    opt, greedy = planning.solve(inp, "optimal"), planning.solve(inp, "greedy")
    assert_plan_ok(opt, inp)
    assert_plan_ok(greedy, inp)
    assert opt.total_cost <= greedy.total_cost + 1e-6
    assert opt.lower_bound is not None and opt.lower_bound <= opt.total_cost + 1e-6
    # the cost is what the README says: pieces x (price + transport x km) + penalty x unmet
    by_hand = float((opt.lines["pieces"] * (opt.lines["unit_price"] + 0.02 * opt.lines["distance_km"])).sum())
    assert opt.total_cost == pytest.approx(by_hand + opt.stats["penalty_cny_per_piece"] * opt.unmet_pieces)


def test_the_same_input_gives_the_same_plan(swap_instance):
    a, b = planning.solve(swap_instance, "optimal"), planning.solve(swap_instance, "optimal")
    assert a.work_orders.equals(b.work_orders) and a.total_cost == b.total_cost


def test_a_time_limit_returns_the_best_plan_marked_not_proven():
    rng = np.random.default_rng(3)
    groups = [
        {
            "school_id": f"S{i:03d}",
            "garment": "summer_uniform",
            "demand": int(rng.integers(50, 500)),
            "deadline": MON + dt.timedelta(days=40),
        }
        for i in range(60)
    ]
    factories = [{"factory_id": f"F{j}", "weekly": 800, "moq": 100} for j in range(6)]
    inp = make_inputs(
        groups, factories, weeks=4, prices={(f"F{j}", "summer_uniform"): 50 + j for j in range(6)}
    )
    plan = planning.solve(inp, "optimal", time_limit=1e-9)
    greedy = planning.solve(inp, "greedy")
    assert not plan.proven_optimal and plan.status == "time_limit"
    assert plan.total_cost <= greedy.total_cost + 1e-6
    assert_plan_ok(plan, inp)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=6), st.lists(st.integers(1, 5), min_size=1, max_size=4)
)
def test_size_split_is_exact_by_line_and_by_size(sizes, cuts):
    total = sum(sizes)
    # cut the total into lines (the last line takes the rest)
    qty, left = [], total
    for c in cuts:
        q = min(left, c * max(1, total // 7))
        qty.append(q)
        left -= q
    qty.append(left)
    out = planning_model.split_sizes(np.zeros(len(qty), dtype=np.int64), np.array(qty), np.array([sizes]))
    assert (out >= 0).all()
    assert out.sum(axis=1).tolist() == qty
    assert out.sum(axis=0).tolist() == sizes


def test_check_plan_catches_broken_plans(swap_instance):
    plan = planning.solve(swap_instance, "optimal")
    over = plan.schedule.with_columns(pieces=pl.col("pieces") * 2)
    broken = planning.Plan(**{**plan.__dict__, "schedule": over})
    assert any(p.startswith("capacity") for p in planning.check_plan(broken, swap_instance))
    late = plan.schedule.with_columns(week_start=pl.col("week_start") + dt.timedelta(weeks=5))
    broken = planning.Plan(**{**plan.__dict__, "schedule": late})
    assert any(p.startswith("deadline") for p in planning.check_plan(broken, swap_instance))
    tight = planning.with_params(swap_instance)
    tight.factories = tight.factories.with_columns(moq_pieces=pl.lit(500))
    assert any(p.startswith("MOQ") for p in planning.check_plan(plan, tight))


def test_work_orders_for_a_factory_hold_only_that_factory(swap_instance):
    plan = planning.solve(swap_instance, "optimal")
    own = planning.work_orders_for_factory(plan, "F1")
    assert own.columns == [
        "school_id",
        "garment",
        "size",
        "week_start",
        "pieces",
        "deadline",
        "delivery_date",
    ]
    assert set(own["school_id"]) == {"B"} and own["pieces"].sum() == 100
    assert planning.work_orders_for_factory(plan, "F9").height == 0


def test_what_if_scenarios_change_the_plan(swap_instance):
    removed = planning_whatif.apply(
        swap_instance, planning_whatif.Scenario("no F1", remove_factories=("F1",))
    )
    plan = planning.solve(removed, "optimal")
    assert "F1" not in plan.lines["factory_id"].to_list() and plan.unmet_pieces == 100
    doubled = planning_whatif.apply(removed, planning_whatif.Scenario("x2", capacity_scale=2.0))
    assert planning.solve(doubled, "optimal").unmet_pieces == 0
    moved = planning_whatif.apply(swap_instance, planning_whatif.Scenario("late", deadline_shift_days=-30))
    assert planning.solve(moved, "optimal").unmet_pieces == 200
    added = planning_whatif.apply(
        removed,
        planning_whatif.Scenario(
            "new", added=(planning_whatif.AddedFactory("NEW-1", "new", LON, LAT, 100, 1, 0, 40.0),)
        ),
    )
    plan = planning.solve(added, "optimal")
    assert "NEW-1" in plan.lines["factory_id"].to_list() and plan.unmet_pieces == 0
    assert_plan_ok(plan, added)
    table = planning_whatif.compare(
        {"base": (planning.solve(swap_instance), swap_instance), "new": (plan, added)}
    )
    assert table["scenario"].to_list() == ["base", "new"]


def test_demo_snapshot_plans_and_checks(tiny_snapshot):
    db = connect(tiny_snapshot, Viewer("association", cluster_id="zhili"))
    inputs = planning.load_inputs(db, cluster_id="zhili")
    assert inputs.groups.height > 0 and inputs.factories.height > 0
    opt, greedy = planning.solve(inputs, "optimal", time_limit=60), planning.solve(inputs, "greedy")
    assert_plan_ok(opt, inputs)
    assert_plan_ok(greedy, inputs)
    assert opt.total_cost <= greedy.total_cost + 1e-6
    util = planning.utilisation_after(opt, inputs)
    assert (util["booked_pieces"] + util["planned_pieces"] <= util["capacity_pieces"]).all()
    from supply.planning.charts import schedule_heatmap, utilisation_weeks_figure

    assert schedule_heatmap(util, "zh").data[0].type == "heatmap"
    assert len(utilisation_weeks_figure(util, "en").data) == 3


def test_cli_prints_the_plan_as_json(tiny_data, capsys):
    from supply.cli import main

    assert main(["plan", "--data", str(tiny_data), "--method", "greedy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"total_cost", "unmet_pieces", "assignments", "method", "solve_seconds"} <= set(out)
    assert out["method"] == "greedy" and out["check_problems"] == []
    first = out["assignments"][0]
    assert list(first) == ["school_id", "garment", "size", "factory_id", "week_start", "pieces"]
    planned = sum(a["pieces"] for a in out["assignments"])
    assert planned + out["unmet_pieces"] == out["demand_pieces"]


def test_cli_names_a_missing_snapshot(tmp_path, capsys):
    from supply.cli import main

    assert main(["plan", "--data", str(tmp_path)]) == 1
    assert "no snapshot" in capsys.readouterr().err


def test_published_plan_is_what_a_factory_owner_reads(tiny_store, tmp_path, swap_instance):
    from supply.data.store import Store

    store = Store(tmp_path)
    plan = planning.solve(swap_instance, "optimal")
    assert planning.load_plan(store, "s1") is None
    planning.publish_plan(store, "s1", plan)
    published = planning.load_plan(store, "s1")
    assert published.meta["total_cost"] == pytest.approx(10_500)
    assert planning.work_orders_for_factory(published, "F2")["school_id"].to_list() == ["A", "A"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demand_page_runs_in_both_languages(app_env, lang):
    at = open_app(lang, role="association", page="app_pages/school_demand.py")
    assert_no_exception(at, f"demand {lang}")
    labels = [m.label for m in at.metric]
    assert ("应交班级" if lang == "zh" else "Classes expected") in labels
    assert at.dataframe[0].value.shape[0] > 0  # collection by school


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quality_sentence_and_cli_json_say_how_good_the_plan_is(swap_instance, lang):
    plan = planning.solve(swap_instance, "optimal")
    text = planning.quality_sentence(plan, lang)
    assert plan.proven_optimal and plan.gap is not None and plan.gap <= 1e-4
    assert ("已证明最优" if lang == "zh" else "proven optimal") in text
    greedy = planning.solve(swap_instance, "greedy")
    assert ("无法说明" if lang == "zh" else "unknown") in planning.quality_sentence(greedy, lang)


def test_a_what_if_re_solves_from_the_previous_potentials(swap_instance):
    base = planning.solve(swap_instance, "optimal")
    assert base.warm is not None and len(base.warm["potentials"]) > 0
    removed = planning_whatif.apply(
        swap_instance, planning_whatif.Scenario("no F1", remove_factories=("F1",))
    )
    cold, warm = planning.solve(removed, "optimal"), planning.solve(removed, "optimal", warm=base)
    assert warm.total_cost == pytest.approx(cold.total_cost) and warm.lower_bound == pytest.approx(
        cold.lower_bound
    )
    assert_plan_ok(warm, removed)


def test_cli_json_has_bound_gap_and_sentence(tiny_data, capsys):
    from supply.cli import main

    assert main(["plan", "--data", str(tiny_data), "--json", "--lang", "en", "--time-limit", "120"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"lower_bound", "gap", "proven_optimal", "quality"} <= set(out)
    assert out["lower_bound"] <= out["total_cost"] + 0.01 and out["quality"].startswith("Total cost")


def test_quality_sentence_gives_the_gap_when_not_proven(swap_instance):
    plan = planning.solve(swap_instance, "optimal")
    loose = planning.Plan(**{**plan.__dict__, "proven_optimal": False, "lower_bound": plan.total_cost * 0.99})
    en, zh = planning.quality_sentence(loose, "en"), planning.quality_sentence(loose, "zh")
    assert "not proven" in en and "1.0" in en and "未证明" in zh
