"""The demo generator's public face: ``build`` and the names other modules and tests use.

Everything the demo writes is SYNTHETIC: real clusters and county boundaries, invented
factories, buyers, schools and numbers, with the few calibration figures cited where they
are used (``clusters``, ``capacity``, ``schools``). The same seed and scale give
byte-identical Parquet tables. The work is split by what it makes:

- ``clusters``: the real clusters and calibration constants; ``names``: factory and class names;
- ``factories``, ``capacity``, ``orders``, ``inventory``, ``schools``: one table family each;
- ``writer``: sorted, fixed-size row groups on a background thread; ``build``: the whole run.
"""

from __future__ import annotations

from supply.demo.build import FACTORY_BLOCK, build
from supply.demo.clusters import (
    APPAREL,
    BASE_FACTORIES,
    BASE_ORDER_LINES,
    CLUSTERS,
    DEFAULT_AS_OF,
    ORDER_QTY,
    PRODUCTIVITY,
    SHOE_SIZES,
    UNIT_PRICE,
    WEEKS,
    ClusterSpec,
    clusters_frame,
)
from supply.demo.factories import factory_chunks
from supply.demo.names import factory_names
from supply.demo.schools import (
    GARMENT_QTY_PER_STUDENT,
    demand_frame,
    heights_table,
    schools_frame,
    size_for_height,
)

__all__ = [
    "APPAREL",
    "BASE_FACTORIES",
    "BASE_ORDER_LINES",
    "CLUSTERS",
    "DEFAULT_AS_OF",
    "FACTORY_BLOCK",
    "GARMENT_QTY_PER_STUDENT",
    "ORDER_QTY",
    "PRODUCTIVITY",
    "SHOE_SIZES",
    "UNIT_PRICE",
    "WEEKS",
    "ClusterSpec",
    "build",
    "clusters_frame",
    "demand_frame",
    "factory_chunks",
    "factory_names",
    "heights_table",
    "schools_frame",
    "size_for_height",
]
