"""Uploads into snapshots: read, map, parse, check, merge and commit.

- ``read``: CSV/XLSX bytes to text cells, encodings, delimiters, zip checks (``read_upload``).
- ``spec``: what each table accepts (``SPECS``, ``Field``).
- ``parse``: typed values from text cells (``parse_column``).
- ``checks``: row-level errors naming row, column and fix (``check_batch``).
- ``merge``: the new rows merged into the base snapshot (``merge``).
- ``pipeline``: the whole path (``validate``, ``commit``, ``ingest_file``, ``replay``).
- ``cli``: ``python -m supply ingest``.
"""
