"""Reading uploads as text: CSV (strict UTF-8, then GB18030) and XLSX (guarded).

Everything is read as text; ``supply.ingest.pipeline`` casts it explicitly afterwards. Problems
with the file as a whole raise ``IngestError`` with a code that ``supply/i18n/ingest.py``
translates; problems with single rows (a row with too many fields) are returned as row
errors so the rest of the file can still be checked.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from supply.i18n import t

# Caps for spreadsheets: a compressed xlsx larger than this, with more zip entries or a
# larger uncompressed size, is refused before any XML is parsed.
MAX_XLSX_BYTES = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 2_000
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_XLSX_RATIO = 200  # uncompressed / compressed, per entry larger than 1 MiB
MAX_CSV_BYTES = 4 * 1024 * 1024 * 1024
DELIMITERS = (",", "\t", ";", "|")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_ODD = re.compile("[\u0080-\u009f\u0250-\u07ff]")
csv.field_size_limit(10 * 1024 * 1024)


class IngestError(Exception):
    """A problem with an upload as a whole; ``code`` + ``params`` translate via i18n."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The explanation in ``lang`` (zh or en)."""
        return t(f"ingest.err.{self.code}", lang, **self.params)


@dataclass
class ReadResult:
    """An upload read as text: an all-String frame plus how it was read."""

    frame: pl.DataFrame
    encoding: str | None  # 'utf-8', 'utf-8-sig' or 'gb18030'; None for xlsx
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    delimiter: str | None = None
    sheets: list[str] = field(default_factory=list)
    first_row: int = 2  # file row number of frame row 0 (the header is row first_row - 1)
    row_errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, code, value, detail
    kind: str = "csv"
    bytes_read: int = 0  # batches of a large file: how far into the file this batch ends

    @property
    def headers(self) -> list[str]:
        """The column headers as found in the file."""
        return list(self.frame.columns)


def file_kind(filename: str, head: bytes) -> str:
    """'csv' or 'xlsx' from the name and the first bytes; IngestError for other formats."""
    name = filename.lower()
    if head.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise IngestError("xls_format", name=filename)
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        return "csv"
    raise IngestError("unknown_format", name=filename)


# -- encodings ---------------------------------------------------------------------------


def _gbk_lookalike(line: bytes, text: str) -> bool:
    """True when a line that decodes as UTF-8 is really GBK text that happens to decode.

    GBK Chinese read as UTF-8 gives C1 controls or IPA/Greek/Cyrillic/Hebrew/Arabic
    letters (U+0080..U+009F, U+0250..U+07FF), never CJK; real text in our files has none.
    """
    if not _ODD.search(text) or _CJK.search(text):
        return False
    try:
        return bool(_CJK.search(line.decode("gb18030")))
    except UnicodeDecodeError:
        return False


def _line_encodings(data: bytes) -> tuple[list[int], list[int]]:
    """Line numbers (1-based) that are Chinese UTF-8, and lines in another encoding."""
    utf8, other = [], []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(i)
            continue
        (other if _gbk_lookalike(line, text) else utf8).append(i)
    return utf8, other


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030': strict UTF-8 (with or without BOM) first, then GB18030.

    A file with some lines in UTF-8 and others in another encoding is refused, naming
    the first line of each, and so is a file that is neither. A short GBK file that
    happens to be valid UTF-8 is recognised by what its UTF-8 reading looks like.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
        if not _ODD.search(text):
            return "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    utf8, other = _line_encodings(body)
    if other and (utf8 or bom):
        raise IngestError("mixed_encoding", utf8_row=utf8[0] if utf8 else 1, other_row=other[0])
    if not other:
        return "utf-8-sig" if bom else "utf-8"
    try:
        body.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise IngestError("bad_encoding", row=line) from None


