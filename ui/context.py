"""The per-run context every page reads: language, viewer, store, snapshot, cluster."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from supply.db import Viewer
from supply.i18n import t
from supply.store import Snapshot, Store


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

    def t(self, key: str, **kw) -> str:
        """Translate in the chosen language."""
        return t(key, self.lang, **kw)

    def require_snapshot(self) -> Snapshot:
        """The current snapshot; when there is none, say how to build one and stop the page."""
        if self.snapshot is None:
            st.info(self.t("app.no_snapshot"))
            st.stop()
        return self.snapshot


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


def not_built(what_key: str) -> None:
    """Say plainly that a page is not built yet; never show fake numbers."""
    ctx = get()
    st.info(ctx.t("app.not_built", what=ctx.t(what_key)))
