"""Inventory (DESIGN §5.5, §8): make-to-stock baseline vs pooled make-to-order, why, and measured stock.

The page draws; ui/inventory.py holds its pieces and supply/inventory/ the model.
"""

import streamlit as st

from ui import context
from ui import inventory as ui_inv

ctx = context.get()
ctx.require_snapshot()
st.title(ctx.t("inventory.title"))
ctx.snapshot_caption()
st.write(ctx.t("inventory.intro"))

inputs, profile = ui_inv.load(ctx)
result = None
if inputs is None:
    st.info(ctx.t("inventory.no_schools"))
else:
    ui_inv.source_note(ctx, inputs)
    params, inputs = ui_inv.knobs(ctx, inputs, profile)
    result, tornado = ui_inv.run_model(ctx, inputs, profile, params)
    ui_inv.headline(ctx, result, params)
    ui_inv.side_by_side(ctx, result, inputs, params)
    ui_inv.drivers(ctx, tornado)

ui_inv.measured(ctx, result)
ui_inv.assumptions(ctx, result)
