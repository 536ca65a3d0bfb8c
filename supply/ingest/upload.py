"""The Data page's upload path: the server process holds neither the file nor its rows (issue 16).

1. ``new_upload_dir`` and ``save``: the uploaded file object is copied to disk in 1 MB blocks
   into a private scratch directory of the data directory, owned by the server process (so
   ``Store.clean_tmp`` removes it once that process is gone); the page then drops the upload.
2. ``inspect``: headers, sheets, encoding, row count and a 20-row preview, read in a worker.
3. ``check``: the whole file read, parsed and validated in a worker against the newest
   snapshot; valid rows are staged as Parquet beside the file, all error rows too. The
   server gets a small ``Checked``: counts, notes, the first ``ERROR_ROWS`` error rows and
   a preview of ``PREVIEW_ROWS`` valid rows.
4. ``commit``: in a worker, the staged rows merged into the newest snapshot (checked again
   against it when another writer landed since, ``commit.write_checked``).

Every step runs in a child process under the worker's limits (``SUPPLY_INGEST_SECONDS``,
``SUPPLY_INGEST_MB``, see ``worker``); past one, the child is killed and a named IngestError
says which limit. CSV files are read in batches, so a worker's memory stays bounded too.
"""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import polars as pl

from supply.data import files, schema
from supply.ingest import worker
from supply.ingest.read import RaggedRows, ReadResult, file_kind, iter_csv_path, read_upload

PREVIEW_ROWS = 200  # valid rows the page shows
HEAD_ROWS = 20  # rows of the file the page shows before mapping
ERROR_ROWS = 5_000  # error rows the page receives (all of them stay on disk in errors.parquet)
STALE_HOURS = 12.0  # a session's upload left this long is removed by the next upload
_KIND = "ingest-upload"
_MADE: set[Path] = set()  # upload directories this process made and has not dropped


@dataclass
class Inspected:
    """What the page shows of a file before the columns are mapped."""

    headers: list[str]
    rows: int
    encoding: str | None
    sheet: str | None
    sheets: list[str]
    warnings: list[str]
    head: pl.DataFrame


@dataclass
class Checked:
    """The page's view of a validation: counts, notes and the first rows; the rest stays on disk."""

    table: str
    rows_in: int
    rows_ok: int
    rows_bad: int
    rows_new: int
    errors: pl.DataFrame  # the first ERROR_ROWS error rows (row, column, value, reason, detail)
    errors_total: int
    valid: pl.DataFrame  # the first PREVIEW_ROWS valid rows, the table's columns
    notes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    base_snapshot_id: str | None = None
    check_dir: Path | None = None

    @property
    def rows_updated(self) -> int:
        """Valid rows that replace a row of the base snapshot."""
        return self.rows_ok - self.rows_new


def new_upload_dir(data_dir: Path) -> Path:
    """A private directory for one upload, owned by this process; this process's stale ones go."""
    for old in list(_MADE):
        try:
            stale = time.time() - old.stat().st_mtime > STALE_HOURS * 3600
        except FileNotFoundError:
            stale = True
        if stale:  # a session that ended with its upload unused
            drop(old)
    path = files.new_scratch(Path(data_dir), _KIND)
    _MADE.add(path)
    return path


def drop(directory: Path | None) -> None:
    """Remove an upload's directory (the file, staged rows and errors)."""
    if directory is not None:
        _MADE.discard(Path(directory))
        files.drop_scratch(Path(directory))


def save(src: BinaryIO, directory: Path, filename: str) -> Path:
    """Copy an uploaded file object into ``directory`` in blocks; the file keeps only its suffix."""
    suffix = "".join(c for c in Path(filename.replace("\\", "/")).suffix.lower() if c.isalnum() or c == ".")
    return worker.save_upload(src, Path(directory), "upload" + suffix[:8])


# -- in the worker ---------------------------------------------------------------------------


def _inspect_here(filename: str, path: Path, sheet: str | None) -> Inspected:
    with open(path, "rb") as fh:
        kind = file_kind(filename, fh.read(8))
    if kind == "xlsx":
        read = read_upload(filename, path, sheet=sheet)
        return Inspected(
            read.headers,
            read.frame.height,
            None,
            read.sheet,
            read.sheets,
            read.warnings,
            read.frame.head(HEAD_ROWS),
        )
    for fast in (True, False):
        try:
            with files.scratch_dir(path.parent, "scratch-read") as scratch:
                header, batches = iter_csv_path(path, 100_000, fast=fast, scratch=scratch)
                head, rows = None, 0
                for part in batches:
                    head = part.frame.head(HEAD_ROWS) if head is None else head
                    rows += part.frame.height
                head = header.frame if head is None else head
                return Inspected(header.headers, rows, header.encoding, None, [], header.warnings, head)
        except RaggedRows:
            continue
    raise AssertionError("unreachable: the csv module reads every file")  # pragma: no cover


