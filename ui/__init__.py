"""Streamlit-side helpers: the only code besides app_pages/ that imports streamlit; logic lives in supply/.

Shared by every page:
- ``shell``: the sidebar (language, sign-in or demo "view as", snapshot, cluster) returning the
  ``context`` (``Context``: language, viewer, store, snapshot, cluster); ``auth``: sign-in.
- ``data``: the two cache layers (one DuckDB connection per snapshot x scope, cached query results).
- ``scope``: what a figure covers; ``figures``: metric rows and charts under their scope;
  ``tables``: localised tables; ``paged``: a table a page at a time (sorted, searched in the engine);
  ``exports``: logged CSV/XLSX downloads (large tables streamed to a file on click); ``snapshots``: snapshot labels.

One page's pieces, so that the page itself only draws:
- ``capacity_view``, ``capacity_finder`` (Capacity), ``map_view`` (Cluster map), ``factory_view``
  (My factory), ``upload_view`` (Data upload), ``demand`` (School demand), ``planning``,
  ``planning_job`` (the solve in a worker thread, with Stop) and ``whatif`` (Pooled planning),
  ``inventory`` (Inventory).
"""
