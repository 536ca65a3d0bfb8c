"""Issue 16, the upload path's findings: an identical re-upload changes nothing, an upload named
ingest.json keeps replay working, a quote in the data directory's path, a --data typo."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest

from supply import cli
from supply.data.store import Store
from supply.engine.db import Viewer, connect
from supply.ingest import pipeline as ingest
from tests.ingest_helpers import AS_OF, copy_store, csv_bytes

HEADER = ["工厂编号", "周", "品类", "产能", "已接单"]


def upload(store: Store, name: str, data: bytes):
    """Check and commit one capacity file against the newest snapshot."""
    read = ingest.read_upload(name, data)
    check = ingest.validate(
        "capacity",
        read,
        ingest.suggest_mapping("capacity", read.headers),
        base_snapshot=store.latest(),
        as_of=AS_OF,
    )
    return ingest.commit(
        store, "capacity", check, base_snapshot=store.latest(), source_name=name, source_bytes=data
    )


def test_an_identical_re_upload_is_refused_as_no_change(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    data = csv_bytes([HEADER, ["F0000001", "2026-07-06", "童装", 4321, 0]])
    first = upload(store, "a.csv", data)
    with pytest.raises(ingest.IngestError) as exc:
        upload(store, "a-again.csv", data)  # same rows under another name
    assert exc.value.code == "no_change"
    assert first.snapshot_id in exc.value.message("en") and "nothing would change" in exc.value.message("en")
    assert "没有任何变化" in exc.value.message("zh")
    assert store.latest().snapshot_id == first.snapshot_id
    # a file that changes one figure is taken
    changed = upload(store, "b.csv", csv_bytes([HEADER, ["F0000001", "2026-07-06", "童装", 4322, 0]]))
    assert changed.manifest["parent"] == first.snapshot_id and changed.manifest["source"]["rows_changed"] == 1


def test_an_upload_named_ingest_json_cannot_overwrite_the_replay_file(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    data = csv_bytes([HEADER, ["F0000003", "2026-07-06", "童装", 2468, 0]])
    read = ingest.read_upload(
        "ingest.csv", data
    )  # the reader refuses a .json name; the store must not rely on that
    check = ingest.validate(
        "capacity",
        read,
        ingest.suggest_mapping("capacity", read.headers),
        base_snapshot=store.latest(),
        as_of=AS_OF,
    )
    snap = ingest.commit(
        store, "capacity", check, base_snapshot=store.latest(), source_name="ingest.json", source_bytes=data
    )
    assert (snap.path / snap.manifest["source"]["raw"]).read_bytes() == data  # the raw file is intact
    info = json.loads((snap.path / "uploads" / "ingest.json").read_text(encoding="utf-8"))
    assert info["table"] == "capacity" and info["file"] == "ingest.json"  # and so is the replay file
    again = ingest.replay(
        store,
        upload(store, "c.csv", csv_bytes([HEADER, ["F0000003", "2026-07-06", "童装", 2469, 0]])).snapshot_id,
    )
    assert again.rows_ok == 1 and again.valid["capacity_pieces"].to_list() == [2469]
    src = snap.manifest["source"]
    assert src["user"] == "cli" and src["kind"] == "upload"
    assert "T" in src["created_at"] and snap.seq is not None


def test_a_data_directory_with_a_quote_in_its_path_works(tiny_data, tmp_path):
    data_dir = tmp_path / "o'brien's data"
    shutil.copytree(tiny_data, data_dir)
    store = Store(data_dir)
    snap = upload(store, "q.csv", csv_bytes([HEADER, ["F0000004", "2026-07-13", "童装", 3579, 0]]))
    db = connect(snap, Viewer("admin"))
    frame = db.run("my_factory_capacity", factory_id="F0000004")
    row = frame.filter(
        (pl.col("week_start") == pl.date(2026, 7, 13)) & (pl.col("category") == "childrens_wear")
    )
    assert row["capacity_pieces"].to_list() == [3579]


@pytest.mark.parametrize("argv", [["snapshots"], ["prune", "--keep", "1", "--yes"], ["ingest", "capacity"]])
def test_a_typo_in_data_is_an_error_not_a_new_empty_directory(tmp_path, capsys, argv):
    typo = tmp_path / "dtaa"
    if argv[0] == "ingest":
        (tmp_path / "c.csv").write_bytes(csv_bytes([HEADER, ["F0000001", "2026-07-06", "童装", 1, 0]]))
        argv = [*argv, str(tmp_path / "c.csv")]
    assert cli.main([*argv, "--data", str(typo)]) == 2
    assert str(typo) in capsys.readouterr().err
    assert not typo.exists()


def test_demo_still_creates_its_data_directory(tmp_path):
    out = tmp_path / "fresh"
    assert cli.main(["demo", "--scale", "0.01", "--out", str(out)]) == 0
    assert Store(out).latest() is not None
