"""Data upload (DESIGN §5.7): upload -> read -> map columns -> validate -> commit a new snapshot."""

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from supply.data import schema
from supply.data.export import to_csv_bytes
from supply.ingest import pipeline as ingest
from supply.ingest.spec import ROLE_TABLES, SPECS
from ui import context

ctx = context.get()
st.title(ctx.t("page.data_upload"))
tables = ROLE_TABLES.get(ctx.viewer.role, ())
if not tables:
    st.info(ctx.t("app.not_for_role"))
    st.stop()
st.write(ctx.t("upload.intro"))
st.caption(ctx.t(f"upload.scope.{ctx.viewer.role}"))


@st.cache_data(max_entries=4, show_spinner=False)
def read_file(name: str, data: bytes, sheet: str | None) -> ingest.ReadResult:
    """The upload read as text (cached per file content and sheet)."""
    return ingest.read_upload(name, data, sheet=sheet)


def col_label(column: str) -> str:
    return ctx.t(f"upload.col.{column}")


def do_commit(table, validation, base, name, data, allow_partial, headers):
    """Commit button callback: runs before the next run, so the sidebar can show the new snapshot."""
    try:
        snap = ingest.commit(
            ctx.store,
            table,
            validation,
            base_snapshot=base,
            source_name=name,
            source_bytes=data,
            allow_partial=allow_partial,
        )
    except ingest.IngestError as exc:
        st.session_state["upload_commit_error"] = exc.message(ctx.lang)
        return
    ingest.remember_mapping(ctx.store, table, headers, validation.mapping, validation.crs)
    st.session_state["upload_done"] = {
        "sid": snap.snapshot_id,
        "rows": validation.rows_ok,
        "left_out": validation.rows_bad if allow_partial else 0,
    }
    st.session_state.pop("upload_result", None)
    st.session_state["snapshot"] = snap.snapshot_id  # the sidebar shows the new snapshot


table = st.selectbox(
    ctx.t("upload.table"), tables, format_func=lambda t: ctx.t(f"upload.table.{t}"), key="upload_table"
)
upload = st.file_uploader(ctx.t("upload.file"), type=["csv", "txt", "tsv", "xlsx", "xlsm"], key="upload_file")
base = ctx.store.latest()  # commits merge into the newest snapshot, whatever the sidebar shows
if upload is None:
    st.session_state.pop("upload_done", None)
    st.info(ctx.t("upload.hint"))
    st.stop()

data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()[:12]
done = st.session_state.get("upload_done")
if done:
    st.success(ctx.t("upload.done", sid=done["sid"], rows=done["rows"]))
    if done["left_out"]:
        st.caption(ctx.t("upload.done_left_out", n=done["left_out"]))
if "upload_commit_error" in st.session_state:
    st.error(st.session_state.pop("upload_commit_error"))

sheet = st.session_state.get(f"upload_sheet_{digest}")
try:
    read = read_file(upload.name, data, sheet)
except ingest.IngestError as exc:
    st.error(exc.message(ctx.lang))
    st.stop()
if len(read.sheets) > 1:
    st.selectbox(ctx.t("upload.sheet"), read.sheets, key=f"upload_sheet_{digest}")
if read.encoding:
    st.caption(ctx.t("upload.read_info", rows=read.frame.height, cols=read.frame.width, enc=read.encoding))
else:
    st.caption(
        ctx.t("upload.read_info_xlsx", rows=read.frame.height, cols=read.frame.width, sheet=read.sheet)
    )
for warning in read.warnings:
    st.warning(warning)
with st.expander(ctx.t("upload.preview")):
    st.dataframe(read.frame.head(20), key="upload_preview")
st.caption(ctx.t("upload.base", sid=base.snapshot_id) if base else ctx.t("upload.no_base"))

# 1. column mapping: suggested (or remembered), confirmed or fixed by the user
st.subheader(ctx.t("upload.step_map"))
st.caption(ctx.t("upload.map_help"))
remembered = ingest.remembered_mapping(ctx.store, table, read.headers)
if remembered:
    st.caption(ctx.t("upload.remembered"))
suggested = ingest.suggest_mapping(table, read.headers, remembered)
options = [""] + read.headers
mapping = {}
grid = st.columns(3)
for i, (target, spec) in enumerate(SPECS[table].items()):
    default = suggested.get(target) or ""
    choice = grid[i % 3].selectbox(
        col_label(target) + (" *" if spec.required else ""),
        options,
        index=options.index(default),
        format_func=lambda h: h or ctx.t("upload.not_mapped"),
        key=f"upload_map_{table}_{target}_{digest}",
    )
    mapping[target] = choice or None

# 2. what the file lacks: coordinate system, the user's explicit choices, the data date
st.subheader(ctx.t("upload.step_choose"))
crs = "wgs84"
if table in ("factories", "schools"):
    crs = st.radio(
        ctx.t("upload.crs"),
        ingest.CRS_CHOICES,
        format_func=lambda c: ctx.t(f"upload.crs.{c}"),
        horizontal=True,
        key="upload_crs",
    )
defaults: dict = {}
if table == "factories":
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
    )
    if cats:
        defaults["categories"] = cats
if table in ("capacity", "orders") and not mapping.get("category"):
    pick = st.selectbox(
        ctx.t("upload.default_category"),
        [""] + list(schema.CATEGORIES),
        format_func=lambda c: ctx.t(f"category.{c}") if c else ctx.t("upload.no_choice"),
        key="upload_default_category",
    )
    if pick:
        defaults["category"] = pick
as_of = st.date_input(
    ctx.t("upload.as_of"),
    value=ingest.default_as_of(base),
    help=ctx.t("upload.as_of_help"),
    key="upload_as_of",
)

missing = [t for t, s in SPECS[table].items() if s.required and not mapping.get(t) and t not in defaults]
if missing:
    st.warning(
        ctx.t(
            "upload.missing", cols="、".join(col_label(c) for c in missing), headers="、".join(read.headers)
        )
    )

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
    validation = ingest.validate(
        table,
        read,
        mapping,
        base_snapshot=base,
        crs=crs,
        as_of=as_of,
        defaults=defaults,
        viewer=ctx.viewer,
        progress=lambda f, _m: bar.progress(min(f, 1.0), text=ctx.t("upload.validating")),
    )
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
    st.dataframe(
        report.head(5_000),
        key="upload_errors",
        hide_index=True,
        column_config={
            "row": ctx.t("upload.err_row"),
            "column": ctx.t("upload.err_column"),
            "value": ctx.t("upload.err_value"),
            "reason": st.column_config.TextColumn(ctx.t("upload.err_reason"), width="large"),
        },
    )
    st.download_button(
        ctx.t("upload.errors_download"),
        to_csv_bytes(report),
        file_name=f"{table}-errors.csv",
        mime="text/csv",
        key="upload_errors_download",
    )
if validation.rows_ok:
    with st.expander(ctx.t("upload.valid_preview")):
        st.dataframe(validation.valid.drop("_row", "_new").head(200), key="upload_valid_preview")

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
    on_click=do_commit,
    args=(table, validation, base, upload.name, data, allow_partial, read.headers),
)
