"""Uploads into snapshots: read, map, parse, check, merge and commit.

- ``read``: CSV/XLSX bytes to text cells, encodings, delimiters, zip checks (``read_upload``).
- ``spec``: what each table accepts (``SPECS``, ``Field``).
- ``parse``: typed values from text cells (``parse_column``).
- ``checks``: row-level errors naming row, column and fix (``check_batch``).
- ``merge``: the new rows merged into the base snapshot (``merge``).
- ``mapping``: headers matched to columns, remembered per source (``suggest_mapping``).
- ``validation``: row-level checks of a whole upload, batch by batch (``validate``, ``Validation``).
- ``commit``: the merge into the newest snapshot under the store's writer lock (``commit``, ``replay``).
- ``pipeline``: the whole path, large files included (``validate``, ``commit``, ``ingest_file``).
- ``cli``: ``python -m supply ingest``.
"""
