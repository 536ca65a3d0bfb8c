"""The query engines: scoped views over one snapshot and named queries run on them.

- ``base``: the engine interface and the choice of engine (``SUPPLY_ENGINE``, ``connect``).
- ``views``: every role's scoped views, declared once as SQL over logical sources (``view_defs``).
- ``db``: DuckDB, the embedded default: ``connect(snapshot, viewer)``, ``Database.run(name, **params)``,
  ``Viewer`` and ``QueryError``.
- ``spark``: the same views and queries on Apache Spark (``connect``, ``SparkDatabase``, the rollup job);
  ``spark_types``: its results cast to DuckDB's exact column types (``TypeOracle``).
- ``portable``: the syntax-tree guard both engines use, and DuckDB -> Spark translation (``to_spark``).
- ``paging``: paged, sorted, searched tables (``page_params``); ``cli``: ``python -m supply rollup``.
- ``diff``: two snapshots in one connection, their difference as counts (``open_pair``, ``table_changes``);
  ``rowgroups``: which row groups of a table differ between two files (``differing_ranges``).

Shared SQL steps live once in ``queries/steps/``: a query names the steps it uses on a line
``-- uses: a, b`` and ``db.load_query`` puts them in front as its first CTEs. Steps rather than
views, because a step takes the query's own ``$parameters`` (cluster, week window, filters),
which a view cannot, and the composed text is one ordinary select that every engine runs.
"""
