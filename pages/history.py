"""Placeholder until its issue lands: says plainly that it is not built."""

import streamlit as st

from ui import context

ctx = context.get()
st.title(ctx.t("page.history"))
context.not_built("history.page_todo")
