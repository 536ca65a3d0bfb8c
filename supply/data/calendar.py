"""The factory owner's page logic (DESIGN.md section 5.6): capacity edits and display tables.

``save_capacity`` applies an owner's edits of future weeks to the newest snapshot and writes
a new snapshot in which only the capacity table changes (``Store.change``: built outside the
writer lock, published under it only if its base is still the newest, else built again). An edit made on a snapshot that is no longer the
newest is checked again, and refused where a row it edits changed in between. Edits
are checked row by row; every problem names the row, the column and the fix. Nothing here
imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import polars as pl

from supply.data import schema
from supply.data.files import LockTimeout
from supply.data.layout import ROW_GROUP_ROWS
from supply.data.layout import _literal as sql_literal  # a path as an SQL string literal
from supply.data.store import Change, Snapshot, SnapshotError, Store
from supply.i18n import label, t

# A weekly capacity above this is almost surely a typing slip (extra digits). The largest
# demo factory makes a few tens of thousands of pieces a week.
MAX_WEEKLY_PIECES = schema.value_range("capacity", "capacity_pieces")[1]  # the ingest range too (issue 16)
KEY = ("week_start", "category")
# Coded columns shown as labels in the chosen language: column -> label kind.
_CODED = {"category": "category", "status": "status", "channel": "channel", "garment": "garment"}


def first_editable_week(as_of: dt.date) -> dt.date:
    """The first week an owner may still change: the Monday after the snapshot's date."""
    return as_of + dt.timedelta(days=7 - as_of.weekday())


