"""The upload page's steps: the file to disk, column mapping, choices, the validation report, the commit.

The server process keeps an upload only until it is on disk (``take_upload``); reading,
checking and committing run in worker processes (supply/ingest/upload.py), and the page
receives only summaries: the first rows, counts and the first error rows.

Error rows go out with headers in the chosen language (行号/列/值/原因) and every download is
logged; a commit selects the new snapshot in the sidebar and confirms with a toast and a
message that names the snapshot by its label (time, source, user).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from supply.data import schema
from supply.ingest import pipeline as ingest
from supply.ingest import upload
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


def uploader_key() -> str:
    """The file uploader's key; it changes after each upload, so the widget lets go of the file."""
    gen = st.session_state.get("upload_gen", 0)
    return "upload_file" if gen == 0 else f"upload_file_{gen}"


def take_upload(ctx, uploaded) -> None:
    """Copy the upload to disk in blocks, drop it from Streamlit's memory, and rerun without it.

    The browser sends the whole file to the server, which keeps it in its uploaded-file
    manager (bounded by ``server.maxUploadSize``) until the file is removed; here it is
    copied to a private directory at once, removed from the manager, and the uploader's key
    is rotated so no widget state holds it. Every later step reads the file on disk in a
    worker process (supply/ingest/upload.py).
    """
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    upload.drop((st.session_state.pop("upload_saved", None) or {}).get("dir"))
    directory = upload.new_upload_dir(ctx.store.data_dir)
    path = upload.save(uploaded, directory, uploaded.name)
    st.session_state["upload_saved"] = {
        "dir": directory,
        "path": path,
        "name": Path(uploaded.name.replace("\\", "/")).name,
        "bytes": path.stat().st_size,
        "token": directory.name[-8:],
    }
    run_ctx = get_script_run_ctx()
    held = None
    if run_ctx is not None and isinstance(run_ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        mgr = run_ctx.uploaded_file_mgr
        mgr.remove_file(session_id=run_ctx.session_id, file_id=uploaded.file_id)
        held = sum(len(f.data) for f in mgr.file_storage.get(run_ctx.session_id, {}).values())
    st.session_state["upload_held_bytes"] = held  # what the manager still holds for this session
    uploaded.close()  # frees the buffer now: st.rerun's exception keeps this frame (and the file) alive
    for key in ("upload_result", "upload_done", "upload_inspected"):
        st.session_state.pop(key, None)
    st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
    st.rerun()


def inspected(ctx, saved: dict, sheet: str | None) -> upload.Inspected:
    """The saved file's headers, row count and first rows, read once per file and sheet in a worker."""
    key = (saved["token"], sheet)
    cached = st.session_state.get("upload_inspected")
    if cached and cached[0] == key:
        return cached[1]
    with st.spinner(ctx.t("upload.reading")):
        result = upload.inspect(saved["name"], saved["path"], sheet)
    st.session_state["upload_inspected"] = (key, result)
    return result


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


def do_commit(ctx, table_name, checked, saved, allow_partial):
    """Commit button callback: the merge and the new snapshot are made in a worker process."""
    try:
        snap = upload.commit(ctx.store, table_name, saved["path"], saved["name"], allow_partial=allow_partial)
    except ingest.IngestError as exc:
        st.session_state["upload_commit_error"] = exc.message(ctx.lang)
        return
    st.session_state["upload_done"] = {
        "sid": snap.snapshot_id,
        "label": snapshot_label(snap, ctx.lang),
        "rows": checked.rows_ok,
        "left_out": checked.rows_bad if allow_partial else 0,
        "toasted": False,
    }
    st.session_state.pop("upload_result", None)
    upload.drop(st.session_state.pop("upload_saved", {}).get("dir"))  # the raw file is in the snapshot now
    st.session_state.pop("upload_inspected", None)
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
        if validation.errors_total > validation.errors.height:
            st.caption(
                ctx.t(
                    "upload.errors_first",
                    n=f"{validation.errors.height:,}",
                    total=f"{validation.errors_total:,}",
                )
            )
        table(ctx, report, ERROR_COLS, "upload_errors")
        table_downloads(ctx, report, ERROR_COLS, "upload-errors", "upload_errors_download")
    if validation.rows_ok:
        with st.expander(ctx.t("upload.valid_preview")):
            valid = validation.valid
            cols = [Col(c, f"upload.col.{c}", codes=CODED.get(c)) for c in valid.columns]
            table(ctx, valid, cols, "upload_valid_preview")
