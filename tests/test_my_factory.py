"""My factory: capacity edits saved as a new snapshot, row-level errors, logged exports, export log."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil

import polars as pl
import pytest
from auth_helpers import new_app, route_like_the_server
from download_helpers import record_deferred, xlsx_rows

from supply.access import audit
from supply.data import calendar as my_factory
from supply.data import export
from supply.data.store import Store
from supply.engine.db import Viewer

FID = "F0000001"


@pytest.fixture()
def own_data(tiny_data, tmp_path, monkeypatch):
    """A private copy of the tiny demo data (these tests write snapshots), used by the app."""
    path = tmp_path / "data"
    shutil.copytree(tiny_data, path)
    monkeypatch.setenv("SUPPLY_DATA", str(path))
    return path


@pytest.fixture()
def deferred_downloads(monkeypatch) -> dict:
    """File name -> make the file as a click does (tests/download_helpers.py)."""
    return record_deferred(monkeypatch)


def _future(store: Store, fid: str = FID) -> pl.DataFrame:
    snap = store.latest()
    cap = store.read(snap.snapshot_id, "capacity").filter(pl.col("factory_id") == fid)
    return my_factory.editable_rows(cap, snap.as_of)


def test_first_editable_week_is_the_next_monday():
    assert my_factory.first_editable_week(dt.date(2026, 6, 29)) == dt.date(2026, 7, 6)  # a Monday
    assert my_factory.first_editable_week(dt.date(2026, 7, 1)) == dt.date(2026, 7, 6)
    assert my_factory.first_editable_week(dt.date(2026, 7, 5)) == dt.date(2026, 7, 6)


def test_a_save_changes_only_this_factorys_capacity(own_data):
    store = Store(own_data)
    base = store.latest()
    future = _future(store)
    edits = future.head(2).select(
        "week_start", "category", (pl.col("booked_pieces") + 1000).alias("capacity_pieces")
    )
    result = my_factory.save_capacity(store, FID, edits, "wang", "en")
    assert result.errors == [] and result.changed == 2
    new = result.snapshot
    assert store.latest().snapshot_id == new.snapshot_id and new.manifest["parent"] == base.snapshot_id
    assert new.manifest["source"]["kind"] == "capacity_edit" and new.manifest["source"]["user"] == "wang"
    for table, entry in new.tables.items():  # only the capacity table is rewritten
        assert (entry["sha256"] == base.tables[table]["sha256"]) == (table != "capacity"), table
    before = store.read(base.snapshot_id, "capacity")
    after = store.read(new.snapshot_id, "capacity")
    assert after.height == before.height
    diff = after.join(before, on=["factory_id", "week_start", "category"], suffix="_old").filter(
        pl.col("capacity_pieces") != pl.col("capacity_pieces_old")
    )
    assert diff["factory_id"].unique().to_list() == [FID] and diff.height == 2
    assert (
        diff.sort("week_start")["capacity_pieces"].to_list()
        == edits.sort("week_start")["capacity_pieces"].to_list()
    )
    # saving the same values again writes nothing
    assert my_factory.save_capacity(store, FID, edits, "wang", "en") == my_factory.SaveResult(None, 0, [])


def test_bad_edits_name_the_row_the_column_and_the_fix(own_data):
    store = Store(own_data)
    future = _future(store).head(5)
    values = pl.Series("capacity_pieces", ["12x", -5, 0, 10**9, None], dtype=pl.Object)
    edits = future.select("week_start", "category").with_columns(values)
    booked = future["booked_pieces"].to_list()
    result = my_factory.save_capacity(store, FID, edits, "wang", "en")
    assert result.snapshot is None
    errs = result.errors
    assert errs[0].startswith("Row 1 (") and "'12x' is not a whole number" in errs[0]
    assert errs[1].startswith("Row 2 (") and "-5 is below 0" in errs[1]
    if booked[2] > 0:
        assert f"enter at least {booked[2]}" in errs[2] and errs[2].startswith("Row 3 (")
    assert any("Row 4 (" in e and "weekly limit" in e for e in errs)
    assert any("Row 5 (" in e and "not a whole number" in e for e in errs)
    assert all("Capacity (pcs)" in e for e in errs)
    zh = my_factory.save_capacity(store, FID, edits, "wang", "zh").errors
    assert zh[0].startswith("第 1 行") and "产能（件）" in zh[0]


def test_started_weeks_and_other_factories_rows_cannot_be_edited(own_data):
    store = Store(own_data)
    snap = store.latest()
    cap = store.read(snap.snapshot_id, "capacity")
    started = cap.filter((pl.col("factory_id") == FID) & (pl.col("week_start") <= snap.as_of)).head(1)
    other = cap.filter(pl.col("factory_id") != FID).head(1)  # a key F0000001 does not have
    other = other.join(cap.filter(pl.col("factory_id") == FID), on=["week_start", "category"], how="anti")
    rows = pl.concat([started, other]).select("week_start", "category", "capacity_pieces")
    result = my_factory.save_capacity(store, FID, rows, "wang", "en")
    assert result.snapshot is None
    assert "has started" in result.errors[0]
    if other.height:
        assert "no such row" in result.errors[1]


def test_the_export_log_is_append_only_and_for_admins(tmp_path):
    owner = Viewer("factory", factory_id=FID, user="wang")
    for fmt in ("csv", "xlsx"):
        audit.log_export(
            tmp_path,
            owner,
            report="orders",
            fmt=fmt,
            snapshot_id="s1",
            rows=7,
            file_name=f"orders_F0000001_s1.{fmt}",
        )
    lines = (tmp_path / "audit" / "exports.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["format"] for line in lines] == ["csv", "xlsx"]
    with open(tmp_path / "audit" / "exports.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"torn": ')  # a crash mid-write must not hide the rest
    log = audit.read_exports(tmp_path, Viewer("admin"))
    assert log.height == 2 and set(log["user"]) == {"wang"} and set(log["rows"]) == {7}
    for who in (owner, Viewer("planner"), Viewer("association", cluster_id="zhili")):
        with pytest.raises(PermissionError):
            audit.read_exports(tmp_path, who)


def _open_page(role: str, factory: str | None = None):
    at = new_app("en")
    at.session_state["view_as_role"] = role
    if factory:
        at.session_state["view_as_factory"] = factory
    at.run()
    at.switch_page("app_pages/my_factory.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_is_translated(own_data, monkeypatch, lang):
    route_like_the_server(monkeypatch)
    at = new_app(lang)
    at.session_state["view_as_role"] = "factory"
    at.session_state["view_as_factory"] = "F0000026"
    at.run()
    at.switch_page("app_pages/my_factory.py").run()
    assert not at.exception
    texts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info") for e in at.get(kind)]
    texts += [t.label for t in at.tabs] + [c for d in at.dataframe for c in d.value.columns]
    texts += [b.proto.label for b in at.get("download_button")]
    missing = [t for t in texts if re.search(r"\[(my_factory|access|audit)\.", str(t))]
    assert not missing and len(at.dataframe) >= 3


def test_the_page_saves_edits_and_logs_exports(own_data, monkeypatch, deferred_downloads):
    route_like_the_server(monkeypatch)
    store = Store(own_data)
    first = store.latest().snapshot_id
    at = _open_page("factory", FID)
    assert at.title[0].value == "My factory" and not at.error
    future = _future(store)
    target = int(future["booked_pieces"][0]) + 777
    at.session_state["my_factory_capacity_editor"] = {
        "edited_rows": {0: {"capacity_pieces": target}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="my_factory_save").click().run()
    assert not at.exception
    new = store.latest()
    assert new.snapshot_id != first and any("Saved as new snapshot" in s.value for s in at.success)
    assert at.session_state["snapshot"] == new.snapshot_id  # the sidebar moved to the new snapshot
    saved = store.read(new.snapshot_id, "capacity").filter(
        (pl.col("factory_id") == FID)
        & (pl.col("week_start") == future["week_start"][0])
        & (pl.col("category") == future["category"][0])
    )
    assert saved["capacity_pieces"].to_list() == [target]
    # a download is logged with who, what, snapshot and rows (when its file is made, on click)
    orders_csv = next(
        f for name, f in deferred_downloads.items() if name == f"orders_{FID}_{new.snapshot_id}.csv"
    )
    assert audit.read_exports(own_data, Viewer("admin")).height == 0
    orders_csv()
    log = audit.read_exports(own_data, Viewer("admin"))
    assert log.height == 1
    rec = log.row(0, named=True)
    assert (rec["user"], rec["role"], rec["factory_id"], rec["report"], rec["format"]) == (
        "demo:factory",
        "factory",
        FID,
        "orders",
        "csv",
    )
    assert rec["snapshot_id"] == new.snapshot_id and rec["rows"] > 0


def test_exports_are_bom_csv_and_xlsx_of_the_shown_rows(own_data, monkeypatch, deferred_downloads):
    route_like_the_server(monkeypatch)
    at = _open_page("factory", FID)
    search = "B0"
    at.text_input(key="my_factory_search").input(search).run()
    shown = next(d.value for d in at.dataframe if "Order id" in d.value.columns)
    assert 0 < len(shown) < 50  # one page holds them all
    files = {
        name.rsplit(".", 1)[1]: make
        for name, make in deferred_downloads.items()
        if name.startswith("orders_")
    }
    csv = files["csv"]()
    assert csv.startswith(export.BOM)
    frame = pl.read_csv(io.BytesIO(csv[len(export.BOM) :]))
    assert frame.height == len(shown) and frame["Order id"].to_list() == list(shown["Order id"])
    header, rows = xlsx_rows(files["xlsx"]())
    ids, qty = header.index("Order id"), header.index("Quantity (pcs)")
    assert [r[ids] for r in rows] == list(shown["Order id"]) and all(isinstance(r[qty], int) for r in rows)


def test_admins_read_the_export_log_and_may_open_any_factory(own_data, monkeypatch):
    route_like_the_server(monkeypatch)
    audit.log_export(
        own_data,
        Viewer("factory", factory_id=FID, user="wang"),
        report="inventory",
        fmt="xlsx",
        snapshot_id="s",
        rows=3,
        file_name="inventory.xlsx",
    )
    at = _open_page("admin")
    assert "Export log" in [t.label for t in at.tabs]
    log = next(d.value for d in at.dataframe if "User" in d.value.columns)
    assert list(log["User"]) == ["wang"] and list(log["What"]) == ["Factory stock"]  # a label, not a code
    assert at.selectbox(key="my_factory_admin_factory").value


def test_work_orders_come_from_the_published_plan_and_only_this_factorys(own_data, monkeypatch):
    planning = pytest.importorskip("supply.planning.plan")
    if not (hasattr(planning, "load_plan") and hasattr(planning, "_plan_path")):
        pytest.skip("the planning module does not publish plans yet")
    route_like_the_server(monkeypatch)
    store = Store(own_data)
    sid = store.latest().snapshot_id
    path = planning._plan_path(store, sid)
    path.parent.mkdir(parents=True, exist_ok=True)
    week = dt.date(2026, 7, 13)
    pl.DataFrame(
        {
            "school_id": ["S0001", "S0002"],
            "garment": ["summer_uniform", "winter_uniform"],
            "size": ["130/64", "140/68"],
            "factory_id": [FID, "F0000002"],
            "week_start": [week, week],
            "pieces": [120, 999_999],
            "deadline": [week + dt.timedelta(days=30)] * 2,
            "delivery_date": [week + dt.timedelta(days=20)] * 2,
        }
    ).write_parquet(path)
    at = _open_page("factory", FID)
    tables = [d.value for d in at.dataframe]
    work = next(t for t in tables if "Pieces" in t.columns)
    assert list(work["Pieces"]) == [120] and "F0000002" not in work.to_string()
    assert any("production plan" in c.value for c in at.caption)


def _upload_capacity(store: Store, rows: list[list]) -> None:
    """Commit a capacity upload (another writer) against the newest snapshot."""
    from supply.ingest import pipeline as ingest
    from tests.ingest_helpers import AS_OF, csv_bytes

    data = csv_bytes([["工厂编号", "周", "品类", "产能", "已接单"], *rows])
    read = ingest.read_upload("other.csv", data)
    check = ingest.validate(
        "capacity",
        read,
        ingest.suggest_mapping("capacity", read.headers),
        base_snapshot=store.latest(),
        as_of=AS_OF,
    )
    ingest.commit(
        store, "capacity", check, base_snapshot=store.latest(), source_name="other.csv", source_bytes=data
    )


def test_an_edit_made_before_an_upload_is_rechecked_and_refused_naming_what_changed(own_data):
    # issue 16 finding 1: an edit racing an upload was merged into the snapshot it had read
    store = Store(own_data)
    seen = store.latest()
    rows = _future(store).sort("week_start", "category").head(2)
    (w1, c1, b1), (w2, c2, b2) = rows.select("week_start", "category", "booked_pieces").rows()
    cat = {"childrens_wear": "童装", "school_uniform": "校服"}
    # someone else uploads a new figure for the first row while the owner edits both
    _upload_capacity(store, [[FID, w1.isoformat(), cat.get(c1, c1), b1 + 777, b1]])
    edits = rows.select("week_start", "category", (pl.col("booked_pieces") + 5).alias("capacity_pieces"))
    result = my_factory.save_capacity(store, FID, edits, "wang", "en", based_on=seen.snapshot_id)
    assert result.snapshot is None and len(result.errors) == 1
    assert result.errors[0].startswith(f"Row 1 ({w1}") and f"to {b1 + 777}" in result.errors[0]
    # an edit of the row nobody else touched is applied to the newest snapshot: both changes are kept
    ok = my_factory.save_capacity(store, FID, edits.tail(1), "wang", "en", based_on=seen.snapshot_id)
    assert ok.errors == [] and ok.changed == 1
    cap = store.read(ok.snapshot.snapshot_id, "capacity").filter(pl.col("factory_id") == FID)
    got = dict(zip(zip(cap["week_start"], cap["category"]), cap["capacity_pieces"]))
    assert got[(w1, c1)] == b1 + 777 and got[(w2, c2)] == b2 + 5
    assert ok.snapshot.manifest["source"]["based_on"] == seen.snapshot_id
