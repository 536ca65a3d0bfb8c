"""Text -> typed values for uploads: numbers, dates, weeks, booleans, lists and codes.

People type numbers and dates in many ways. Accepted, besides the plain forms:
full-width digits (１２３), thousands separators in ASCII or Chinese commas (1,234 and
1，234), a trailing 件, 万 (1.2万 = 12000), Excel numbers stored as text (1200.0, 1.2E+03,
'1200), and dates as ISO, 2026/6/22, 2026.6.22, 2026年6月22日, 20260622 or Excel serial
numbers (46195). Weeks are a date (its Monday) or ISO weeks (2026-W27, 2026年第27周).

Each column is parsed vectorised where the text is already clean, and value by value
(once per distinct value) where it is not, so a million rows stay fast.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import polars as pl

from supply.data import schema
from supply.i18n import CATALOGUE

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000  # 1954 .. 2119: plausible Excel date serials
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_SEP = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(:00(\.0+)?)?)?$")
_DATE_ZH = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_WEEK_ZH = re.compile(r"^(\d{4})年?第?(\d{1,2})周$")
_LIST_SPLIT = re.compile(r"[;；,，、|]")
# Whole numbers beyond 2^53 are not exact as floats and beyond 2^63 do not fit Int64: such a
# value is reported as too large (the column's own range is far below) instead of overflowing.
INT_LIMIT = 2**53
_TRUE = {"1", "true", "t", "yes", "y", "是", "√", "✓", "对", "会员", "参与"}
_FALSE = {"0", "false", "f", "no", "n", "否", "×", "✗", "不是", "非会员", "不参与"}

# Coded columns: which fixed vocabulary each one uses and the i18n kind of its labels.
CODES: dict[str, tuple[tuple[str, ...], str]] = {
    "category": (schema.CATEGORIES, "category"),
    "main_category": (schema.CATEGORIES, "category"),
    "categories": (schema.CATEGORIES, "category"),
    "garment": (schema.GARMENTS, "garment"),
    "channel": (schema.CHANNELS, "channel"),
    "status": (schema.ORDER_STATUSES, "status"),
    "buyer_type": (schema.BUYER_TYPES, "buyer_type"),
    "coord_source": (schema.COORD_SOURCES, "coord"),
    "stage": (("primary", "junior", "senior"), "stage"),
}


def norm(text: str) -> str:
    """NFKC (full-width -> half-width), trimmed, Excel's leading apostrophe removed."""
    s = unicodedata.normalize("NFKC", text).strip()
    return s[1:].strip() if s.startswith("'") else s


def code_lookup(column: str) -> dict[str, str]:
    """Lower-cased code, Chinese and English label -> code, for one coded column."""
    codes, kind = CODES[column]
    out = {}
    for code in codes:
        out[code.lower()] = code
        out[code.replace("_", " ").lower()] = code
        pair = CATALOGUE.get(f"{kind}.{code}")
        if pair:
            out[norm(pair[0]).lower()] = code
            out[norm(pair[1]).lower()] = code
    if column in ("category", "main_category", "categories"):
        out.update(
            {
                "校服": "school_uniform",
                "童装": "childrens_wear",
                "鞋": "shoes",
                "鞋业": "shoes",
                "包装": "packaging",
                "印刷": "packaging",
                "水晶": "crystal",
                "美甲": "press_on_nails",
                "纺织": "textiles",
                "服装": "textiles",
            }
        )
    return out


# -- single values: return (value, error code or None) -----------------------------------


def parse_number(text: str, integer: bool):
    """A number from text; ('not_number' | 'not_integer') errors."""
    s = norm(text).replace("，", ",").replace(" ", "")
    s = re.sub(r"(件|pcs|个|双|元|¥|￥)$", "", s, flags=re.IGNORECASE)
    s = s.lstrip("¥￥")
    scale = 1
    if s.endswith("万"):
        s, scale = s[:-1], 10_000
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if s.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return None, "not_finite"
    if not _NUMBER.match(s):
        return None, "not_number"
    value = float(s) * scale
    if value != value or abs(value) == float("inf"):  # 1e400 overflows to inf
        return None, "not_finite"
    if integer:
        if abs(value) > INT_LIMIT:
            return None, "above_max" if value > 0 else "below_min"
        if not value.is_integer():
            return None, "not_integer"
        return int(value), None
    return value, None


