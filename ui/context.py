"""The per-run context every page reads: language, viewer, store, snapshot, cluster."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from supply.data.store import Snapshot, Store
from supply.engine.db import Viewer
from supply.i18n import t


@dataclass
class Context:
    """What the sidebar chose for this run."""

    lang: str
    viewer: Viewer
    store: Store
    snapshot: Snapshot | None
    previous: Snapshot | None
    cluster_id: str | None
    demo_mode: bool = True
    cluster_name: str | None = None  # the chosen cluster's name in the chosen language
    factory_name: str | None = None  # the factory owner's factory name

    def t(self, key: str, **kw) -> str:
        """Translate in the chosen language."""
        return t(key, self.lang, **kw)

    def require_snapshot(self) -> Snapshot:
        """The current snapshot; when there is none, say how to build one and stop the page."""
        if self.snapshot is None:
            st.info(self.t("app.no_snapshot"))
            st.stop()
        return self.snapshot

    def snapshot_caption(self) -> None:
        """The page's snapshot line (date, time, source, user; data date) and the synthetic-data note."""
        from ui.snapshots import label as snapshot_label

        snap = self.require_snapshot()
        st.caption(
            self.t("app.snapshot_caption", sid=snapshot_label(snap, self.lang), as_of=snap.as_of.isoformat())
        )
        if snap.synthetic:
            st.caption("⚠️ " + self.t("app.synthetic"))


def get() -> Context:
    """The context set up by dashboard.py for this run."""
    if "_ctx" not in st.session_state:
        # A page file ran without the entry point (e.g. Streamlit's legacy multipage mode, which a
        # folder named pages/ would switch on): go through dashboard.py (sign-in, scope) instead.
        try:
            st.switch_page("dashboard.py")
        except Exception:  # not a legacy run: show nothing
            st.stop()
    return st.session_state["_ctx"]


def localized_selectbox(container, label: str, options: list, key: str, lang: str, format_func, default=None):
    """A selectbox whose option labels follow the language, keeping its value in ``key``.

    Streamlit keeps a keyed selectbox's rendered labels when only ``format_func`` changes,
    so after a language switch the chosen option stayed in the old language. The widget
    therefore gets one key per language; the value lives in ``st.session_state[key]``
    (what tests and other code read and set) and is copied into the widget before it is
    drawn and back on every change.
    """
    widget_key = f"{key}__{lang}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]
    st.session_state[widget_key] = st.session_state[key]

    def _keep() -> None:
        st.session_state[key] = st.session_state[widget_key]

    value = container.selectbox(label, options, format_func=format_func, key=widget_key, on_change=_keep)
    st.session_state[key] = value
    return value
