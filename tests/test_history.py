"""Snapshot history, the scoped diff between two snapshots, and retention (prune)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from supply.cli import main as cli_main
from supply.data import history
from supply.data.maintenance import prune_plan
from supply.engine.db import Viewer
from tests.ingest_helpers import AS_OF, commit_csv, copy_store

HEADER = ["工厂编号", "周", "品类", "产能"]


@pytest.fixture()
def uploaded(tiny_data, tmp_path):
    """A private store with one upload on top of the demo: F0000001 +100 pieces in one week,
    F0000002 one new week; returns (store, base id, upload id, the capacity rows before)."""
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    before = store.read(base.snapshot_id, "capacity")
    week = dt.date(2026, 7, 6)
    old = before.filter(
        (pl.col("factory_id") == "F0000001")
        & (pl.col("week_start") == week)
        & (pl.col("category") == "childrens_wear")
    )["capacity_pieces"].item()
    rows = [HEADER, ["F0000001", week.isoformat(), "童装", old + 100], ["F0000002", "2027-01-04", "童装", 50]]
    _, snap = commit_csv(store, "capacity", rows, "cap.csv")
    return store, base.snapshot_id, snap.snapshot_id, before


def test_history_lists_every_snapshot_with_source_and_counts(uploaded):
    store, base_id, up_id, before = uploaded
    rows = history.snapshot_rows(store.list())
    assert rows["snapshot_id"].to_list()[:2] == [up_id, base_id]  # newest first
    top = rows.row(0, named=True)
    assert (top["source"], top["table"], top["file"], top["rows_committed"]) == (
        "upload",
        "capacity",
        "cap.csv",
        2,
    )
    assert top["rows_capacity"] == before.height + 1 and top["parent"] == base_id
    assert rows.row(1, named=True)["source"] == "demo"


def test_diff_counts_added_and_changed_rows_by_key(uploaded):
    store, base_id, up_id, _ = uploaded
    d = history.diff(store, base_id, up_id, Viewer("admin"))
    cap = d["tables"].filter(pl.col("table") == "capacity").row(0, named=True)
    assert (cap["added"], cap["removed"], cap["changed"]) == (1, 0, 1)
    others = d["tables"].filter(pl.col("table") != "capacity")
    assert others["added"].sum() == others["removed"].sum() == others["changed"].sum() == 0
    back = history.diff(store, up_id, base_id, Viewer("admin"))["tables"].filter(
        pl.col("table") == "capacity"
    )
    assert back.select("added", "removed", "changed").row(0) == (0, 1, 1)


def test_capacity_change_by_county_and_category(uploaded):
    store, base_id, up_id, _ = uploaded
    d = history.diff(store, base_id, up_id, Viewer("admin"), cluster_id="zhili")
    assert d["weeks"][0] == AS_OF
    change = d["capacity"]
    row = change.filter((pl.col("adcode") == "330502") & (pl.col("category") == "childrens_wear")).row(
        0, named=True
    )
    assert row["capacity_change"] == 100 and row["county"] == "吴兴区"
    assert change.filter(pl.col("capacity_change") != 0).height == 1  # the 2027 week is outside the window
    fig = history.capacity_change_figure(change, "en")
    assert list(fig.data[0].x) == [100]


def test_diff_respects_the_viewers_scope(uploaded):
    store, base_id, up_id, _ = uploaded
    own = history.diff(store, base_id, up_id, Viewer("factory", factory_id="F0000001"))["tables"]
    other = history.diff(store, base_id, up_id, Viewer("factory", factory_id="F0000003"))["tables"]
    neighbour = history.diff(store, base_id, up_id, Viewer("factory", factory_id="F0000002"))["tables"]
    pick = lambda t: t.filter(pl.col("table") == "capacity").select("added", "changed").row(0)  # noqa: E731
    assert pick(own) == (0, 1) and pick(neighbour) == (1, 0) and pick(other) == (0, 0)
    own_rows = own.filter(pl.col("table") == "capacity")["rows_b"].item()
    assert own_rows == store.read(up_id, "capacity").filter(pl.col("factory_id") == "F0000001").height
    # an association of another cluster sees no change at all; a planner sees aggregate cells only
    keqiao = history.diff(store, base_id, up_id, Viewer("association", cluster_id="keqiao"))["tables"]
    assert pick(keqiao) == (0, 0)
    planner = history.diff(store, base_id, up_id, Viewer("planner"))
    cells = planner["tables"].filter(pl.col("table") == "capacity").row(0, named=True)
    assert cells["rows_b"] < store.read(up_id, "capacity").height  # cells, not factory rows


def test_prune_keeps_everything_by_default_and_never_the_newest(uploaded, capsys):
    store, base_id, up_id, _ = uploaded
    n = len(store.list())
    assert n == 3
    assert cli_main(["prune", "--data", str(store.data_dir), "--keep", "1"]) == 0  # dry run
    assert "would remove" in capsys.readouterr().out and len(store.list()) == n
    with pytest.raises(SystemExit):
        cli_main(["prune", "--data", str(store.data_dir), "--yes"])  # --keep is required
    assert cli_main(["prune", "--data", str(store.data_dir), "--keep", "0", "--yes"]) == 2
    with pytest.raises(ValueError):
        prune_plan(store, 0)
    assert cli_main(["prune", "--data", str(store.data_dir), "--keep", "2", "--yes"]) == 0
    assert [s.snapshot_id for s in store.list()] == [base_id, up_id]
    assert cli_main(["prune", "--data", str(store.data_dir), "--keep", "1", "--yes"]) == 0
    assert [s.snapshot_id for s in store.list()] == [up_id]
    assert store.verify(up_id) == []  # hard-linked tables survive their first snapshot's removal
    assert store.read(up_id, "orders").height > 0


# -- the diff in the engine (issue 12) and suppression that survives differencing (issue 16) ---


def test_the_engine_diff_counts_what_polars_counts(tiny_store):
    """Admin counts from one connection over both snapshots equal a key-by-key comparison in Polars."""
    from supply.data import schema

    a, b = tiny_store.list()[-2:]
    got = history.diff(tiny_store, a.snapshot_id, b.snapshot_id, Viewer("admin"))["tables"]
    for table, key in schema.KEYS.items():
        x, y = tiny_store.read(a.snapshot_id, table), tiny_store.read(b.snapshot_id, table)
        j = x.join(y, on=list(key), how="full", coalesce=True, suffix="_b", nulls_equal=True)
        rest = [c for c in x.columns if c not in key]
        both = j.filter(
            pl.any_horizontal(pl.col(c).is_not_null() for c in rest)
            & pl.any_horizontal(pl.col(c + "_b").is_not_null() for c in rest)
        )
        changed = both.filter(pl.any_horizontal(pl.col(c).ne_missing(pl.col(c + "_b")) for c in rest)).height
        row = got.filter(pl.col("table") == table).row(0, named=True)
        assert (row["rows_a"], row["rows_b"]) == (x.height, y.height), table
        assert row["changed"] == changed, table
        assert row["added"] == y.height - both.height and row["removed"] == x.height - both.height, table
    assert got["changed"].sum() + got["added"].sum() > 0  # the demo's two snapshots differ


def _cell_with(store, snap_id, at_least: int, week: dt.date):
    """A planner cell (cluster, county, pooled flag, category, week) with >= ``at_least`` factories."""
    cap = store.read(snap_id, "capacity").filter(pl.col("week_start") == week)
    fac = store.read(snap_id, "factories").select("factory_id", "cluster_id", "adcode", "pooled_planning")
    cells = (
        cap.join(fac, on="factory_id")
        .group_by("cluster_id", "adcode", "pooled_planning", "category")
        .agg(pl.col("factory_id").sort())
        .filter(pl.col("factory_id").list.len() >= at_least)
        .sort("cluster_id", "adcode", "category", "pooled_planning")
    )
    return cells.row(0, named=True)


def _bump(store, base, cell, week, factories, by):
    """A new snapshot (on top of the newest) = ``base`` with some factories' capacity in the cell + ``by``."""
    cap = store.read(base.snapshot_id, "capacity")
    hit = (pl.col("factory_id").is_in(factories) & (pl.col("week_start") == week)
           & (pl.col("category") == cell["category"]))  # fmt: skip
    bumped = cap.with_columns(
        pl.when(hit).then(pl.col("capacity_pieces") + by).otherwise(pl.col("capacity_pieces"))
    )
    return store.derive(store.latest(), {"capacity": bumped}, as_of=base.as_of)


