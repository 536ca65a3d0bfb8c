"""The deterministic, synthetic demo data set at any scale.

- ``generate``: ``build(out, scale, seed)`` writes the demo snapshots (real clusters and county
  boundaries, invented factories; calibration figures cited inline).
"""
