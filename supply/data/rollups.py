"""Snapshot rollups: aggregate tables written with each snapshot (issue 12), defined as SQL data.

A rollup is one Parquet file ``rollups/<name>.parquet`` in the snapshot directory, listed in
the manifest under ``"rollups"`` with its file, rows, sha256, bytes and the sha256 of the
tables it was computed from (``inputs``). The definitions are in supply/data/rollup_sql.py:
portable SQL over the logical sources ``src_<table>``, so the DuckDB writer here and the Spark
rollup job run the same text.

Cells carry every factory-level attribute a scope filters on (cluster, county, association
membership, pooled planning, "makes school uniforms", ``listed`` = the factory is in the
directory), so ``n_factories`` (distinct factories in a cell) can be summed over those
attributes: a factory has one value of each. A planner's views regroup the cells and
suppress small ones on read (supply/engine/views.py); no connection aggregates raw rows.

``build(dir, entries, parent)`` writes the rollups of a snapshot being written (carrying a
parent's file forward by hard link when its inputs are unchanged, or linking a file the
tables' writer computed and ``offered``) and returns the manifest entries; ``rebuild(store,
snapshot)`` adds missing rollups to an old snapshot; ``verify(snapshot)`` re-hashes them."""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from supply.data import layout, rollup_chunks, rollup_delta, schema
from supply.data.files import fsync_file as _fsync
from supply.data.files import sha256_file as _sha256
from supply.data.rollup_sql import BY_NAME as BY_NAME  # re-exported: rollups.BY_NAME[name]
from supply.data.rollup_sql import ROLLUPS, SORT, Rollup

ROLLUP_DIR = "rollups"
# Files the tables' writer computed (the demo, supply/demo/cells.py): name -> (inputs, path).
_OFFERED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rollups_offered", default=None)


@contextlib.contextmanager
def offered(files: dict[str, tuple[dict, Path]]):
    """While open, ``build`` links an offered rollup file instead of computing it when its inputs match."""
    token = _OFFERED.set(files)
    try:
        yield
    finally:
        _OFFERED.reset(token)


class RollupError(Exception):
    """A rollup cannot be built or does not match its manifest entry."""


def _literal(text: str) -> str:
    """A SQL string literal of a path (quotes doubled); paths are ours, never a viewer's values."""
    return "'" + text.replace("'", "''") + "'"


_SQL_TYPES = {"String": "varchar", "Float64": "double", "Int64": "bigint", "Int32": "integer",
              "Int16": "smallint", "Int8": "tinyint", "Boolean": "boolean", "Date": "date"}  # fmt: skip


def sql_type(dtype) -> str:
    """The SQL type of a schema dtype, e.g. List(String) -> varchar[]."""
    if hasattr(dtype, "inner") and dtype.inner is not None:
        return sql_type(dtype.inner) + "[]"
    return _SQL_TYPES[str(dtype.base_type()).split("(")[0]]


def empty_source_sql(table: str) -> str:
    """A select with the table's columns and types and no row (a snapshot without that table)."""
    cols = ", ".join(f"cast(null as {sql_type(t)}) as {c}" for c, t in schema.TABLES[table].items())
    return f"select {cols} where false"


def register_sources(con: duckdb.DuckDBPyConnection, files: dict[str, Path]) -> None:
    """Create ``src_<table>`` views on a DuckDB connection over the given Parquet files."""
    for table in schema.TABLES:
        path = files.get(table)
        body = f"select * from read_parquet({_literal(str(path))})" if path else empty_source_sql(table)
        con.execute(f"create or replace view src_{table} as {body}")


def _inputs_hash(rollup: Rollup, entries: dict[str, dict]) -> dict[str, str | None]:
    return {t: (entries.get(t) or {}).get("sha256") for t in rollup.inputs}