def test_a_planner_cannot_recover_one_factorys_change_by_differencing(tiny_data, tmp_path):
    """One factory adds 777 pieces in a cell of >= 4 factories: before, the planner's diff showed
    +777 (a factory's figure); now the cell is withheld from both snapshots and nothing of it shows.
    When three factories change, their sum is shown as before."""
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    week = history.diff_window(base, base)[0]
    cell = _cell_with(store, base.snapshot_id, 4, week)
    one = _bump(store, base, cell, week, cell["factory_id"][:1], 777)
    planner = Viewer("planner")
    # the per-snapshot figures a planner reads, subtracted, give the factory's change exactly
    from supply.engine.db import connect

    params = {"cluster_id": None, "week_from": week, "week_to": week + dt.timedelta(weeks=12)}
    keys = ["adcode", "category"]
    seen = [connect(s, planner).run("capacity_by_county_category", **params) for s in (base, one)]
    naive = (
        seen[0]
        .join(seen[1], on=keys, suffix="_b")
        .select((pl.col("capacity_pieces_b") - pl.col("capacity_pieces")).alias("capacity_change"))
    )
    assert 777 in naive["capacity_change"].to_list()
    d = history.diff(store, base.snapshot_id, one.snapshot_id, planner)["capacity"]
    assert set(d["capacity_change"].to_list()) == {0}  # nothing recovered, not even partly
    row = d.filter((pl.col("adcode") == cell["adcode"]) & (pl.col("category") == cell["category"]))
    assert row["suppressed_a"].sum() >= 1 and row["suppressed_b"].sum() >= 1  # withheld on both sides
    # an administrator still sees the change; three factories changing is an aggregate again
    admin = history.diff(store, base.snapshot_id, one.snapshot_id, Viewer("admin"))["capacity"]
    assert 777 in admin["capacity_change"].to_list()
    three = _bump(store, base, cell, week, cell["factory_id"][:3], 777)
    d3 = history.diff(store, base.snapshot_id, three.snapshot_id, planner)["capacity"]
    assert 3 * 777 in d3["capacity_change"].to_list()


