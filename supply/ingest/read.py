"""Reading uploads as text: CSV (``read_csv``) or XLSX (``read_xlsx``) into an all-String frame.

Everything is read as text; ``supply.ingest.pipeline`` casts it explicitly afterwards.
The caps and errors are in ``files``, encodings in ``encodings``; large files are read
in a worker process with a time and memory limit (``worker``).
"""

from __future__ import annotations

import os
from pathlib import Path

from supply.ingest.files import (  # noqa: F401  (names other modules import from here)
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_BYTES,
    MAX_XLSX_BYTES,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNCOMPRESSED,
    IngestError,
    ReadResult,
    file_kind,
)
from supply.ingest.read_csv import RaggedRows, iter_csv_path, read_csv_bytes, sniff_delimiter  # noqa: F401
from supply.ingest.read_xlsx import cell_text, check_zip, read_xlsx_bytes  # noqa: F401


def read_upload(filename: str, data: bytes | str | os.PathLike, sheet: str | None = None) -> ReadResult:
    """Read an uploaded CSV or XLSX (bytes or a path) into an all-String frame, in this process.

    For files of any size prefer ``supply.ingest.worker.read_file``: same result, read in
    a child process with a time and memory limit.
    """
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        with open(path, "rb") as fh:
            kind = file_kind(filename, fh.read(8))
        limit = MAX_XLSX_BYTES if kind == "xlsx" else MAX_CSV_BYTES
        if path.stat().st_size > limit:
            raise IngestError("too_big", size=path.stat().st_size, limit=limit)
        data = path.read_bytes()
    kind = file_kind(filename, data[:8])
    if kind == "xlsx":
        return read_xlsx_bytes(data, sheet, filename)
    return read_csv_bytes(data)