def detect_encoding_path(path: Path, block: int = 1 << 22) -> str:
    """Like ``detect_encoding`` for a file on disk, decoding it in blocks (bounded memory)."""
    with open(path, "rb") as fh:
        first = fh.read(3)
        enc = "utf-8-sig" if first == codecs.BOM_UTF8 else "utf-8"
        dec = codecs.getincrementaldecoder("utf-8")("strict")
        fh.seek(3 if enc == "utf-8-sig" else 0)
        try:
            for chunk in iter(lambda: fh.read(block), b""):
                dec.decode(chunk)
            dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            pass
    if path.stat().st_size <= 256 * 1024 * 1024:
        return detect_encoding(path.read_bytes())
    dec = codecs.getincrementaldecoder("gb18030")("strict")
    with open(path, "rb") as fh:
        try:
            for chunk in iter(lambda: fh.read(block), b""):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            raise IngestError("bad_encoding", row="?") from None
    return "gb18030"


# -- CSV -------------------------------------------------------------------------------


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of , TAB ; | outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _clean_headers(raw: list[str | None], warnings: list[str]) -> list[str]:
    """Strip headers, name empty ones after their position, make duplicates unique."""
    out: list[str] = []
    for i, h in enumerate(raw, start=1):
        name = (h or "").strip().lstrip("\ufeff") or f"column_{i}"
        base, n = name, 2
        while name in out:
            name = f"{base} ({n})"
            n += 1
        if name != base:
            warnings.append(t("ingest.warn.duplicate_header", "en", header=base, renamed=name))
        out.append(name)
    return out


class _Records:
    """Iterate CSV records of a text stream; knows the header and the current row number."""

    def __init__(self, stream: io.TextIOBase, warnings: list[str]):
        first = ""
        self.header_row = 0
        # Skip blank lines before the header; the header is the first non-blank line.
        while True:
            line = stream.readline()
            if line == "":
                raise IngestError("empty_file")
            self.header_row += 1
            if line.strip(" \t\r\n,;|"):
                first = line
                break
        self.delimiter = sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=self.delimiter))
        if len(header) == 1 and "，" in header[0]:
            raise IngestError("fullwidth_delimiter", header=header[0][:60])
        self.headers = _clean_headers(header, warnings)
        self.reader = csv.reader(stream, delimiter=self.delimiter)
        self.row = self.header_row

    def batches(self, batch_rows: int) -> Iterator[tuple[int, list[list[str | None]], list]]:
        """(first row number, rows padded to the header width, row errors) per batch."""
        width = len(self.headers)
        rows: list[list[str | None]] = []
        errors: list[tuple[int, str, str, str]] = []
        first = self.row + 1
        try:
            for record in self.reader:
                self.row += 1
                if len(record) > width and any(v.strip() for v in record[width:]):
                    errors.append(
                        (
                            self.row,
                            "too_many_fields",
                            self.delimiter.join(record)[:120],
                            f"{len(record)}/{width}",
                        )
                    )
                    rows.append([None] * width)
                elif len(record) == 1 and width > 1 and record[0].strip():
                    other = sniff_delimiter(record[0])
                    errors.append(
                        (self.row, "one_field", record[0][:120], other if other != self.delimiter else "")
                    )
                    rows.append([None] * width)
                else:
                    rows.append(
                        [(v if v != "" else None) for v in record[:width]] + [None] * (width - len(record))
                    )
                if len(rows) >= batch_rows:
                    yield first, rows, errors
                    first, rows, errors = self.row + 1, [], []
        except csv.Error as exc:
            raise IngestError("csv_syntax", row=self.row + 1, detail=str(exc)) from None
        if rows or errors:
            yield first, rows, errors


def _frame(headers: list[str], rows: list[list[str | None]]) -> pl.DataFrame:
    """An all-String frame from row lists."""
    cols = list(zip(*rows)) if rows else [() for _ in headers]
    return pl.DataFrame({h: pl.Series(h, list(c), dtype=pl.String) for h, c in zip(headers, cols)})