def editable_rows(calendar: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The rows of a capacity calendar that lie in future weeks."""
    return calendar.filter(pl.col("week_start") >= first_editable_week(as_of))


def display(frame: pl.DataFrame, lang: str, prefix: str = "my_factory.col.") -> pl.DataFrame:
    """Codes replaced by labels and columns renamed to ``<prefix><column>`` in the language."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if name in _CODED and dtype == pl.String:
            kind = _CODED[name]
            col = col.map_elements(lambda c, k=kind: label(k, c, lang), return_dtype=pl.String)
        exprs.append(col.alias(t(prefix + name, lang)))
    return frame.select(exprs)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the new snapshot (None when nothing was written), rows changed, errors."""

    snapshot: Snapshot | None
    changed: int
    errors: list[str]


def _as_int(value) -> int | None:
    """An editor cell as a whole number, or None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else None
    text = str(value).strip().replace(",", "")
    return int(text) if text.lstrip("-").isdigit() else None


def check_edits(edits: pl.DataFrame, current: pl.DataFrame, as_of: dt.date, lang: str) -> list[str]:
    """Problems with edited rows (week_start, category, capacity_pieces) against the current rows.

    ``current`` is the factory's calendar in the snapshot the edits apply to (with
    booked_pieces). Row numbers count from 1 in the order of ``edits``.
    """
    booked = {(r["week_start"], r["category"]): r["booked_pieces"] for r in current.iter_rows(named=True)}
    first = first_editable_week(as_of)
    errors = []
    for i, row in enumerate(edits.iter_rows(named=True), start=1):
        week, cat = row["week_start"], row["category"]
        where = {"row": i, "week": str(week), "category": label("category", cat, lang)}
        if (week, cat) not in booked:
            errors.append(t("my_factory.err_unknown_row", lang, **where))
            continue
        if week < first:
            errors.append(t("my_factory.err_not_future", lang, **where))
            continue
        value = _as_int(row["capacity_pieces"])
        shown = "—" if row["capacity_pieces"] is None else str(row["capacity_pieces"])[:40]
        if value is None:
            errors.append(t("my_factory.err_not_number", lang, value=shown, **where))
        elif value < 0:
            errors.append(t("my_factory.err_negative", lang, value=value, **where))
        elif value > MAX_WEEKLY_PIECES:
            errors.append(
                t("my_factory.err_too_large", lang, value=value, limit=f"{MAX_WEEKLY_PIECES:,}", **where)
            )
        elif value < booked[(week, cat)]:
            errors.append(
                t("my_factory.err_below_booked", lang, value=value, booked=booked[(week, cat)], **where)
            )
    return errors


def _own_rows(snap: Snapshot, factory_id: str) -> pl.DataFrame:
    """One factory's capacity rows of a snapshot, read from its row groups only (not the whole table)."""
    if "capacity" not in snap.tables:
        return schema.empty("capacity")
    return pl.scan_parquet(snap.table_path("capacity")).filter(pl.col("factory_id") == factory_id).collect()


def _rewrite(path, factory_id: str, new_values: pl.DataFrame, out, scratch) -> None:
    """Copy the capacity file with this factory's edited rows changed, streamed by DuckDB.

    A projection in file order: every other row stays where it was, so the file keeps its
    layout (sorted, the same row groups) and memory stays small at any scale."""
    whens, params = [], {"fid": factory_id}
    for i, row in enumerate(new_values.iter_rows(named=True)):
        whens.append(f"when week_start = cast($w{i} as date) and category = $c{i} then cast($v{i} as bigint)")
        params |= {f"w{i}": row["week_start"], f"c{i}": row["category"], f"v{i}": row["new_capacity"]}
    con = duckdb.connect(":memory:")
    try:
        con.execute("set memory_limit = '256MB'")
        con.execute("set temp_directory = $t", {"t": str(scratch)})
        con.execute(
            f"copy (select * replace (case when factory_id = $fid then (case {' '.join(whens)} "
            f"else capacity_pieces end) else capacity_pieces end as capacity_pieces) "
            f"from read_parquet({sql_literal(str(path))})) to {sql_literal(str(out))} "
            f"(format parquet, compression zstd, row_group_size {ROW_GROUP_ROWS})",
            params,
        )
    finally:
        con.close()


def edit_lock(store: Store):
    """The store's one writer lock (the old name of the calendar's lock, kept for callers)."""
    return store.lock()


def _changed_since(
    store: Store, seen: Snapshot, own: pl.DataFrame, edits: pl.DataFrame, lang: str
) -> list[str]:
    """Edited rows whose capacity or booked pieces differ between ``seen`` and ``own`` (the newest)."""
    before = _own_rows(seen, own["factory_id"][0])
    cols = ["capacity_pieces", "booked_pieces"]
    joined = (
        edits.select(*KEY)
        .join(before.select(*KEY, *cols), on=list(KEY), how="left")
        .join(own.select(*KEY, *cols), on=list(KEY), how="left", suffix="_now")
    )
    out = []
    for i, row in enumerate(joined.iter_rows(named=True), start=1):
        for col in cols:
            if row[col] != row[f"{col}_now"]:
                out.append(
                    t(
                        "my_factory.err_changed",
                        lang,
                        row=i,
                        week=str(row["week_start"]),
                        category=label("category", row["category"], lang),
                        column=t(f"my_factory.col.{col}", lang),
                        old=row[col],
                        new=row[f"{col}_now"],
                    )
                )
    return out


def save_capacity(
    store: Store,
    factory_id: str,
    edits: pl.DataFrame,
    user: str,
    lang: str,
    *,
    based_on: str | None = None,
    timeout: float | None = 120,
) -> SaveResult:
    """Apply one factory's capacity edits to the newest snapshot and write a new snapshot.

    Parameters
    ----------
    store : the snapshot store.
    factory_id : the factory whose rows change; no other factory's row is touched.
    edits : columns week_start, category, capacity_pieces (only future weeks may change).
    user : who saves (recorded in the manifest's source).
    lang : language of the error messages.
    based_on : the snapshot the owner saw when editing. If another writer landed since, the
        edits are checked again against the newest snapshot, and refused (naming each row
        and value that changed) when a row they edit was changed meanwhile.
    timeout : seconds to wait for another writer (then ``files.LockTimeout``).

    Returns
    -------
    SaveResult with the new snapshot, or with errors and no snapshot.

    Example
    -------
    >>> save_capacity(store, "F0000001", edited, "wang", "en").changed  # doctest: +SKIP
    3
    """
    try:
        return _save(store, factory_id, edits, user, lang, based_on, timeout)
    except LockTimeout:
        return SaveResult(None, 0, [t("my_factory.err_busy", lang)])


def _save(store, factory_id, edits, user, lang, based_on, timeout) -> SaveResult:
    """Build the edited snapshot outside the writer lock; publish it if its base is still the newest."""
    edits = edits.select(*KEY, "capacity_pieces")
    outcome: dict = {}

    def build(base, scratch):  # base = the newest snapshot; runs again if another writer lands first
        outcome.clear()
        if base is None:
            outcome["errors"] = [t("app.no_snapshot", lang)]
            return None
        own = _own_rows(base, factory_id)
        errors = check_edits(edits, own, base.as_of, lang)
        if not errors and based_on is not None and based_on != base.snapshot_id and own.height:
            try:
                errors = _changed_since(store, store.get(based_on), own, edits, lang)
            except SnapshotError:  # the snapshot seen was pruned: every edited row is compared anew
                errors = [t("my_factory.err_base_gone", lang, sid=based_on, new=base.snapshot_id)]
        if errors:
            outcome["errors"] = errors
            return None
        new_values = (
            edits.with_columns(
                pl.col("capacity_pieces").map_elements(_as_int, return_dtype=pl.Int64).alias("new_capacity")
            )
            .select(*KEY, "new_capacity")
            .join(own.select(*KEY, "capacity_pieces"), on=list(KEY))
            .filter(pl.col("new_capacity") != pl.col("capacity_pieces"))
            .select(*KEY, "new_capacity", factory_id=pl.lit(factory_id))
        )
        outcome["changed"] = new_values.height
        if new_values.height == 0:
            return None
        updated = scratch / "capacity.parquet"
        _rewrite(base.table_path("capacity"), factory_id, new_values, updated, scratch)
        source = {
            "kind": "capacity_edit",
            "user": user,
            "factory_id": factory_id,
            "rows_changed": new_values.height,
            "based_on": based_on or base.snapshot_id,
            "applied_to": base.snapshot_id,
        }
        # only this factory's rows differ from the base (recorded for the history diff, supply/data/delta.py)
        touched = {"capacity": [(factory_id, factory_id, False)]}
        return Change({"capacity": updated}, as_of=base.as_of, prefix="edit", source=source, touched=touched)

    snap = store.change(build, timeout=timeout)
    if snap is None:
        return SaveResult(None, 0, outcome.get("errors", []))
    return SaveResult(snap, outcome["changed"], [])
