"""`python -m supply snapshots | verify | query` on the tiny demo, as a user would run them."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent
KPI_PARAMS = [
    "--param",
    "cluster_id=zhili",
    "--param",
    "week_from=2026-06-29",
    "--param",
    "week_to=2026-07-27",
]


def supply(*args: str, data: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m supply ARGS`` in a real subprocess (with ``--data`` when given)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SUPPLY_DATA", None)
    extra = ["--data", str(data)] if data else []
    return subprocess.run(
        [sys.executable, "-m", "supply", *args, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli(*args: str, data: Path | None = None) -> subprocess.CompletedProcess:
    """Run the same command line in-process through ``supply.cli.main`` (faster; same code path)."""
    from supply.cli import main

    out, err = io.StringIO(), io.StringIO()
    extra = ["--data", str(data)] if data else []
    saved = os.environ.pop("SUPPLY_DATA", None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, *extra])
    finally:
        if saved is not None:
            os.environ["SUPPLY_DATA"] = saved
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture()
def corrupted(tiny_data, tmp_path) -> Path:
    """A copy of the tiny data whose newest snapshot has one flipped byte in its orders table."""
    copy = tmp_path / "data"
    shutil.copytree(tiny_data, copy)
    path = copy / "snapshots" / "demo-2026-06-29" / "orders.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    path.write_bytes(bytes(data))
    return copy


def test_snapshots_lists_both_oldest_first(tiny_data):
    done = supply("snapshots", data=tiny_data)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["demo-2026-06-22", "demo-2026-06-29"]
    assert "as_of 2026-06-29" in lines[1]


def test_snapshots_names_a_skipped_directory(tiny_data, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(tiny_data, copy)
    (copy / "snapshots" / "demo-2026-06-29" / "manifest.json").unlink()
    with pytest.warns(UserWarning, match="demo-2026-06-29"):
        done = cli("snapshots", data=copy)
    assert done.returncode == 0
    assert [line.split("\t")[0] for line in done.stdout.strip().splitlines()] == ["demo-2026-06-22"]
    assert "skipped demo-2026-06-29: no manifest.json" in done.stderr


def test_verify_is_ok_on_good_data(tiny_data):
    for args in (("verify",), ("verify", "demo-2026-06-22")):
        done = cli(*args, data=tiny_data)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip().endswith("OK")


def test_verify_exits_1_on_a_corrupted_copy(corrupted):
    done = cli("verify", "demo-2026-06-29", data=corrupted)
    assert done.returncode == 1
    assert "table 'orders': sha256 does not match the manifest" in done.stdout
    assert done.stdout.strip().endswith("demo-2026-06-29: BAD")
    assert cli("verify", "demo-2026-06-22", data=corrupted).returncode == 0  # the other is fine


def test_verify_unknown_snapshot_exits_1(tiny_data):
    done = cli("verify", "no-such-snapshot", data=tiny_data)
    assert done.returncode == 1
    assert "no snapshot 'no-such-snapshot'" in done.stderr


@pytest.mark.parametrize("role", ["admin", "planner"])
def test_query_prints_csv_equal_to_the_library(tiny_store, tiny_snapshot, role):
    from supply.engine.db import Viewer, connect

    done = cli("query", "overview_kpis", "--role", role, *KPI_PARAMS, data=tiny_store.data_dir)
    assert done.returncode == 0, done.stderr
    printed = pl.read_csv(io.StringIO(done.stdout))
    expected = connect(tiny_snapshot, Viewer(role)).run(
        "overview_kpis", cluster_id="zhili", week_from=dt.date(2026, 6, 29), week_to=dt.date(2026, 7, 27)
    )
    assert printed.columns == expected.columns
    assert printed.row(0)[0] == expected.row(0)[0]  # factories
    assert printed["capacity_pieces"][0] == expected["capacity_pieces"][0]


def test_query_as_a_factory_owner(tiny_data):
    done = cli("query", "snapshot_weeks", "--role", "factory", "--factory", "F0000001", data=tiny_data)
    assert done.returncode == 0, done.stderr
    weeks = pl.read_csv(io.StringIO(done.stdout))
    assert weeks.height == 26


def test_unknown_query_exits_2_with_a_clear_message(tiny_data):
    done = supply("query", "no_such_question", data=tiny_data)
    assert done.returncode == 2
    assert "unknown query 'no_such_question'" in done.stderr
    assert "overview_kpis" in done.stderr  # it lists the known ones
    assert done.stdout == ""


def test_missing_parameter_and_bad_role_exit_2(tiny_data):
    done = cli("query", "overview_kpis", "--param", "cluster_id=zhili", data=tiny_data)
    assert done.returncode == 2 and "needs parameter(s) $week_from, $week_to" in done.stderr
    done = cli("query", "cluster_list", "--role", "factory", data=tiny_data)
    assert done.returncode == 2 and "factory owner needs a factory_id" in done.stderr


def test_query_parameters_are_typed_and_a_bad_value_is_an_error_not_a_traceback(tiny_data):
    done = cli(
        "query",
        "map_density_cells",
        "--param",
        "cluster_id=zhili",
        "--param",
        "category=null",
        "--param",
        "emp_min=null",
        "--param",
        "emp_max=500",
        "--param",
        "member=true",
        "--param",
        'exclude_ids=["F0000002"]',
        "--param",
        "lat0=30.8",
        "--param",
        "cell_km=2.5",
        data=tiny_data,
    )
    assert done.returncode == 0, done.stderr
    assert pl.read_csv(io.StringIO(done.stdout)).height > 0
    done = cli(
        "query",
        "overview_kpis",
        "--param",
        "cluster_id=zhili",
        "--param",
        "week_from=soon",
        "--param",
        "week_to=2026-07-27",
        data=tiny_data,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "soon" in done.stderr


def _help(command: str) -> str:
    """The --help text of one sub-command, in-process."""
    from supply.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main([command, "--help"])
    return out.getvalue()


def test_every_command_that_queries_takes_engine():
    """query, plan and rollup open scoped databases: each takes --engine duckdb|spark."""
    from supply.cli import ENGINE_COMMANDS, main

    assert set(ENGINE_COMMANDS) >= {"query", "plan", "rollup"}
    for command in ENGINE_COMMANDS:
        assert "--engine {duckdb,spark}" in _help(command), command
    # a command that opens no database has no such flag
    assert "--engine" not in _help("snapshots")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exc:
        main(["query", "cluster_list", "--engine", "oracle"])
    assert exc.value.code == 2 and "invalid choice: 'oracle'" in err.getvalue()


def test_engine_duckdb_gives_the_default_csv(tiny_data):
    base = cli("query", "overview_kpis", "--role", "planner", *KPI_PARAMS, data=tiny_data)
    flagged = cli(
        "query", "overview_kpis", "--role", "planner", "--engine", "duckdb", *KPI_PARAMS, data=tiny_data
    )
    assert base.returncode == flagged.returncode == 0, flagged.stderr
    assert flagged.stdout == base.stdout and base.stdout.count("\n") == 2


def test_a_bad_supply_engine_is_a_clear_error_and_the_flag_wins(tiny_data, monkeypatch):
    monkeypatch.setenv("SUPPLY_ENGINE", "oracle")
    done = cli("query", "cluster_list", data=tiny_data)
    assert (
        done.returncode == 2 and "unknown engine 'oracle'" in done.stderr and "SUPPLY_ENGINE" in done.stderr
    )
    assert done.stdout == ""
    done = cli("query", "cluster_list", "--engine", "duckdb", data=tiny_data)
    assert done.returncode == 0 and "zhili" in done.stdout


def test_the_engine_flag_reaches_every_connect_and_is_restored(monkeypatch):
    """base.using is how --engine reaches the connect() calls a command's helpers make."""
    from supply.engine import base

    monkeypatch.delenv("SUPPLY_ENGINE", raising=False)
    with base.using("spark") as name:
        assert name == "spark" and base.engine_name() == "spark"
    assert "SUPPLY_ENGINE" not in os.environ and base.engine_name() == "duckdb"
    monkeypatch.setenv("SUPPLY_ENGINE", "spark")
    with base.using("duckdb"):
        assert base.engine_name() == "duckdb"
    assert os.environ["SUPPLY_ENGINE"] == "spark"
