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

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from supply.data import schema
from supply.data.store import Snapshot, SnapshotExists, Store
from supply.i18n import CATALOGUE, t
from supply.ingest.checks import ERROR_SCHEMA, Base, check_batch, duplicate_errors, empty_errors, row_hash
from supply.ingest.merge import duplicate_keys, merge
from supply.ingest.parse import parse_column
from supply.ingest.read import IngestError, RaggedRows, ReadResult, iter_csv_path, read_upload  # noqa: F401
from supply.ingest.spec import ROLE_TABLES, SPECS, norm_header, required

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
MAPPINGS_FILE = "ingest_mappings.json"
Progress = Callable[[float, str], None]

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
]


# -- column mapping ----------------------------------------------------------------------


def suggest_mapping(table: str, headers: list[str], remembered: dict | None = None) -> dict[str, str | None]:
    """Target column -> source header (or None), matched in Chinese and English.

    A remembered mapping wins where its header is present; then headers equal to a known
    variant (after removing case, width, spaces and units in brackets); then headers that
    contain a variant of two or more characters, the longest variant first.
    """
    specs = SPECS[table]
    found = {h: norm_header(h) for h in headers}
    out: dict[str, str | None] = dict.fromkeys(specs)
    used: set[str] = set()
    for target, header in (remembered or {}).items():
        if target in out and header in found and header not in used:
            out[target], _ = header, used.add(header)
    for target, spec in specs.items():
        if out[target]:
            continue
        variants = {norm_header(a) for a in spec.aliases} | {norm_header(target)}
        for h, n in found.items():
            if h not in used and n in variants:
                out[target], _ = h, used.add(h)
                break
    for target, spec in specs.items():
        if out[target]:
            continue
        variants = sorted(
            (norm_header(a) for a in spec.aliases if len(norm_header(a)) >= 2), key=len, reverse=True
        )
        for v in variants:
            hit = next((h for h, n in found.items() if h not in used and v in n), None)
            if hit:
                out[target], _ = hit, used.add(hit)
                break
    return out


def parse_defaults(table: str, values: dict[str, str]) -> dict:
    """The user's explicit values for columns a file lacks, parsed like cells of those columns."""
    specs = SPECS[table]
    out = {}
    for column, text in values.items():
        if column not in specs:
            raise IngestError("unknown_column", column=column, table=table, columns=", ".join(specs))
        if text is None or (isinstance(text, str) and not text.strip()):
            continue
        if not isinstance(text, str):
            out[column] = text
            continue
        values_, errs = parse_column(pl.Series([text], dtype=pl.String), specs[column].kind, column)
        if errs[0] is not None:
            raise IngestError(
                "bad_default",
                column=column,
                value=text,
                reason=t(f"ingest.reason.{errs[0]}", "en", detail=""),
            )
        out[column] = values_.to_list()[0]
    return out


def _fingerprint(table: str, headers: list[str]) -> str:
    """Identifies a source by its table and the set of its headers (the same export each time)."""
    text = table + "|" + "|".join(sorted(norm_header(h) for h in headers))
    return f"{table}:{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def _mappings_path(store: Store | str | os.PathLike) -> Path:
    root = store.data_dir if isinstance(store, Store) else Path(store)
    return root / MAPPINGS_FILE


def remembered_mapping(store: Store | str | os.PathLike, table: str, headers: list[str]) -> dict | None:
    """The mapping last confirmed for a source with these headers, or None."""
    path = _mappings_path(store)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = saved.get(_fingerprint(table, headers))
    return dict(entry["mapping"]) if entry else None


