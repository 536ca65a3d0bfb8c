"""Industrial-cluster supply dashboard: everything that is not drawing.

Nothing in this package imports streamlit, ui or app_pages, so the CLI, the tests and the
benchmarks use exactly the logic the app uses. One package per thing the product does;
imports go down this list (checked by the import contracts in pyproject.toml):

- ``cli`` (``python -m supply ...``) and ``nav`` (the page list) sit on top;
- ``demo`` (the synthetic demo data, which fits every feature);
- feature packages, independent of each other: ``access`` (users, roles, sign-in, export
  log), ``capacity`` (reports, the order finder, printable report), ``ingest`` (uploads into
  snapshots), ``inventory`` (pooling and the season simulation), ``planning`` (pooled
  school-uniform planning);
- ``engine`` (scoped views, named queries, rollups, the Spark engine) and ``data`` (schema,
  snapshot store, history, exports), which use each other;
- ``maps`` (boundaries, coordinates, county analytics, deck builders) and ``figures`` (plotly
  shapes shared by feature packages), then ``i18n`` (zh/en catalogues and the formatting layer)
  at the bottom.
"""

__version__ = "0.1.0"
