"""The bad-input corpus of issue 16, built in code: each case writes one hostile file.

Every case names the file, the table it is uploaded to, what it attacks and what the
ingest must answer: the CLI's exit code (1: row errors, nothing committed; 2: the file
cannot be used) and either a file-level error code (``IngestError.code``) or a row-level
reason code with the row it must name. ``tests/test_hostile_files.py`` runs them; the
same builders feed the before/after table of ``bench/bench_ingest.py --hostile``.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FACTORY = "F0000001"  # a factory of the tiny demo (tests/conftest.py)
WEEK = "2026-07-06"
CAP_HEADER = ["工厂编号", "周", "品类", "产能", "已接单"]
BIG = 200 * 1024 * 1024  # the 200 MB field and line


def _csv(rows: list[list], encoding: str = "utf-8") -> bytes:
    return ("\n".join(",".join(str(v) for v in r) for r in rows) + "\n").encode(encoding)


def _capacity(value: str) -> bytes:
    """A capacity upload whose third data row (file row 4) holds ``value`` pieces."""
    return _csv(
        [
            CAP_HEADER,
            [FACTORY, WEEK, "童装", 1200, 10],
            [FACTORY, "2026-07-13", "童装", 1300, 0],
            [FACTORY, "2026-07-20", "童装", value, 0],
        ]
    )


def _xlsx(rows: list[list], extra: dict[str, bytes] | None = None, stored: bool = False) -> bytes:
    """An openpyxl workbook, optionally with extra zip members (macros, external links)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    if not extra and not stored:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


_CAP_ROWS = [CAP_HEADER, [FACTORY, WEEK, "童装", 1200, 10]]


def _bad_crc_xlsx() -> bytes:
    """A stored (uncompressed) xlsx whose sheet bytes were changed after the CRC was written."""
    data = bytearray(_xlsx(_CAP_ROWS, stored=True))
    at = data.find(b"<sheetData>")
    assert at > 0
    data[at + 1 : at + 10] = b"sheetDatX"  # same length: sizes agree, CRC-32 does not
    return bytes(data)


def _lying_sizes_xlsx() -> bytes:
    """A deflated xlsx whose headers claim the sheet is 100 bytes (it is larger)."""
    data = bytearray(_xlsx(_CAP_ROWS))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    # local header: uncompressed size at offset 22; central directory entry: offset 24
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == info.filename.encode():
            struct.pack_into("<I", data, central + 24, 100)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _external_link_xlsx() -> bytes:
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
        b'<sheetNames><sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0">'
        b'<row r="2"><cell r="D2"><v>999999</v></cell></row></sheetData></sheetDataSet>'
        b"</externalBook></externalLink>"
    )
    return _xlsx(_CAP_ROWS, {"xl/externalLinks/externalLink1.xml": link})


