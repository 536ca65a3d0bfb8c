"""AppTest of the Data pages: upload -> map -> validate -> commit, and the history diff."""

from __future__ import annotations

import polars as pl

from supply.data.store import Store
from tests.ingest_helpers import csv_bytes
from tests.test_app_smoke import assert_no_exception, open_app

HEADER = ["Factory ID", "Week", "品类", "产能（件）", "booked"]


def frame_with(at, column: str):
    """The first dataframe on the page that has ``column`` (as pandas)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_upload_map_validate_commit(private_app):
    store = private_app
    base = store.latest().snapshot_id
    at = open_app("en", role="admin", page="app_pages/data_upload.py")
    assert_no_exception(at, "upload page")
    at.selectbox(key="upload_table").set_value("capacity").run()
    data = csv_bytes(
        [
            HEADER,
            ["F0000001", "2026-07-06", "童装", 901, 1],
            ["F0000001", "2026-07-13", "童装", 902, 1],
            ["F9999999", "2026-07-13", "童装", 5, 1],
        ],
        "gbk",
    )
    at.file_uploader(key="upload_file").upload("capacity.csv", data, "text/csv").run()
    assert_no_exception(at, "after upload")
    assert any("gb18030" in c.value for c in at.caption)
    mapped = {s.key: s.value for s in at.selectbox if s.key and s.key.startswith("upload_map_")}
    assert [v for k, v in mapped.items() if "capacity_pieces" in k] == ["产能（件）"]
    assert [v for k, v in mapped.items() if "booked_pieces" in k] == ["booked"]
    at.button(key="upload_validate").click().run()
    assert_no_exception(at, "after validate")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Rows read": "3", "Valid rows": "2", "Rows with errors": "1"}
    errors = frame_with(at, "Reason")  # headers in the page's language, like the error CSV
    assert errors["Row"].tolist() == [4] and "Unknown factory" in errors["Reason"].iloc[0]
    assert at.button(key="upload_commit").disabled  # errors, and partial not ticked
    at.checkbox(key="upload_allow_partial").check().run()
    assert not at.button(key="upload_commit").disabled
    at.button(key="upload_commit").click().run()
    assert_no_exception(at, "after commit")
    new = Store(store.data_dir).latest()
    assert new.snapshot_id != base and new.manifest["source"]["rows_left_out"] == 1
    from ui.snapshots import label as snapshot_label

    assert any(snapshot_label(new, "en") in s.value for s in at.success)  # named by time, source, user
    assert at.session_state["snapshot"] == new.snapshot_id  # the sidebar shows the new snapshot
    cap = Store(store.data_dir).read(new.snapshot_id, "capacity").filter(pl.col("factory_id") == "F0000001")
    assert 901 in cap["capacity_pieces"].to_list() and 902 in cap["capacity_pieces"].to_list()
    # the confirmed mapping is remembered for the next file with the same headers
    assert (store.data_dir / "ingest_mappings.json").is_file()

    hist = open_app("en", role="admin", page="app_pages/history.py")
    assert_no_exception(hist, "history")
    listed = frame_with(hist, "Snapshot id")
    assert listed["Snapshot id"].iloc[0] == new.snapshot_id
    changes = frame_with(hist, "Unchanged").set_index("Table")
    assert changes.loc["Weekly capacity", "Changed"] == 2


def test_bad_file_shows_a_clear_error_and_factory_owner_sees_only_own_tables(private_app):
    at = open_app("zh", role="factory", page="app_pages/data_upload.py", factory="F0000001")
    assert_no_exception(at, "factory upload page")
    assert at.selectbox(key="upload_table").options == ["周产能", "订单"]
    at.file_uploader(key="upload_file").upload("empty.csv", b"", "text/csv").run()
    assert [e.value for e in at.error] == ["文件是空的：没有表头，也没有数据。"]