def test_a_cell_suppressed_in_either_snapshot_is_withheld_from_both(tiny_data, tmp_path):
    """A factory leaves a cell of exactly 3 (suppressed afterwards): the cell's old sum is not shown."""
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    week = history.diff_window(base, base)[0]
    cell = _cell_with(store, base.snapshot_id, 3, week)
    cap = store.read(base.snapshot_id, "capacity")
    gone = (pl.col("factory_id").is_in(cell["factory_id"][: len(cell["factory_id"]) - 2])
            & (pl.col("week_start") == week) & (pl.col("category") == cell["category"]))  # fmt: skip
    after = store.derive(base, {"capacity": cap.filter(~gone)}, as_of=base.as_of)
    d = history.diff(store, base.snapshot_id, after.snapshot_id, Viewer("planner"))["capacity"]
    assert set(d["capacity_change"].to_list()) == {0}


# -- narrowing a changed table by its row groups (issue 12) ------------------------------------


def _write_groups(path, frame: pl.DataFrame, rows: int = 4) -> None:
    """Write a frame in row groups of ``rows`` rows (pyarrow), as the store's layout does at scale."""
    import pyarrow.parquet as pq

    pq.write_table(frame.to_arrow(), path, row_group_size=rows, compression="zstd")


def test_differing_ranges_name_only_the_row_groups_that_changed(tmp_path):
    from supply.engine import diff as engine_diff

    base = pl.DataFrame({"factory_id": [f"F{i:03d}" for i in range(20)], "qty": list(range(20))})
    _write_groups(tmp_path / "a.parquet", base)
    _write_groups(tmp_path / "same.parquet", base)
    edited = base.with_columns(pl.when(pl.col("factory_id") == "F009").then(99).otherwise("qty").alias("qty"))
    _write_groups(tmp_path / "b.parquet", edited)
    ranges = engine_diff.differing_ranges
    assert ranges(tmp_path / "a.parquet", tmp_path / "same.parquet", "factory_id") == []
    assert ranges(tmp_path / "a.parquet", tmp_path / "b.parquet", "factory_id") == [("F008", "F011", False)]
    # a row more shifts every later group: the groups no longer line up, compare the whole table
    longer = pl.concat([base, pl.DataFrame({"factory_id": ["F005a"], "qty": [1]})]).sort("factory_id")
    _write_groups(tmp_path / "c.parquet", longer)
    assert ranges(tmp_path / "a.parquet", tmp_path / "c.parquet", "factory_id") is None