def _connection(spill_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("set temp_directory = $d", {"d": str(spill_dir)})
    con.execute("set memory_limit = $m", {"m": os.environ.get("SUPPLY_ROLLUP_MEMORY", "1GB")})
    con.execute("set preserve_insertion_order = false")
    return con


def _entry(directory: Path, file: str, inputs: dict) -> dict:
    dst = directory / file
    rows = pq.ParquetFile(dst).metadata.num_rows
    return {"file": file, "rows": rows, "sha256": _sha256(dst), "bytes": dst.stat().st_size, "inputs": inputs}


def _order(con: duckdb.DuckDBPyConnection, rollup: Rollup) -> str:
    """The layout's sort keys, then every other column: a total order (equal inputs, equal bytes)."""
    keys = [k.strip() for k in SORT[rollup.name].split(",")]
    described = con.execute(f"describe select * from ({rollup.sql}) as r").fetchall()
    rest = [c for c, dtype, *_ in described if c not in keys and not str(dtype).endswith("[]")]
    return ", ".join(keys + rest)


def build(directory: Path, entries: dict[str, dict], parent: dict | None = None) -> dict[str, dict]:
    """Write every rollup of the snapshot being written in ``directory``; return manifest entries.

    ``entries`` are the snapshot's table entries (file, rows, sha256); ``parent`` is the parent
    snapshot's manifest with its directory under ``"path"``; a parent's rollup is hard-linked
    when its input tables have the same sha256 (so is an ``offered`` file). Files are fsynced;
    the caller writes the manifest after, so a crash here leaves no snapshot."""
    out_dir = directory / ROLLUP_DIR
    out_dir.mkdir(exist_ok=True)
    parent_rollups = (parent or {}).get("rollups") or {}
    built: dict[str, dict] = {}
    spill = directory / ".rollup-spill"
    con = None
    try:
        for rollup in ROLLUPS:
            inputs = _inputs_hash(rollup, entries)
            file = f"{ROLLUP_DIR}/{rollup.name}.parquet"
            dst = directory / file
            old = parent_rollups.get(rollup.name)
            old_path = Path(parent["path"]) / old["file"] if old and parent else None
            if old_path is None or old.get("inputs") != inputs or not old_path.is_file():
                pre = (_OFFERED.get() or {}).get(rollup.name, (None, None))
                old_path = pre[1] if pre[0] == inputs else None
            if old_path is not None:
                try:
                    os.link(old_path, dst)
                except OSError:
                    shutil.copyfile(old_path, dst)
            else:
                if con is None:
                    spill.mkdir(exist_ok=True)
                    con = _connection(spill)
                    register_sources(con, {t: directory / e["file"] for t, e in entries.items()})
                chunked = entries.get(rollup.chunk_table or "")
                lows = rollup_chunks.cuts(directory / chunked["file"]) if chunked else None
                found = rollup_delta.recorded(rollup, directory, entries, parent)
                if found and rollup.name in rollup_delta.INCREMENTAL:  # the parent's cells, updated
                    rollup_delta.write(con, rollup, dst, found, _order(con, rollup))
                elif lows:  # a large table sorted by factory: a factory-id range at a time
                    reuse = (found[1], found[3]) if found else None  # untouched ranges: the parent's rows
                    rollup_chunks.write(con, rollup, dst, lows, _order(con, rollup), reuse)
                else:
                    con.execute(
                        f"copy (select * from ({rollup.sql}) as r order by {_order(con, rollup)}) "
                        f"to {_literal(str(dst))} (format parquet, compression zstd)"
                    )
            _fsync(dst)
            built[rollup.name] = _entry(directory, file, inputs)
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return built


def finish(directory: Path, entries: dict[str, dict], parent_dir: Path | None = None) -> dict[str, dict]:
    """The store's step between writing the tables and the manifest: layout, then rollups.

    Tables (written or linked) that are not sorted in small row groups (supply/data/layout.py) are
    rewritten sorted, their entries updated; then the rollups are built, the parent's carried
    forward when their inputs are unchanged. Returns the manifest's ``"rollups"`` entries.
    """
    for table, entry in entries.items():
        path = directory / entry["file"]
        if layout.needs_sorting(path, table):
            layout.sort_file(path, table)
            _fsync(path)
            entry.update(
                rows=pq.ParquetFile(path).metadata.num_rows, sha256=_sha256(path), bytes=path.stat().st_size
            )
    parent = None
    if parent_dir is not None and (parent_dir / "manifest.json").is_file():
        parent = {
            **json.loads((parent_dir / "manifest.json").read_text(encoding="utf-8")),
            "path": str(parent_dir),
        }
    return build(directory, entries, parent)


def rollup_path(snapshot, name: str) -> Path | None:
    """Path of a snapshot's rollup file, or None when the snapshot was written without it."""
    entry = (snapshot.manifest.get("rollups") or {}).get(name)
    if not entry:
        return None
    path = snapshot.path / entry["file"]
    if not path.is_file() or path.stat().st_size != entry.get("bytes"):
        raise RollupError(
            f"snapshot {snapshot.snapshot_id!r}: rollup {name!r} is missing or has the wrong size; "
            f"run `python -m supply verify {snapshot.snapshot_id}`"
        )
    return path


def verify(snapshot, require: bool = True) -> list[str]:
    """Re-hash every rollup of a snapshot; return the problems.

    A missing rollup is a problem, except with ``require=False`` for a snapshot written before
    rollups existed (no ``"rollups"`` in its manifest): its views compute them from the tables.
    """
    problems = []
    listed = snapshot.manifest.get("rollups") or {}
    if not require and "rollups" not in snapshot.manifest:
        return []
    for rollup in ROLLUPS:
        problem = _problem(snapshot, rollup, listed.get(rollup.name))
        if problem:
            problems.append(problem)
    return problems


def _problem(snapshot, rollup: Rollup, entry: dict | None) -> str | None:
    """What is wrong with one rollup of a snapshot (its manifest entry), or None."""
    if entry is None:
        return (
            f"rollup {rollup.name!r} is missing (written before rollups existed or before this rollup): "
            f"run `python -m supply rollup {snapshot.snapshot_id}`"
        )
    path = snapshot.path / entry["file"]
    if not path.is_file():
        return f"rollup {rollup.name!r}: file {entry['file']!r} is missing"
    if _sha256(path) != entry["sha256"]:
        return f"rollup {rollup.name!r}: sha256 does not match the manifest"
    if entry.get("inputs") != _inputs_hash(rollup, snapshot.tables):
        return f"rollup {rollup.name!r}: computed from other tables than the snapshot's"
    return None


def rebuild(store, snapshot, builder=None) -> dict[str, dict]:
    """Add the missing rollups to a committed snapshot, in place, atomically; return the entries.

    A snapshot's tables never change. The rollup files go into a temporary directory inside
    the snapshot, which is renamed to ``rollups/``; then the manifest is replaced by a new one
    that lists them (write, fsync, rename: readers see the old or the new manifest, never a
    half one). A crash in between leaves unlisted files that readers ignore and the next
    run replaces. Runs under the store's writer lock.
    """
    from supply.data.snapshot import seal  # the store's manifest format (digest of the table part)

    with store.lock():
        manifest_path = snapshot.path / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = manifest.get("rollups") or {}
        bad = {r.name for r in ROLLUPS if _problem(snapshot, r, listed.get(r.name))}
        if not bad:
            return manifest["rollups"]
        # the rollups that verify are kept (hard links); only the missing or wrong ones are computed
        keep = {
            "path": str(snapshot.path),
            "rollups": {n: e for n, e in listed.items() if n in BY_NAME and n not in bad},
        }
        work = snapshot.path / f".rollups-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        work.mkdir()
        try:
            (work / ROLLUP_DIR).mkdir()
            entries = {t: {**e, "file": str(snapshot.path / e["file"])} for t, e in snapshot.tables.items()}
            built = (builder or build)(work, entries, keep)  # builder: e.g. the Spark job
            final = snapshot.path / ROLLUP_DIR
            if final.exists():
                shutil.rmtree(final)
            os.rename(work / ROLLUP_DIR, final)
            manifest["rollups"] = built
            part = snapshot.path / "manifest.json.part"
            part.write_bytes(seal(manifest))
            _fsync(part)
            os.rename(part, manifest_path)
            _fsync(snapshot.path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return built