def parse_date(text: str):
    """A date from text in any accepted form; 'bad_date' error."""
    s = norm(text)
    for rx in (_DATE_SEP, _DATE_ZH, _DATE_COMPACT):
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                return None, "bad_date"
    number, err = parse_number(s, integer=False)
    if err is None and float(number).is_integer() and _SERIAL_MIN <= number <= _SERIAL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number)), None
    return None, "bad_date"


def parse_week(text: str):
    """A week's Monday from a date or an ISO week; 'not_monday' when a date is another day."""
    s = norm(text)
    m = _WEEK.match(s) or _WEEK_ZH.match(s)
    if m:
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1), None
        except ValueError:
            return None, "bad_week"
    day, err = parse_date(s)
    if err:
        return None, "bad_week"
    if day.weekday() != 0:
        return day, "not_monday"
    return day, None


def parse_bool(text: str):
    """True/False from 是/否, yes/no, 1/0, true/false, √/×; 'not_bool' error."""
    s = norm(text).lower()
    if s in _TRUE:
        return True, None
    if s in _FALSE:
        return False, None
    return None, "not_bool"


def parse_code(text: str, lookup: dict[str, str]):
    """A code from its code, Chinese or English label; 'unknown_code' error."""
    code = lookup.get(norm(text).lower())
    return (code, None) if code else (None, "unknown_code")


def parse_list(text: str, lookup: dict[str, str] | None = None):
    """A list split on ; ； , ， 、 |; items coded through ``lookup`` when given."""
    items = [norm(p) for p in _LIST_SPLIT.split(text) if norm(p)]
    if lookup is None:
        return items, None
    out = []
    for item in items:
        code = lookup.get(item.lower())
        if code is None:
            return None, "unknown_code"
        out.append(code)
    return out, None


# -- whole columns -----------------------------------------------------------------------


def _by_value(col: pl.Series, fn, dtype: pl.DataType) -> tuple[pl.Series, pl.Series]:
    """Apply ``fn`` once per distinct non-null value; return (values, error codes)."""
    uniq = col.drop_nulls().unique()
    parsed, errs = [], []
    for v in uniq.to_list():
        value, err = fn(v)
        parsed.append(value)
        errs.append(err)
    lookup = pl.DataFrame(
        {"_k": uniq, "_v": pl.Series(parsed, dtype=dtype), "_e": pl.Series(errs, dtype=pl.String)}
    )
    joined = pl.DataFrame({"_k": col}).join(lookup, on="_k", how="left", maintain_order="left")
    return joined["_v"], joined["_e"]


def parse_column(col: pl.Series, kind: str, column: str) -> tuple[pl.Series, pl.Series]:
    """Parse one String column into ``kind``; return (typed values, error codes or null)."""
    col = col.cast(pl.String).str.strip_chars().replace("", None)
    if kind in ("int", "float"):
        dtype = pl.Int64 if kind == "int" else pl.Float64
        fast = col.cast(dtype, strict=False)
        if kind == "float":  # the cast reads 'inf' and 'NaN': those go the slow way, as errors
            fast = fast.set(~fast.is_finite().fill_null(True), None)
        slow = col.is_not_null() & fast.is_null()
        if not slow.any():
            return fast, pl.Series([None] * len(col), dtype=pl.String)
        values, errs = _by_value(col.filter(slow), lambda v: parse_number(v, kind == "int"), dtype)
        out = fast.scatter(slow.arg_true(), values)
        err = pl.Series([None] * len(col), dtype=pl.String).scatter(slow.arg_true(), errs)
        return out, err
    if kind == "date":
        return _by_value(col, parse_date, pl.Date)
    if kind == "week":
        return _by_value(col, parse_week, pl.Date)
    if kind == "bool":
        return _by_value(col, parse_bool, pl.Boolean)
    if kind == "code":
        lookup = code_lookup(column)
        return _by_value(col, lambda v: parse_code(v, lookup), pl.String)
    if kind == "codes":
        lookup = code_lookup(column)
        return _by_value(col, lambda v: parse_list(v, lookup), pl.List(pl.String))
    if kind == "list":
        return _by_value(col, parse_list, pl.List(pl.String))
    if kind == "id":
        fast = col.str.contains(r"^[\x21-\x7e]+$").fill_null(True)
        if fast.all():
            return col, pl.Series([None] * len(col), dtype=pl.String)
        return _by_value(col, lambda v: (norm(v), None), pl.String)
    return col, pl.Series([None] * len(col), dtype=pl.String)
