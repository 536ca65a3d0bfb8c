"""The upload page's steps: column mapping, the user's choices, the validation report and the commit.

Error rows go out with headers in the chosen language (行号/列/值/原因) and every download is
logged; a commit selects the new snapshot in the sidebar and confirms with a toast and a
message that names the snapshot by its label (time, source, user).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.data import schema
from supply.ingest import pipeline as ingest
from supply.ingest.spec import SPECS
from ui.exports import table_downloads
from ui.snapshots import label as snapshot_label
from ui.tables import Col, table

CODED = {
    "category": "category",
    "categories": "category",
    "status": "status",
    "channel": "channel",
    "buyer_type": "buyer_type",
    "garment": "garment",
    "coord_source": "capacity.coord",
}
ERROR_COLS = [
    Col("row", "upload.err_row", "count"),
    Col("column", "upload.err_column"),
    Col("value", "upload.err_value"),
    Col("reason", "upload.err_reason"),
]


@st.cache_data(max_entries=4, show_spinner=False)
def read_file(name: str, data: bytes, sheet: str | None) -> ingest.ReadResult:
    """The upload read as text (cached per file content and sheet)."""
    return ingest.read_upload(name, data, sheet=sheet)


def uploader_text(ctx) -> None:
    """Streamlit writes the file uploader's drop-zone text in English; cover it in the chosen language."""
    if ctx.lang != "zh":
        return
    st.markdown(
        f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {{
  content: "{ctx.t("upload.drop_here")}"; display: block; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{ctx.t("upload.drop_limit")}"; display: block; font-size: 0.8em; opacity: 0.7; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{
  content: "{ctx.t("upload.browse")}"; }}
</style>""",
        unsafe_allow_html=True,
    )


def do_commit(ctx, table_name, validation, base, name, data, allow_partial, headers):
    """Commit button callback: runs before the next run, so the sidebar can show the new snapshot."""
    try:
        snap = ingest.commit(
            ctx.store,
            table_name,
            validation,
            base_snapshot=base,
            source_name=name,
            source_bytes=data,
            allow_partial=allow_partial,
        )
    except ingest.IngestError as exc:
        st.session_state["upload_commit_error"] = exc.message(ctx.lang)
        return
    ingest.remember_mapping(ctx.store, table_name, headers, validation.mapping, validation.crs)
    st.session_state["upload_done"] = {
        "sid": snap.snapshot_id,
        "label": snapshot_label(snap, ctx.lang),
        "rows": validation.rows_ok,
        "left_out": validation.rows_bad if allow_partial else 0,
        "toasted": False,
    }
    st.session_state.pop("upload_result", None)
    st.session_state["snapshot"] = snap.snapshot_id  # the sidebar shows the new snapshot


def show_done(ctx) -> None:
    """The persistent confirmation of the last commit (and a toast once)."""
    done = st.session_state.get("upload_done")
    if not done:
        return
    if not done.get("toasted"):
        st.toast(ctx.t("upload.done_toast", rows=f"{done['rows']:,}"), icon=":material/check_circle:")
        done["toasted"] = True
    st.success(ctx.t("upload.done", sid=done.get("label") or done["sid"], rows=f"{done['rows']:,}"))
    if done["left_out"]:
        st.caption(ctx.t("upload.done_left_out", n=done["left_out"]))


def mapping_step(ctx, table_name: str, read, digest: str) -> dict:
    """Suggested (or remembered) column mapping, confirmed or fixed by the user."""
    st.subheader(ctx.t("upload.step_map"))
    st.caption(ctx.t("upload.map_help"))
    remembered = ingest.remembered_mapping(ctx.store, table_name, read.headers)
    if remembered:
        st.caption(ctx.t("upload.remembered"))
    suggested = ingest.suggest_mapping(table_name, read.headers, remembered)
    options = [""] + read.headers
    mapping = {}
    grid = st.columns(3)
    for i, (target, spec) in enumerate(SPECS[table_name].items()):
        default = suggested.get(target) or ""
        choice = grid[i % 3].selectbox(
            ctx.t(f"upload.col.{target}") + (" *" if spec.required else ""),
            options,
            index=options.index(default),
            format_func=lambda h: h or ctx.t("upload.not_mapped"),
            key=f"upload_map_{table_name}_{target}_{digest}",
        )
        mapping[target] = choice or None
    return mapping


def choices_step(ctx, table_name: str, mapping: dict, base) -> tuple[str, dict]:
    """What the file lacks: coordinate system and the user's explicit defaults; returns (crs, defaults)."""
    st.subheader(ctx.t("upload.step_choose"))
    crs = "wgs84"
    if table_name in ("factories", "schools"):
        crs = st.radio(
            ctx.t("upload.crs"),
            ingest.CRS_CHOICES,
            format_func=lambda c: ctx.t(f"upload.crs.{c}"),
            horizontal=True,
            key="upload_crs",
        )
    defaults: dict = {}
    choose = ctx.t("widget.choose")
    if table_name == "factories":
        clusters = ctx.store.read(base.snapshot_id, "clusters") if base else pl.DataFrame({"cluster_id": []})
        names = (
            dict(zip(clusters["cluster_id"], clusters["name_zh" if ctx.lang == "zh" else "name_en"]))
            if clusters.height
            else {}
        )
        allowed = [ctx.viewer.cluster_id] if ctx.viewer.role == "association" else list(names)
        pick = st.selectbox(
            ctx.t("upload.default_cluster"),
            [""] + allowed,
            format_func=lambda c: names.get(c) or ctx.t("upload.no_choice"),
            key="upload_default_cluster",
        )
        if pick:
            defaults["cluster_id"] = pick
        cats = st.multiselect(
            ctx.t("upload.default_categories"),
            list(schema.CATEGORIES),
            format_func=lambda c: ctx.t(f"category.{c}"),
            key="upload_default_categories",
            placeholder=choose,
        )
        if cats:
            defaults["categories"] = cats
    if table_name in ("capacity", "orders") and not mapping.get("category"):
        pick = st.selectbox(
            ctx.t("upload.default_category"),
            [""] + list(schema.CATEGORIES),
            format_func=lambda c: ctx.t(f"category.{c}") if c else ctx.t("upload.no_choice"),
            key="upload_default_category",
        )
        if pick:
            defaults["category"] = pick
    return crs, defaults


def report_step(ctx, validation, table_name: str) -> None:
    """Row counts, notes, the error rows (localised headers, logged download) and a valid-row preview."""
    cols = st.columns(3)
    cols[0].metric(ctx.t("upload.rows_in"), f"{validation.rows_in:,}")
    cols[1].metric(ctx.t("upload.rows_ok"), f"{validation.rows_ok:,}")
    cols[2].metric(ctx.t("upload.rows_bad"), f"{validation.rows_bad:,}")
    if validation.rows_ok:
        st.caption(ctx.t("upload.new_updated", new=validation.rows_new, updated=validation.rows_updated))
    for key, n in validation.notes.items():
        st.caption("· " + ctx.t(f"ingest.note.{key}", n=n))
    if not validation.errors.is_empty():
        report = ingest.explain(validation.errors, ctx.lang)
        st.markdown("**" + ctx.t("upload.errors") + "**")
        table(ctx, report.head(5_000), ERROR_COLS, "upload_errors")
        table_downloads(ctx, report, ERROR_COLS, "upload-errors", "upload_errors_download")
    if validation.rows_ok:
        with st.expander(ctx.t("upload.valid_preview")):
            valid = validation.valid.drop("_row", "_new").head(200)
            cols = [Col(c, f"upload.col.{c}", codes=CODED.get(c)) for c in valid.columns]
            table(ctx, valid, cols, "upload_valid_preview")