def _check_here(store, table: str, path: Path, options: dict, progress=None) -> Checked:
    from supply.ingest.pipeline import _check_file

    out = path.parent / "check"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    base = store.latest()
    opts = dict(options)
    as_of = opts.get("as_of") or dt.date.today()
    args = (store, table, path, opts.get("mapping"), opts.get("crs", "wgs84"), as_of, opts.get("defaults"))
    args += (opts.get("viewer"), progress or (lambda f, m: None), 100_000, opts.get("sheet"))
    v = _check_file(*args, base)
    rows = out / "rows"
    rows.mkdir()
    if v.staged is not None:  # CSV: batches staged by the check; moved here, beside the file
        for part in sorted(v.staged.glob("part-*.parquet")):
            part.rename(rows / part.name)
        files.drop_scratch(v.staged)
    elif v.rows_ok:
        v.valid.select("_row", *schema.TABLES[table], "_new").write_parquet(rows / "part-00000.parquet")
    v.staged = rows if v.rows_ok else None
    v.errors.write_parquet(out / "errors.parquet")
    preview = v.valid.head(PREVIEW_ROWS)
    checked = Checked(
        table,
        v.rows_in,
        v.rows_ok,
        v.rows_bad,
        v.rows_new if v.rows_ok else 0,
        v.errors.head(ERROR_ROWS),
        v.errors.height,
        preview.select([c for c in schema.TABLES[table] if c in preview.columns]),
        dict(v.notes),
        list(v.warnings),
        v.base_snapshot_id,
        out,
    )
    v.valid, v.errors, v.raw = preview, v.errors.head(0), None  # what a commit needs, no more
    (out / "check.pkl").write_bytes(pickle.dumps({"validation": v, "options": opts}))
    return checked


def _commit_here(store, table: str, path: Path, source_name: str, allow_partial: bool, progress=None):
    from supply.ingest.commit import write_checked
    from supply.ingest.mapping import remember_mapping
    from supply.ingest.pipeline import _check_file, _headers_of

    saved = pickle.loads((path.parent / "check" / "check.pkl").read_bytes())  # written by _check_here
    v, opts = saved["validation"], saved["options"]
    if v.table != table:
        from supply.ingest.files import IngestError

        raise IngestError("table_mismatch", table=table, checked=v.table)
    args = (store, table, path, v.mapping, v.crs, v.as_of, v.defaults, v.viewer)
    args += (progress or (lambda f, m: None), 100_000, opts.get("sheet"))
    snap = write_checked(
        store,
        v,
        source_name,
        path,
        allow_partial=allow_partial,
        recheck=lambda latest: _check_file(*args, latest),
        progress=progress,
    )
    headers = _headers_of(v) if isinstance(v.raw, ReadResult) else list(opts.get("headers") or [])
    if headers:
        remember_mapping(store, table, headers, v.mapping, v.crs)
    return snap


# -- called by the page: each step in a worker process ---------------------------------------


def inspect(filename: str, path: Path, sheet: str | None = None) -> Inspected:
    """Headers, row count and the first rows of a saved upload (read in a worker)."""
    return worker.run("supply.ingest.upload:_inspect_here", filename, Path(path), sheet)


def check(store, table: str, path: Path, *, progress=None, **options) -> Checked:
    """Validate a saved upload in a worker against the newest snapshot; rows stay on disk.

    ``options``: mapping, crs, as_of, defaults, viewer, sheet, headers (to remember the mapping).
    """
    return worker.run(
        "supply.ingest.upload:_check_here", store, table, Path(path), options, progress=progress
    )


def commit(store, table: str, path: Path, source_name: str, *, allow_partial: bool = False, progress=None):
    """Commit a checked upload as a new snapshot, in a worker; returns the Snapshot."""
    return worker.run(
        "supply.ingest.upload:_commit_here",
        store,
        table,
        Path(path),
        source_name,
        allow_partial,
        progress=progress,
    )


def all_errors(checked: Checked) -> pl.DataFrame:
    """Every error row of a check, read from disk (for a download; bounded by the file's rows)."""
    if checked.check_dir is None or not (checked.check_dir / "errors.parquet").is_file():
        return checked.errors
    return pl.read_parquet(checked.check_dir / "errors.parquet")
