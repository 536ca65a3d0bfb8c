"""School demand on screen: collection progress, pooled totals, the template and upload, heights to sizes.

One function per tab of the School demand page. Tables go through ``ui.tables`` (headers and
codes in the chosen language, "—" for gaps) and every download through ``ui.exports`` (logged).
Schools are picked by name; the logic is in ``supply.planning.demand`` and ``supply.ingest``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.i18n import t
from supply.ingest import pipeline as ingest
from supply.maps import geo
from supply.planning import demand
from ui import data
from ui import scope as scopes
from ui.exports import table_downloads
from ui.figures import Figure, metric_row
from ui.tables import Col, table

PREFIX = "demand.col."
GARMENT = Col("garment", PREFIX + "garment", codes="garment")
ERRORS = [Col(c, f"upload.err_{c}") for c in ("row", "column", "value", "reason")]


def _school_names(schools: pl.DataFrame) -> dict[str, str]:
    """school_id -> name (the id where there is no name)."""
    return {i: n or i for i, n in schools.select("school_id", "name").rows()}


def collection(ctx) -> None:
    """Tab 1: classes handed in per school, and the classes still missing (picked by school name)."""
    by_school = demand.collection_status(data.run(ctx, "demand_collection_by_school"))
    by_class = data.run(ctx, "demand_collection_by_class")
    keys = ("schools", "classes_expected", "classes_collected", "classes_missing", "pieces")
    values = (by_school.height, *(by_school[c].sum() for c in keys[1:]))
    metric_row(ctx, [Figure(ctx.t(f"demand.{k}"), v, "count") for k, v in zip(keys, values)], scopes.of(ctx))
    st.subheader(ctx.t("demand.by_school"))
    cols = ["name", Col("stage", PREFIX + "stage", codes="demand.stage"), "classes_expected"]
    cols += [
        "classes_collected",
        "classes_missing",
        Col("collected_share", PREFIX + "collected_share", "pct"),
    ]
    cols += ["pieces", "deadline", "last_collected"]
    table(ctx, by_school, cols, "demand_by_school_table", prefix=PREFIX, width="stretch")
    st.subheader(ctx.t("demand.missing_title"))
    missing = demand.missing_classes(by_school, by_class)
    if missing.height == 0:
        st.success(ctx.t("demand.none_missing"))
        return
    names = _school_names(by_school)
    pick = st.selectbox(
        ctx.t("demand.pick_school"),
        ["", *missing["school_id"].unique().sort().to_list()],
        key="demand_missing_school",
        format_func=lambda s: names.get(s, s) if s else ctx.t("demand.all_schools"),
    )
    shown = missing.filter(pl.col("school_id") == pick) if pick else missing
    shown = shown.drop("school_id")  # the name column says which school
    st.caption(ctx.t("demand.missing_count", n=fmt.count(shown.height, ctx.lang)))
    table(ctx, shown, list(shown.columns), "demand_missing_table", prefix=PREFIX, width="stretch")
    table_downloads(
        ctx, shown, list(shown.columns), "missing_classes", "demand_missing_export", prefix=PREFIX
    )


def pooling(ctx) -> None:
    """Tab 2: production lots school by school vs pooled, and the pooled totals three ways."""
    stats = demand.pooling_stats(data.run(ctx, "planning_demand_sizes"))
    st.write(ctx.t("demand.pooling_intro"))
    keys = (
        ("lots_per_school", "lots_per_school"),
        ("lots_pooled_by_week", "lots_pooled_by_week"),
        ("mean_lot_per_school", "mean_lot_per_school"),
        ("mean_lot_pooled", "mean_lot_pooled_by_week"),
    )
    metric_row(ctx, [Figure(ctx.t(f"demand.{k}"), stats[s], "count") for k, s in keys], scopes.of(ctx))
    st.subheader(ctx.t("demand.totals_garment_size"))
    totals = data.run(ctx, "demand_totals_by_garment_size")
    cols = [GARMENT if c == "garment" else c for c in totals.columns]
    table(ctx, totals, cols, "demand_totals_table", prefix=PREFIX, width="stretch")
    table_downloads(ctx, totals, cols, "pooled_totals", "demand_totals_export", prefix=PREFIX)
    st.subheader(ctx.t("demand.totals_school"))
    wide = demand.school_garment_table(data.run(ctx, "planning_demand_groups"))
    table(ctx, wide, [c for c in wide.columns if c != "school_id"], "demand_school_table", prefix=PREFIX)
    st.subheader(ctx.t("demand.totals_county"))
    county = data.run(ctx, "demand_totals_by_county")
    county = county.with_columns(county=pl.col("adcode").replace_strict(geo.county_names(), default=None))
    cols = ["county", "adcode", GARMENT, "schools", "pieces"]
    table(ctx, county, cols, "demand_county_table", prefix=PREFIX, width="stretch")


def _commit(ctx, upload, raw: bytes, check, partial: bool) -> None:
    """Commit callback: writes a new snapshot through the store, selects it, and says so."""
    try:
        new = ingest.commit(
            ctx.store,
            "demand",
            check,
            base_snapshot=ctx.store.latest(),
            source_name=upload.name,
            source_bytes=raw,
            allow_partial=partial,
        )
    except ingest.IngestError as exc:
        st.session_state["demand_upload_error"] = exc.message(ctx.lang)
        return
    st.session_state["demand_upload_done"] = {"sid": new.snapshot_id, "rows": check.rows_ok}
    st.session_state["snapshot"] = new.snapshot_id


def upload(ctx) -> None:
    """Tab 3: the template (blank or prefilled for a school picked by name), then upload and commit."""
    snap = ctx.snapshot
    st.write(ctx.t("demand.template_intro"))
    schools = data.run(ctx, "demand_collection_by_school")
    names = _school_names(schools)
    prefill = st.selectbox(
        ctx.t("demand.template_school"),
        ["", *schools["school_id"].to_list()],
        key="demand_template_school",
        format_func=lambda s: names.get(s, s) if s else ctx.t("demand.template_blank"),
    )
    deadline = st.date_input(
        ctx.t("demand.deadline"), value=dt.date(snap.as_of.year, 8, 20), key="demand_template_deadline"
    )
    tmpl = demand.template_frame(
        schools.filter(pl.col("school_id") == prefill) if prefill else None, deadline
    )
    table_downloads(ctx, tmpl, None, "demand_template", "demand_template_export")
    st.divider()
    file = st.file_uploader(ctx.t("demand.upload"), type=["csv", "txt", "xlsx"], key="demand_upload")
    done = st.session_state.get("demand_upload_done")
    if done:
        st.success(ctx.t("demand.committed", sid=done["sid"], rows=fmt.count(done["rows"], ctx.lang)))
    if file is None:
        return
    raw = file.getvalue()
    try:
        with st.status(ctx.t("demand.checking"), expanded=False) as status:
            read = ingest.read_upload(file.name, raw)
            mapping = ingest.suggest_mapping("demand", read.headers)
            check = ingest.validate(
                "demand", read, mapping, base_snapshot=ctx.store.latest(), as_of=snap.as_of, viewer=ctx.viewer
            )
            status.update(label=check.summary(ctx.lang), state="complete")
    except ingest.IngestError as exc:
        st.warning(exc.message(ctx.lang))
        return
    st.write(check.summary(ctx.lang))
    partial = False
    if check.rows_bad:
        st.warning(ctx.t("demand.has_errors", n=fmt.count(check.rows_bad, ctx.lang)))
        errors = ingest.explain(check.errors, ctx.lang)
        table(ctx, errors.head(500), ERRORS, "demand_upload_errors", width="stretch")
        table_downloads(ctx, errors, ERRORS, "demand_upload_errors", "demand_errors_export")
        partial = st.checkbox(ctx.t("demand.allow_partial"), key="demand_allow_partial")
    st.button(
        ctx.t("demand.commit", n=fmt.count(check.rows_ok, ctx.lang)),
        key=f"demand_commit_{hashlib.sha256(raw).hexdigest()[:12]}",
        on_click=_commit,
        args=(ctx, file, raw, check, partial),
        disabled=check.rows_ok == 0 or (check.rows_bad > 0 and not partial),
        type="primary",
    )
    if st.session_state.get("demand_upload_error"):
        st.warning(st.session_state.pop("demand_upload_error"))


def _height_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Headers of a heights file in Chinese or English (as the editor shows them) back to column codes."""
    back = {}
    for lang in ("zh", "en"):
        back |= {t(PREFIX + c, lang): c for c in demand.HEIGHT_COLUMNS if c != "height_cm"}
        back[t("planpages.height_cm", lang)] = "height_cm"
    return frame.rename({k: v for k, v in back.items() if k in frame.columns and v not in frame.columns})


