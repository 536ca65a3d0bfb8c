"""The query engines: scoped views over one snapshot and named queries run on them.

- ``views``: every role's scoped views, declared once as SQL over logical sources (``view_defs``).
- ``db``: DuckDB, the embedded default: ``connect(snapshot, viewer)``, ``Database.run(name, **params)``,
  ``Viewer`` and ``QueryError``.
- ``spark``: the same views and queries on Apache Spark (``connect``, ``SparkDatabase``).
- ``portable``: the syntax-tree guard both engines use, and DuckDB -> Spark translation (``to_spark``).
- ``paging``: paged, sorted, searched tables (``page_params``); ``cli``: ``python -m supply rollup``.
"""
