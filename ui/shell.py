"""The sidebar: language, snapshot, cluster and (in demo mode) the role picker."""

from __future__ import annotations

import warnings

import polars as pl
import streamlit as st

from supply.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t
from supply.store import Store
from ui import auth
from ui.context import Context


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _public_tables(data_dir: str, snapshot_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clusters and the factory directory (public attributes) for the pickers."""
    store = Store(data_dir)
    clusters = store.read(snapshot_id, "clusters")
    factories = store.read(snapshot_id, "factories").select("factory_id", "name", "cluster_id")
    return clusters, factories


def sidebar() -> Context:
    """Draw the sidebar and return the context for this run."""
    lang = st.sidebar.radio(t("app.language", DEFAULT_LANG) + " / Language", LANGS,
                            format_func=LANG_NAMES.get, horizontal=True, key="lang")
    store = Store()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snaps = store.list()
    for name, reason in store.skipped:
        st.sidebar.warning(t("app.skipped_snapshot", lang, name=name, reason=reason))
    snapshot = previous = None
    cluster_id = None
    clusters = pl.DataFrame({"cluster_id": []}, schema={"cluster_id": pl.String})
    factories = pl.DataFrame(schema={"factory_id": pl.String, "name": pl.String, "cluster_id": pl.String})
    if snaps:
        ids = [s.snapshot_id for s in snaps][::-1]
        sid = st.sidebar.selectbox(t("app.snapshot", lang), ids, key="snapshot")
        snapshot = next(s for s in snaps if s.snapshot_id == sid)
        i = [s.snapshot_id for s in snaps].index(sid)
        previous = snaps[i - 1] if i > 0 else None
        clusters, factories = _public_tables(str(store.data_dir), sid)
        names = dict(zip(clusters["cluster_id"], clusters["name_zh" if lang == "zh" else "name_en"]))
        options = clusters["cluster_id"].to_list()
        cluster_id = st.sidebar.selectbox(t("app.cluster", lang), options,
                                          format_func=lambda c: names.get(c, c), key="cluster")
        if snapshot.synthetic:
            st.sidebar.caption("⚠️ " + t("app.synthetic", lang))
    viewer = auth.demo_viewer(lang, factories, clusters)
    return Context(lang=lang, viewer=viewer, store=store, snapshot=snapshot, previous=previous,
                   cluster_id=cluster_id, demo_mode=True)
