"""Snapshots on disk and the tables in them; with ``supply.engine``, the bottom of the feature packages.

- ``schema``: the data model, schema version 1 (``TABLES``, ``empty``, ``conform``, value ranges).
- ``config``: where the data directory is (``data_dir``).
- ``store``: the snapshot catalogue (``Store``); ``snapshot``: one committed snapshot, its manifest and
  checks (``Snapshot``); ``files``: hashes, fsync, atomic files and the writer lock; ``staging``: a new
  snapshot built outside the lock and published under it (``stage``, ``publish``); ``ids``: the
  write sequence and pruned ids, never reused (``next_seq``).
- ``layout``: base tables sorted so scoped queries read only their row groups (``sort_file``).
- ``rollups``: aggregate tables written with each snapshot (``build``, ``verify``); ``rollup_sql``: their
  definitions as portable SQL (``ROLLUPS``, ``SORT``); ``rollup_chunks``: large ones written a factory-id
  range at a time (``write``); ``rollup_delta``: capacity and order cells updated from the parent's when a
  write recorded the few factories it touched (``recorded``).
- ``history``: row counts and the diff between two snapshots (``diff``, ``capacity_change``); ``delta``:
  the key ranges an edit or upload touched, kept in the manifest for that diff (``ranges_of``).
- ``calendar``: a factory owner's capacity edits saved as a new snapshot (``save_capacity``).
- ``maintenance``: ``python -m supply prune``; ``export``: CSV/XLSX writers (``to_csv_bytes``).
"""
