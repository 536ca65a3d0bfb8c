"""What an uploaded file is, the caps every upload meets, its errors and the read result.

Problems with the file as a whole raise ``IngestError`` with a code that
``supply/i18n/ingest.py`` translates (zh and en); problems with single rows are returned
as row errors (``ReadResult.row_errors``) so the rest of the file can still be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from supply.i18n import t

# Caps for spreadsheets: a compressed xlsx larger than this, with more zip entries or a
# larger uncompressed size, is refused before any XML is parsed.
MAX_XLSX_BYTES = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 2_000
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_XLSX_RATIO = 200  # uncompressed / compressed, per entry larger than 1 MiB
MAX_CSV_BYTES = 4 * 1024 * 1024 * 1024
# Caps on the shape of any upload: our widest table has 18 columns and a real row a few
# hundred bytes, so these leave room for wide ERP exports and long addresses while a
# 200 MB field, a 200 MB line of commas or 1,500 headers are refused at once.
MAX_COLUMNS = 500
MAX_LINE_BYTES = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class IngestError(Exception):
    """A problem with an upload as a whole; ``code`` + ``params`` translate via i18n."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def __reduce__(self):  # crosses the worker process boundary intact
        return (_rebuild, (self.code, self.params))

    def message(self, lang: str = "en") -> str:
        """The explanation in ``lang`` (zh or en)."""
        return t(f"ingest.err.{self.code}", lang, **self.params)


def _rebuild(code: str, params: dict) -> IngestError:
    return IngestError(code, **params)


@dataclass
class ReadResult:
    """An upload read as text: an all-String frame plus how it was read."""

    frame: pl.DataFrame
    encoding: str | None  # 'utf-8', 'utf-8-sig', 'utf-16…' or 'gb18030'; None for xlsx
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
