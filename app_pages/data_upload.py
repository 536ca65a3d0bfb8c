"""Data upload (DESIGN §5.7): upload -> read -> map columns -> validate -> commit a new snapshot.

The file goes to disk at once and every heavy step runs in a worker process (ui/upload_view.py).
"""

import datetime as dt

import streamlit as st

from supply.ingest import pipeline as ingest
from supply.ingest import upload
from supply.ingest.spec import ROLE_TABLES, SPECS
from ui import context, upload_view
from ui.snapshots import label as snapshot_label
from ui.tables import table as localised_table

ctx = context.get()
st.title(ctx.t("page.data_upload"))
tables = ROLE_TABLES.get(ctx.viewer.role, ())
if not tables:
    st.info(ctx.t("app.not_for_role"))
    st.stop()
st.write(ctx.t("upload.intro"))
st.caption(ctx.t(f"upload.scope.{ctx.viewer.role}"))

table = st.selectbox(
    ctx.t("upload.table"), tables, format_func=lambda t: ctx.t(f"upload.table.{t}"), key="upload_table"
)
upload_view.uploader_text(ctx)
uploaded = st.file_uploader(
    ctx.t("upload.file"),
    type=["csv", "txt", "tsv", "xlsx", "xlsm"],
    key=upload_view.uploader_key(),
    help=ctx.t("upload.hint"),
)
if uploaded is not None:
    upload_view.take_upload(ctx, uploaded)  # to disk, out of Streamlit's memory, then a rerun
base = ctx.store.latest()  # commits merge into the newest snapshot, whatever the sidebar shows
upload_view.show_done(ctx)
saved = st.session_state.get("upload_saved")
if not saved:
    st.info(ctx.t("upload.hint"))
    st.stop()
st.caption(ctx.t("upload.saved", name=saved["name"], mb=f"{saved['bytes'] / 1e6:,.1f}"))
digest = saved["token"]
if "upload_commit_error" in st.session_state:
    st.error(st.session_state.pop("upload_commit_error"))
sheet = st.session_state.get(f"upload_sheet_{digest}")
try:
    read = upload_view.inspected(ctx, saved, sheet)
except ingest.IngestError as exc:
    st.error(exc.message(ctx.lang))
    st.stop()
if len(read.sheets) > 1:
    st.selectbox(ctx.t("upload.sheet"), read.sheets, key=f"upload_sheet_{digest}")
if read.encoding:
    st.caption(ctx.t("upload.read_info", rows=read.rows, cols=len(read.headers), enc=read.encoding))
else:
    st.caption(ctx.t("upload.read_info_xlsx", rows=read.rows, cols=len(read.headers), sheet=read.sheet))
for warning in read.warnings:
    st.warning(warning)
with st.expander(ctx.t("upload.preview")):
    localised_table(ctx, read.head, list(read.head.columns), "upload_preview")  # the file's own headers
st.caption(ctx.t("upload.base", sid=snapshot_label(base, ctx.lang)) if base else ctx.t("upload.no_base"))

mapping = upload_view.mapping_step(ctx, table, read, digest)
crs, defaults = upload_view.choices_step(ctx, table, mapping, base)
as_of = st.date_input(
    ctx.t("upload.as_of"),
    value=ingest.default_as_of(base),
    help=ctx.t("upload.as_of_help"),
    key="upload_as_of",
    format="YYYY-MM-DD",
)
missing = [t for t, s in SPECS[table].items() if s.required and not mapping.get(t) and t not in defaults]
if missing:
    cols = "、".join(ctx.t(f"upload.col.{c}") for c in missing)
    st.warning(ctx.t("upload.missing", cols=cols, headers="、".join(read.headers)))

# 3. validate, with progress
st.subheader(ctx.t("upload.step_validate"))
signature = (
    digest,
    table,
    sheet,
    tuple(sorted((k, v or "") for k, v in mapping.items())),
    crs,
    repr(sorted(defaults.items())),
    as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of),
    base.snapshot_id if base else None,
    ctx.viewer.scope_key,
)
if st.button(ctx.t("upload.validate"), key="upload_validate", type="primary", disabled=bool(missing)):
    bar = st.progress(0.0, text=ctx.t("upload.validating"))
    try:  # read, parsed and checked in a worker process; the page gets counts and the first rows
        validation = upload.check(
            ctx.store,
            table,
            saved["path"],
            mapping=mapping,
            crs=crs,
            as_of=as_of,
            defaults=defaults,
            viewer=ctx.viewer,
            sheet=sheet,
            headers=read.headers,
            progress=lambda f, _m: bar.progress(min(f, 1.0), text=ctx.t("upload.validating")),
        )
    except ingest.IngestError as exc:
        bar.empty()
        st.error(exc.message(ctx.lang))
        st.stop()
    bar.empty()
    st.session_state["upload_result"] = {"signature": signature, "validation": validation}
    st.session_state.pop("upload_done", None)

result = st.session_state.get("upload_result")
if not result:
    st.stop()
if result["signature"] != signature:
    st.info(ctx.t("upload.stale"))
    st.stop()
validation = result["validation"]
upload_view.report_step(ctx, validation, table)

# 4. commit: all rows, or only the valid ones when the user ticks it
st.subheader(ctx.t("upload.step_commit"))
allow_partial = False
if validation.rows_bad and validation.rows_ok:
    allow_partial = st.checkbox(
        ctx.t("upload.allow_partial", bad=validation.rows_bad), key="upload_allow_partial"
    )
can_commit = validation.rows_ok > 0 and (validation.rows_bad == 0 or allow_partial)
if validation.rows_bad and not allow_partial:
    st.caption(ctx.t("upload.commit_blocked"))
st.button(
    ctx.t("upload.commit"),
    key="upload_commit",
    type="primary",
    disabled=not can_commit,
    on_click=upload_view.do_commit,
    args=(ctx, table, validation, saved, allow_partial),
)