def read_csv_bytes(data: bytes) -> ReadResult:
    """Read a whole CSV from bytes (small uploads)."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise IngestError("empty_file")
    enc = detect_encoding(data)
    warnings: list[str] = []
    text = data.decode(enc)
    rec = _Records(io.StringIO(text, newline=""), warnings)
    rows, errors = [], []
    first = rec.header_row + 1
    for _, batch, errs in rec.batches(1 << 30):
        rows.extend(batch)
        errors.extend(errs)
    return ReadResult(
        _frame(rec.headers, rows), enc, None, warnings, rec.delimiter, first_row=first, row_errors=errors
    )


class RaggedRows(Exception):
    """The fast reader met a row with more fields than the header: re-read with the csv module."""


def _utf8_copy(path: Path, encoding: str, directory: Path) -> Path:
    """A UTF-8 copy of a GB18030 file, transcoded in blocks, for the native reader."""
    out = directory / "upload-utf8.csv"
    with (
        open(path, encoding=encoding, newline="") as src,
        open(out, "w", encoding="utf-8", newline="") as dst,
    ):
        while block := src.read(1 << 22):
            dst.write(block)
    return out


def _fast_batches(
    rec: _Records, path: Path, enc: str, size: int, batch_rows: int, scratch: Path
) -> Iterator[ReadResult]:
    """Batches from Polars' native CSV reader (fast); RaggedRows if a row is too long."""
    src = path if enc.startswith("utf-8") else _utf8_copy(path, enc, scratch)
    with open(src, "rb") as fh:
        sample = fh.read(1 << 20)
    per_row = max(len(sample) / max(sample.count(b"\n"), 1), 1.0)
    lf = pl.scan_csv(
        src,
        has_header=False,
        skip_rows=rec.header_row,
        separator=rec.delimiter,
        infer_schema=False,
        new_columns=rec.headers,
        quote_char='"',
        encoding="utf8",
        raise_if_empty=False,
    )
    first = rec.header_row + 1
    try:
        for frame in lf.collect_batches(chunk_size=batch_rows):
            frame = frame.select([pl.col(c).cast(pl.String) for c in rec.headers])
            errors = []
            if frame.width > 1:  # a row of one field holding other delimiters: wrong delimiter
                rest = pl.all_horizontal([pl.col(c).is_null() for c in rec.headers[1:]])
                lone = frame.with_row_index("_i").filter(rest & pl.col(rec.headers[0]).is_not_null())
                for i, value in lone.select("_i", rec.headers[0]).iter_rows():
                    other = sniff_delimiter(value)
                    if other != rec.delimiter:
                        errors.append((first + i, "one_field", value[:120], other))
                if errors:
                    bad = [r - first for r, *_ in errors]
                    frame = (
                        frame.with_row_index("_i")
                        .with_columns(
                            [
                                pl.when(pl.col("_i").is_in(bad)).then(None).otherwise(pl.col(c)).alias(c)
                                for c in rec.headers
                            ]
                        )
                        .drop("_i")
                    )
            done = min(int((first + frame.height) * per_row), size)
            yield ReadResult(
                frame, enc, None, [], rec.delimiter, first_row=first, row_errors=errors, bytes_read=done
            )
            first += frame.height
    except pl.exceptions.ComputeError as exc:
        if "more fields" in str(exc):
            raise RaggedRows() from None
        raise IngestError("csv_syntax", row="?", detail=str(exc).splitlines()[0][:200]) from None


def iter_csv_path(
    path: Path, batch_rows: int = 100_000, fast: bool = True, scratch: Path | None = None
) -> tuple[ReadResult, Iterator[ReadResult]]:
    """Read a CSV file on disk in batches of ``batch_rows`` (bounded memory).

    Returns the header as an empty ReadResult and an iterator of ReadResults, one per
    batch, each with its own ``first_row``. ``fast`` uses Polars' native reader, which
    raises RaggedRows on a row with too many fields; the csv module (``fast=False``)
    reports such rows as row errors instead. ``scratch`` holds a UTF-8 copy of a
    GB18030 file for the fast reader.
    """
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise IngestError("too_big", size=size, limit=MAX_CSV_BYTES)
    with open(path, "rb") as fh:
        if not fh.read(1 << 16).strip(b" \t\r\n\xef\xbb\xbf"):
            raise IngestError("empty_file")
    enc = detect_encoding_path(path)
    warnings: list[str] = []
    stream = open(path, encoding=enc, newline="")
    try:
        rec = _Records(stream, warnings)
    except BaseException:
        stream.close()
        raise
    header = ReadResult(
        _frame(rec.headers, []), enc, None, warnings, rec.delimiter, first_row=rec.header_row + 1
    )
    if fast and scratch is not None:
        stream.close()
        return header, _fast_batches(rec, path, enc, size, batch_rows, scratch)

    def gen() -> Iterator[ReadResult]:
        try:
            for first, rows, errs in rec.batches(batch_rows):
                yield ReadResult(
                    _frame(rec.headers, rows),
                    enc,
                    None,
                    [],
                    rec.delimiter,
                    first_row=first,
                    row_errors=errs,
                    bytes_read=stream.buffer.tell(),
                )
        finally:
            stream.close()

    return header, gen()


