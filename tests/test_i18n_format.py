"""The one formatting layer (supply/i18n/format.py), the export kinds and snapshot labels."""

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from supply.data import export
from supply.i18n import format as fmt
from ui import snapshots


@pytest.mark.parametrize(
    ("value", "lang", "want"),
    [
        (2644334, "zh", "264.4万"),
        (48972125, "zh", "4,897万"),
        (312_000_000, "zh", "3.12亿"),
        (2644334, "en", "2.6M"),
        (250_000, "en", "250K"),
        (9_999, "zh", "9,999"),
        (None, "zh", "—"),
        (float("nan"), "en", "—"),
    ],
)
def test_number_short_forms(value, lang, want):
    assert fmt.number(value, lang) == want


def test_kinds_never_print_none_or_nan():
    for kind in fmt.KINDS:
        for v in (None, float("nan"), float("inf")):
            assert fmt.cell(v, kind, "zh") == "—"
    assert fmt.cell("None", "text", "en") == "—"
    with pytest.raises(ValueError, match="unknown value kind"):
        fmt.cell(1, "pieces", "zh")


def test_percent_money_dates_booleans_times():
    assert fmt.pct(0.457, "zh") == "45.7%"
    assert fmt.pp(0.0123, "zh") == "+1.2 个百分点"
    assert fmt.pp(-0.0123, "en") == "-1.2 pts"
    assert fmt.pp(-0.0001, "zh") == "0.0 个百分点" and fmt.signed(0, "zh") == "0"  # no "-0.0", no "+0"
    assert fmt.money(48972125, "zh") == "¥4,897万"
    assert fmt.money(-1200, "en") == "-¥1,200"
    assert fmt.date(dt.date(2026, 6, 29), "zh", long=True) == "2026年6月29日"
    assert fmt.date(dt.date(2026, 6, 29), "en") == "2026-06-29"
    assert fmt.monday(dt.date(2026, 7, 5)) == dt.date(2026, 6, 29)  # a Sunday -> its Monday
    assert fmt.boolean(True, "zh") == "是" and fmt.boolean(False, "en") == "No"
    # 06:05 UTC is 14:05 in Asia/Shanghai; naive timestamps are read as UTC
    assert fmt.datetime("2026-06-29T06:05:00+00:00") == "2026-06-29 14:05"
    assert fmt.datetime(dt.datetime(2026, 6, 29, 18, 30)) == "2026-06-30 02:30"


def test_plotly_config_registers_zh_locale():
    cfg = fmt.plotly_config("zh")
    assert cfg["locale"] == "zh-CN" and cfg["locales"]["zh-CN"]["format"]["shortMonths"][5] == "6月"
    assert "locale" not in fmt.plotly_config("en")


def test_exports_keep_numbers_and_round_floats():
    frame = pl.DataFrame(
        {"利用率": [0.43863636363636366, None], "产能": [2644334, 5], "周": [dt.date(2026, 6, 29)] * 2}
    )
    kinds = {"利用率": "pct", "产能": "count", "周": "date"}
    text = export.to_csv_bytes(frame, kinds).decode("utf-8-sig")
    assert "0.4386," in text and "0.43863636" not in text and "2644334" in text and "None" not in text
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, kinds=kinds)))
    ws = book.active
    assert ws["A2"].number_format == "0.0%" and isinstance(ws["A2"].value, float)
    assert isinstance(ws["C2"].value, dt.datetime) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["A3"].value is None  # missing stays empty, never the text None


class _Snap:
    def __init__(self, manifest):
        self.manifest = manifest


def test_snapshot_labels_from_manifest_and_old_manifests():
    new = {
        "created_at": "2026-06-29T06:05:00+00:00",
        "as_of": "2026-06-29",
        "source": {"kind": "upload", "file": "产能.csv", "by": {"user": "王厂长"}},
    }
    assert snapshots.label(_Snap(new), "zh") == "2026-06-29 14:05 · 上传 产能.csv · 王厂长"
    assert snapshots.label(_Snap(new), "en") == "2026-06-29 14:05 · upload 产能.csv · 王厂长"
    old = {"created_at": "2026-06-01T00:00:00", "as_of": "2026-06-01"}
    assert snapshots.label(_Snap(old), "zh") == "2026-06-01 08:00 · 来源未记录"
    demo = {"created_at": "2026-06-01T00:00:00+00:00", "synthetic": True, "source": {"kind": "demo"}}
    assert snapshots.label(_Snap(demo), "en") == "2026-06-01 08:00 · demo data"


def test_charts_tick_on_mondays_and_show_full_numbers_in_chinese():
    import plotly.graph_objects as go

    from ui import figures

    weeks = [dt.date(2026, 6, 29) + dt.timedelta(weeks=i) for i in range(26)]
    fig = go.Figure(go.Bar(x=weeks, y=[25_000 + i for i in range(26)]))
    figures._monday_weeks(fig)
    figures._full_numbers(fig)
    axis = fig.layout.xaxis
    assert dt.date.fromisoformat(axis.tick0).weekday() == 0  # ticks fall on Mondays
    assert axis.dtick % (7 * 86_400_000) == 0 and 26 * 7 * 86_400_000 / axis.dtick <= 13
    assert fig.layout.yaxis.tickformat == ",d"  # 25,000, not plotly's "25k"
    shares = go.Figure(go.Scatter(x=weeks, y=[0.4] * 26))
    figures._full_numbers(shares)
    assert shares.layout.yaxis.tickformat is None  # small values keep plotly's own format
