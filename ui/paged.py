"""A table read a page at a time (issue 12): sort, order, page size and page number as widgets,
the rows cut, sorted and searched in the engine (supply/engine/paging.py, ``*_page`` queries).

No rerun sends more than one page (at most ``paging.MAX_PAGE_ROWS`` rows) to the browser; the
caption says which rows of how many are shown, in the chosen language.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from supply.engine import paging
from supply.i18n import format as fmt
from ui import data
from ui.tables import table

SIZES = (20, 50, 100, 200, 500, 1_000, 2_000)
DEFAULT_SIZE = 50


def _first_page(key: str) -> None:
    """A new search, sort or page size starts again at page 1."""
    st.session_state[f"{key}_page"] = 1


def paged_table(
    ctx,
    query: str,
    params: dict,
    cols: list,
    key: str,
    sort_label: Callable[[str], str],
    scope=None,
    prefix: str = "",
    search_label: str | None = None,
    controls=None,
) -> pl.DataFrame:
    """Draw one page of ``query`` (widgets keyed ``key_*``); return the page (with total_rows).

    ``params`` are the query's filters; ``search_label`` adds a search box ($search) when the
    query takes it here (members); ``controls`` is a row of 5 (or 4 without search) columns.
    """
    slots = list(controls or st.columns([3, 2, 2, 2, 2] if search_label else [2, 2, 2, 2]))
    search = ""
    if search_label:
        search = slots.pop(0).text_input(
            search_label, key=f"{key}_search", max_chars=200, on_change=_first_page, args=(key,)
        )
    sort = slots[0].selectbox(
        ctx.t("paging.sort"),
        paging.SORTS[query],
        format_func=sort_label,
        key=f"{key}_sort",
        on_change=_first_page,
        args=(key,),
    )
    order = slots[1].selectbox(
        ctx.t("paging.order"),
        ("desc", "asc"),
        format_func=lambda o: ctx.t(f"paging.order.{o}"),
        key=f"{key}_order",
        on_change=_first_page,
        args=(key,),
    )
    size = slots[2].selectbox(
        ctx.t("paging.size"),
        SIZES,
        index=SIZES.index(DEFAULT_SIZE),
        format_func=lambda n: fmt.count(n, ctx.lang),
        key=f"{key}_size",
        on_change=_first_page,
        args=(key,),
    )
    state = f"{key}_page"
    page = max(1, int(st.session_state.get(state) or 1))

    def fetch(number: int) -> pl.DataFrame:
        extra = {"search": search} if search_label else {}
        args = paging.page_params(
            query, page=number - 1, size=size, sort=sort, descending=order == "desc", **extra
        )
        return data.run(ctx, query, **{**args, **params})  # the page's filters win (members' $category)

    frame = fetch(page)
    if not frame.height and page > 1:  # past the end (fewer rows than before): back to page 1
        page = 1
        frame = fetch(page)
    pages = paging.page_count(frame, size)
    st.session_state[state] = min(page, pages)
    slots[3].number_input(ctx.t("paging.page"), min_value=1, max_value=pages, step=1, key=state)
    total = int(frame["total_rows"][0]) if frame.height else 0
    if not total:
        st.info(ctx.t("paging.none"))
        return frame
    first = (page - 1) * size + 1
    st.caption(
        ctx.t(
            "paging.caption",
            page=fmt.count(page, ctx.lang),
            pages=fmt.count(pages, ctx.lang),
            first=fmt.count(first, ctx.lang),
            last=fmt.count(first + frame.height - 1, ctx.lang),
            total=fmt.count(total, ctx.lang),
        )
    )
    table(ctx, frame, cols, f"{key}_table", scope, prefix=prefix)
    return frame