def heights(ctx) -> None:
    """Tab 4: students' heights (a file, or typed in a table with headers in the language) to sizes."""
    snap = ctx.snapshot
    st.write(ctx.t("demand.heights_intro"))
    example = pl.DataFrame(
        {
            "school_id": ["S0001"] * 3,
            "grade": [1, 1, 1],
            "class_name": [demand.class_name(1, 1)] * 3,
            "height_cm": [118.0, 124.5, 131.0],
        }
    )
    file = st.file_uploader(
        ctx.t("demand.heights_upload"), type=["csv", "txt", "xlsx"], key="demand_heights_file"
    )
    rows_in = example
    if file is not None:
        try:
            rows_in = _height_columns(ingest.read_upload(file.name, file.getvalue()).frame)
        except ingest.IngestError as exc:
            st.warning(exc.message(ctx.lang))
    else:
        # the editor's own columns carry the headers in the language; renamed back after editing
        heads = {c: ctx.t(PREFIX + c) for c in example.columns} | {"height_cm": ctx.t("planpages.height_cm")}
        edited = st.data_editor(
            example.rename(heads).to_pandas(), num_rows="dynamic", key="demand_heights_editor"
        )
        rows_in = pl.from_pandas(edited).rename({v: k for k, v in heads.items()})
    deadline = st.date_input(
        ctx.t("demand.deadline"), value=dt.date(snap.as_of.year, 8, 20), key="demand_heights_deadline"
    )
    try:
        rows = demand.demand_from_heights(rows_in, deadline, collected_at=snap.as_of)
    except demand.HeightsError as exc:
        st.warning(ctx.t("demand.heights_error", msg=str(exc)))
        return
    pieces = fmt.count(rows["qty"].sum(), ctx.lang)
    st.caption(ctx.t("demand.heights_result", rows=fmt.count(rows.height, ctx.lang), pieces=pieces))
    cols = ["school_id", "grade", "class_name", GARMENT, "size", "qty"]
    table(ctx, rows, cols, "demand_heights_table", prefix=PREFIX, width="stretch")
    table_downloads(ctx, demand.to_template(rows), None, "demand_from_heights", "demand_heights_export")