def test_a_narrowed_diff_counts_what_the_whole_comparison_counts(tiny_data, tmp_path):
    """Capacity in small row groups, two factories edited (then rows removed): same counts either way."""
    from supply.data import layout
    from supply.engine import diff as engine_diff
    from tests.ingest_helpers import copy_store

    store = copy_store(tiny_data, tmp_path)
    cap = store.read(store.latest().snapshot_id, "capacity").sort(list(layout.SORT_KEYS["capacity"]))
    hit = pl.col("factory_id").is_in(["F0000001", "F0000005"])
    edited = cap.with_columns(pl.when(hit).then(pl.col("booked_pieces") // 2).otherwise("booked_pieces"))
    shorter = edited.filter(~(hit & (pl.col("week_start") == edited["week_start"].max())))
    snaps = []
    for i, frame in enumerate((cap, edited, shorter)):
        _write_groups(tmp_path / f"cap{i}.parquet", frame, rows=64)
        latest = store.latest()
        snaps.append(store.derive(latest, {"capacity": tmp_path / f"cap{i}.parquet"}, as_of=latest.as_of))
    ranges = engine_diff.table_ranges(snaps[0], snaps[1], "capacity")
    assert len(ranges) == 1 and ranges[0][0] <= "F0000001" and ranges[0][1] < cap["factory_id"].max()
    for a, b in ((snaps[0], snaps[1]), (snaps[1], snaps[2]), (snaps[0], snaps[2])):
        for viewer in (Viewer("admin"), Viewer("association", cluster_id="zhili")):
            db = engine_diff.open_pair(a, b, viewer)
            try:
                narrowed = engine_diff.table_changes(db).filter(pl.col("table") == "capacity")
                db.ranges = {}
                whole = engine_diff.table_changes(db).filter(pl.col("table") == "capacity")
            finally:
                db.close()
            assert narrowed.to_dicts() == whole.to_dicts(), viewer
    assert narrowed["removed"].item() > 0 and narrowed["changed"].item() > 0  # first to last snapshot


def test_row_counts_of_every_snapshot_come_from_one_connection(uploaded):
    """Counts over one many-snapshot connection equal history_row_counts on each snapshot's own one."""
    from supply.engine.db import connect

    store, base_id, up_id, before = uploaded
    ids = [s.snapshot_id for s in store.list()]
    assert history.row_counts(store, ids, Viewer("admin")) is None  # the manifests' counts
    for viewer in (
        Viewer("planner"),
        Viewer("association", cluster_id="zhili"),
        Viewer("factory", factory_id="F0000002"),
    ):
        got = history.row_counts(store, ids, viewer)
        for sid in ids:
            db = connect(store.get(sid), viewer)
            frame = db.run("history_row_counts")
            db.close()
            assert got[sid] == dict(zip(frame["table_name"], frame["n_rows"])), (viewer, sid)
    own = history.row_counts(store, ids, Viewer("factory", factory_id="F0000002"))
    assert own[up_id]["capacity"] == own[base_id]["capacity"] + 1  # the upload's new week


def test_a_large_table_compared_whole_waits_until_asked(tiny_store):
    """With a row limit, a changed table whose groups do not line up is deferred (null counts)."""
    from supply.engine import diff as engine_diff

    a, b = tiny_store.list()[-2:]
    db = engine_diff.open_pair(a, b, Viewer("admin"))
    try:
        db.ranges = {}  # as if no table's row groups lined up
        lazy = engine_diff.table_changes(db, whole_limit=0)
        full = engine_diff.table_changes(db)
    finally:
        db.close()
    changed = [t for t in full["table"] if not engine_diff.unchanged(a, b, t)]
    assert changed and lazy.filter(pl.col("deferred"))["table"].to_list() == changed
    assert lazy.filter(pl.col("deferred"))["changed"].null_count() == len(changed)
    assert not full["deferred"].any()
