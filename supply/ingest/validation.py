"""Validation of an upload: typed valid rows and row-level errors, checked batch by batch.

``validate`` checks a whole read upload against the table's rules and a base snapshot;
``_Checker`` is the batch-by-batch engine that ``ingest_file`` also uses for large CSV
files (keys of every batch are gathered for the duplicate check at the end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from supply.data import schema
from supply.data.store import Snapshot
from supply.i18n import CATALOGUE, t
from supply.ingest.checks import ERROR_SCHEMA, Base, check_batch, duplicate_errors, empty_errors, row_hash
from supply.ingest.merge import duplicate_keys
from supply.ingest.read import IngestError, ReadResult
from supply.ingest.spec import ROLE_TABLES, SPECS, required

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
Progress = Callable[[float, str], None]


@dataclass
class Validation:
    """The result of checking an upload: typed valid rows, row-level errors and counts."""

    table: str
    valid: pl.DataFrame
    errors: pl.DataFrame
    rows_in: int
    rows_ok: int
    rows_bad: int
    mapping: dict
    crs: str
    as_of: dt.date
    base_snapshot_id: str | None
    defaults: dict = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    viewer: object = None
    raw: object = field(default=None, repr=False)  # kept to re-check if the base moves on
    staged: Path | None = None  # large uploads: valid rows in Parquet parts, not in memory
    bad_rows: set = field(default_factory=set, repr=False)

    @property
    def rows_new(self) -> int:
        """Valid rows whose key is not in the base snapshot (inserts)."""
        return int(self._lazy().select(pl.col("_new").sum()).collect().item() or 0)

    @property
    def rows_updated(self) -> int:
        """Valid rows that replace a row of the base snapshot (updates)."""
        return self.rows_ok - self.rows_new

    def _lazy(self) -> pl.LazyFrame:
        if self.staged is None:
            return self.valid.lazy()
        lf = pl.scan_parquet(str(self.staged / "part-*.parquet"))
        if self.bad_rows:
            lf = lf.filter(~pl.col("_row").is_in(sorted(self.bad_rows)))
        return lf

    def valid_lazy(self) -> pl.LazyFrame:
        """The valid rows with exactly the table's schema, lazily."""
        return self._lazy().select([pl.col(c).cast(d) for c, d in schema.TABLES[self.table].items()])

    def summary(self, lang: str = "zh") -> str:
        """One sentence: rows read, valid, with errors."""
        return t("ingest.summary", lang, rows_in=self.rows_in, ok=self.rows_ok, bad=self.rows_bad)


