"""The Data page never parses or checks an upload in the server process (issue 16, finding 6).

The AppTest script runs in the test process, as the page runs in the Streamlit server; the
readers and checkers are made to fail in this process, so the page can only work if every
step runs in a worker. The upload must leave Streamlit's uploaded-file manager at once.
"""

from __future__ import annotations

from supply.data.store import Store
from supply.ingest import files as ingest_files
from tests.ingest_helpers import csv_bytes
from tests.test_app_smoke import assert_no_exception, open_app

HEADER = ["Factory ID", "Week", "品类", "产能（件）", "booked"]
ROWS = [HEADER, ["F0000001", "2026-07-06", "童装", 903, 1], ["F9999999", "2026-07-13", "童装", 5, 1]]


def _forbid_in_process(monkeypatch):
    """Reading, checking and merging raise in this process (a worker is a fresh process)."""

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was read or checked in the server process")

    import supply.ingest.commit as commit
    import supply.ingest.pipeline as pipeline
    import supply.ingest.read as read
    import supply.ingest.read_csv as read_csv
    import supply.ingest.validation as validation

    for module, name in [
        (read, "read_upload"),
        (read_csv, "read_csv_bytes"),
        (read_csv, "iter_csv_path"),
        (pipeline, "_check_file"),
        (pipeline, "validate"),
        (validation, "validate"),
        (commit, "write_checked"),
    ]:
        monkeypatch.setattr(module, name, refuse)


def test_upload_goes_to_disk_leaves_streamlit_memory_and_is_checked_in_a_worker(private_app, monkeypatch):
    store = private_app
    _forbid_in_process(monkeypatch)
    at = open_app("en", role="admin", page="app_pages/data_upload.py")
    at.selectbox(key="upload_table").set_value("capacity").run()
    at.file_uploader(key="upload_file").upload("capacity.csv", csv_bytes(ROWS), "text/csv").run()
    assert_no_exception(at, "after upload")
    assert at.session_state["upload_held_bytes"] == 0  # Streamlit's UploadedFileManager let go of it
    assert at.session_state["upload_gen"] == 1  # the uploader's key was rotated: no widget holds it
    assert not [u for u in at.get("file_uploader") if u.key == "upload_file"]
    saved = at.session_state["upload_saved"]
    assert saved["path"].read_bytes() == csv_bytes(ROWS) and saved["dir"].parent == store.data_dir
    assert at.session_state["upload_inspected"][1].rows == 2  # counted in the worker

    at.button(key="upload_validate").click().run()
    assert_no_exception(at, "after validate")
    assert {m.label: m.value for m in at.metric} == {
        "Rows read": "2",
        "Valid rows": "1",
        "Rows with errors": "1",
    }
    at.checkbox(key="upload_allow_partial").check().run()
    at.button(key="upload_commit").click().run()
    assert_no_exception(at, "after commit")
    new = Store(store.data_dir).latest()
    assert new.manifest["source"]["rows_left_out"] == 1 and new.manifest["source"]["file"] == "capacity.csv"
    assert (new.path / new.manifest["source"]["raw"]).read_bytes() == csv_bytes(ROWS)
    assert not saved["dir"].exists()  # the upload's directory went with the commit


def test_a_worker_past_its_time_limit_gives_a_named_error_on_the_page(private_app, monkeypatch):
    monkeypatch.setenv("SUPPLY_INGEST_SECONDS", "0.05")  # less than a worker takes to start
    at = open_app("en", role="admin", page="app_pages/data_upload.py")
    at.file_uploader(key="upload_file").upload("capacity.csv", csv_bytes(ROWS), "text/csv").run()
    expected = ingest_files.IngestError("worker_timeout", seconds="0.05").message("en")
    assert [e.value for e in at.error] == [expected]
    assert not at.exception
