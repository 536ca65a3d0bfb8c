"""Opening any snapshot checks it; a damaged one is replaced by the nearest good one (issue 16).

Only the newest snapshot used to be checked in full; an older one chosen in the sidebar with a
flipped byte gave an error and no fallback. Now every opening checks sizes, the manifest's
digest and each table's sha256 (once per file and process), and the sidebar says, in the
chosen language, which snapshot is shown instead.
"""

from __future__ import annotations

import datetime as dt

from supply.data.store import Store
from tests.ingest_helpers import copy_store
from tests.test_store import DAY, tiny_tables


def flip_byte(path) -> None:
    """Change one byte in the middle of a file (its size stays the same)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def three_snapshots(tmp_path) -> Store:
    """Three snapshots written in full (no shared, hard-linked files)."""
    store = Store(tmp_path)
    for i in range(3):
        store.write(f"s{i}", tiny_tables(seed=i), as_of=DAY + dt.timedelta(days=i))
    return store


def test_an_older_snapshot_with_a_flipped_byte_falls_back_to_the_nearest_good_one(tmp_path):
    store = three_snapshots(tmp_path)
    assert store.open("s1") == (store.get("s1"), None)
    flip_byte(store.get("s1").table_path("capacity"))
    shown, reason = Store(tmp_path).open("s1")
    assert shown.snapshot_id == "s0"  # the older neighbour first
    assert "s1" in reason and "sha256" in reason
    flip_byte(store.root / "s0" / "capacity.parquet")
    shown, reason = Store(tmp_path).open("s0")
    assert shown.snapshot_id == "s2" and "s0" in reason  # no good older one: the nearest newer


def test_no_good_snapshot_at_all_says_so(tmp_path):
    store = Store(tmp_path)
    store.write("only", tiny_tables(), as_of=DAY)
    flip_byte(store.root / "only" / "capacity.parquet")
    shown, reason = Store(tmp_path).open("only")
    assert shown is None and "only" in reason


def test_sidebar_shows_the_nearest_good_snapshot_with_a_notice_in_chinese(tiny_data, tmp_path, monkeypatch):
    store = copy_store(tiny_data, tmp_path)
    older, newest = store.list()[-2:]
    own = [
        name
        for name, entry in older.tables.items()
        if (older.path / entry["file"]).stat().st_ino
        not in {(newest.path / e["file"]).stat().st_ino for e in newest.tables.values()}
    ]
    assert own, "the older snapshot shares every file with the newest"
    flip_byte(older.path / older.tables[own[0]]["file"])
    monkeypatch.setenv("SUPPLY_DATA", str(store.data_dir))
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.session_state["view_as_role"] = "admin"
    at.session_state["snapshot"] = older.snapshot_id
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [w.value for w in at.sidebar.warning]
    assert any("未通过完整性检查" in n and "sha256" in n for n in notes), notes
    assert not at.error, [e.value for e in at.error]
