"""The sidebar: language, sign-in (or demo "view as"), snapshot and cluster; returns the Context."""

from __future__ import annotations

import warnings

import polars as pl
import streamlit as st

from supply.access.users import UsersFileError
from supply.data.store import Store
from supply.engine.db import Viewer
from supply.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t
from ui import auth
from ui.context import Context, localized_selectbox
from ui.snapshots import label as snapshot_label
from ui.snapshots import open_chosen


@st.cache_resource(ttl=600, max_entries=16, show_spinner=False)
def _public_tables(data_dir: str, snapshot_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Clusters and the factory directory (public attributes) for the pickers.

    A resource, not data: the frames are shared read-only, so a rerun does not copy (unpickle)
    a province's 1.5M-row directory (2.2 s of CPU a rerun at scale 500, issue 12).
    """
    store = Store(data_dir)
    clusters = store.read(snapshot_id, "clusters")
    factories = store.read(snapshot_id, "factories").select("factory_id", "name", "cluster_id")
    return clusters, factories


def _names_of(factories: pl.DataFrame, ids: list[str | None]) -> dict[str, str]:
    """The names of a few factories, looked up without a dict of the whole directory."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = factories.filter(pl.col("factory_id").is_in(wanted))
    return dict(zip(rows["factory_id"], rows["name"]))


def _cluster_options(
    role: str,
    factory_id: str | None,
    own_cluster: str | None,
    clusters: pl.DataFrame,
    factories: pl.DataFrame,
) -> list[str]:
    """Clusters the picker offers: a factory owner's own cluster, a signed-in association's own."""
    every = clusters["cluster_id"].to_list()
    if role == "factory":
        mine = factories.filter(pl.col("factory_id") == factory_id)["cluster_id"].to_list()
        return [c for c in every if c in mine] or every[:1]
    if role == "association" and own_cluster:
        return [c for c in every if c == own_cluster] or [own_cluster]
    return every


def sidebar() -> Context:
    """Draw the sidebar and return the context for this run (stops the run until signed in)."""
    lang = st.sidebar.radio(
        t("app.language", DEFAULT_LANG) + " / Language",
        LANGS,
        format_func=LANG_NAMES.get,
        horizontal=True,
        key="lang",
    )
    store = Store()
    try:
        user = auth.identify(lang, store.data_dir)
    except UsersFileError as exc:
        st.error(t("access.users_file_error", lang, msg=str(exc)))
        st.stop()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snaps = store.list()
    for name, reason in store.skipped:
        st.sidebar.warning(t("app.skipped_snapshot", lang, name=name, reason=reason))
    snapshot = previous = None
    clusters = pl.DataFrame({"cluster_id": []}, schema={"cluster_id": pl.String})
    factories = pl.DataFrame(schema={"factory_id": pl.String, "name": pl.String, "cluster_id": pl.String})
    if snaps:
        ids = [s.snapshot_id for s in snaps][::-1]
        if st.session_state.get("snapshot") not in ids:
            st.session_state["snapshot"] = ids[0]
        by_id = {s.snapshot_id: s for s in snaps}
        sid = st.sidebar.selectbox(
            t("app.snapshot", lang),
            ids,
            key="snapshot",
            format_func=lambda i: snapshot_label(by_id[i], lang),
            help=t("app.snapshot_help", lang),
        )
        snapshot, previous = open_chosen(store, snaps, sid, lang)  # checked; else the nearest good one
    if snapshot is not None:
        clusters, factories = _public_tables(str(store.data_dir), snapshot.snapshot_id)

    if user is None:
        role, factory_id = auth.demo_role(lang, factories)
        own_cluster = None
    else:
        role, factory_id, own_cluster = user.role, user.factory_id, user.cluster_id
        auth.signed_in_box(
            lang,
            user,
            _names_of(factories, [user.factory_id]),
            oidc=auth.mode(store.data_dir) == auth.OIDC,
        )

    cluster_id = None
    options = _cluster_options(role, factory_id, own_cluster, clusters, factories)
    if options:
        names = dict(zip(clusters["cluster_id"], clusters["name_zh" if lang == "zh" else "name_en"]))
        cluster_id = localized_selectbox(
            st.sidebar,
            t("app.cluster", lang),
            options,
            "cluster",
            lang,
            lambda c: names.get(c, c),
            default=own_cluster,
        )
    if snapshot is not None and snapshot.synthetic:
        st.sidebar.caption("⚠️ " + t("app.synthetic", lang))

    name = user.username if user else f"demo:{role}"
    if role == "association":
        viewer = Viewer(role, cluster_id=own_cluster or cluster_id or "zhili", user=name)
    elif role == "factory":
        viewer = Viewer(role, factory_id=factory_id or "-", user=name)
    else:
        viewer = Viewer(role, user=name)
    factory_names = _names_of(factories, [factory_id])
    name_col = "name_zh" if lang == "zh" else "name_en"
    cluster_names = (
        dict(zip(clusters["cluster_id"], clusters[name_col])) if name_col in clusters.columns else {}
    )
    return Context(
        cluster_name=cluster_names.get(cluster_id) if cluster_id else None,
        factory_name=factory_names.get(factory_id) if factory_id else None,
        lang=lang,
        viewer=viewer,
        store=store,
        snapshot=snapshot,
        previous=previous,
        cluster_id=cluster_id,
        demo_mode=user is None,
    )