def remember_mapping(
    store: Store | str | os.PathLike, table: str, headers: list[str], mapping: dict, crs: str | None = None
) -> None:
    """Save a confirmed mapping for this source (JSON in the data directory, written atomically)."""
    path = _mappings_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _flock(path.with_name(".ingest_mappings.lock")):
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        saved[_fingerprint(table, headers)] = {
            "table": table,
            "headers": list(headers),
            "mapping": {k: v for k, v in mapping.items() if v},
            "crs": crs,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


# -- validation --------------------------------------------------------------------------


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


# -- commit ------------------------------------------------------------------------------


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ingest_lock(store: Store):
    """Serialises ingest commits of one data directory (read newest -> merge -> write)."""
    return _flock(store.root / ".ingest.lock")


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.lstrip(".")
    return re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", base)[:120] or "upload"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(
    store: Store,
    v: Validation,
    base: Snapshot | None,
    source_name: str,
    source_bytes: bytes | Path,
    progress: Progress | None,
) -> Snapshot:
    """Merge the valid rows into ``base`` by key and write the new snapshot (lock held)."""
    table = v.table
    staging = Path(tempfile.mkdtemp(prefix=".ingest-", dir=store.data_dir))
    try:
        if progress:
            progress(0.2, t("ingest.progress.merging", "en"))
        if v.staged is None:  # small uploads: stage the valid rows so one merge serves both
            (staging / "rows").mkdir()
            v.valid.select("_row", *schema.TABLES[table]).write_parquet(staging / "rows" / "part-0.parquet")
            staged_glob = str(staging / "rows" / "*.parquet")
        else:
            staged_glob = str(v.staged / "part-*.parquet")
        merged_path = staging / f"{table}.parquet"
        base_path = base.table_path(table) if base and table in base.tables else None
        merge(base_path, staged_glob, sorted(v.bad_rows), table, merged_path, staging)
        # a file on disk is read only now, after the merge, so the two never share memory
        if isinstance(source_bytes, Path):
            sha, size = _file_sha256(source_bytes), source_bytes.stat().st_size
        else:
            sha, size = hashlib.sha256(source_bytes).hexdigest(), len(source_bytes)
        name = _safe_name(source_name)
        rows_new = v.rows_new
        source = {
            "kind": "upload",
            "table": table,
            "file": source_name,
            "sha256": sha,
            "bytes": size,
            "raw": f"uploads/{name}",
            "rows_in": v.rows_in,
            "rows_committed": v.rows_ok,
            "rows_left_out": v.rows_bad,
            "rows_new": rows_new,
            "rows_updated": v.rows_ok - rows_new,
            "crs": v.crs,
            "mapping": v.mapping,
            "defaults": _jsonable(v.defaults),
            "as_of": v.as_of.isoformat(),
            "validated_against": v.base_snapshot_id,
            "by": {
                "role": getattr(v.viewer, "role", "admin"),
                "factory_id": getattr(v.viewer, "factory_id", None),
                "cluster_id": getattr(v.viewer, "cluster_id", None),
                "user": getattr(v.viewer, "user", "cli"),
            },
        }
        replay_info = {
            k: source[k] for k in ("table", "file", "sha256", "crs", "mapping", "defaults", "as_of")
        }
        raw = source_bytes.read_bytes() if isinstance(source_bytes, Path) else source_bytes
        extra = {
            f"uploads/{name}": raw,
            "uploads/ingest.json": json.dumps(replay_info, ensure_ascii=False, indent=1).encode("utf-8"),
        }
        as_of = max(v.as_of, base.as_of) if base else v.as_of
        if progress:
            progress(0.7, t("ingest.progress.writing", "en"))
        for attempt in range(3):
            sid = store.new_id(as_of, prefix="upload")
            try:
                snap = store.derive(
                    base, {table: merged_path}, as_of=as_of, source=source, snapshot_id=sid, extra_files=extra
                )
                break
            except SnapshotExists:
                if attempt == 2:
                    raise
        if progress:
            progress(1.0, t("ingest.progress.done", "en", sid=snap.snapshot_id))
        return snap
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _jsonable(d: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in (d or {}).items()}


