"""Capacity reports for associations and planners.

- ``reports``: horizon checks, the order finder (``find_factories``), pooled share, totals.
- ``tables``: the localised frame shared by the page table and the downloads (``localise``).
- ``charts``, ``overview_charts``: plotly figures built by pure functions.
- ``printable``: the printable HTML report (``capacity_report``); ``printable_render``: its PDF/PNG
  through the system chromium (``render_pdf``, ``render_png``).
"""
