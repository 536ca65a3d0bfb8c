"""Demand intake: bilingual template, heights to GB/T 1335 sizes, upload with row-level errors
into a new snapshot, collection status with missing classes, pooling statistics."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import polars as pl
import pytest

from supply.data import schema
from supply.data.export import to_csv_bytes, to_xlsx_bytes
from supply.data.store import Store
from supply.demo import generate as demo
from supply.ingest import pipeline as ingest
from supply.planning import demand


@pytest.fixture()
def own_store(tiny_snapshot, tmp_path) -> Store:
    """A private copy of the newest tiny snapshot that a test may commit into."""
    dst = tmp_path / "snapshots" / tiny_snapshot.snapshot_id
    shutil.copytree(tiny_snapshot.path, dst)
    return Store(tmp_path)


def test_template_headers_map_to_every_demand_column():
    tmpl = demand.template_frame()
    assert tmpl.columns[1] == "学校编号（school_id）"
    mapping = ingest.suggest_mapping("demand", tmpl.columns)
    assert mapping == {c: demand.header(c) for c in schema.TABLES["demand"]}


def test_template_prefilled_for_a_school_lists_every_class_and_garment():
    school = pl.DataFrame({"school_id": ["S1"], "grade_min": [1], "grade_max": [2], "classes_per_grade": [3]})
    tmpl = demand.template_frame(school, dt.date(2026, 8, 20))
    assert tmpl.height == 2 * 3 * len(schema.GARMENTS)
    assert tmpl[demand.header("class_name")].unique().sort().to_list()[:2] == ["一年级(1)班", "一年级(2)班"]
    assert b"\xef\xbb\xbf" == to_csv_bytes(tmpl)[:3] and to_xlsx_bytes(tmpl)[:2] == b"PK"


def test_heights_give_the_same_sizes_as_the_demo():
    h = np.arange(95, 200, 0.5)
    assert demand.size_for_height(h).tolist() == demo.size_for_height(h).tolist()
    assert demand.size_for_height([121, 125, 125.1]).tolist() == ["125/62", "125/62", "130/64"]


def test_demand_rows_from_heights_count_students_per_size():
    heights = pl.DataFrame(
        {
            "school_id": ["S0001"] * 4,
            "grade": [1] * 4,
            "class_name": ["1年级1班"] * 4,
            "height_cm": ["118", "119.5", "124", "131"],
        }
    )
    rows = demand.demand_from_heights(heights, dt.date(2026, 8, 20), collected_at=dt.date(2026, 6, 29))
    summer = rows.filter(pl.col("garment") == "summer_uniform")
    assert dict(summer.select("size", "qty").iter_rows()) == {"120/60": 4, "125/62": 2, "135/66": 2}
    assert rows["qty"].sum() == 4 * sum(demand.PIECES_PER_STUDENT.values())
    again = demand.demand_from_heights(heights, dt.date(2026, 8, 20), collected_at=dt.date(2026, 6, 29))
    assert rows["request_id"].to_list() == again["request_id"].to_list()  # stable ids: re-upload updates


def test_bad_heights_are_refused_naming_row_and_column():
    heights = pl.DataFrame(
        {
            "school_id": ["S1", "S1"],
            "grade": [1, 1],
            "class_name": ["1年级1班"] * 2,
            "height_cm": ["120", "1.2"],
        }
    )
    with pytest.raises(demand.HeightsError, match=r"row 3, column height_cm.*centimetres"):
        demand.demand_from_heights(heights, dt.date(2026, 8, 20))
    with pytest.raises(demand.HeightsError, match="lacks column"):
        demand.demand_from_heights(heights.drop("grade"), dt.date(2026, 8, 20))


def test_a_filled_template_is_uploaded_into_a_new_snapshot(own_store):
    base = own_store.latest()
    heights = pl.DataFrame(
        {
            "school_id": ["S0001"] * 3,
            "grade": [1] * 3,
            "class_name": ["1年级9班"] * 3,
            "height_cm": [118.0, 125.0, 133.0],
        }
    )
    rows = demand.demand_from_heights(heights, base.as_of + dt.timedelta(days=40), collected_at=base.as_of)
    data = to_csv_bytes(demand.to_template(rows))
    read = ingest.read_upload("demand.csv", data)
    check = ingest.validate(
        "demand", read, ingest.suggest_mapping("demand", read.headers), base_snapshot=base, as_of=base.as_of
    )
    assert check.rows_bad == 0, ingest.explain(check.errors, "en")
    snap = ingest.commit(
        own_store, "demand", check, base_snapshot=base, source_name="demand.csv", source_bytes=data
    )
    new = own_store.read(snap.snapshot_id, "demand")
    assert new.height == own_store.read(base.snapshot_id, "demand").height + rows.height
    assert new.filter(pl.col("class_name") == "1年级9班")["qty"].sum() == rows["qty"].sum()


def test_bad_demand_rows_get_row_level_errors(own_store):
    base = own_store.latest()
    later = (base.as_of + dt.timedelta(days=30)).isoformat()
    text = "\n".join(
        [
            ",".join(demand.header(c) for c in schema.TABLES["demand"]),
            f"X1,S0001,1,1年级1班,summer_uniform,130/64,10,{later},",
            f"X2,S9999,1,1年级1班,summer_uniform,130/64,10,{later},",  # unknown school
            f"X3,S0001,1,1年级1班,summer_uniform,999/99,10,{later},",  # unknown size
            f"X4,S0001,1,1年级1班,summer_uniform,130/64,-5,{later},",  # negative quantity
            "X5,S0001,1,1年级1班,summer_uniform,130/64,10,2020-01-01,",  # deadline in the past
            f"X6,S0001,1,1年级1班,ballgown,130/64,10,{later},",  # unknown garment
        ]
    )
    read = ingest.read_upload("demand.csv", text.encode("utf-8"))
    check = ingest.validate(
        "demand", read, ingest.suggest_mapping("demand", read.headers), base_snapshot=base, as_of=base.as_of
    )
    errors = check.errors.select("row", "column").rows()
    assert check.rows_ok == 1 and check.rows_bad == 5
    expected = {(3, "school_id"), (4, "size"), (5, "qty"), (6, "deadline"), (7, "garment")}
    assert {(r, demand.header(c)) for r, c in expected} <= set(
        errors
    )  # the file's own header names the column


def test_collection_status_and_missing_classes():
    schools = pl.DataFrame(
        {
            "school_id": ["S1", "S2"],
            "name": ["一小", "二小"],
            "grade_min": [1, 7],
            "grade_max": [2, 7],
            "classes_per_grade": [2, 1],
            "classes_expected": [4, 1],
            "classes_collected": [3, 0],
        }
    )
    by_class = pl.DataFrame(
        {
            "school_id": ["S1", "S1", "S1"],
            "grade": [1, 1, 2],
            "class_name": ["一年级(1)班", "一年级(2)班", "二年级(1)班"],
        }
    )
    missing = demand.missing_classes(schools, by_class)
    assert missing.select("school_id", "class_name").rows() == [("S1", "二年级(2)班"), ("S2", "初一(1)班")]
    status = demand.collection_status(schools)
    assert dict(status.select("school_id", "classes_missing").iter_rows()) == {"S1": 1, "S2": 1}


def test_pooling_creates_fewer_larger_lots():
    d = dt.date(2026, 8, 20)
    sizes = pl.DataFrame(
        {
            "school_id": ["A", "A", "B", "B", "C"],
            "garment": ["summer_uniform"] * 5,
            "deadline": [d] * 5,
            "size": ["130/64", "140/68", "130/64", "140/68", "130/64"],
            "qty": [10, 20, 30, 40, 50],
        }
    )
    stats = demand.pooling_stats(sizes)
    assert (stats["lots_per_school"], stats["lots_pooled"], stats["lots_pooled_by_week"]) == (5, 2, 2)
    assert stats["mean_lot_pooled"] == 75 and stats["mean_lot_per_school"] == 30


def test_demand_queries_agree_with_the_raw_table(admin_db, tiny_store):
    raw = tiny_store.read(None, "demand")
    by_class = admin_db.run("demand_collection_by_class")
    assert by_class["pieces"].sum() == raw["qty"].sum()
    totals = admin_db.run("demand_totals_by_garment_size")
    assert totals["pieces"].sum() == raw["qty"].sum()
    by_school = admin_db.run("demand_collection_by_school")
    assert by_school.height == tiny_store.read(None, "schools").height
    assert (
        demand.school_garment_table(admin_db.run("planning_demand_groups"))["total"].sum() == raw["qty"].sum()
    )
