"""The query engine: scoped views over one snapshot and named queries run on them.

- ``db``: ``connect(snapshot, viewer)`` builds the views a viewer may read and locks the
  connection down; ``Database.run(name, **params)`` runs ``queries/<name>.sql`` with bound
  parameters and returns a Polars frame. ``Viewer`` and ``QueryError`` live here too.
"""
