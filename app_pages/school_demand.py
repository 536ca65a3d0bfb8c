"""School demand (DESIGN §5.4): collection by school and class, pooling, template, upload, heights."""

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from supply.data.export import filename, to_csv_bytes, to_xlsx_bytes
from supply.i18n import fmt_int, fmt_pct, label
from supply.ingest import pipeline as ingest
from supply.maps import geo
from supply.planning import demand
from ui import context, data

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("page.demand"))
st.caption(ctx.t("app.snapshot_caption", sid=snap.snapshot_id, as_of=snap.as_of.isoformat()))
st.write(ctx.t("demand.intro"))


def show(frame: pl.DataFrame, key: str, coded: dict | None = None) -> None:
    """A table with translated headers and coded values written out."""
    coded = coded or {}
    exprs = []
    for name in frame.columns:
        col = pl.col(name)
        if name in coded:
            col = col.map_elements(lambda c, k=coded[name]: label(k, c, ctx.lang), return_dtype=pl.String)
        elif frame.schema[name] == pl.Date:
            col = col.cast(pl.String)
        exprs.append(col.alias(ctx.t(f"demand.col.{name}")))
    st.dataframe(frame.select(exprs), hide_index=True, width="stretch", key=key)


def downloads(frame: pl.DataFrame, report: str, key: str) -> None:
    """CSV and XLSX download buttons (UTF-8 with BOM, formula-safe) through supply.data.export."""
    c1, c2 = st.columns(2)
    c1.download_button(
        ctx.t("demand.download_csv"),
        to_csv_bytes(frame),
        filename(report, ctx.cluster_id, snap.snapshot_id, "csv"),
        "text/csv",
        key=f"{key}_csv",
    )
    c2.download_button(
        ctx.t("demand.download_xlsx"),
        to_xlsx_bytes(frame, sheet=report),
        filename(report, ctx.cluster_id, snap.snapshot_id, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


tabs = st.tabs(
    [
        ctx.t("demand.tab_collection"),
        ctx.t("demand.tab_pooling"),
        ctx.t("demand.tab_upload"),
        ctx.t("demand.tab_heights"),
    ]
)

# -- collection ----------------------------------------------------------------------------
with tabs[0]:
    by_school = demand.collection_status(data.run(ctx, "demand_collection_by_school"))
    by_class = data.run(ctx, "demand_collection_by_class")
    cols = st.columns(5)
    cols[0].metric(ctx.t("demand.schools"), fmt_int(by_school.height, ctx.lang))
    cols[1].metric(ctx.t("demand.classes_expected"), fmt_int(by_school["classes_expected"].sum(), ctx.lang))
    cols[2].metric(ctx.t("demand.classes_collected"), fmt_int(by_school["classes_collected"].sum(), ctx.lang))
    cols[3].metric(ctx.t("demand.classes_missing"), fmt_int(by_school["classes_missing"].sum(), ctx.lang))
    cols[4].metric(ctx.t("demand.pieces"), fmt_int(by_school["pieces"].sum(), ctx.lang))
    st.subheader(ctx.t("demand.by_school"))
    show(
        by_school.select(
            "school_id",
            "name",
            "stage",
            "classes_expected",
            "classes_collected",
            "classes_missing",
            "collected_share",
            "pieces",
            "deadline",
            "last_collected",
        ).with_columns(pl.col("collected_share").map_elements(fmt_pct, return_dtype=pl.String)),
        "demand_by_school_table",
        {"stage": "demand.stage"},
    )
    st.subheader(ctx.t("demand.missing_title"))
    missing = demand.missing_classes(by_school, by_class)
    if missing.height == 0:
        st.success(ctx.t("demand.none_missing"))
    else:
        schools = ["", *missing["school_id"].unique().sort().to_list()]
        pick = st.selectbox(
            ctx.t("demand.pick_school"),
            schools,
            key="demand_missing_school",
            format_func=lambda s: s or ctx.t("demand.all_schools"),
        )
        shown = missing.filter(pl.col("school_id") == pick) if pick else missing
        st.caption(ctx.t("demand.missing_count", n=fmt_int(shown.height, ctx.lang)))
        show(shown, "demand_missing_table")
        downloads(shown, "missing_classes", "demand_missing_export")

# -- pooling ---------------------------------------------------------------------------------
with tabs[1]:
    sizes = data.run(ctx, "planning_demand_sizes")
    stats = demand.pooling_stats(sizes)
    st.write(ctx.t("demand.pooling_intro"))
    cols = st.columns(4)
    cols[0].metric(ctx.t("demand.lots_per_school"), fmt_int(stats["lots_per_school"], ctx.lang))
    cols[1].metric(ctx.t("demand.lots_pooled_by_week"), fmt_int(stats["lots_pooled_by_week"], ctx.lang))
    cols[2].metric(ctx.t("demand.mean_lot_per_school"), fmt_int(stats["mean_lot_per_school"], ctx.lang))
    cols[3].metric(ctx.t("demand.mean_lot_pooled"), fmt_int(stats["mean_lot_pooled_by_week"], ctx.lang))
    st.subheader(ctx.t("demand.totals_garment_size"))
    totals = data.run(ctx, "demand_totals_by_garment_size")
    show(totals, "demand_totals_table", {"garment": "garment"})
    downloads(totals, "pooled_totals", "demand_totals_export")
    st.subheader(ctx.t("demand.totals_school"))
    show(demand.school_garment_table(data.run(ctx, "planning_demand_groups")), "demand_school_table")
    st.subheader(ctx.t("demand.totals_county"))
    county = data.run(ctx, "demand_totals_by_county")
    names = geo.county_names()
    show(
        county.with_columns(county=pl.col("adcode").replace_strict(names, default=None)).select(
            "adcode", "county", "garment", "schools", "pieces"
        ),
        "demand_county_table",
        {"garment": "garment"},
    )

# -- template and upload --------------------------------------------------------------------------
with tabs[2]:
    st.write(ctx.t("demand.template_intro"))
    schools = data.run(ctx, "demand_collection_by_school")
    prefill = st.selectbox(
        ctx.t("demand.template_school"),
        ["", *schools["school_id"].to_list()],
        key="demand_template_school",
        format_func=lambda s: s or ctx.t("demand.template_blank"),
    )
    deadline = st.date_input(
        ctx.t("demand.deadline"), value=dt.date(snap.as_of.year, 8, 20), key="demand_template_deadline"
    )
    tmpl = demand.template_frame(
        schools.filter(pl.col("school_id") == prefill) if prefill else None, deadline
    )
    downloads(tmpl, "demand_template", "demand_template_export")
    st.divider()
    upload = st.file_uploader(ctx.t("demand.upload"), type=["csv", "txt", "xlsx"], key="demand_upload")
    done = st.session_state.get("demand_upload_done")
    if done:
        st.success(ctx.t("demand.committed", sid=done["sid"], rows=fmt_int(done["rows"], ctx.lang)))
    if upload is not None:
        raw = upload.getvalue()
        digest = hashlib.sha256(raw).hexdigest()[:12]
        try:
            with st.status(ctx.t("demand.checking"), expanded=False) as status:
                read = ingest.read_upload(upload.name, raw)
                mapping = ingest.suggest_mapping("demand", read.headers)
                check = ingest.validate(
                    "demand",
                    read,
                    mapping,
                    base_snapshot=ctx.store.latest(),
                    as_of=snap.as_of,
                    viewer=ctx.viewer,
                    progress=lambda f, m: status.update(label=ctx.t("demand.checking")),
                )
                status.update(label=check.summary(ctx.lang), state="complete")
        except ingest.IngestError as exc:
            st.warning(exc.message(ctx.lang))
            st.stop()
        st.write(check.summary(ctx.lang))
        if check.rows_bad:
            st.warning(ctx.t("demand.has_errors", n=fmt_int(check.rows_bad, ctx.lang)))
            errors = ingest.explain(check.errors, ctx.lang)
            st.dataframe(errors.head(500), hide_index=True, width="stretch", key="demand_upload_errors")
            downloads(errors, "demand_upload_errors", "demand_errors_export")
        partial = (
            st.checkbox(ctx.t("demand.allow_partial"), key="demand_allow_partial")
            if check.rows_bad
            else False
        )

        def commit_upload():
            """Commit callback: writes a new snapshot through the store and selects it."""
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

        st.button(
            ctx.t("demand.commit", n=fmt_int(check.rows_ok, ctx.lang)),
            key=f"demand_commit_{digest}",
            on_click=commit_upload,
            disabled=check.rows_ok == 0 or (check.rows_bad > 0 and not partial),
            type="primary",
        )
        if st.session_state.get("demand_upload_error"):
            st.warning(st.session_state.pop("demand_upload_error"))

# -- heights to sizes ----------------------------------------------------------------------------
with tabs[3]:
    st.write(ctx.t("demand.heights_intro"))
    example = pl.DataFrame(
        {
            "school_id": ["S0001"] * 3,
            "grade": [1, 1, 1],
            "class_name": ["1年级1班"] * 3,
            "height_cm": [118.0, 124.5, 131.0],
        }
    )
    heights_file = st.file_uploader(
        ctx.t("demand.heights_upload"), type=["csv", "txt", "xlsx"], key="demand_heights_file"
    )
    if heights_file is not None:
        try:
            read = ingest.read_upload(heights_file.name, heights_file.getvalue())
            heights = read.frame
        except ingest.IngestError as exc:
            st.warning(exc.message(ctx.lang))
            heights = example
    else:
        heights = pl.from_pandas(
            st.data_editor(example.to_pandas(), num_rows="dynamic", key="demand_heights_editor")
        )
    h_deadline = st.date_input(
        ctx.t("demand.deadline"), value=dt.date(snap.as_of.year, 8, 20), key="demand_heights_deadline"
    )
    try:
        rows = demand.demand_from_heights(heights, h_deadline, collected_at=snap.as_of)
    except demand.HeightsError as exc:
        st.warning(ctx.t("demand.heights_error", msg=str(exc)))
    else:
        st.caption(
            ctx.t(
                "demand.heights_result",
                rows=fmt_int(rows.height, ctx.lang),
                pieces=fmt_int(rows["qty"].sum(), ctx.lang),
            )
        )
        show(
            rows.select("school_id", "grade", "class_name", "garment", "size", "qty"),
            "demand_heights_table",
            {"garment": "garment"},
        )
        downloads(demand.to_template(rows), "demand_from_heights", "demand_heights_export")
