"""Row-level checks of one batch of an upload: parse, fill, check ranges, keys and scope.

``check_batch`` turns an all-String batch into typed rows of the target table plus a
frame of row-level errors (row, column, value, reason, detail). Reasons are codes that
``supply/i18n/ingest.py`` explains in Chinese and English (``ingest.reason.<code>``).
Duplicate keys across the whole upload are found afterwards by ``duplicate_errors``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from supply.data import schema
from supply.data.store import Snapshot
from supply.ingest.checks_place import cluster_and_category, coordinates
from supply.ingest.parse import parse_column
from supply.ingest.spec import SPECS
from supply.maps import geo

ERROR_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
    "detail": pl.String,
}
# Values for columns an upload leaves empty, for rows that are new (existing rows keep theirs).
NEW_ROW_DEFAULTS = {
    "capacity": {"booked_pieces": 0},
    "orders": {"channel": "direct", "status": "open"},
    "factories": {"association_member": False, "pooled_planning": False, "certifications": []},
    "clusters": {"source": "upload"},
}


def empty_errors() -> pl.DataFrame:
    """An error frame with no rows."""
    return pl.DataFrame(schema=ERROR_SCHEMA)


@dataclass
class Base:
    """What the checks need from the snapshot an upload goes into (None: an empty store)."""

    snapshot: Snapshot | None
    factories: pl.DataFrame = field(init=False)
    schools: pl.DataFrame = field(init=False)
    clusters: pl.DataFrame = field(init=False)

    def __post_init__(self):
        self.factories = self._read("factories", ["factory_id", "cluster_id", "association_member", "adcode"])
        self.schools = self._read("schools", ["school_id", "adcode"])
        self.clusters = self._read("clusters", ["cluster_id", "adcodes", "main_category"])

    def _read(self, table: str, cols: list[str]) -> pl.DataFrame:
        return self.lazy(table).select(cols).collect()

    def lazy(self, table: str) -> pl.LazyFrame:
        """The base table as a lazy scan (an empty frame when it is absent)."""
        if self.snapshot is not None and table in self.snapshot.tables:
            return pl.scan_parquet(self.snapshot.table_path(table))
        return schema.empty(table).lazy()

    def county_cluster(self) -> dict[str, str | None]:
        """County adcode -> cluster id (None when two clusters claim the county)."""
        out: dict[str, str | None] = {}
        for cid, codes in zip(self.clusters["cluster_id"].to_list(), self.clusters["adcodes"].to_list()):
            for code in codes or []:
                out[code] = None if code in out and out[code] != cid else cid
        return out


@dataclass
class Batch:
    """One batch being checked: typed columns, raw text and the errors found so far."""

    table: str
    raw: pl.DataFrame  # the mapped source columns, as text, plus _row
    mapping: dict[str, str | None]
    frame: pl.DataFrame = None  # typed target columns + _row
    errors: list[pl.DataFrame] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def header(self, target: str) -> str:
        """The file's header for a target column (the target's name when it is not mapped)."""
        return self.mapping.get(target) or target

    def add(self, mask, target: str, reason: str, detail=None, value=None) -> None:
        """Record an error for every row where ``mask`` is true."""
        mask = pl.Series(mask).fill_null(False)
        if not mask.any():
            return
        rows = self.frame["_row"].filter(mask)
        if value is None:
            src = self.mapping.get(target)
            value = self.raw[src] if src and src in self.raw.columns else self.frame[target].cast(pl.String)
        value = pl.Series(value).cast(pl.String).filter(mask)
        if isinstance(detail, pl.Series):
            detail = detail.cast(pl.String).filter(mask)
        else:
            detail = pl.Series([detail] * len(rows), dtype=pl.String)
        self.errors.append(
            pl.DataFrame(
                {
                    "row": rows,
                    "column": [self.header(target)] * len(rows),
                    "value": value,
                    "reason": [reason] * len(rows),
                    "detail": detail,
                },
                schema=ERROR_SCHEMA,
            )
        )

    def note(self, key: str, n: int) -> None:
        """Count something worth telling the user (e.g. rows whose cluster came from the county)."""
        if n:
            self.notes[key] = self.notes.get(key, 0) + int(n)


def _parse(batch: Batch) -> None:
    """Cast every mapped column; record parse errors."""
    specs = SPECS[batch.table]
    cols = {"_row": batch.raw["_row"]}
    parse_errors = []
    for target, spec in specs.items():
        dtype = schema.TABLES[batch.table][target]
        src = batch.mapping.get(target)
        if src is None or src not in batch.raw.columns:
            cols[target] = pl.Series(target, [None] * batch.raw.height, dtype=dtype)
            continue
        values, errs = parse_column(batch.raw[src], spec.kind, target)
        if schema.value_range(batch.table, target):  # before the cast to a narrower type
            below, above = schema.range_masks(batch.table, target, values)
            errs = errs.set(below & errs.is_null(), "below_min").set(above & errs.is_null(), "above_max")
        cols[target] = values.cast(dtype, strict=False).alias(target)
        parse_errors.append((target, errs))
    for target, dtype in schema.TABLES[batch.table].items():  # columns no upload sets (coord_source)
        if target not in cols:
            cols[target] = pl.Series(target, [None] * batch.raw.height, dtype=dtype)
    batch.frame = pl.DataFrame(cols)
    for target, errs in parse_errors:
        for code in errs.drop_nulls().unique().to_list():
            mask = errs == code
            detail = None
            if code == "not_monday":
                detail = batch.frame[target].dt.truncate("1w").cast(pl.String)
            elif code in ("below_min", "above_max", "not_finite") and schema.value_range(batch.table, target):
                detail = schema.range_text(batch.table, target)
            batch.add(mask, target, code, detail)
    # a value that failed to parse must not be filled from the base or a default later
    failed = {t: e.is_not_null() for t, e in parse_errors}
    batch.frame = batch.frame.with_columns(
        [pl.when(pl.Series(m)).then(None).otherwise(pl.col(t)).alias(t) for t, m in failed.items() if m.any()]
    )
    batch.frame = batch.frame.with_columns(
        _parse_failed=pl.Series(
            np.any([m.to_numpy() for m in failed.values()], axis=0) if failed else [False] * batch.raw.height
        )
    )


def _fill(batch: Batch, base: Base, defaults: dict, as_of: dt.date, crs: str) -> None:
    """Existing rows keep base values in empty cells; new rows get defaults."""
    table, keys = batch.table, list(schema.KEYS[batch.table])
    others = [c for c in schema.TABLES[table] if c not in keys]
    existing = (
        base.lazy(table)
        .select(keys + others)
        .join(batch.frame.lazy().select(keys).unique(), on=keys, how="semi")
        .rename({c: f"_base_{c}" for c in others})
        .with_columns(_exists=pl.lit(True))
        .collect()
    )
    frame = batch.frame.join(existing, on=keys, how="left", maintain_order="left", nulls_equal=False)
    frame = frame.with_columns(_new=pl.col("_exists").is_null()).drop("_exists")
    fill = []
    new_defaults = dict(NEW_ROW_DEFAULTS.get(table, {}))
    if table == "inventory":
        new_defaults["as_of"] = as_of
    if table == "demand":
        new_defaults["collected_at"] = as_of
    for c in others:
        expr = pl.coalesce(pl.col(c), pl.col(f"_base_{c}"))
        if c in defaults and c not in ("cluster_id", "categories"):
            expr = pl.coalesce(expr, pl.lit(defaults[c], dtype=schema.TABLES[table][c]))
        if c in new_defaults:
            expr = (
                pl.when(pl.col("_new") & expr.is_null())
                .then(pl.lit(new_defaults[c], dtype=schema.TABLES[table][c]))
                .otherwise(expr)
            )
        fill.append(expr.alias(c))
    batch.frame = frame.with_columns(fill).drop([f"_base_{c}" for c in others])


def _required_and_ranges(batch: Batch) -> None:
    """Required values present; filled values (defaults, base rows) inside the schema's ranges."""
    frame = batch.frame
    ok = ~frame["_parse_failed"]
    for target, spec in SPECS[batch.table].items():
        col = frame[target]
        if spec.required or target in schema.KEYS[batch.table]:
            batch.add(col.is_null() & ok, target, "required")
        if schema.value_range(batch.table, target):
            below, above = schema.range_masks(batch.table, target, col)
            text = schema.range_text(batch.table, target)
            batch.add(below & ok, target, "below_min", text)
            batch.add(above & ok, target, "above_max", text)


