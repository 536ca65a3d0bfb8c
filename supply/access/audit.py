"""The export log: who exported what, when, from which snapshot, how many rows.

One JSON object per line in ``<data dir>/audit/exports.jsonl``. The file is only ever
appended to (O_APPEND, one write per record, under an exclusive lock, fsynced), never
rewritten. Only administrators may read it (``read_exports``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

import polars as pl

from supply.data.config import data_dir as resolve_data_dir
from supply.engine.db import Viewer

LOG_FILE = Path("audit") / "exports.jsonl"
COLUMNS = {
    "at": pl.String,
    "user": pl.String,
    "role": pl.String,
    "factory_id": pl.String,
    "cluster_id": pl.String,
    "report": pl.String,
    "format": pl.String,
    "snapshot_id": pl.String,
    "rows": pl.Int64,
    "file_name": pl.String,
}


def log_path(data_dir: str | os.PathLike | None = None) -> Path:
    """Where the export log of a data directory is."""
    return resolve_data_dir(data_dir) / LOG_FILE


def log_export(
    data_dir: str | os.PathLike | None,
    viewer: Viewer,
    *,
    report: str,
    fmt: str,
    snapshot_id: str,
    rows: int,
    file_name: str,
    now: dt.datetime | None = None,
) -> dict:
    """Append one export record and return it."""
    record = {
        "at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "user": viewer.user,
        "role": viewer.role,
        "factory_id": viewer.factory_id,
        "cluster_id": viewer.cluster_id,
        "report": report,
        "format": fmt,
        "snapshot_id": snapshot_id,
        "rows": int(rows),
        "file_name": file_name,
    }
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    return record


def read_exports(data_dir: str | os.PathLike | None, viewer: Viewer) -> pl.DataFrame:
    """The export log, newest first; administrators only (PermissionError otherwise).

    A line that is not valid JSON (a torn write after a crash) is skipped, not fatal.
    """
    if viewer.role != "admin":
        raise PermissionError("only administrators can read the export log")
    path = log_path(data_dir)
    records = []
    if path.is_file():
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if isinstance(rec, dict):
                records.append({k: rec.get(k) for k in COLUMNS})
    frame = pl.DataFrame(records, schema=COLUMNS, strict=False)
    return frame.sort("at", descending=True, nulls_last=True)