# -- XLSX ------------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuse a zip (xlsx) that is too big, has too many entries or expands too far.

    The declared sizes are checked first (instant for an honest bomb); then every entry
    is decompressed in a stream that stops as soon as the real size passes the cap, so a
    zip whose headers lie is refused quickly too.
    """
    if len(data) > MAX_XLSX_BYTES:
        raise IngestError("too_big", size=len(data), limit=MAX_XLSX_BYTES)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise IngestError("bad_xlsx") from None
    infos = zf.infolist()
    if len(infos) > MAX_XLSX_ENTRIES:
        raise IngestError("zip_entries", n=len(infos), limit=MAX_XLSX_ENTRIES)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_XLSX_UNCOMPRESSED:
        raise IngestError("zip_bomb", size=declared, limit=MAX_XLSX_UNCOMPRESSED)
    for info in infos:
        if info.file_size > (1 << 20) and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise IngestError("zip_bomb", size=declared, limit=MAX_XLSX_UNCOMPRESSED)
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise IngestError("bad_xlsx")
    total = 0
    for info in infos:
        with zf.open(info) as fh:
            while block := fh.read(1 << 20):
                total += len(block)
                if total > MAX_XLSX_UNCOMPRESSED:
                    raise IngestError("zip_bomb", size=total, limit=MAX_XLSX_UNCOMPRESSED)


def cell_text(value) -> str | None:
    """A spreadsheet cell as text: dates as ISO, whole floats without '.0'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def read_xlsx_bytes(data: bytes, sheet: str | None = None) -> ReadResult:
    """Read one sheet (the first by default) of a guarded xlsx as text."""
    import openpyxl

    check_zip(data)
    if not openpyxl.DEFUSEDXML:  # openpyxl parses through defusedxml when it is installed
        raise IngestError("no_defusedxml")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise IngestError("bad_xlsx_detail", detail=f"{type(exc).__name__}: {exc}"[:200]) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise IngestError("no_sheet", sheet=sheet, sheets="、".join(names))
        ws = book[sheet] if sheet else book.worksheets[0]
        warnings: list[str] = []
        rows_iter = ws.iter_rows(values_only=True)
        header_row = 0
        header = None
        for raw in rows_iter:
            header_row += 1
            if any(cell_text(v) is not None for v in raw):
                header = [cell_text(v) for v in raw]
                break
        if header is None:
            raise IngestError("empty_file")
        while header and header[-1] is None:
            header.pop()
        headers = _clean_headers(header, warnings)
        width = len(headers)
        rows, errors = [], []
        row = header_row
        for raw in rows_iter:
            row += 1
            cells = [cell_text(v) for v in raw]
            if len(cells) > width and any(c is not None for c in cells[width:]):
                errors.append((row, "too_many_fields", "", f"{len(cells)}/{width}"))
            rows.append(cells[:width] + [None] * (width - len(cells[:width])))
        while rows and all(c is None for c in rows[-1]):
            rows.pop()
        return ReadResult(
            _frame(headers, rows),
            None,
            ws.title,
            warnings,
            None,
            names,
            first_row=header_row + 1,
            row_errors=errors,
            kind="xlsx",
        )
    finally:
        book.close()


def read_upload(filename: str, data: bytes | str | os.PathLike, sheet: str | None = None) -> ReadResult:
    """Read an uploaded CSV or XLSX (bytes or a path) into an all-String frame."""
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        with open(path, "rb") as fh:
            kind = file_kind(filename, fh.read(8))
        if kind == "xlsx" and path.stat().st_size > MAX_XLSX_BYTES:
            raise IngestError("too_big", size=path.stat().st_size, limit=MAX_XLSX_BYTES)
        data = path.read_bytes()
    kind = file_kind(filename, data[:8])
    if kind == "xlsx":
        return read_xlsx_bytes(data, sheet)
    return read_csv_bytes(data)
