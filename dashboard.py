"""Entry point: page config, sidebar (language, snapshot, cluster, viewer), navigation."""

import streamlit as st

from supply.i18n import t
from supply.nav import SECTIONS, pages_for
from ui import shell

st.set_page_config(
    page_title="产业带供需看板 · Cluster supply", page_icon=":material/factory:", layout="wide"
)

ctx = shell.sidebar()
st.session_state["_ctx"] = ctx

sections: dict[str, list] = {}
for spec in pages_for(ctx.viewer.role):
    page = st.Page(
        spec.file, title=ctx.t(f"page.{spec.key}"), icon=spec.icon, url_path=spec.key, default=spec.default
    )
    sections.setdefault(ctx.t(f"nav.section.{spec.section}"), []).append(page)
ordered = {
    ctx.t(f"nav.section.{s}"): sections[ctx.t(f"nav.section.{s}")]
    for s in SECTIONS
    if ctx.t(f"nav.section.{s}") in sections
}

st.sidebar.caption(t("app.title", ctx.lang))
st.navigation(ordered).run()