def explain(errors: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """The error frame with each reason code written out in ``lang`` (row, column, value, reason)."""
    if errors.is_empty():
        return pl.DataFrame(
            schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
        )
    pairs = errors.select("reason", "detail").unique()
    text = {(r, d): t(f"ingest.reason.{r}", lang, detail=d or "") for r, d in pairs.iter_rows()}
    reason = [text[(r, d)] for r, d in zip(errors["reason"], errors["detail"])]
    # columns the file does not have (derived or missing) are named by their label
    column = [t(f"upload.col.{c}", lang) if f"upload.col.{c}" in CATALOGUE else c for c in errors["column"]]
    return (
        errors.select("row", "value")
        .with_columns(column=pl.Series(column, dtype=pl.String), reason=pl.Series(reason, dtype=pl.String))
        .select("row", "column", "value", "reason")
    )


def default_as_of(base: Snapshot | None) -> dt.date:
    """The data date an upload gets unless told otherwise: today, or for the synthetic
    demo (dated in the past on purpose) the demo's own date, so its weeks still line up."""
    if base is not None and base.synthetic:
        return base.as_of
    return max(dt.date.today(), base.as_of) if base else dt.date.today()


def _raw_parts(raw) -> tuple[pl.DataFrame, int, list, list[str]]:
    """(frame, first row number, reader row errors, warnings) from a ReadResult or a frame."""
    if isinstance(raw, ReadResult):
        return raw.frame, raw.first_row, raw.row_errors, list(raw.warnings)
    return raw, 2, [], []


def _check_table_allowed(table: str, viewer) -> None:
    if table not in schema.TABLES:
        raise IngestError("unknown_table", table=table, tables=", ".join(SPECS))
    role = getattr(viewer, "role", "admin")
    if table not in ROLE_TABLES.get(role, ()):
        raise IngestError("table_not_allowed", table=table, role=role)


def _missing(table: str, frame: pl.DataFrame, mapping: dict, defaults: dict, header_row: int) -> pl.DataFrame:
    """Header-row errors for required columns that are neither mapped nor given a default."""
    headers = "、".join(frame.columns)
    rows = []
    for target in required(table):
        src = mapping.get(target)
        if (src is None or src not in frame.columns) and target not in defaults:
            rows.append(
                {
                    "row": header_row,
                    "column": target,
                    "value": src or "",
                    "reason": "missing_column",
                    "detail": headers,
                }
            )
    return pl.DataFrame(rows, schema=ERROR_SCHEMA) if rows else empty_errors()


def _reader_errors(row_errors: list) -> pl.DataFrame:
    if not row_errors:
        return empty_errors()
    return pl.DataFrame(
        [{"row": r, "column": "", "value": v, "reason": c, "detail": d} for r, c, v, d in row_errors],
        schema=ERROR_SCHEMA,
    )


class _Checker:
    """Checks an upload batch by batch and gathers keys for the duplicate check at the end."""

    def __init__(
        self, table, mapping, base_snapshot, crs, as_of, defaults, viewer, key_dir: Path | None = None
    ):
        if crs not in CRS_CHOICES:
            raise IngestError("bad_crs", crs=crs, choices=", ".join(CRS_CHOICES))
        self.table, self.crs, self.as_of, self.viewer = table, crs, as_of, viewer
        self.mapping = {k: v for k, v in mapping.items() if k in SPECS[table]}
        self.defaults = dict(defaults or {})
        self.base = Base(base_snapshot)
        self.errors: list[pl.DataFrame] = []
        self.keyinfo: list[pl.DataFrame] = []
        self.notes: dict[str, int] = {}
        self.rows_in = 0
        self.blank = 0
        self.key_dir = key_dir  # large uploads: each batch's keys go to Parquet here, not memory

    def batch(self, frame: pl.DataFrame, first_row: int, row_errors: list) -> pl.DataFrame:
        """Check one batch; return its typed rows (with _row, _new and _bad)."""
        keys = list(schema.KEYS[self.table])
        mapped = [h for h in dict.fromkeys(self.mapping.values()) if h and h in frame.columns]
        raw = frame.select(mapped).with_columns(
            _row=pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64)
        )
        broken = {r for r, *_ in row_errors}
        if broken:
            raw = raw.filter(~pl.col("_row").is_in(sorted(broken)))
        self.errors.append(_reader_errors(row_errors))
        blank = raw.select(
            pl.all_horizontal([pl.col(h).is_null() | (pl.col(h).str.strip_chars() == "") for h in mapped])
            if mapped
            else pl.lit(True)
        )
        blank = blank.to_series()
        self.blank += int(blank.sum())
        raw = raw.filter(~blank)
        self.rows_in += raw.height + len(broken)
        b = check_batch(
            self.table,
            raw,
            self.mapping,
            self.base,
            crs=self.crs,
            as_of=self.as_of,
            defaults=self.defaults,
            viewer=self.viewer,
        )
        errs = pl.concat(b.errors) if b.errors else empty_errors()
        self.errors.append(errs)
        for k, v in b.notes.items():
            self.notes[k] = self.notes.get(k, 0) + v
        typed = b.frame.with_columns(_bad=pl.col("_row").is_in(errs["row"].unique().implode()))
        keyinfo = typed.select("_row", *keys).with_columns(_hash=row_hash(raw)).drop_nulls(keys)
        if self.key_dir is None:
            self.keyinfo.append(keyinfo)
        else:
            keyinfo.write_parquet(self.key_dir / f"keys-{len(list(self.key_dir.iterdir())):05d}.parquet")
        return typed

    def finish(self) -> tuple[pl.DataFrame, set]:
        """All errors (duplicates included), sorted by row, and the rows that have any."""
        if self.key_dir is not None and any(self.key_dir.iterdir()):
            keyinfo = duplicate_keys(str(self.key_dir / "keys-*.parquet"), self.table, self.key_dir)
        else:
            keyinfo = pl.concat(self.keyinfo, rechunk=False) if self.keyinfo else pl.DataFrame()
        self.keyinfo = []
        dups = duplicate_errors(keyinfo, self.table, self.mapping) if keyinfo.height else empty_errors()
        errors = pl.concat([*self.errors, dups]).sort("row", maintain_order=True)
        return errors, set(errors["row"].drop_nulls().to_list())


def validate(
    table: str,
    raw_frame,
    mapping: dict,
    *,
    base_snapshot: Snapshot | None = None,
    crs: str = "wgs84",
    as_of: dt.date | None = None,
    defaults: dict | None = None,
    viewer=None,
    progress: Progress | None = None,
) -> Validation:
    """Check an upload against the table's rules and the base snapshot.

    ``raw_frame`` is a ReadResult (row numbers then follow the file) or an all-String
    frame (its row 0 is file row 2). ``defaults`` are the user's explicit values for
    columns the file lacks (e.g. ``{"cluster_id": "zhili"}``). ``viewer`` limits rows to
    what that role may change; None means an administrator (the command line).
    """
    as_of = as_of or dt.date.today()
    _check_table_allowed(table, viewer)
    frame, first_row, row_errors, warnings = _raw_parts(raw_frame)
    checker = _Checker(table, mapping, base_snapshot, crs, as_of, defaults, viewer)
    base_id = base_snapshot.snapshot_id if base_snapshot else None
    missing = _missing(table, frame, checker.mapping, checker.defaults, first_row - 1)
    if progress:
        progress(0.1, t("ingest.progress.checking", "en", rows=frame.height))
    if not missing.is_empty() or frame.height == 0:
        if frame.height == 0:
            missing = pl.concat(
                [
                    missing,
                    pl.DataFrame(
                        [
                            {
                                "row": first_row - 1,
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
        return Validation(
            table,
            schema.empty(table),
            missing,
            frame.height,
            0,
            frame.height,
            checker.mapping,
            crs,
            as_of,
            base_id,
            checker.defaults,
            {},
            warnings,
            viewer,
            raw_frame,
        )
    typed = checker.batch(frame, first_row, row_errors)
    errors, bad = checker.finish()
    valid = typed.filter(~pl.col("_row").is_in(sorted(bad))).drop("_bad", "_parse_failed")
    valid = valid.select("_row", *schema.TABLES[table], "_new")
    if progress:
        progress(1.0, t("ingest.progress.checked", "en", rows=frame.height))
    notes = dict(checker.notes)
    if checker.blank:
        notes["blank_rows"] = checker.blank
    rows_bad = len(bad - {first_row - 1})
    return Validation(
        table,
        valid,
        errors,
        checker.rows_in,
        valid.height,
        rows_bad,
        checker.mapping,
        crs,
        as_of,
        base_id,
        checker.defaults,
        notes,
        warnings,
        viewer,
        raw_frame,
    )
