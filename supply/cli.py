"""`python -m supply COMMAND ...`: demo, snapshots, verify, query, ingest, prune, plan, users.

Every command takes ``--data DIR`` (default: $SUPPLY_DATA, else ./data); those that query
(``ENGINE_COMMANDS``) take ``--engine duckdb|spark`` (default: $SUPPLY_ENGINE, else duckdb).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

COMMANDS: dict[str, tuple] = {}
# Commands that open scoped databases: they take --engine duckdb|spark (default $SUPPLY_ENGINE,
# else duckdb), which reaches every connect() they make (supply.engine.base.using).
ENGINE_COMMANDS = ("query", "plan", "rollup")


def command(name: str, help: str):
    """Register a sub-command: the decorated function gets (parser) to add arguments to."""

    def wrap(fn):
        COMMANDS[name] = (help, fn)
        return fn

    return wrap


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="data directory (default: $SUPPLY_DATA or ./data)")


@command("demo", "build the deterministic demo snapshots (two, a week apart)")
def _demo(p: argparse.ArgumentParser):
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1 = ~3,000 factories and 200,000 order lines (default); 500 = 1.5M and 100M",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", "--data", dest="data", metavar="DATA_DIR", help="data directory to write into")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="date of the first snapshot")
    p.add_argument("--if-missing", action="store_true", help="do nothing when a snapshot exists already")

    def run(args) -> int:
        from supply.data.store import SnapshotExists, Store
        from supply.demo import generate as demo

        store = Store(args.data)
        if args.if_missing and store.latest() is not None:
            print(f"snapshot {store.latest().snapshot_id} exists in {store.root}; not building the demo")
            return 0
        t0 = time.perf_counter()
        try:
            snaps = demo.build(
                store,
                scale=args.scale,
                seed=args.seed,
                as_of=args.as_of or demo.DEFAULT_AS_OF,
                progress=lambda m: print("  " + m, flush=True),
            )
        except SnapshotExists as exc:
            print(f"error: {exc}. Use another --out directory or remove it first.", file=sys.stderr)
            return 1
        for s in snaps:
            rows = ", ".join(f"{k} {v['rows']:,}" for k, v in sorted(s.tables.items()))
            print(f"wrote {s.snapshot_id}: {rows}")
        print(f"done in {time.perf_counter() - t0:.1f} s -> {store.root}")
        return 0

    return run


@command("snapshots", "list the snapshots in the data directory")
def _snapshots(p):
    p.add_argument("--json", action="store_true")

    def run(args) -> int:
        from supply.data.store import Store

        store = Store(args.data)
        snaps = store.list()
        for name, reason in store.skipped:
            print(f"skipped {name}: {reason}", file=sys.stderr)
        if args.json:
            print(json.dumps([s.manifest for s in snaps], ensure_ascii=False, indent=2))
        else:
            for s in snaps:
                rows = sum(v["rows"] for v in s.tables.values())
                print(f"{s.snapshot_id}\tas_of {s.as_of}\tcreated {s.created_at}\t{rows:,} rows")
        return 0

    return run


@command("verify", "re-hash a snapshot's tables against its manifest")
def _verify(p):
    p.add_argument("snapshot", nargs="?", help="snapshot id (default: latest)")

    def run(args) -> int:
        from supply.data.store import SnapshotError, Store

        store = Store(args.data)
        try:
            snap = store.get(args.snapshot)
        except SnapshotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        from supply.data import rollups

        problems = store.verify(snap.snapshot_id) + rollups.verify(snap, require=False)
        for problem in problems:
            print(f"{snap.snapshot_id}: {problem}")
        print(f"{snap.snapshot_id}: {'OK' if not problems else 'BAD'}")
        return 1 if problems else 0

    return run


def _param_value(value: str):
    """A --param value: null, true/false, an integer, a number, a YYYY-MM-DD date, a JSON list, else text."""
    if value in ("null", "true", "false") or value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    for parse in (int, float, dt.date.fromisoformat):
        try:
            return parse(value)
        except ValueError:
            continue
    return value


@command("query", "run one named query as a role and print the result as CSV")
def _query(p):
    p.add_argument("name")
    p.add_argument("--snapshot")
    p.add_argument("--role", default="admin")
    p.add_argument("--factory")
    p.add_argument("--cluster")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help='a $named parameter: YYYY-MM-DD dates, numbers, true/false, null, ["json", "lists"]',
    )

    def run(args) -> int:
        from supply.data.store import SnapshotError, Store
        from supply.engine.db import QueryError, Viewer, connect

        params = {}
        for item in args.param:
            key, _, value = item.partition("=")
            params[key] = _param_value(value)
        import duckdb

        errors: tuple = (QueryError, SnapshotError, ValueError, duckdb.Error)
        if args.engine == "spark":
            from pyspark.errors import PySparkException

            errors += (PySparkException,)
        db = None
        try:
            db = connect(
                Store(args.data).get(args.snapshot),
                Viewer(args.role, factory_id=args.factory, cluster_id=args.cluster),
            )
            frame = db.run(args.name, **params)
        except errors as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            if db is not None:
                db.close()
        sys.stdout.write(frame.write_csv())
        return 0

    return run


def _load_plugins() -> None:
    """Commands defined in other modules register themselves here when imported."""
    import importlib

    for mod in (
        "supply.ingest.cli",
        "supply.planning.cli",
        "supply.access.cli",
        "supply.export_cli",
        "supply.data.maintenance",
        "supply.engine.cli",
    ):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one command; return the exit code."""
    _load_plugins()
    parser = argparse.ArgumentParser(prog="python -m supply", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    runners = {}
    for name, (help_text, factory) in sorted(COMMANDS.items()):
        p = sub.add_parser(name, help=help_text)
        runners[name] = factory(p)
        if not any(a.dest == "data" for a in p._actions):
            _add_data(p)
        if name in ENGINE_COMMANDS and not any(a.dest == "engine" for a in p._actions):
            p.add_argument(
                "--engine",
                choices=("duckdb", "spark"),
                default=None,
                help="query engine (default: $SUPPLY_ENGINE, else duckdb; spark: see README)",
            )
    args = parser.parse_args(argv)
    data = getattr(args, "data", None)
    if data and args.command != "demo" and not Path(data).expanduser().is_dir():  # a typo is not a new dir
        print(
            f"error: data directory {data} does not exist; check --data (only `demo` creates one)",
            file=sys.stderr,
        )
        return 2
    if args.command not in ENGINE_COMMANDS:
        return runners[args.command](args)
    from supply.engine import base

    try:
        engine = base.engine_name(args.engine)
    except ValueError as exc:  # a bad SUPPLY_ENGINE
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.engine = engine
    with base.using(engine):
        return runners[args.command](args)