def _field(path: Path, size: int) -> None:
    """A capacity CSV whose row 2 holds one field of ``size`` bytes (no newline)."""
    with open(path, "wb") as fh:
        fh.write(",".join(CAP_HEADER).encode() + b"\n")
        fh.write(f"{FACTORY},{WEEK},童装,".encode())
        block = b"9" * (1 << 20)
        for _ in range(size // len(block)):
            fh.write(block)
        fh.write(b",0\n")


def _commas(path: Path, size: int) -> None:
    """A capacity CSV whose row 2 is ``size`` bytes of commas."""
    with open(path, "wb") as fh:
        fh.write(",".join(CAP_HEADER).encode() + b"\n")
        block = b"," * (1 << 20)
        for _ in range(size // len(block)):
            fh.write(block)
        fh.write(b"\n")


@dataclass(frozen=True)
class Case:
    """One hostile file: how to write it, where it goes, and the answer expected."""

    name: str  # file name, extension included
    table: str
    attack: str
    write: Callable[[Path], None]
    exit_code: int  # 1: row errors, nothing committed; 2: file refused
    code: str  # IngestError code (exit 2) or row-level reason (exit 1)
    row: int | None = None  # the row a row-level error (or a CSV syntax error) must name
    big: bool = False  # hundreds of MB: run only in the slow test


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data() if callable(data) else data)


_UTF16_ROWS = [CAP_HEADER, [FACTORY, WEEK, "童装", 1200, 10]]

CASES: list[Case] = [
    Case(
        "int64_max.csv",
        "capacity",
        "2^63-1 pieces",
        _bytes(_capacity("9223372036854775807")),
        1,
        "above_max",
        4,
    ),
    Case(
        "int_2pow63.csv",
        "capacity",
        "2^63 pieces",
        _bytes(_capacity("9223372036854775808")),
        1,
        "above_max",
        4,
    ),
    Case("int_1e30.csv", "capacity", "1e30 pieces", _bytes(_capacity("1e30")), 1, "above_max", 4),
    Case(
        "price_inf.csv",
        "orders",
        "unit price inf",
        _bytes(
            _csv(
                [
                    ["订单号", "工厂编号", "品类", "数量", "单价", "下单日期", "交货日期"],
                    ["X1", FACTORY, "童装", 10, "inf", "2026-06-01", "2026-07-01"],
                ]
            )
        ),
        1,
        "not_finite",
        2,
    ),
    Case(
        "nan_coords.csv",
        "factories",
        "NaN/inf coordinates of a new factory",
        _bytes(_csv([["工厂编号", "工厂名称", "经度", "纬度"], ["NEW1", "新厂", "NaN", "inf"]])),
        1,
        "not_finite",
        2,
    ),
    Case(
        "bad_crc.xlsx",
        "capacity",
        "zip member changed after its CRC-32",
        _bytes(_bad_crc_xlsx),
        2,
        "bad_xlsx_detail",
    ),
    Case(
        "lying_sizes.xlsx",
        "capacity",
        "zip headers with falsified sizes",
        _bytes(_lying_sizes_xlsx),
        2,
        "bad_xlsx_detail",
    ),
    Case(
        "unclosed_quote.csv",
        "capacity",
        "a quote never closed",
        _bytes(
            _csv(
                [
                    CAP_HEADER,
                    [FACTORY, WEEK, "童装", 1200, 10],
                    [FACTORY, "2026-07-13", '"童装', 1300, 0],
                    [FACTORY, "2026-07-20", "童装", 1300, 0],
                ]
            )
        ),
        2,
        "unclosed_quote",
        3,
    ),
    Case(
        "utf16_nobom.csv",
        "capacity",
        "UTF-16 without BOM (read as UTF-16, not GB18030)",
        _bytes(_csv(_UTF16_ROWS, "utf-16-le")),
        0,
        "utf-16-le",
    ),
    Case(
        "old.xls",
        "capacity",
        "old binary Excel",
        _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),
        2,
        "xls_format",
    ),
    Case(
        "macros.xlsm",
        "capacity",
        "workbook with VBA macros",
        _bytes(lambda: _xlsx(_CAP_ROWS, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
        2,
        "macro_workbook",
    ),
    Case(
        "external_link.xlsx",
        "capacity",
        "cached values of a linked workbook",
        _bytes(_external_link_xlsx),
        2,
        "external_links",
    ),
    Case(
        "headers_1500.csv",
        "capacity",
        "1,500 identical header names",
        _bytes(_csv([["产能"] * 1500, [1] * 1500])),
        2,
        "too_many_columns",
    ),
    Case("field_2mb.csv", "capacity", "a 2 MB field", lambda p: _field(p, 2 << 20), 2, "line_too_long", 2),
    Case(
        "commas_2mb.csv",
        "capacity",
        "a 2 MB line of commas",
        lambda p: _commas(p, 2 << 20),
        2,
        "line_too_long",
        2,
    ),
    Case(
        "field_200mb.csv",
        "capacity",
        "a 200 MB field",
        lambda p: _field(p, BIG),
        2,
        "line_too_long",
        2,
        big=True,
    ),
    Case(
        "commas_200mb.csv",
        "capacity",
        "a 200 MB line of commas",
        lambda p: _commas(p, BIG),
        2,
        "line_too_long",
        2,
        big=True,
    ),
]