def _foreign_keys(batch: Batch, base: Base, as_of: dt.date) -> None:
    f, table = batch.frame, batch.table
    if table in ("capacity", "orders", "inventory"):
        fid = f["factory_id"]
        batch.add(
            fid.is_not_null() & ~fid.is_in(base.factories["factory_id"].implode()),
            "factory_id",
            "unknown_factory",
        )
    if table == "demand":
        sid = f["school_id"]
        batch.add(
            sid.is_not_null() & ~sid.is_in(base.schools["school_id"].implode()), "school_id", "unknown_school"
        )
        batch.add(
            ~f["size"].is_in(list(schema.SIZES)) & f["size"].is_not_null(),
            "size",
            "unknown_size",
            " ".join(schema.SIZES[:4]) + " … " + schema.SIZES[-1],
        )
        batch.add(f["deadline"] < as_of, "deadline", "deadline_past", as_of.isoformat())
    if table == "capacity":
        batch.add(
            (f["booked_pieces"] > f["capacity_pieces"]) & (f["capacity_pieces"] >= 0),
            "booked_pieces",
            "booked_over_capacity",
            f["capacity_pieces"],
        )
    if table == "orders":
        batch.add(f["due_date"] < f["order_date"], "due_date", "due_before_order", f["order_date"])
    if table == "factories":
        lo = schema.value_range("factories", "established_year")[0]
        batch.add(f["established_year"] > as_of.year, "established_year", "above_max", f"{lo}–{as_of.year}")
    if table == "schools":
        lo = schema.value_range("schools", "grade_min")[0]
        batch.add(
            f["grade_min"] > f["grade_max"],
            "grade_min",
            "above_max",
            f"{lo}–" + f["grade_max"].cast(pl.String),
        )
    if table == "clusters":
        known = set(geo.county_names())
        bad = pl.Series([any(c not in known for c in (v or [])) for v in f["adcodes"]], dtype=pl.Boolean)
        batch.add(bad, "adcodes", "unknown_adcode")


