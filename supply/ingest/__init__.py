"""Uploads into snapshots: read, map, parse, check, merge and commit.

- ``files``: what an uploaded file is, the caps, ``IngestError``; ``encodings``: text encodings, line checks.
- ``read``: CSV/XLSX to text cells (``read_upload``), by way of ``read_csv`` and ``read_xlsx``.
- ``spec``: what each table accepts (``SPECS``, ``Field``); ``mapping``: columns matched from headers.
- ``parse``: typed values from text cells; ``checks`` and ``checks_place``: row-level errors naming the
  row, the column and the fix; ``validation``: the whole check of an upload (``validate``, ``explain``).
- ``merge``: out-of-core merge in DuckDB; ``commit``: the valid rows as a new snapshot (``commit``).
- ``pipeline``: the whole path (``ingest_file``); ``worker``: the same in a child process with limits.
- ``upload``: the Data page's path, every step in a worker (``save``, ``inspect``, ``check``, ``commit``).
- ``cli``: ``python -m supply ingest``.
"""
