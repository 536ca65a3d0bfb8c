"""Reading XLSX uploads as text, behind checks of the zip itself.

Refused before any XML is parsed: a zip that is too big, has too many entries, expands
too far or lies about its sizes (bad CRC-32); a workbook with macros (``.xlsm``, a VBA
project: never stored) and one with links to other workbooks (its cells would be cached
copies of someone else's file, out of date without warning). XML goes through defusedxml.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

from supply.ingest.files import (
    MAX_COLUMNS,
    MAX_XLSX_BYTES,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    IngestError,
    ReadResult,
)
from supply.ingest.read_csv import clean_headers, empty_frame

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)


def _refuse_contents(names: set[str], filename: str) -> None:
    """Macros and external links are refused, whatever the file is called."""
    macros = [n for n in names if n.lower().endswith("vbaproject.bin")]
    if macros or filename.lower().endswith((".xlsm", ".xltm")):
        raise IngestError("macro_workbook", name=filename)
    links = sorted(n for n in names if n.lower().startswith("xl/externallinks/"))
    if links:
        raise IngestError("external_links", name=filename, n=len(links))


def check_zip(data: bytes, filename: str = "upload.xlsx") -> None:
    """Refuse a zip (xlsx) that is too big, has too many entries, expands too far or is damaged.

    The declared sizes are checked first (instant for an honest bomb); then every entry
    is decompressed in a stream that stops as soon as the real size passes the cap, so a
    zip whose headers lie is refused quickly too, and a CRC-32 that does not match (sizes
    falsified, bytes changed) is a named error, not a traceback.
    """
    if len(data) > MAX_XLSX_BYTES:
        raise IngestError("too_big", size=len(data), limit=MAX_XLSX_BYTES)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        raise IngestError("bad_xlsx") from None
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
    _refuse_contents(names, filename)
    total = 0
    for info in infos:
        try:
            with zf.open(info) as fh:
                while block := fh.read(1 << 20):
                    total += len(block)
                    if total > MAX_XLSX_UNCOMPRESSED:
                        raise IngestError("zip_bomb", size=total, limit=MAX_XLSX_UNCOMPRESSED)
        except _ZIP_ERRORS as exc:
            raise IngestError("bad_xlsx_detail", detail=f"{info.filename}: {exc}"[:200]) from None


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


def _sheet_rows(ws) -> tuple[int, list[str], list, list, list[str]]:
    """(header row number, headers, data rows, row errors, warnings) of one worksheet."""
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
    headers = clean_headers(header, warnings)
    width = len(headers)
    rows, errors = [], []
    row = header_row
    for raw in rows_iter:
        row += 1
        cells = [cell_text(v) for v in raw[: MAX_COLUMNS + 1]]
        if len(cells) > width and any(c is not None for c in cells[width:]):
            errors.append((row, "too_many_fields", "", f"{len(raw)}/{width}"))
        rows.append(cells[:width] + [None] * (width - len(cells[:width])))
    while rows and all(c is None for c in rows[-1]):
        rows.pop()
    return header_row, headers, rows, errors, warnings


def read_xlsx_bytes(data: bytes, sheet: str | None = None, filename: str = "upload.xlsx") -> ReadResult:
    """Read one sheet (the first by default) of a guarded xlsx as text."""
    import openpyxl
    import polars as pl

    check_zip(data, filename)
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
        try:
            header_row, headers, rows, errors, warnings = _sheet_rows(ws)
        except IngestError:
            raise
        except Exception as exc:  # damaged sheet XML found while reading rows
            raise IngestError("bad_xlsx_detail", detail=f"{type(exc).__name__}: {exc}"[:200]) from None
        cols = list(zip(*rows)) if rows else [() for _ in headers]
        frame = (
            pl.DataFrame({h: pl.Series(h, list(c), dtype=pl.String) for h, c in zip(headers, cols)})
            if rows
            else empty_frame(headers)
        )
        return ReadResult(
            frame,
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
