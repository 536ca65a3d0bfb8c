"""One formatting layer for the screen, CSV, XLSX and the printable report.

Every figure a person reads goes through these functions, so the same value looks the same
everywhere: counts with digit grouping (万/亿 in Chinese, K/M in English when large),
shares as percentages, changes of a share in percentage points, money in ¥, dates as ISO
(``2026-06-29``) or ``2026年6月29日``, weeks starting Monday, times in Asia/Shanghai,
booleans as 是/否 or Yes/No and missing values as "—" (the reason goes in the help text).
``KINDS`` names the value kinds a table column can have; ``cell(value, kind, lang)`` formats
one value of a kind. Exports keep numbers numeric and dates as dates (supply/data/export.py
reads ``KINDS`` for its number formats); this module only turns values into text.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
MISSING = "—"
KINDS = (
    "count",
    "number",
    "pct",
    "pp",
    "money",
    "date",
    "week",
    "datetime",
    "bool",
    "text",
    "decimal",
    "ratio",
)

STRINGS = {
    "fmt.yes": ("是", "Yes"),
    "fmt.no": ("否", "No"),
    "fmt.pp": ("{v} 个百分点", "{v} pts"),
    "fmt.week_of": ("{d} 起一周", "week of {d}"),
    "fmt.missing_help": ("“—”表示没有数值：{reason}", "“—” means there is no value: {reason}"),
}


def _t(key: str, lang: str, **kw) -> str:
    from supply.i18n import t  # late: this module is loaded while supply.i18n is being built

    return t(key, lang, **kw)


def is_missing(value) -> bool:
    """True for None, NaN and infinities (nothing a person can read as a figure)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value) or math.isinf(value)
    return False


def count(value, lang: str = "zh") -> str:
    """A count with digit grouping, in full: ``count(2644334) -> '2,644,334'``."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value)):,}"


def number(value, lang: str = "zh") -> str:
    """A large figure in short form: 万/亿 in Chinese, K/M in English; grouped digits below.

    >>> number(2644334, "zh"), number(2644334, "en"), number(48972125, "zh")
    ('264.4万', '2.6M', '4,897万')
    """
    if is_missing(value):
        return MISSING
    v = float(value)
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return f"{v / 1e8:,.2f}亿"
        if a >= 1e7:
            return f"{v / 1e4:,.0f}万"
        if a >= 1e5:
            return f"{v / 1e4:,.1f}万"
        return f"{v:,.0f}"
    if a >= 1e9:
        return f"{v / 1e9:,.2f}B"
    if a >= 1e6:
        return f"{v / 1e6:,.1f}M"
    if a >= 1e5:
        return f"{v / 1e3:,.0f}K"
    return f"{v:,.0f}"


def signed(value, lang: str = "zh") -> str | None:
    """A signed change in the short form of ``number`` ('+7.0万', '-25,179'); None if missing."""
    if is_missing(value):
        return None
    if round(float(value)) == 0:
        return "0"  # no change: no sign
    return ("+" if value >= 0 else "-") + number(abs(value), lang)


def pct(value, lang: str = "zh", digits: int = 1) -> str:
    """A share (0.457) as a percentage ('45.7%')."""
    if is_missing(value):
        return MISSING
    return f"{float(value) * 100:.{digits}f}%"


def pp(value, lang: str = "zh", digits: int = 1) -> str | None:
    """A change of a share in percentage points ('+1.2 个百分点' / '+1.2 pts'); None if missing."""
    if is_missing(value):
        return None
    points = round(float(value) * 100, digits)
    text = f"{abs(points):.{digits}f}" if points == 0 else f"{points:+.{digits}f}"  # never "-0.0"
    return _t("fmt.pp", lang, v=text)


def money(value, lang: str = "zh") -> str:
    """Money in CNY, short form for large sums: '¥4,897万', '¥49.0M'."""
    if is_missing(value):
        return MISSING
    v = float(value)
    return ("-" if v < 0 else "") + "¥" + number(abs(v), lang)


def decimal(value, lang: str = "zh", digits: int = 1) -> str:
    """A measured quantity with a fixed number of decimals and grouping ('1,234.5')."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{digits}f}"


