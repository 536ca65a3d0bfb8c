"""The factory owner's page logic (DESIGN.md section 5.6): capacity edits and display tables.

``save_capacity`` applies an owner's edits of future weeks to the newest snapshot and
writes a new snapshot in which only the capacity table changes (``Store.derive``). Edits
are checked row by row; every problem names the row, the column and the fix. Nothing here
imports streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import math
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from supply.i18n import label, t
from supply.data.store import Snapshot, Store

# A weekly capacity above this is almost surely a typing slip (extra digits). The largest
# demo factory makes a few tens of thousands of pieces a week.
MAX_WEEKLY_PIECES = 5_000_000
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
            errors.append(t("my_factory.err_too_large", lang, value=value, limit=f"{MAX_WEEKLY_PIECES:,}", **where))
        elif value < booked[(week, cat)]:
            errors.append(t("my_factory.err_below_booked", lang, value=value, booked=booked[(week, cat)], **where))
    return errors


@contextlib.contextmanager
def edit_lock(store: Store) -> Iterator[None]:
    """Serialise read-modify-write edits of the newest snapshot (not Store.lock, which derive takes)."""
    store.root.mkdir(parents=True, exist_ok=True)
    with open(store.root / ".edit.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def save_capacity(store: Store, factory_id: str, edits: pl.DataFrame, user: str, lang: str) -> SaveResult:
    """Apply one factory's capacity edits to the newest snapshot and write a new snapshot.

    Parameters
    ----------
    store : the snapshot store.
    factory_id : the factory whose rows change; no other factory's row is touched.
    edits : columns week_start, category, capacity_pieces (only future weeks may change).
    user : who saves (recorded in the manifest's source).
    lang : language of the error messages.

    Returns
    -------
    SaveResult with the new snapshot, or with errors and no snapshot.

    Example
    -------
    >>> save_capacity(store, "F0000001", edited, "wang", "en").changed  # doctest: +SKIP
    3
    """
    with edit_lock(store):
        base = store.latest()
        if base is None:
            return SaveResult(None, 0, [t("app.no_snapshot", lang)])
        capacity = store.read(base.snapshot_id, "capacity")
        own = capacity.filter(pl.col("factory_id") == factory_id)
        edits = edits.select(*KEY, "capacity_pieces")
        errors = check_edits(edits, own, base.as_of, lang)
        if errors:
            return SaveResult(None, 0, errors)
        new_values = (edits.with_columns(pl.col("capacity_pieces").map_elements(_as_int, return_dtype=pl.Int64)
                                         .alias("new_capacity"))
                      .select(*KEY, "new_capacity")
                      .join(own.select(*KEY, "capacity_pieces"), on=list(KEY))
                      .filter(pl.col("new_capacity") != pl.col("capacity_pieces"))
                      .select(*KEY, "new_capacity", factory_id=pl.lit(factory_id)))
        if new_values.height == 0:
            return SaveResult(None, 0, [])
        updated = (capacity.join(new_values, on=["factory_id", *KEY], how="left", maintain_order="left")
                   .with_columns(pl.coalesce("new_capacity", "capacity_pieces").alias("capacity_pieces"))
                   .select(capacity.columns))
        snap = store.derive(base, {"capacity": updated}, as_of=base.as_of, source={
            "kind": "capacity_edit", "user": user, "factory_id": factory_id,
            "rows_changed": new_values.height, "based_on": base.snapshot_id})
        return SaveResult(snap, new_values.height, [])
