"""The deterministic, synthetic demo data set at any scale (real clusters and boundaries, invented firms).

- ``generate``: the public face, ``build(store, scale, seed)``; ``build``: the table-by-table driver.
- ``clusters``: the real clusters and calibration constants (sources cited inline).
- ``factories``, ``names``: factories and plausible names; ``capacity``: weekly capacity with seasons.
- ``orders``: direct and pooled order lines; ``schools``: schools and class-level demand;
  ``inventory``: finished-goods stock.
- ``writer``: streamed Parquet writing in fixed-size row groups.
"""
