"""An upload's rollups are built outside the writer lock (issue 16): a calendar edit lands meanwhile.

Before, the lock was held while the new snapshot's rollups were built (about ten minutes at
scale 500), so every other writer waited that long. Here the upload's rollup build is held
open until a calendar edit has been committed; the upload then rebuilds on the edited
snapshot, and both changes are in the newest one.
"""

from __future__ import annotations

import threading

import polars as pl

from supply.data import calendar, staging
from tests.ingest_helpers import copy_store, csv_bytes


def test_a_calendar_edit_lands_while_an_upload_builds_its_rollups(tiny_data, tmp_path, monkeypatch):
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    cap = store.read(base.snapshot_id, "capacity")
    future = cap.filter(pl.col("week_start") >= calendar.first_editable_week(base.as_of))
    edit_row = future.filter(pl.col("factory_id") == "F0000001").row(0, named=True)
    other = future.filter(pl.col("factory_id") != "F0000001").row(0, named=True)
    path = tmp_path / "capacity.csv"
    header = ["factory_id", "week_start", "category", "capacity_pieces", "booked_pieces"]
    row = [other[c] for c in header]
    row[3] = other["booked_pieces"] + 4321
    path.write_bytes(csv_bytes([header, row]))

    staging_started, edit_done, edit_result, holds = threading.Event(), threading.Event(), {}, []
    finish = staging.rollups.finish

    def slow_finish(directory, entries, parent_dir=None):
        if threading.current_thread().name == "upload" and not holds:
            staging_started.set()
            holds.append(edit_done.wait(120))  # the upload's rollups take "minutes" ...
        return finish(directory, entries, parent_dir)

    monkeypatch.setattr(staging.rollups, "finish", slow_finish)

    def edit():
        edits = pl.DataFrame(
            {
                "week_start": [edit_row["week_start"]],
                "category": [edit_row["category"]],
                "capacity_pieces": [edit_row["booked_pieces"] + 1234],
            }
        )
        try:
            edit_result["r"] = calendar.save_capacity(store, "F0000001", edits, "wang", "en", timeout=20)
        finally:
            edit_done.set()

    def upload():
        from supply.ingest.pipeline import ingest_file

        edit_result["upload"] = ingest_file(store, "capacity", path)

    up = threading.Thread(target=upload, name="upload")
    up.start()
    assert staging_started.wait(120), "the upload never built its rollups"
    edit()  # ... and meanwhile the edit comes, and must not wait for the lock
    up.join(300)
    assert holds == [True], "the edit waited for the upload's rollups (the lock was held)"
    assert edit_result["r"].errors == [] and edit_result["r"].snapshot is not None
    result = edit_result["upload"]
    assert (
        result.snapshot is not None
        and result.snapshot.manifest["parent"] == edit_result["r"].snapshot.snapshot_id
    )
    final = store.read(store.latest().snapshot_id, "capacity")

    def pieces(r):
        keys = (pl.col("factory_id") == r["factory_id"]) & (pl.col("week_start") == r["week_start"])
        return final.filter(keys & (pl.col("category") == r["category"]))["capacity_pieces"].to_list()

    assert pieces(edit_row) == [edit_row["booked_pieces"] + 1234]  # the edit is kept
    assert pieces(other) == [other["booked_pieces"] + 4321]  # and the upload landed on top of it
