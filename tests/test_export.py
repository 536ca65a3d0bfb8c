"""Exports shared by every page: CSV (BOM, formula-safe), XLSX (read back equal), file names."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import polars as pl
import pytest
from openpyxl.utils.escape import unescape

from supply.data.export import BOM, filename, neutralise, to_csv_bytes, to_xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


@pytest.fixture()
def mixed() -> pl.DataFrame:
    """Strings that a spreadsheet would run, harmless Chinese text, and numbers of every sign."""
    return pl.DataFrame(
        {
            "text": [*DANGEROUS, "织里童装", "plain"],
            "qty": [1, -2, 0, 3, -40, 5, 6, -7],
            "price": [1.5, -2.25, 0.0, 3.0, -0.5, 10.0, 7.75, -1.0],
            "day": [dt.date(2026, 6, 29)] * 8,
        }
    )


def read_csv_cells(data: bytes) -> list[list[str]]:
    """The CSV's cells as text, BOM stripped (as Excel reads it)."""
    import csv

    text = data[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_sheet_equals(data: bytes, frame: pl.DataFrame) -> None:
    """The first sheet of an XLSX read back with openpyxl holds exactly the frame.

    OOXML stores a carriage return in text as the escape ``_x000D_``; Excel decodes it,
    openpyxl leaves it to ``openpyxl.utils.escape.unescape``, so the reader applies that.
    """
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[unescape(v) if isinstance(v, str) else v for v in row] for row in ws.iter_rows(values_only=True)]
    assert list(rows[0]) == frame.columns
    for got, want in zip(rows[1:], frame.iter_rows(), strict=True):
        want = [dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v for v in want]
        assert list(got) == want


def test_csv_starts_with_a_bom(mixed):
    data = to_csv_bytes(mixed)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").startswith("text,qty,price,day")


def test_csv_neutralises_formula_strings_and_leaves_numbers(mixed):
    rows = read_csv_cells(to_csv_bytes(mixed))
    body = rows[1:]
    assert [r[0] for r in body[:6]] == ["'" + s for s in DANGEROUS]
    assert body[0][0] == '\'=HYPERLINK("http://x","y")'
    assert [r[0] for r in body[6:]] == ["织里童装", "plain"]
    assert [r[1] for r in body] == ["1", "-2", "0", "3", "-40", "5", "6", "-7"]
    assert [r[2] for r in body] == ["1.5", "-2.25", "0.0", "3.0", "-0.5", "10.0", "7.75", "-1.0"]


def test_csv_neutralises_dangerous_column_names():
    rows = read_csv_cells(to_csv_bytes(pl.DataFrame({"=cmd": ["a"], "ok": [1]})))
    assert rows[0] == ["'=cmd", "ok"]


def test_neutralise_single_values():
    assert neutralise("-2") == "'-2"
    assert neutralise("a-2") == "a-2"
    assert neutralise(None) is None
    assert neutralise("") == ""


def test_pandas_frames_export_the_same(mixed):
    numbers_and_text = mixed.drop("day")  # pandas has no date-only dtype
    assert to_csv_bytes(numbers_and_text.to_pandas()) == to_csv_bytes(numbers_and_text)
    assert_sheet_equals(
        to_xlsx_bytes(pd.DataFrame({"a": ["=1+1", "x"], "b": [1, -2]})),
        pl.DataFrame({"a": ["=1+1", "x"], "b": [1, -2]}),
    )


def test_chinese_survives_csv_round_trip():
    frame = pl.DataFrame({"工厂": ["恒信童装厂", "晨阳校服厂"], "件数": [1200, 35]})
    back = pl.read_csv(to_csv_bytes(frame)[len(BOM) :])
    assert back.equals(frame)


def test_xlsx_reads_back_equal_to_the_data(mixed):
    assert_sheet_equals(to_xlsx_bytes(mixed), mixed)


def test_xlsx_strings_are_text_not_formulas(mixed):
    data = to_xlsx_bytes(mixed)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.value == DANGEROUS[0]
    assert cell.quotePrefix  # Excel keeps it text even when edited
    assert not ws["A8"].quotePrefix  # ordinary text is left alone
    assert ws["B3"].data_type == "n" and ws["B3"].value == -2
    assert ws.freeze_panes == "A2"
    assert ws["B2"].number_format == "#,##0"


def test_xlsx_chinese_and_lists_round_trip():
    frame = pl.DataFrame({"名称": ["织里童装"], "认证": [["ISO9001", "GB/T 31888"]]})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet="会员"))).worksheets[0]
    assert ws.title == "会员"
    assert [c.value for c in ws[2]] == ["织里童装", "ISO9001; GB/T 31888"]


def test_xlsx_title_row_moves_the_header_down():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pl.DataFrame({"a": [1]}), title="报告")))
    sheet = ws.worksheets[0]
    assert sheet["A1"].value == "报告" and sheet["A3"].value == "a" and sheet["A4"].value == 1


def test_file_names_carry_report_cluster_and_snapshot():
    assert (
        filename("capacity-weekly", "zhili", "demo-2026-06-29", "csv")
        == "capacity-weekly_zhili_demo-2026-06-29.csv"
    )
    assert filename("capacity-report", None, "s1", ".html") == "capacity-report_all_s1.html"
    assert filename("a/b", "../x", "id 1", "xlsx") == "a-b_..-x_id-1.xlsx"
    assert "/" not in filename("../../etc/passwd", "c", "s", "csv")


def test_xlsx_bytes_are_reproducible(mixed):
    import time

    first = to_xlsx_bytes(mixed)
    time.sleep(1.1)  # xlsxwriter would otherwise stamp the current time into the file
    assert to_xlsx_bytes(mixed) == first


def test_localised_export_keeps_numbers_and_dates_and_labels_codes():
    """ui/tables.export_frame: headers and codes in the language, numbers and dates left as they are."""
    import datetime as dt
    import io

    import openpyxl

    from supply.data import export
    from ui.tables import Col, export_frame

    frame = pl.DataFrame(
        {
            "week_start": [dt.date(2026, 6, 29), dt.date(2026, 7, 6)],
            "category": ["shoes", None],
            "capacity_pieces": [2644334, None],
            "utilisation": [0.43863636363636366, None],
            "pooled_planning": [True, False],
        }
    )
    cols = [
        Col("week_start", "col.week_start"),
        Col("category", "col.category", codes="category"),
        Col("capacity_pieces", "col.capacity_pieces"),
        Col("utilisation", "col.utilisation", "pct"),
        Col("pooled_planning", "capacity.col.pooled", "bool"),
    ]
    out, kinds = export_frame(frame, cols, "zh")
    assert out.columns[:4] == ["周起始日", "品类", "产能（件）", "利用率"]
    assert out["品类"].to_list() == ["鞋", "—"] and out[out.columns[4]].to_list() == ["是", "否"]
    assert out["产能（件）"].dtype == pl.Int64 and out["周起始日"].dtype == pl.Date
    text = export.to_csv_bytes(export.rounded(out, kinds)).decode("utf-8-sig")
    assert "2644334" in text and "0.4386" in text and "None" not in text and "nan" not in text
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(out, kinds=kinds))).active
    assert ws["D2"].number_format == "0.0%" and isinstance(ws["A2"].value, dt.datetime)
