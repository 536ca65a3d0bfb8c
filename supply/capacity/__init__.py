"""Capacity reports for associations and planners.

- ``reports``: horizon checks, the order finder (``find_factories``), pooled share, totals.
- ``charts``, ``overview_charts``: plotly figures built by pure functions.
- ``printable``: the printable HTML report and its PDF/PNG rendering (``capacity_report``).
"""
