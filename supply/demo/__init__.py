"""The deterministic, synthetic demo data set at any scale.

- ``generate``: the public face, ``build(store, scale, seed)`` writes the demo snapshots (real
  clusters and county boundaries, invented factories; calibration figures cited inline);
- ``clusters``, ``names``, ``factories``, ``capacity``, ``orders``, ``inventory``, ``schools``:
  what each table is drawn from; ``writer`` and ``build``: sorted row groups, streamed to the store;
- ``cells``: optionally (``build(rollup_cells=True)``), the rollups computed from the same blocks.
"""
