"""`python -m supply query|plan|rollup --engine spark` give what `--engine duckdb` gives (``-m spark``)."""

from __future__ import annotations

import json
import shutil

import pytest

from supply.data import rollups
from supply.data.store import Store
from tests import spark_fixtures
from tests.test_cli import KPI_PARAMS, cli

pytestmark = [pytest.mark.spark, pytest.mark.slow]
spark_env = spark_fixtures.spark_env  # the Spark session fixture shared by the spark test files


@pytest.mark.parametrize(
    "args",
    [
        ("overview_kpis", "--role", "planner", *KPI_PARAMS),
        ("snapshot_weeks", "--role", "factory", "--factory", "F0000001"),
        ("overview_kpis", "--role", "association", "--cluster", "zhili", *KPI_PARAMS),
    ],  # fmt: skip
    ids=["planner", "factory", "association"],
)
def test_query_prints_the_same_csv_on_both_engines(spark_env, tiny_data, args):
    duck = cli("query", *args, "--engine", "duckdb", data=tiny_data)
    spark = cli("query", *args, "--engine", "spark", data=tiny_data)
    assert duck.returncode == 0, duck.stderr
    assert spark.returncode == 0, spark.stderr
    assert spark.stdout == duck.stdout and duck.stdout.count("\n") >= 2  # same text: values and types


def test_a_spark_query_error_is_a_message_not_a_traceback(spark_env, tiny_data):
    done = cli("query", "overview_kpis", "--engine", "spark", "--param", "cluster_id=zhili", data=tiny_data)
    assert done.returncode == 2 and "needs parameter(s) $week_from, $week_to" in done.stderr


def test_plan_gives_the_same_plan_on_both_engines(spark_env, tiny_data):
    plans = {}
    for engine in ("duckdb", "spark"):
        done = cli("plan", "--method", "greedy", "--json", "--engine", engine, data=tiny_data)
        assert done.returncode == 0, f"{engine}: {done.stderr[-2000:]}"
        plans[engine] = json.loads(done.stdout)
    duck, spark = plans["duckdb"], plans["spark"]
    assert duck["demand_pieces"] > 0
    for key in ("demand_pieces", "unmet_pieces", "total_cost", "status", "assignments"):
        assert spark[key] == duck[key], key


def test_rollup_with_engine_spark_writes_verified_rollups(spark_env, tiny_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(tiny_data, data, symlinks=True)
    snap = Store(data).latest()
    shutil.rmtree(snap.path / rollups.ROLLUP_DIR)
    assert rollups.verify(Store(data).latest())  # the copy lacks them now
    done = cli("rollup", snap.snapshot_id, "--engine", "spark", data=data)
    assert done.returncode == 0, done.stderr
    assert "rollups written" in done.stdout
    assert rollups.verify(Store(data).latest()) == []
    assert cli("verify", snap.snapshot_id, data=data).returncode == 0
