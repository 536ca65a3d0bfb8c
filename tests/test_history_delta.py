"""The key ranges a writer records with the table it changed (supply/data/delta.py), and the
history diff that uses them instead of reading the files' row groups (issue 12)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from supply.data import calendar, delta
from supply.engine import diff as engine_diff
from supply.engine.db import Viewer
from tests.ingest_helpers import commit_csv, copy_store, move_order

VIEWERS = (
    Viewer("admin"),
    Viewer("association", cluster_id="zhili"),
    Viewer("factory", factory_id="F0000001"),
    Viewer("factory", factory_id="F0000002"),
    Viewer("planner"),
)


def _same_counts_narrowed_and_whole(a, b, table: str) -> pl.DataFrame:
    """The diff's counts of ``table`` with the recorded ranges equal those of the whole comparison."""
    last = None
    for viewer in VIEWERS:
        db = engine_diff.open_pair(a, b, viewer)
        try:
            narrowed = engine_diff.table_changes(db).filter(pl.col("table") == table)
            db.ranges = {}
            whole = engine_diff.table_changes(db).filter(pl.col("table") == table)
        finally:
            db.close()
        assert narrowed.to_dicts() == whole.to_dicts(), viewer
        if viewer.role == "admin":
            last = narrowed
    return last


@pytest.fixture()
def no_row_groups(monkeypatch):
    """Fail if the diff reads the files' row groups: the recorded ranges must answer."""

    def refuse(*args, **kwargs):
        raise AssertionError("differing_ranges was called although the writer recorded its ranges")

    monkeypatch.setattr(engine_diff, "differing_ranges", refuse)


def test_a_capacity_upload_records_its_factories_and_the_diff_uses_them(tiny_data, tmp_path, no_row_groups):
    store = copy_store(tiny_data, tmp_path)
    cap = store.read(store.latest().snapshot_id, "capacity")
    week = dt.date(2026, 7, 6)
    old = cap.filter(
        (pl.col("factory_id") == "F0000001")
        & (pl.col("week_start") == week)
        & (pl.col("category") == "childrens_wear")
    )["capacity_pieces"].item()
    base, up = commit_csv(
        store,
        "capacity",
        [
            ["工厂编号", "周", "品类", "产能"],
            ["F0000001", week.isoformat(), "童装", old + 100],
            ["F0000003", "2027-01-04", "童装", 50],
        ],
    )
    recorded = up.tables["capacity"]["delta"]
    assert recorded["base_sha256"] == base.tables["capacity"]["sha256"] and recorded["column"] == "factory_id"
    assert recorded["ranges"] == [["F0000001", "F0000001", False], ["F0000003", "F0000003", False]]
    assert engine_diff.table_ranges(base, up, "capacity") == [
        ("F0000001", "F0000001", False),
        ("F0000003", "F0000003", False),
    ]
    assert engine_diff.table_ranges(up, base, "capacity") == engine_diff.table_ranges(base, up, "capacity")
    counts = _same_counts_narrowed_and_whole(base, up, "capacity")
    assert (counts["added"].item(), counts["changed"].item(), counts["removed"].item()) == (1, 1, 0)


def test_an_order_moved_to_another_factory_records_both_factories(tiny_data, tmp_path, no_row_groups):
    store = copy_store(tiny_data, tmp_path)
    base, up = move_order(store)
    ranges = engine_diff.table_ranges(base, up, "orders")
    assert ranges == [("F0000001", "F0000001", False), ("F0000002", "F0000002", False)]  # old and new factory
    counts = _same_counts_narrowed_and_whole(base, up, "orders")
    assert counts["changed"].item() == 1 and counts["added"].item() == 0


def test_a_calendar_edit_records_its_one_factory(tiny_data, tmp_path, no_row_groups):
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    own = store.read(base.snapshot_id, "capacity").filter(pl.col("factory_id") == "F0000002")
    row = own.filter(pl.col("week_start") > base.as_of).sort("week_start", "category").row(0, named=True)
    edits = pl.DataFrame(
        {
            "week_start": [row["week_start"]],
            "category": [row["category"]],
            "capacity_pieces": [row["capacity_pieces"] + 7],
        }
    )
    result = calendar.save_capacity(store, "F0000002", edits, "wang", "en")
    assert result.errors == [] and result.changed == 1
    assert engine_diff.table_ranges(base, result.snapshot, "capacity") == [("F0000002", "F0000002", False)]
    counts = _same_counts_narrowed_and_whole(base, result.snapshot, "capacity")
    assert counts["changed"].item() == 1


def test_ranges_are_used_only_against_the_exact_base_file(tiny_data, tmp_path):
    """Two edits on: the second edit's delta is relative to the first edit's file, not the demo's."""
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    snaps = [base]
    for fid in ("F0000002", "F0000004"):
        row = (
            store.read(base.snapshot_id, "capacity")
            .filter((pl.col("factory_id") == fid) & (pl.col("week_start") > base.as_of))
            .sort("week_start", "category")
            .row(0, named=True)
        )
        edits = pl.DataFrame(
            {
                "week_start": [row["week_start"]],
                "category": [row["category"]],
                "capacity_pieces": [row["capacity_pieces"] + 3],
            }
        )
        snaps.append(calendar.save_capacity(store, fid, edits, "wang", "en").snapshot)
    a, c = snaps[0].tables["capacity"], snaps[2].tables["capacity"]
    assert delta.recorded_ranges(a, c, "capacity") is None  # two steps apart: the files decide
    assert delta.recorded_ranges(snaps[1].tables["capacity"], c, "capacity") == [
        ("F0000004", "F0000004", False)
    ]
    counts = _same_counts_narrowed_and_whole(snaps[0], snaps[2], "capacity")
    assert counts["changed"].item() == 2


def test_ranges_of_many_values_and_bad_ranges():
    values = [f"F{i:04d}" for i in range(1000)] + [None]
    ranges = delta.ranges_of(reversed(values))
    assert len(ranges) <= delta.MAX_RANGES + 1 and ranges[-1] == (None, None, True)
    assert all(any(lo <= v <= hi for lo, hi, _ in ranges[:-1]) for v in values[:-1])
    assert [r[0] for r in ranges[:-1]] == sorted(r[0] for r in ranges[:-1])
    with pytest.raises(ValueError, match="not a range"):
        delta.entry("capacity", "abc", [("F2", "F1", False)])
    assert delta.entry("factories", "abc", [("F1", "F1", False)]) is None  # no range column
    assert delta.entry("capacity", None, [("F1", "F1", False)]) is None  # no base table
