"""Uploads: reading, mapping, validation, commit by key, and every bad input of issue 8.

Each bad input must give a clear report and leave the previous snapshot current and
byte-for-byte unchanged (``assert_nothing_committed``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import polars as pl
import pytest

from supply.cli import main as cli_main
from supply.engine.db import Viewer
from supply.ingest import pipeline as ingest
from supply.ingest.parse import parse_date, parse_number, parse_week
from supply.ingest.pipeline import IngestError
from supply.ingest.read import MAX_XLSX_ENTRIES, MAX_XLSX_UNCOMPRESSED
from supply.maps import geo
from tests.ingest_helpers import (
    AS_OF,
    assert_nothing_committed,
    copy_store,
    csv_bytes,
    fingerprint,
    xlsx_bytes,
)

CAP_HEADER = ["工厂编号", "周", "品类", "产能（件）", "已接单"]


@pytest.fixture()
def store(tiny_data, tmp_path):
    """A private copy of the tiny demo store."""
    return copy_store(tiny_data, tmp_path)


@pytest.fixture()
def frozen(store):
    """The store plus its fingerprint and newest id, taken before the test acts."""
    return store, fingerprint(store), store.latest().snapshot_id


def check(store, table, data, name="upload.csv", **kw):
    """Read, map automatically and validate against the newest snapshot."""
    read = ingest.read_upload(name, data)
    mapping = ingest.suggest_mapping(table, read.headers)
    kw.setdefault("as_of", AS_OF)
    return ingest.validate(table, read, mapping, base_snapshot=store.latest(), **kw)


def reasons(v) -> dict[int, set[str]]:
    """Row number -> the set of reason codes on it."""
    out: dict[int, set[str]] = {}
    for row, reason in v.errors.select("row", "reason").iter_rows():
        out.setdefault(row, set()).add(reason)
    return out


def refuse_commit(store, table, v, data):
    """Commit without allow_partial must be refused."""
    with pytest.raises(IngestError):
        ingest.commit(store, table, v, base_snapshot=store.latest(), source_name="x.csv", source_bytes=data)


# -- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings_are_detected_and_reported(encoding, expected):
    data = csv_bytes([CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1]], encoding)
    read = ingest.read_upload("cap.csv", data)
    assert read.encoding == expected
    assert read.headers == CAP_HEADER
    assert read.frame.row(0) == ("F0000001", "2026-07-06", "童装", "10", "1")
    assert all(dtype == pl.String for dtype in read.frame.dtypes)


def test_empty_file_is_refused_and_nothing_committed(frozen, tmp_path):
    store, before, latest = frozen
    for data in (b"", b"\xef\xbb\xbf", b"\n\n  \n"):
        with pytest.raises(IngestError) as exc:
            ingest.read_upload("empty.csv", data)
        assert exc.value.code == "empty_file"
        assert "空" in exc.value.message("zh") and "empty" in exc.value.message("en")
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert cli_main(["ingest", "capacity", str(path), "--data", str(store.data_dir)]) == 2
    assert_nothing_committed(store, before, latest)


def test_header_only_reports_no_rows_and_commits_nothing(frozen, tmp_path):
    store, before, latest = frozen
    data = csv_bytes([CAP_HEADER])
    v = check(store, "capacity", data)
    assert v.rows_in == 0 and v.rows_ok == 0
    assert set(v.errors["reason"]) == {"no_rows"} and v.errors["row"].to_list() == [1]
    with pytest.raises(IngestError) as exc:
        ingest.commit(
            store, "capacity", v, base_snapshot=store.latest(), source_name="h.csv", source_bytes=data
        )
    assert exc.value.code == "nothing_valid"
    path = tmp_path / "h.csv"
    path.write_bytes(data)
    assert (
        cli_main(["ingest", "capacity", str(path), "--data", str(store.data_dir), "--as-of", "2026-06-29"])
        == 1
    )
    assert_nothing_committed(store, before, latest)


def test_wrong_delimiter_rows_are_named_with_the_delimiter(frozen):
    store, before, latest = frozen
    data = csv_bytes([CAP_HEADER]) + "F0000001;2026-07-06;童装;10;1\nF0000001,2026-07-13,童装,10,1\n".encode()
    v = check(store, "capacity", data)
    assert reasons(v) == {2: {"one_field"}}
    assert v.errors.filter(pl.col("row") == 2)["detail"].item() == ";"
    assert (
        "；" not in ingest.explain(v.errors, "en")["reason"][0]
        and ";" in ingest.explain(v.errors, "en")["reason"][0]
    )
    assert v.rows_ok == 1 and v.rows_bad == 1
    refuse_commit(store, "capacity", v, data)
    assert_nothing_committed(store, before, latest)


def test_semicolon_and_tab_files_are_read_with_their_own_delimiter():
    for sep in (";", "\t"):
        read = ingest.read_upload(
            "cap.csv", csv_bytes([CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1]], sep=sep)
        )
        assert read.delimiter == sep and read.headers == CAP_HEADER


def test_chinese_comma_as_delimiter_is_refused_with_the_fix():
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("cap.csv", "工厂编号，周，产能\nF1，2026-07-06，10\n".encode())
    assert exc.value.code == "fullwidth_delimiter"


def test_mixed_encodings_are_refused_naming_the_lines(frozen):
    store, before, latest = frozen
    data = "工厂编号,周,品类,产能\n".encode() + "F0000001,2026-07-06,童装,10\n".encode("gbk")
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("mixed.csv", data)
    assert exc.value.code == "mixed_encoding"
    assert exc.value.params == {"utf8_row": 1, "other_row": 2}
    assert_nothing_committed(store, before, latest)


def test_ragged_rows_are_row_errors():
    read = ingest.read_upload(
        "c.csv", csv_bytes([CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1, "extra"]])
    )
    assert read.row_errors[0][:2] == (2, "too_many_fields")


# -- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("1200", 1200),
        ("1,234", 1234),
        ("1，234", 1234),
        ("１２３", 123),
        ("1200.0", 1200),
        ("1.2E+03", 1200),
        ("'1200", 1200),
        ("1.5万", 15000),
        ("300件", 300),
        ("１，２３４", 1234),
    ],
)
def test_numbers_people_type_are_parsed(text, value):
    assert parse_number(text, integer=True) == (value, None)


@pytest.mark.parametrize("text,err", [("1,2", "not_number"), ("12.5", "not_integer"), ("abc", "not_number")])
def test_bad_numbers_are_named(text, err):
    assert parse_number(text, integer=True)[1] == err


@pytest.mark.parametrize(
    "text",
    [
        "2026-06-22",
        "2026/6/22",
        "2026.6.22",
        "2026年6月22日",
        "20260622",
        "46195",
        "2026-06-22 00:00:00",
        "２０２６－０６－２２",
    ],
)
def test_dates_in_every_accepted_form(text):
    assert parse_date(text) == (dt.date(2026, 6, 22), None)


def test_weeks_as_monday_or_iso_week():
    assert parse_week("2026-W26") == (dt.date(2026, 6, 22), None)
    assert parse_week("2026年第26周") == (dt.date(2026, 6, 22), None)
    assert parse_week("2026-06-24") == (dt.date(2026, 6, 24), "not_monday")
    assert parse_date("2026-02-30")[1] == "bad_date"


def test_excel_dates_and_numbers_stored_as_text(store):
    rows = [
        CAP_HEADER,
        ["F0000001", "46209", "童装", "1200.0", "1.0E+02"],  # all stored as text in the sheet
        ["F0000001", dt.datetime(2026, 7, 13), "childrens_wear", 900, 100],
    ]  # real date and number cells
    data = xlsx_bytes(rows)
    read = ingest.read_upload("cap.xlsx", data)
    assert read.encoding is None and read.sheet == "Sheet1"
    assert read.frame.row(0) == ("F0000001", "46209", "童装", "1200.0", "1.0E+02")
    assert read.frame.row(1)[1] == "2026-07-13"
    v = ingest.validate(
        "capacity",
        read,
        ingest.suggest_mapping("capacity", read.headers),
        base_snapshot=store.latest(),
        as_of=AS_OF,
    )
    assert v.rows_bad == 0, ingest.explain(v.errors, "en")
    assert v.valid.select("week_start", "capacity_pieces", "booked_pieces").rows() == [
        (dt.date(2026, 7, 6), 1200, 100),
        (dt.date(2026, 7, 13), 900, 100),
    ]


def test_full_width_digits_and_chinese_commas_in_a_gbk_csv(store):
    data = csv_bytes(
        [
            CAP_HEADER,
            ["F0000001", "2026-07-06", "童装", "１２３", "1"],
            ["F0000001", "2026-07-13", "童装", '"1，234"', '"1,000"'],
        ],
        "gbk",
    )
    v = check(store, "capacity", data)
    assert v.rows_bad == 0, ingest.explain(v.errors, "en")
    assert v.valid["capacity_pieces"].to_list() == [123, 1234]
    assert v.valid["booked_pieces"].to_list() == [1, 1000]


# -- mapping ---------------------------------------------------------------------------


def test_headers_match_in_chinese_and_english_with_variants():
    m = ingest.suggest_mapping(
        "factories", ["企业名称", "工厂编号", "lng", "Latitude", "员工人数（人）", "Address"]
    )
    assert m["name"] == "企业名称" and m["factory_id"] == "工厂编号"
    assert m["lon"] == "lng" and m["lat"] == "Latitude"
    assert m["employees"] == "员工人数（人）" and m["address"] == "Address"
    m = ingest.suggest_mapping("capacity", ["Factory ID", "Week", "category", "Capacity (pcs)", "booked"])
    assert m == {
        "factory_id": "Factory ID",
        "week_start": "Week",
        "category": "category",
        "capacity_pieces": "Capacity (pcs)",
        "booked_pieces": "booked",
    }


def test_mapping_is_remembered_per_source(store):
    headers = ["编号A", "哪一周", "类", "量", "订"]
    assert ingest.suggest_mapping("capacity", headers)["capacity_pieces"] is None
    chosen = {
        "factory_id": "编号A",
        "week_start": "哪一周",
        "category": "类",
        "capacity_pieces": "量",
        "booked_pieces": "订",
    }
    ingest.remember_mapping(store, "capacity", headers, chosen)
    remembered = ingest.remembered_mapping(store, "capacity", headers)
    assert remembered == chosen
    assert ingest.suggest_mapping("capacity", headers, remembered) == chosen
    assert ingest.remembered_mapping(store, "capacity", headers + ["备注"]) is None  # another source
    assert json.loads((store.data_dir / "ingest_mappings.json").read_text(encoding="utf-8"))


def test_missing_required_columns_are_named_with_the_headers_found(frozen):
    store, before, latest = frozen
    v = check(store, "capacity", csv_bytes([["工厂编号", "周", "备注"], ["F0000001", "2026-07-06", "x"]]))
    missing = v.errors.filter(pl.col("reason") == "missing_column")
    assert set(missing["column"]) == {"category", "capacity_pieces"}
    assert missing["row"].to_list() == [1, 1]
    assert "工厂编号、周、备注" in ingest.explain(v.errors, "zh")["reason"][0]
    assert v.rows_ok == 0
    assert_nothing_committed(store, before, latest)


# -- validation: each bad input ---------------------------------------------------------


def test_swapped_coordinates_are_detected_and_the_fix_named(frozen):
    store, before, latest = frozen
    data = csv_bytes([["工厂编号", "工厂名称", "经度", "纬度"], ["FN1", "甲厂", 30.85, 120.2]])
    v = check(store, "factories", data)
    assert reasons(v) == {2: {"swapped"}}
    text = ingest.explain(v.errors, "zh")["reason"][0]
    assert "经度 ⇄ 纬度" in text
    refuse_commit(store, "factories", v, data)
    assert_nothing_committed(store, before, latest)


def test_coordinates_outside_china_are_errors(frozen):
    store, before, latest = frozen
    data = csv_bytes(
        [
            ["factory_id", "name", "lon", "lat"],
            ["FN1", "Paris", 2.35, 48.85],
            ["FN2", "Ulaanbaatar", 106.9, 47.9],
        ]
    )
    v = check(store, "factories", data)
    assert reasons(v) == {2: {"outside_china"}, 3: {"no_county"}}
    assert_nothing_committed(store, before, latest)


def test_duplicate_keys_and_duplicate_rows(frozen):
    store, before, latest = frozen
    data = csv_bytes(
        [
            CAP_HEADER,
            ["F0000001", "2026-07-06", "童装", 10, 1],
            ["F0000001", "2026-07-06", "童装", 10, 1],  # exact repeat of row 2
            ["F0000003", "2026-07-06", "童装", 10, 1],
            ["F0000003", "2026-07-06", "童装", 20, 1],
        ]
    )  # same key, other values
    v = check(store, "capacity", data)
    assert reasons(v) == {3: {"duplicate_row"}, 4: {"duplicate_key"}, 5: {"duplicate_key"}}
    assert v.errors.filter(pl.col("row") == 3)["detail"].item() == "2"
    assert v.rows_ok == 1
    refuse_commit(store, "capacity", v, data)
    assert_nothing_committed(store, before, latest)


def test_unknown_factory_ids_and_negative_capacity(frozen):
    store, before, latest = frozen
    data = csv_bytes(
        [
            CAP_HEADER,
            ["F9999999", "2026-07-06", "童装", 10, 1],
            ["F0000001", "2026-07-06", "童装", -5, 0],
            ["F0000001", "2026-07-13", "童装", 10, 20],
            ["F0000001", "2026-07-15", "鞋子?", 10, 1],
        ]
    )
    v = check(store, "capacity", data)
    assert reasons(v) == {
        2: {"unknown_factory"},
        3: {"below_min"},
        4: {"booked_over_capacity"},
        5: {"not_monday", "unknown_code"},
    }
    assert v.errors.filter(pl.col("reason") == "not_monday")["detail"].item() == "2026-07-13"
    refuse_commit(store, "capacity", v, data)
    assert_nothing_committed(store, before, latest)


def test_orders_due_before_order_and_labels_in_chinese(store):
    data = csv_bytes(
        [
            ["订单号", "工厂编号", "品类", "数量", "下单日期", "交货日期", "状态", "渠道"],
            ["ON1", "F0000001", "童装", 100, "2026/6/20", "2026/7/20", "待生产", "拼单"],
            ["ON2", "F0000001", "童装", 0, "2026/6/20", "2026/6/10", "shipped", "direct"],
        ]
    )
    v = check(store, "orders", data)
    assert reasons(v) == {3: {"below_min", "due_before_order"}}
    assert v.valid.select("status", "channel").row(0) == ("open", "pooled")


def test_demand_rules(store):
    data = csv_bytes(
        [
            ["需求编号", "学校编号", "年级", "班级", "校服款式", "尺码", "数量", "截止日期"],
            ["RN1", "S0001", 1, "1班", "夏季校服", "130/64", 30, "2026-08-20"],
            ["RN2", "S9999", 1, "1班", "summer_uniform", "130/64", 30, "2026-08-20"],
            ["RN3", "S0001", 1, "1班", "西装", "130/65", 0, "2026-06-01"],
        ]
    )
    v = check(store, "demand", data)
    assert reasons(v) == {
        3: {"unknown_school"},
        4: {"unknown_code", "unknown_size", "below_min", "deadline_past"},
    }
    assert v.valid.select("garment", "collected_at").row(0) == ("summer_uniform", AS_OF)


def test_zip_bomb_posing_as_xlsx_is_refused(frozen, tmp_path):
    store, before, latest = frozen
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(MAX_XLSX_UNCOMPRESSED // len(block) + 8):
                fh.write(block)
    data = buf.getvalue()
    assert len(data) < 2_000_000  # small on disk, > the cap when expanded
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("members.xlsx", data)
    assert exc.value.code == "zip_bomb"
    path = tmp_path / "members.xlsx"
    path.write_bytes(data)
    assert cli_main(["ingest", "factories", str(path), "--data", str(store.data_dir)]) == 2
    assert_nothing_committed(store, before, latest)


def test_xlsx_with_too_many_entries_or_not_a_zip_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(MAX_XLSX_ENTRIES + 1):
            zf.writestr(f"x/{i}", "")
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("a.xlsx", buf.getvalue())
    assert exc.value.code == "zip_entries"
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("a.xlsx", b"not a zip at all")
    assert exc.value.code == "bad_xlsx"
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert exc.value.code == "xls_format"


def test_xml_entity_expansion_in_xlsx_is_refused():
    good = xlsx_bytes([["a"], ["b"]])
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>'
    )
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            zf.writestr(
                info.filename, bomb if info.filename == "xl/workbook.xml" else src.read(info.filename)
            )
    with pytest.raises(IngestError) as exc:
        ingest.read_upload("lol.xlsx", out.getvalue())
    assert exc.value.code == "bad_xlsx_detail"


# -- factories: coordinates, county, cluster and category --------------------------------


def test_gcj02_is_converted_and_county_cluster_category_follow_from_the_point(store):
    wlon, wlat = 120.2, 30.85  # inside Wuxing district (Zhili)
    glon, glat = geo.wgs84_to_gcj02([wlon], [wlat])
    data = csv_bytes(
        [["企业名称", "工厂编号", "经度", "纬度"], ["新厂", "FN1", f"{glon[0]:.8f}", f"{glat[0]:.8f}"]]
    )
    v = check(store, "factories", data, crs="gcj02")
    assert v.rows_bad == 0, ingest.explain(v.errors, "en")
    row = v.valid.row(0, named=True)
    assert abs(row["lon"] - wlon) < 1e-6 and abs(row["lat"] - wlat) < 1e-6
    assert (row["adcode"], row["cluster_id"], row["categories"], row["coord_source"]) == (
        "330502",
        "zhili",
        ["childrens_wear"],
        "gcj02",
    )
    assert v.notes == {"adcode_from_point": 1, "cluster_from_county": 1, "category_from_county": 1}


def test_factory_in_no_cluster_needs_the_users_explicit_choice(store):
    data = csv_bytes([["企业名称", "工厂编号", "经度", "纬度"], ["京厂", "FN2", 116.4, 39.9]])
    v = check(store, "factories", data)
    assert reasons(v) == {2: {"no_cluster"}}
    v = check(store, "factories", data, defaults={"cluster_id": "yiwu"})
    assert v.rows_bad == 0
    assert v.valid.select("cluster_id", "categories").row(0) == ("yiwu", ["small_commodities"])
    assert v.notes["cluster_from_choice"] == 1


# -- commit ------------------------------------------------------------------------------


def test_commit_merges_by_key_and_keeps_everything_else(store):
    base = store.latest()
    old = store.read(base.snapshot_id, "capacity")
    data = csv_bytes(
        [
            ["工厂编号", "周", "品类", "产能"],  # no booked column
            ["F0000001", "2026-06-29", "童装", 999],  # update
            ["F0000001", "2027-01-04", "童装", 500],
        ]
    )  # insert
    v = check(store, "capacity", data)
    assert (v.rows_ok, v.rows_new, v.rows_updated) == (2, 1, 1)
    snap = ingest.commit(
        store, "capacity", v, base_snapshot=base, source_name="我的产能.csv", source_bytes=data
    )
    assert store.latest().snapshot_id == snap.snapshot_id and snap.manifest["parent"] == base.snapshot_id
    new = store.read(snap.snapshot_id, "capacity")
    assert new.height == old.height + 1
    key = (pl.col("factory_id") == "F0000001") & (pl.col("category") == "childrens_wear")
    was = old.filter(key & (pl.col("week_start") == dt.date(2026, 6, 29))).row(0, named=True)
    now = new.filter(key & (pl.col("week_start") == dt.date(2026, 6, 29))).row(0, named=True)
    assert now["capacity_pieces"] == 999 and now["booked_pieces"] == was["booked_pieces"]  # empty cell kept
    assert new.filter(key & (pl.col("week_start") == dt.date(2027, 1, 4)))["booked_pieces"].item() == 0
    untouched = old.filter(~(key & pl.col("week_start").is_in([dt.date(2026, 6, 29)])))
    assert untouched.join(new, on=list(untouched.columns), how="anti").is_empty()
    # unchanged tables are carried forward (same bytes, hard link); the manifest names the source
    for table in ("factories", "orders", "demand"):
        assert snap.tables[table]["sha256"] == base.tables[table]["sha256"]
        assert snap.table_path(table).stat().st_ino == base.table_path(table).stat().st_ino
    src = snap.manifest["source"]
    import hashlib

    assert src["file"] == "我的产能.csv" and src["sha256"] == hashlib.sha256(data).hexdigest()
    assert (snap.path / src["raw"]).read_bytes() == data
    assert store.verify(snap.snapshot_id) == []
    replayed = ingest.replay(store, snap.snapshot_id)
    assert replayed.valid.drop("_row").equals(v.valid.drop("_row"))


def test_partial_commit_only_when_asked_and_counts_left_out(frozen):
    store, before, latest = frozen
    data = csv_bytes(
        [CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1], ["F9999999", "2026-07-06", "童装", 10, 1]]
    )
    v = check(store, "capacity", data)
    with pytest.raises(IngestError) as exc:
        ingest.commit(
            store, "capacity", v, base_snapshot=store.latest(), source_name="p.csv", source_bytes=data
        )
    assert exc.value.code == "has_errors" and exc.value.params == {"bad": 1, "ok": 1}
    assert_nothing_committed(store, before, latest)
    snap = ingest.commit(
        store,
        "capacity",
        v,
        base_snapshot=store.latest(),
        source_name="p.csv",
        source_bytes=data,
        allow_partial=True,
    )
    assert snap.manifest["source"]["rows_committed"] == 1 and snap.manifest["source"]["rows_left_out"] == 1


def test_roles_limit_what_an_upload_may_change(store):
    data = csv_bytes(
        [CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1], ["F0000002", "2026-07-06", "童装", 10, 1]]
    )
    owner = check(store, "capacity", data, viewer=Viewer("factory", factory_id="F0000001"))
    assert reasons(owner) == {3: {"not_your_factory"}}
    assoc = check(store, "capacity", data, viewer=Viewer("association", cluster_id="zhili"))
    assert reasons(assoc) == {3: {"not_member"}}  # F0000002 is not an association member
    with pytest.raises(IngestError) as exc:
        check(store, "factories", data, viewer=Viewer("factory", factory_id="F0000001"))
    assert exc.value.code == "table_not_allowed"
    with pytest.raises(IngestError):
        check(store, "capacity", data, viewer=Viewer("planner"))


# -- command line ------------------------------------------------------------------------


def test_cli_ingest_commits_prints_errors_and_exit_codes(store, tmp_path, capsys):
    good = tmp_path / "cap.csv"
    good.write_bytes(csv_bytes([CAP_HEADER, ["F0000001", "2026-07-06", "童装", 10, 1]], "gbk"))
    args = [
        "ingest",
        "capacity",
        str(good),
        "--data",
        str(store.data_dir),
        "--as-of",
        "2026-06-29",
        "--lang",
        "en",
    ]
    assert cli_main(args) == 0
    out = capsys.readouterr().out
    assert "gb18030" in out and "Committed as new snapshot upload-2026-06-29" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([CAP_HEADER, ["F0000001", "2026-07-13", "童装", 10, 1], ["F9", "2026-07-13", "童装", 1, 0]])
    )
    errors_out = tmp_path / "errors.csv"
    before, latest = fingerprint(store), store.latest().snapshot_id
    assert (
        cli_main(
            [
                "ingest",
                "capacity",
                str(bad),
                "--data",
                str(store.data_dir),
                "--as-of",
                "2026-06-29",
                "--lang",
                "en",
                "--errors-out",
                str(errors_out),
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "row 3\t工厂编号\tF9\tUnknown factory id" in out
    assert errors_out.read_bytes().startswith(b"\xef\xbb\xbf")
    errors_out.unlink()
    assert_nothing_committed(store, before, latest)
    assert (
        cli_main(
            [
                "ingest",
                "capacity",
                str(bad),
                "--data",
                str(store.data_dir),
                "--as-of",
                "2026-06-29",
                "--allow-partial",
                "--mapping",
                json.dumps({"capacity_pieces": "产能（件）"}),
            ]
        )
        == 0
    )
    assert store.latest().manifest["source"]["rows_left_out"] == 1


def test_cli_default_values_and_crs(store, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([["name", "factory_id", "lon", "lat"], ["Beijing works", "FN9", 116.4, 39.9]]))
    base = ["ingest", "factories", str(path), "--data", str(store.data_dir), "--crs", "bd09"]
    assert cli_main(base) == 1
    assert cli_main(base + ["--default", "cluster_id=yiwu", "--default", "categories=小商品;包装"]) == 0
    row = store.read(None, "factories").filter(pl.col("factory_id") == "FN9").row(0, named=True)
    # the chosen cluster's main category comes first; the chosen categories are the last resort
    assert row["cluster_id"] == "yiwu" and row["categories"] == ["small_commodities"]
    assert row["coord_source"] == "bd09" and row["adcode"].startswith("1101")  # a Beijing district
    assert ingest.parse_defaults("factories", {"categories": "小商品;包装"}) == {
        "categories": ["small_commodities", "packaging"]
    }


def test_short_gbk_file_that_happens_to_be_valid_utf8_is_read_as_gbk():
    data = "factory_id,category\nF0000001,童装\n".encode("gbk")
    data.decode("utf-8")  # the trap: these GBK bytes are also valid UTF-8 (mojibake)
    read = ingest.read_upload("c.csv", data)
    assert read.encoding == "gb18030" and read.frame.row(0) == ("F0000001", "童装")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_large_file_path_reports_the_same_errors_as_the_page_path(store, tmp_path, encoding):
    """ingest_file (native batched reader, used by the CLI) and validate (the page) agree."""
    rows = [
        CAP_HEADER,
        ["F0000001", "2026-07-06", "童装", 10, 1],
        [],
        ["F0000001;2026-07-13;童装;1;0"],
        ["F0000001", "2026-07-13", "童装", "-1", 0],
        ["F0000003", "2026-07-06", "童装", 5, 9],
        ["F0000001", "2026-07-06", "童装", 10, 1],
    ]
    ragged = rows + [["F0000003", "2026-07-13", "童装", 5, 1, "x"]]
    for case in (rows, ragged):
        data = csv_bytes(case, encoding)
        page = check(store, "capacity", data)
        path = tmp_path / "cap.csv"
        path.write_bytes(data)
        cli = ingest.ingest_file(store, "capacity", path, as_of=AS_OF, batch_rows=2, remember=False)
        assert cli.snapshot is None and cli.refused.code == "has_errors"
        strip = lambda e: e.select("row", "reason", "detail").sort("row", "reason")  # noqa: E731
        assert strip(cli.validation.errors).equals(strip(page.errors)), (cli.validation.errors, page.errors)
        assert (cli.validation.rows_ok, cli.validation.rows_bad) == (page.rows_ok, page.rows_bad)
    assert set(page.errors["reason"]) == {
        "one_field",
        "below_min",
        "booked_over_capacity",
        "duplicate_row",
        "too_many_fields",
    }