def commit(
    store: Store,
    table: str,
    validation: Validation,
    *,
    base_snapshot: Snapshot | None,
    source_name: str,
    source_bytes: bytes,
    allow_partial: bool = False,
    progress: Progress | None = None,
) -> Snapshot:
    """Write the valid rows as a new snapshot, merged by key into the newest snapshot.

    Refuses (IngestError) when no row is valid, or when some rows have errors and
    ``allow_partial`` is False. If another upload landed since ``validate`` ran, the
    upload is checked again against the newest snapshot inside the commit lock; it is
    refused if that finds new errors, so nothing is merged on stale checks.
    """
    if validation.table != table:
        raise IngestError("table_mismatch", table=table, checked=validation.table)
    if validation.rows_ok == 0:
        raise IngestError("nothing_valid", bad=validation.rows_bad)
    if validation.rows_bad and not allow_partial:
        raise IngestError("has_errors", bad=validation.rows_bad, ok=validation.rows_ok)
    with ingest_lock(store):
        latest = store.latest()
        latest_id = latest.snapshot_id if latest else None
        validated = validation.base_snapshot_id or (base_snapshot.snapshot_id if base_snapshot else None)
        if latest_id != validated:
            if validation.raw is None or validation.staged is not None:
                raise IngestError("base_changed", sid=latest_id)
            fresh = validate(
                table,
                validation.raw,
                validation.mapping,
                base_snapshot=latest,
                crs=validation.crs,
                as_of=validation.as_of,
                defaults=validation.defaults,
                viewer=validation.viewer,
            )
            if fresh.rows_bad > validation.rows_bad:
                raise IngestError("base_changed", sid=latest_id)
            validation = fresh
        return _write(store, validation, latest, source_name, source_bytes, progress)


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

    The whole run holds the ingest lock, so it checks against, and merges into, the
    snapshot that is newest when it starts; a second run waits for the first.
    """
    path = Path(path)
    _check_table_allowed(table, viewer)
    progress = progress or (lambda f, m: None)
    with ingest_lock(store):
        base = store.latest()
        as_of = as_of or default_as_of(base)
        with open(path, "rb") as fh:
            is_zip = fh.read(4) == b"PK\x03\x04"
        if path.suffix.lower() in (".xlsx", ".xlsm") or is_zip:
            read = read_upload(path.name, path, sheet=sheet)
            used = _resolve_mapping(store, table, read.headers, mapping)
            v = validate(
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
        else:
            try:
                v = _validate_csv_batches(
                    store,
                    table,
                    path,
                    mapping,
                    base,
                    crs,
                    as_of,
                    defaults,
                    viewer,
                    progress,
                    batch_rows,
                    fast=True,
                )
            except RaggedRows:  # a row with too many fields: the csv module names it
                v = _validate_csv_batches(
                    store,
                    table,
                    path,
                    mapping,
                    base,
                    crs,
                    as_of,
                    defaults,
                    viewer,
                    progress,
                    batch_rows,
                    fast=False,
                )
        try:
            if v.rows_ok == 0:
                return IngestResult(v, None, IngestError("nothing_valid", bad=v.rows_bad))
            if v.rows_bad and not allow_partial:
                return IngestResult(v, None, IngestError("has_errors", bad=v.rows_bad, ok=v.rows_ok))
            snap = _write(store, v, base, path.name, path, progress)
            if remember:  # a mapping that got data in is worth remembering for this source
                remember_mapping(store, table, _headers_of(v), v.mapping, crs)
            return IngestResult(v, snap)
        finally:
            if v.staged is not None:
                shutil.rmtree(v.staged, ignore_errors=True)


def _headers_of(v: Validation) -> list[str]:
    raw = v.raw
    return list(raw.headers if isinstance(raw, ReadResult) else raw.columns)


def _resolve_mapping(store: Store, table: str, headers: list[str], mapping: dict | None) -> dict:
    """Explicit mapping entries win over the remembered or suggested ones."""
    auto = suggest_mapping(table, headers, remembered_mapping(store, table, headers))
    return {**auto, **(mapping or {})}


def _validate_csv_batches(
    store, table, path, mapping, base, crs, as_of, defaults, viewer, progress, batch_rows, fast=True
) -> Validation:
    scratch = Path(tempfile.mkdtemp(prefix=".ingest-read-", dir=store.data_dir))
    try:
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
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


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
    staged = Path(tempfile.mkdtemp(prefix=".ingest-stage-", dir=store.data_dir))
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
        shutil.rmtree(staged, ignore_errors=True)
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
        shutil.rmtree(staged, ignore_errors=True)
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


def replay(store: Store, snapshot_id: str) -> Validation:
    """Check a snapshot's kept raw upload again, with the same settings, against its parent."""
    snap = store.get(snapshot_id)
    src = snap.manifest.get("source") or {}
    if src.get("kind") != "upload":
        raise IngestError("not_an_upload", sid=snapshot_id)
    info = json.loads((snap.path / "uploads" / "ingest.json").read_text(encoding="utf-8"))
    data = (snap.path / src["raw"]).read_bytes()
    parent = store.get(snap.manifest["parent"]) if snap.manifest.get("parent") else None
    read = read_upload(info["file"], data)
    defaults = info.get("defaults") or {}
    return validate(
        info["table"],
        read,
        info["mapping"],
        base_snapshot=parent,
        crs=info["crs"],
        as_of=dt.date.fromisoformat(info["as_of"]),
        defaults=defaults,
    )
