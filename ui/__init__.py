"""Streamlit-side helpers shared by the pages: context, cached queries, common widgets.

Only this package and app_pages/ import streamlit; logic lives in supply/.
"""
