"""The engine interface and the choice of engine (``SUPPLY_ENGINE`` = ``duckdb`` | ``spark``).

Both engines build a viewer's views from supply/engine/views.py and guard every query with
supply/engine/portable.py; pages and commands only call ``connect`` and ``Engine.run``.
DuckDB (``db.Database``) is the default and embedded; Spark (``spark.SparkDatabase``) runs the
same queries on ``SUPPLY_SPARK_MASTER`` (``local[*]`` or a Spark Connect URL).
"""

from __future__ import annotations

import os
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
    """A scoped database for this viewer over this snapshot, on the chosen engine."""
    if engine_name(engine) == "spark":
        from supply.engine import spark

        return spark.connect(snapshot, viewer)
    from supply.engine import db

    return db.Database(snapshot, viewer, **options)
