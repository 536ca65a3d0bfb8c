"""Two cache layers (STYLE.md): one DuckDB connection per snapshot x scope, and query
results keyed by data dir, snapshot, scope, query and parameters."""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.data.store import Store
from supply.engine.db import Database, Viewer, connect


@st.cache_resource(max_entries=32, show_spinner=False)
def database(
    data_dir: str, snapshot_id: str, role: str, factory_id: str | None, cluster_id: str | None
) -> Database:
    """The scoped, locked-down connection for one snapshot and one scope (cached)."""
    snap = Store(data_dir).get(snapshot_id)
    return connect(snap, Viewer(role, factory_id=factory_id, cluster_id=cluster_id))


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _run(data_dir: str, snapshot_id: str, scope: tuple, name: str, params: tuple) -> pl.DataFrame:
    return database(data_dir, snapshot_id, *scope).run(name, **dict(params))


def run(ctx, name: str, snapshot_id: str | None = None, **params) -> pl.DataFrame:
    """Run a query for the current viewer on the current (or a named) snapshot, cached."""
    v = ctx.viewer
    return _run(
        str(ctx.store.data_dir),
        snapshot_id or ctx.snapshot.snapshot_id,
        (v.role, v.factory_id, v.cluster_id),
        name,
        tuple(sorted(params.items())),
    )


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _diff(
    data_dir: str, a_id: str, b_id: str, scope: tuple, cluster_id: str | None, weeks: int, whole: bool
) -> dict:
    from supply.data import history

    role, factory_id, viewer_cluster = scope
    viewer = Viewer(role, factory_id=factory_id, cluster_id=viewer_cluster)
    return history.diff(Store(data_dir), a_id, b_id, viewer, cluster_id, weeks, whole=whole)


def diff(ctx, a_id: str, b_id: str, weeks: int, whole: bool = False) -> dict:
    """The difference between two snapshots for this viewer, computed in one engine connection (cached);
    large tables that can only be compared whole are left for ``whole=True``."""
    v = ctx.viewer
    scope = (v.role, v.factory_id, v.cluster_id)
    return _diff(str(ctx.store.data_dir), a_id, b_id, scope, ctx.cluster_id, weeks, whole)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _row_counts(data_dir: str, snapshot_ids: tuple, scope: tuple) -> dict | None:
    from supply.data import history

    role, factory_id, cluster_id = scope
    viewer = Viewer(role, factory_id=factory_id, cluster_id=cluster_id)
    return history.row_counts(Store(data_dir), list(snapshot_ids), viewer)


def row_counts(ctx, snapshot_ids: list[str]) -> dict | None:
    """Rows per table this viewer may see in each snapshot, one connection for all (None: the manifests')."""
    v = ctx.viewer
    return _row_counts(str(ctx.store.data_dir), tuple(snapshot_ids), (v.role, v.factory_id, v.cluster_id))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _directory_counts(data_dir: str, snapshot_id: str, cluster_id: str | None) -> dict:
    factories = Store(data_dir).read(snapshot_id, "factories").select("cluster_id", "association_member")
    if cluster_id:
        factories = factories.filter(pl.col("cluster_id") == cluster_id)
    return {"factories": factories.height, "members": int(factories["association_member"].sum() or 0)}


def directory_counts(ctx, snapshot_id: str) -> dict:
    """Factories and association members of the chosen cluster in the public factory directory."""
    return _directory_counts(str(ctx.store.data_dir), snapshot_id, ctx.cluster_id)
