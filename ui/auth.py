"""Who is looking. Demo mode: a visible "view as" picker (no users configured)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.db import ROLES, Viewer
from supply.i18n import label, t


def demo_viewer(lang: str, factories: pl.DataFrame, clusters: pl.DataFrame) -> Viewer:
    """The demo-mode role picker in the sidebar; returns the chosen viewer."""
    st.sidebar.warning(t("app.demo_banner", lang))
    role = st.sidebar.selectbox(
        t("app.view_as", lang), ROLES, index=ROLES.index("association"),
        format_func=lambda r: label("role", r, lang), key="view_as_role")
    if role == "factory":
        ids = factories["factory_id"].to_list()
        names = dict(zip(factories["factory_id"], factories["name"]))
        fid = st.sidebar.selectbox(t("app.view_as_factory", lang), ids,
                                   format_func=lambda f: f"{f} · {names.get(f, '')}",
                                   key="view_as_factory")
        return Viewer("factory", factory_id=fid)
    if role == "association":
        cid = st.session_state.get("cluster") or (clusters["cluster_id"][0] if clusters.height else None)
        return Viewer("association", cluster_id=cid or "zhili")
    return Viewer(role)