def _scope(batch: Batch, base: Base, viewer) -> None:
    """Rows outside what the uploader may change are errors (DESIGN.md section 6)."""
    if viewer is None or viewer.role == "admin":
        return
    f, table = batch.frame, batch.table
    if viewer.role == "factory":
        batch.add(
            f["factory_id"].is_null() | (f["factory_id"] != viewer.factory_id),
            "factory_id",
            "not_your_factory",
            viewer.factory_id,
        )
        return
    # association: member factories of its cluster, schools in its cities
    members = base.factories.filter(
        (pl.col("cluster_id") == viewer.cluster_id) & pl.col("association_member").fill_null(False)
    )["factory_id"]
    known = base.factories["factory_id"].implode()
    if table in ("capacity", "orders", "inventory"):  # unknown ids are reported once, as unknown
        batch.add(
            f["factory_id"].is_in(known) & ~f["factory_id"].is_in(members.implode()),
            "factory_id",
            "not_member",
            viewer.cluster_id,
        )
    elif table == "factories":
        others = base.factories.filter(pl.col("cluster_id") != viewer.cluster_id)["factory_id"]
        batch.add(
            (f["cluster_id"] != viewer.cluster_id) | f["factory_id"].is_in(others.implode()),
            "cluster_id",
            "other_cluster",
            viewer.cluster_id,
        )
    elif table == "demand":
        codes = base.clusters.filter(pl.col("cluster_id") == viewer.cluster_id)["adcodes"].explode()
        cities = {c[:4] for c in codes.drop_nulls().to_list()}
        local = base.schools.filter(pl.col("adcode").str.slice(0, 4).is_in(list(cities)))["school_id"]
        batch.add(
            f["school_id"].is_not_null() & ~f["school_id"].is_in(local.implode()),
            "school_id",
            "not_your_school",
            viewer.cluster_id,
        )


def check_batch(
    table: str,
    raw: pl.DataFrame,
    mapping: dict,
    base: Base,
    *,
    crs: str,
    as_of: dt.date,
    defaults: dict,
    viewer=None,
) -> Batch:
    """Check one all-String batch (with a ``_row`` column); return it typed, with errors."""
    batch = Batch(table, raw, mapping)
    _parse(batch)
    _fill(batch, base, defaults, as_of, crs)
    _required_and_ranges(batch)
    if table in ("factories", "schools"):
        coordinates(batch, crs)
    if table == "factories":
        cluster_and_category(batch, base, defaults)
    _foreign_keys(batch, base, as_of)
    _scope(batch, base, viewer)
    return batch


def row_hash(raw: pl.DataFrame) -> pl.Series:
    """A hash of each row's mapped text, to find rows that repeat exactly."""
    cols = [c for c in raw.columns if c != "_row"]
    return raw.select(
        pl.concat_str([pl.col(c).fill_null("\x00") for c in cols], separator="\x1f")
        .hash(seed=7)
        .alias("_hash")
    )["_hash"]


def duplicate_errors(keyinfo: pl.DataFrame, table: str, mapping: dict) -> pl.DataFrame:
    """Errors for repeated keys: exact repeats after the first, and every row of a conflicting key."""
    keys = list(schema.KEYS[table])
    if keyinfo.is_empty():
        return empty_errors()
    k = keyinfo.filter(keyinfo.select(keys).is_duplicated())  # cheap: most uploads have none
    if k.is_empty():
        return empty_errors()
    k = k.with_columns(
        _nh=pl.col("_hash").n_unique().over(keys),
        _first=pl.col("_row").min().over(keys),
        _rows=pl.col("_row").sort().head(5).cast(pl.String).str.join(", ").over(keys),
    )
    column = " + ".join(mapping.get(c) or c for c in keys)
    value = pl.concat_str([pl.col(c).cast(pl.String) for c in keys], separator=" / ")
    repeat = k.filter((pl.col("_nh") == 1) & (pl.col("_row") != pl.col("_first"))).select(
        row=pl.col("_row"),
        column=pl.lit(column),
        value=value,
        reason=pl.lit("duplicate_row"),
        detail=pl.col("_first").cast(pl.String),
    )
    conflict = k.filter(pl.col("_nh") > 1).select(
        row=pl.col("_row"),
        column=pl.lit(column),
        value=value,
        reason=pl.lit("duplicate_key"),
        detail=pl.col("_rows"),
    )
    return pl.concat([repeat, conflict]).cast(ERROR_SCHEMA).sort("row")
