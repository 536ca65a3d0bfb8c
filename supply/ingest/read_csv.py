"""Reading CSV uploads as text: delimiter, header, rows in batches, with caps on their shape.

Small uploads are read whole (``read_csv_bytes``); files on disk are read in batches
(``iter_csv_path``), by Polars' native reader when the file is clean and by the csv
module when a row needs naming (too many fields, a quote never closed). Lines longer
than ``MAX_LINE_BYTES`` and headers wider than ``MAX_COLUMNS`` are refused up front.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from supply.i18n import t
from supply.ingest.encodings import (
    check_lines,
    check_lines_bytes,
    detect_encoding,
    detect_encoding_path,
    utf8_copy,
)
from supply.ingest.files import MAX_COLUMNS, MAX_CSV_BYTES, MAX_LINE_BYTES, IngestError, ReadResult, file_kind

DELIMITERS = (",", "\t", ";", "|")
csv.field_size_limit(MAX_LINE_BYTES)


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


def clean_headers(raw: list[str | None], warnings: list[str]) -> list[str]:
    """Strip headers, name empty ones after their position, make duplicates unique.

    Refuses more than ``MAX_COLUMNS`` headers (``too_many_columns``) before any work.
    """
    if len(raw) > MAX_COLUMNS:
        raise IngestError("too_many_columns", n=f"{len(raw):,}", limit=MAX_COLUMNS)
    out: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(raw, start=1):
        name = (h or "").strip().lstrip("\ufeff") or f"column_{i}"
        base, n = name, 2
        while name in seen:
            name = f"{base} ({n})"
            n += 1
        if name != base:
            warnings.append(t("ingest.warn.duplicate_header", "en", header=base, renamed=name))
        out.append(name)
        seen.add(name)
    return out


class _Records:
    """Iterate CSV records of a text stream; knows the header and the current row number."""

    def __init__(self, stream: io.TextIOBase, warnings: list[str]):
        first = ""
        self.header_row = 0
        # Skip blank lines before the header; the header is the first non-blank line.
        while True:
            line = stream.readline(MAX_LINE_BYTES + 1)
            if line == "":
                raise IngestError("empty_file")
            self.header_row += 1
            if len(line) > MAX_LINE_BYTES:
                raise IngestError("line_too_long", row=self.header_row, limit=f"{MAX_LINE_BYTES:,}")
            if line.strip(" \t\r\n,;|"):
                first = line
                break
        self.delimiter = sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=self.delimiter))
        if len(header) == 1 and "，" in header[0]:
            raise IngestError("fullwidth_delimiter", header=header[0][:60])
        self.headers = clean_headers(header, warnings)
        self.reader = csv.reader(stream, delimiter=self.delimiter)
        self.row = self.header_row

    def _record(self, record: list[str], width: int, errors: list) -> list[str | None]:
        if len(record) > width and any(v.strip() for v in record[width:]):
            errors.append(
                (self.row, "too_many_fields", self.delimiter.join(record)[:120], f"{len(record)}/{width}")
            )
            return [None] * width
        if len(record) == 1 and width > 1 and record[0].strip():
            other = sniff_delimiter(record[0])
            errors.append((self.row, "one_field", record[0][:120], other if other != self.delimiter else ""))
            return [None] * width
        return [(v if v != "" else None) for v in record[:width]] + [None] * (width - len(record))

    def batches(self, batch_rows: int) -> Iterator[tuple[int, list[list[str | None]], list]]:
        """(first row number, rows padded to the header width, row errors) per batch."""
        width = len(self.headers)
        rows: list[list[str | None]] = []
        errors: list[tuple[int, str, str, str]] = []
        first = self.row + 1
        open_quote = False
        try:
            for record in self.reader:
                self.row += 1
                # a quote never closed runs to the end of the file: its field keeps the newline
                open_quote = bool(record) and record[-1].endswith(("\n", "\r"))
                rows.append(self._record(record, width, errors))
                if len(rows) >= batch_rows:
                    yield first, rows, errors
                    first, rows, errors = self.row + 1, [], []
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise IngestError("field_too_long", row=self.row + 1, limit=f"{MAX_LINE_BYTES:,}") from None
            raise IngestError("csv_syntax", row=self.row + 1, detail=str(exc)) from None
        if open_quote:
            raise IngestError("unclosed_quote", row=self.row)
        if rows or errors:
            yield first, rows, errors


def _frame(headers: list[str], rows: list[list[str | None]]) -> pl.DataFrame:
    """An all-String frame from row lists."""
    cols = list(zip(*rows)) if rows else [() for _ in headers]
    return pl.DataFrame({h: pl.Series(h, list(c), dtype=pl.String) for h, c in zip(headers, cols)})


def empty_frame(headers: list[str]) -> pl.DataFrame:
    """An all-String frame with these columns and no rows."""
    return _frame(headers, [])


def read_csv_bytes(data: bytes) -> ReadResult:
    """Read a whole CSV from bytes (small uploads)."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
        raise IngestError("empty_file")
    check_lines_bytes(data)
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
    """The fast reader cannot name a bad row (too many fields, broken quotes): re-read with the csv module."""


def _fast_batches(
    rec: _Records, path: Path, enc: str, size: int, batch_rows: int, scratch: Path
) -> Iterator[ReadResult]:
    """Batches from Polars' native CSV reader (fast); RaggedRows if a row is too long."""
    src = path if enc.startswith("utf-8") else utf8_copy(path, enc, scratch)
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
    except (pl.exceptions.ComputeError, pl.exceptions.SchemaError):
        raise RaggedRows() from None  # the csv module reads the file again and names the row


def iter_csv_path(
    path: Path, batch_rows: int = 100_000, fast: bool = True, scratch: Path | None = None
) -> tuple[ReadResult, Iterator[ReadResult]]:
    """Read a CSV file on disk in batches of ``batch_rows`` (bounded memory).

    Returns the header as an empty ReadResult and an iterator of ReadResults, one per
    batch, each with its own ``first_row``. ``fast`` uses Polars' native reader, which
    raises RaggedRows on a row it cannot read; the csv module (``fast=False``) reports
    such rows as row errors instead. ``scratch`` holds a UTF-8 copy of a GB18030 or
    UTF-16 file for the fast reader. Every line is measured first (``check_lines``).
    """
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise IngestError("too_big", size=size, limit=MAX_CSV_BYTES)
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        file_kind(path.name, head)  # an old .xls renamed .csv gets the "save as" message
        if not head.strip(b" \t\r\n\xef\xbb\xbf\xff\xfe\x00"):
            raise IngestError("empty_file")
        fh.seek(0)
        check_lines(fh)
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