def _as_date(value) -> dt.date | None:
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def date(value, lang: str = "zh", long: bool = False) -> str:
    """A date: ISO in tables ('2026-06-29'); in prose, '2026年6月29日' or '29 Jun 2026'."""
    d = _as_date(value)
    if d is None:
        return MISSING
    if not long:
        return d.isoformat()
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%b')} {d.year}"


def monday(value) -> dt.date:
    """The Monday of the week a date falls in (weeks start Monday everywhere)."""
    d = _as_date(value)
    return d - dt.timedelta(days=d.weekday())


def week(value, lang: str = "zh") -> str:
    """A week, named by its Monday: '2026-06-29 起一周' / 'week of 2026-06-29'."""
    if _as_date(value) is None:
        return MISSING
    return _t("fmt.week_of", lang, d=monday(value).isoformat())


def local_time(value) -> dt.datetime | None:
    """A timestamp (aware, or naive UTC, or ISO text) in Asia/Shanghai."""
    if is_missing(value) or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ)


def datetime(value, lang: str = "zh") -> str:
    """A time in Asia/Shanghai, to the minute: '2026-06-29 14:05'."""
    local = local_time(value)
    return MISSING if local is None else local.strftime("%Y-%m-%d %H:%M")


def boolean(value, lang: str = "zh") -> str:
    """是/否 or Yes/No."""
    if is_missing(value):
        return MISSING
    return _t("fmt.yes" if value else "fmt.no", lang)


def cell(value, kind: str, lang: str = "zh") -> str:
    """One value of a column kind (``KINDS``) as text; '—' when missing."""
    if kind not in KINDS:
        raise ValueError(f"unknown value kind {kind!r}; kinds are {KINDS}")
    if is_missing(value):
        return MISSING
    fn = {
        "count": count,
        "number": number,
        "pct": pct,
        "pp": lambda v, lang: pp(v, lang) or MISSING,
        "money": money,
        "date": date,
        "week": date,
        "datetime": datetime,
        "bool": boolean,
        "decimal": decimal,
        "ratio": lambda v, lang: decimal(v, lang, 2),
    }.get(kind)
    if fn is None:
        return str(value) if str(value) not in ("None", "nan", "NaN") else MISSING
    return fn(value, lang)


def missing_help(reason: str, lang: str = "zh") -> str:
    """The help-text sentence that explains a '—'."""
    return _t("fmt.missing_help", lang, reason=reason)


# plotly.js has no Chinese locale built in; this is the zh-CN locale that plotly.js publishes
# (plotly-locale-zh-cn), registered through the chart config so it works offline.
PLOTLY_ZH_CN = {
    "moduleType": "locale",
    "name": "zh-CN",
    "dictionary": {
        "Autoscale": "自动缩放",
        "Box Select": "矩形框选",
        "Download plot as a png": "下载图表为PNG格式",
        "Lasso Select": "套索选择",
        "Pan": "平移",
        "Reset axes": "重置轴",
        "Zoom": "缩放",
        "Zoom in": "放大",
        "Zoom out": "缩小",
        "Toggle Spike Lines": "切换尖峰线",
        "Show closest data on hover": "悬停时显示最近的数据",
        "Compare data on hover": "悬停时比较数据",
        "Double-click to zoom back out": "双击缩放至原始大小",
        "Reset view": "重置视图",
        "Reset camera to default": "重置相机",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [
            "一月",
            "二月",
            "三月",
            "四月",
            "五月",
            "六月",
            "七月",
            "八月",
            "九月",
            "十月",
            "十一月",
            "十二月",
        ],
        "shortMonths": [
            "1月",
            "2月",
            "3月",
            "4月",
            "5月",
            "6月",
            "7月",
            "8月",
            "9月",
            "10月",
            "11月",
            "12月",
        ],
        "date": "%Y-%m-%d",
        "decimal": ".",
        "thousands": ",",
    },
}


def plotly_config(lang: str) -> dict:
    """The plotly.js config for a chart in ``lang`` (zh-CN locale registered inline, no logo)."""
    config = {"displaylogo": False}
    if lang == "zh":
        config.update(locale="zh-CN", locales={"zh-CN": PLOTLY_ZH_CN})
    return config
