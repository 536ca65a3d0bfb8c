"""School demand (DESIGN §5.4): collection by school and class, pooling, template and upload, heights.

The page draws four tabs; each is one function of ui/demand.py, the logic is supply/planning/demand.py.
"""

import streamlit as st

from ui import context
from ui import demand as ui_demand

ctx = context.get()
ctx.require_snapshot()
st.title(ctx.t("page.demand"))
ctx.snapshot_caption()
st.write(ctx.t("demand.intro"))

tabs = st.tabs([ctx.t(f"demand.tab_{k}") for k in ("collection", "pooling", "upload", "heights")])
with tabs[0]:
    ui_demand.collection(ctx)
with tabs[1]:
    ui_demand.pooling(ctx)
with tabs[2]:
    ui_demand.upload(ctx)
with tabs[3]:
    ui_demand.heights(ctx)
