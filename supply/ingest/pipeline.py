"""Uploads become new snapshots: read, map columns, validate row by row, commit by key.

The public path, used by the Data page and by ``python -m supply ingest``::

    read = read_upload("members.xlsx", data)             # text only, encoding reported
    mapping = suggest_mapping("factories", read.headers, remembered_mapping(store, "factories", read.headers))
    check = validate("factories", read, mapping, base_snapshot=store.latest(), crs="gcj02")
    check.errors                                          # row, column, value, reason, detail
    snap = commit(store, "factories", check, base_snapshot=store.latest(),
                  source_name="members.xlsx", source_bytes=data)

Nothing is ever lost: a commit writes a new snapshot through ``Store.derive`` (the
previous one stays as it was), merges the upload by key into the newest snapshot
(insert or update; cells the upload leaves empty keep their committed values), records
the file's name and sha256 in the manifest, and keeps the raw upload under
``uploads/`` beside the tables so it can be replayed. Commits are serialised by a lock,
so two uploads at the same moment both land, one after the other. Large CSV files go
through ``ingest_file``, which reads, checks and merges in batches (bounded memory).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from supply.data import files, schema
from supply.data.store import Snapshot, Store
from supply.i18n import t
from supply.ingest.checks import ERROR_SCHEMA
from supply.ingest.commit import commit, ingest_lock, refusal, replay, write_checked
from supply.ingest.mapping import (
    MAPPINGS_FILE,
    _resolve_mapping,
    parse_defaults,
    remember_mapping,
    remembered_mapping,
    suggest_mapping,
)
from supply.ingest.read import IngestError, RaggedRows, ReadResult, iter_csv_path
from supply.ingest.validation import (
    CRS_CHOICES,
    Progress,
    Validation,
    _check_table_allowed,
    _Checker,
    _missing,
    default_as_of,
    explain,
    validate,
)
from supply.ingest.worker import read_upload  # the Data page: large uploads parsed in a worker (issue 16)

__all__ = [
    "IngestError",
    "ReadResult",
    "Validation",
    "read_upload",
    "suggest_mapping",
    "validate",
    "commit",
    "ingest_file",
    "explain",
    "parse_defaults",
    "default_as_of",
    "remembered_mapping",
    "remember_mapping",
    "replay",
    "CRS_CHOICES",
    "MAPPINGS_FILE",
    "ingest_lock",
]


# -- large files ---------------------------------------------------------------------------


@dataclass
class IngestResult:
    """What ``ingest_file`` did: the validation and the new snapshot (None if nothing was committed)."""

    validation: Validation
    snapshot: Snapshot | None
    refused: IngestError | None = None


def ingest_file(
    store: Store,
    table: str,
    path: str | os.PathLike,
    *,
    mapping: dict | None = None,
    crs: str = "wgs84",
    as_of: dt.date | None = None,
    defaults: dict | None = None,
    allow_partial: bool = False,
    viewer=None,
    progress: Progress | None = None,
    batch_rows: int = 100_000,
    sheet: str | None = None,
    remember: bool = True,
) -> IngestResult:
    """Read, check and commit one file; CSV is processed in batches so memory stays bounded.

    The file is checked against the newest snapshot without holding the writer lock, and the
    new snapshot (merge, layout, rollups) is built without it too (``write_checked``); if
    another writer landed meanwhile, the file is checked again against the new newest
    snapshot and merged into that, so the lock is held only for the publishing rename.
    """
    path = Path(path)
    _check_table_allowed(table, viewer)
    progress = progress or (lambda f, m: None)
    base = store.latest()
    as_of = as_of or default_as_of(base)
    args = (store, table, path, mapping, crs, as_of, defaults, viewer, progress, batch_rows, sheet)
    v = _check_file(*args, base)
    try:
        refused = refusal(v, allow_partial)
        if refused:
            return IngestResult(v, None, refused)
        try:
            snap = write_checked(
                store,
                v,
                path.name,
                path,
                allow_partial=allow_partial,
                recheck=lambda latest: _check_file(*args, latest),
                strict=False,
                progress=progress,
            )
        except IngestError as exc:
            if exc.code in ("nothing_valid", "has_errors"):  # the re-check against a newer base refused it
                return IngestResult(v, None, exc)
            raise
        if remember:  # a mapping that got data in is worth remembering for this source
            remember_mapping(store, table, _headers_of(v), v.mapping, crs)
        return IngestResult(v, snap)
    finally:
        _drop_staged(v)


def _drop_staged(v: Validation) -> None:
    if v.staged is not None:
        files.drop_scratch(v.staged)


def _check_file(
    store, table, path, mapping, crs, as_of, defaults, viewer, progress, batch_rows, sheet, base
) -> Validation:
    """Check one file against ``base``: workbooks whole, CSV in batches staged to Parquet."""
    with open(path, "rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if path.suffix.lower() in (".xlsx", ".xlsm") or is_zip:
        read = read_upload(path.name, path, sheet=sheet)
        used = _resolve_mapping(store, table, read.headers, mapping)
        return validate(
            table,
            read,
            used,
            base_snapshot=base,
            crs=crs,
            as_of=as_of,
            defaults=defaults,
            viewer=viewer,
            progress=progress,
        )
    csv_args = (store, table, path, mapping, base, crs, as_of, defaults, viewer, progress, batch_rows)
    try:
        return _validate_csv_batches(*csv_args, fast=True)
    except RaggedRows:  # a row with too many fields: the csv module names it
        return _validate_csv_batches(*csv_args, fast=False)


def _headers_of(v: Validation) -> list[str]:
    raw = v.raw
    return list(raw.headers if isinstance(raw, ReadResult) else raw.columns)


def _validate_csv_batches(
    store, table, path, mapping, base, crs, as_of, defaults, viewer, progress, batch_rows, fast=True
) -> Validation:
    with files.scratch_dir(store.data_dir, "ingest-read") as scratch:
        header, batches = iter_csv_path(path, batch_rows, fast=fast, scratch=scratch)
        return _check_csv_batches(
            store,
            table,
            header,
            batches,
            mapping,
            base,
            crs,
            as_of,
            defaults,
            viewer,
            progress,
            max(path.stat().st_size, 1),
        )


def _check_csv_batches(
    store, table, header, batches, mapping, base, crs, as_of, defaults, viewer, progress, size
) -> Validation:
    used = _resolve_mapping(store, table, header.headers, mapping)
    checker = _Checker(table, used, base, crs, as_of, defaults, viewer)
    missing = _missing(table, header.frame, checker.mapping, checker.defaults, header.first_row - 1)
    base_id = base.snapshot_id if base else None
    if not missing.is_empty():
        return Validation(
            table,
            schema.empty(table),
            missing,
            0,
            0,
            0,
            checker.mapping,
            crs,
            as_of,
            base_id,
            checker.defaults,
            {},
            header.warnings,
            viewer,
            header,
        )
    staged = files.new_scratch(store.data_dir, "ingest-stage")
    checker.key_dir = staged / "keys"
    checker.key_dir.mkdir()
    n_ok = 0
    try:
        for i, part in enumerate(batches):
            typed = checker.batch(part.frame, part.first_row, part.row_errors)
            good = typed.filter(~pl.col("_bad")).select("_row", *schema.TABLES[table], "_new")
            good.write_parquet(staged / f"part-{i:05d}.parquet", compression="lz4")
            n_ok += good.height
            progress(
                min(0.9 * part.bytes_read / size, 0.9), t("ingest.progress.rows", "en", rows=checker.rows_in)
            )
        errors, bad = checker.finish()
    except BaseException:
        files.drop_scratch(staged)
        raise
    if checker.rows_in == 0:
        errors = pl.concat(
            [
                errors,
                pl.DataFrame(
                    [
                        {
                            "row": header.first_row - 1,
                            "column": "",
                            "value": "",
                            "reason": "no_rows",
                            "detail": "",
                        }
                    ],
                    schema=ERROR_SCHEMA,
                ),
            ]
        )
    dup_bad = set(errors.filter(pl.col("reason").is_in(["duplicate_row", "duplicate_key"]))["row"].to_list())
    preview = pl.read_parquet(next(staged.glob("part-*.parquet"))).head(1000) if n_ok else schema.empty(table)
    if not n_ok:
        files.drop_scratch(staged)
    notes = dict(checker.notes)
    if checker.blank:
        notes["blank_rows"] = checker.blank
    ok = n_ok - len(dup_bad)
    return Validation(
        table,
        preview,
        errors,
        checker.rows_in,
        ok,
        len(bad),
        checker.mapping,
        crs,
        as_of,
        base_id,
        checker.defaults,
        notes,
        header.warnings,
        viewer,
        header,
        staged if n_ok else None,
        bad_rows=dup_bad,
    )
