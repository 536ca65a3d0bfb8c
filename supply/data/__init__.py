"""Snapshots on disk and the tables in them: the bottom layer every other package reads.

- ``schema``: the data model, schema version 1 (``TABLES``, ``empty``, ``conform``).
- ``config``: where the data directory is (``data_dir``).
- ``store``: the snapshot catalogue, written atomically and never changed, one writer at a time
  on the newest snapshot (``Store``, ``Store.writing``).
- ``snapshot``: one snapshot's manifest and the checks made when it is opened (``Snapshot``).
- ``files``: the writer lock, scratch directories, fsync and cleaning dead writers' debris.
- ``history``: row counts and the diff between two snapshots (``diff``, ``capacity_change``).
- ``calendar``: a factory owner's capacity edits saved as a new snapshot (``save_capacity``).
- ``maintenance``: ``python -m supply prune``; ``export``: CSV/XLSX writers (``to_csv_bytes``).
"""
