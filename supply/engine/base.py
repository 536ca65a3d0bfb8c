"""The engine interface and the choice of engine (``SUPPLY_ENGINE`` = ``duckdb`` | ``spark``).

Both engines build a viewer's views from supply/engine/views.py and guard every query with
supply/engine/portable.py; pages and commands only call ``connect`` and ``Engine.run``.
DuckDB (``db.Database``) is the default and embedded; Spark (``spark.SparkDatabase``) runs the
same queries on ``SUPPLY_SPARK_MASTER`` (``local[*]`` or a Spark Connect URL).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Protocol

import polars as pl

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What every engine offers: scoped named queries returning Polars frames."""

    snapshot: object
    viewer: object

    def run(self, name: str, **params) -> pl.DataFrame:
        """Run queries/<name>.sql with bound parameters."""

    def close(self) -> None:
        """Release the connection or session."""


def engine_name(engine: str | None = None) -> str:
    """The engine to use: the argument, else ``SUPPLY_ENGINE``, else ``duckdb``; checked."""
    name = (engine or os.environ.get("SUPPLY_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ValueError(
            f"unknown engine {name!r} (SUPPLY_ENGINE or --engine): use one of {', '.join(ENGINES)}"
        )
    return name


def connect(snapshot, viewer, engine: str | None = None, **options) -> Engine:
    """A scoped database for this viewer over this snapshot, on the chosen engine.

    ``options``: ``pair`` and ``extra`` (two snapshots in one connection, supply/engine/diff.py)
    on both engines; ``threads`` on DuckDB only.
    """
    if engine_name(engine) == "spark":
        from supply.engine import spark

        options.pop("threads", None)  # Spark's parallelism is the master's (local[N] or the cluster)
        return spark.connect(snapshot, viewer, **options)
    from supply.engine import db

    return db.Database(snapshot, viewer, **options)


@contextlib.contextmanager
def using(engine: str | None) -> Iterator[str]:
    """Run the enclosed code with ``SUPPLY_ENGINE`` set to ``engine`` (None: leave it), then restore it.

    How a command's ``--engine`` reaches every ``connect`` it makes, its helpers' included.
    """
    name = engine_name(engine)
    old = os.environ.get("SUPPLY_ENGINE")
    os.environ["SUPPLY_ENGINE"] = name
    try:
        yield name
    finally:
        if old is None:
            os.environ.pop("SUPPLY_ENGINE", None)
        else:
            os.environ["SUPPLY_ENGINE"] = old
