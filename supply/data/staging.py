"""A new snapshot built in a private directory, then published under the writer lock (issue 16).

``stage`` writes (or hard-links) the tables, sorts them into the layout, builds the rollups
(``supply.data.rollups.finish``) and copies extra files, all inside an owner-locked scratch
directory of the data directory: no lock is needed, so a ten-minute rollup build does not
hold up other writers. ``publish`` is the short step under the writer lock: it gives the
staged directory its id and sequence number, writes the manifest last and renames the
directory into ``snapshots/``. A writer killed while staging leaves a scratch directory that
``Store.clean_tmp`` removes once its owner is gone; a directory without a manifest is never
a snapshot.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from supply.data import delta, files, rollups, schema
from supply.data.snapshot import MANIFEST, SnapshotError, load_manifest, remember, seal, write_parquet_chunks

# A table to write: a frame, an iterable of frames (written chunk by chunk, so memory
# stays bounded), or a path to an existing Parquet file to carry forward unchanged.
TableSource = pl.DataFrame | Iterable[pl.DataFrame] | Path


@dataclass
class Change:
    """What a writer changes in the newest snapshot: tables, the data date, the source, extra files.

    ``tables`` maps a table name to a frame, an iterable of frames or a Parquet Path; the base
    snapshot's other tables are carried forward. ``extra_files`` maps a relative path to bytes
    or to a Path whose file is copied (a large raw upload is never read into memory).
    """

    tables: Mapping[str, TableSource]
    as_of: dt.date | None = None
    source: dict | None = None
    extra_files: Mapping[str, bytes | Path] = field(default_factory=dict)
    prefix: str = ""
    snapshot_id: str | None = None
    # table -> key ranges outside which its rows are the base's (supply/data/delta.py)
    touched: Mapping[str, list] = field(default_factory=dict)


@dataclass
class Staged:
    """A snapshot directory written in full except for its manifest and its final name."""

    directory: Path
    entries: dict[str, dict]
    rollups: dict[str, dict]


def stage(
    scratch: Path,
    tables: Mapping[str, TableSource],
    extra_files: Mapping[str, bytes | Path] | None = None,
    parent_dir: Path | None = None,
    touched: Mapping[str, list] | None = None,
) -> Staged:
    """Write tables, layout, rollups and extra files into ``scratch/snapshot``; no lock needed.

    ``touched`` (table -> key ranges, supply/data/delta.py) is recorded in the table's entry
    with the sha256 of the parent's table it was written from, for the history diff."""
    unknown = [t for t in tables if t not in schema.TABLES]
    if unknown:
        raise SnapshotError(f"unknown table(s) {unknown}; known: {list(schema.TABLES)}")
    out = scratch / "snapshot"
    out.mkdir()
    entries: dict[str, dict] = {}
    for name, src in tables.items():
        file = f"{name}.parquet"
        dst = out / file
        if isinstance(src, Path):
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            rows = pq.ParquetFile(dst).metadata.num_rows
        elif isinstance(src, pl.DataFrame):
            rows = write_parquet_chunks(dst, name, [src])
        else:
            rows = write_parquet_chunks(dst, name, src)
        files.fsync_file(dst)
        entries[name] = {
            "file": file,
            "rows": rows,
            "sha256": files.sha256_file(dst),
            "bytes": dst.stat().st_size,
        }
        remember(dst, entries[name]["sha256"], entries[name])
    parent_tables = load_manifest(parent_dir)["tables"] if touched and parent_dir is not None else {}
    for name, ranges in (touched or {}).items():
        recorded = delta.entry(name, (parent_tables.get(name) or {}).get("sha256"), ranges)
        if name in entries and recorded is not None:
            entries[name]["delta"] = recorded
    # Issue 12: tables sorted in small row groups, then the rollups (supply/data/rollups.py).
    rollup_entries = rollups.finish(out, entries, parent_dir)
    for rel, payload in (extra_files or {}).items():
        target = (out / rel).resolve()
        if out.resolve() not in target.parents:
            raise SnapshotError(f"extra file {rel!r} escapes the snapshot directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(payload, Path):
            shutil.copyfile(payload, target)  # in blocks: a large raw upload is never held in memory
        else:
            target.write_bytes(payload)
        files.fsync_file(target)
    return Staged(out, entries, rollup_entries)


def publish(staged: Staged, root: Path, snapshot_id: str, seq: int, **manifest_fields) -> Path:
    """Write the manifest last and rename the staged directory to ``root/snapshot_id`` (lock held)."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    created_at = manifest_fields.pop("created_at", None) or now
    source = manifest_fields.pop("source", None) or {}
    manifest = {
        "snapshot_id": snapshot_id,
        "seq": seq,
        "created_at": created_at,
        "schema_version": schema.SCHEMA_VERSION,
        "source": {"created_at": created_at, **source},
        "tables": staged.entries,
        "rollups": staged.rollups,
        **manifest_fields,
    }
    manifest_tmp = staged.directory / (MANIFEST + ".part")
    manifest_tmp.write_bytes(seal(manifest))
    files.fsync_file(manifest_tmp)
    os.rename(manifest_tmp, staged.directory / MANIFEST)
    files.fsync_dir(staged.directory)
    final = root / snapshot_id
    os.rename(staged.directory, final)
    files.fsync_dir(root)
    files.fsync_dir(staged.directory.parent)
    return final
