"""Download buttons for CSV, XLSX and report files; every download is logged (supply/access/audit.py).

The log records role, user, report, format, rows, snapshot and time; administrators read it
on the Snapshot history page. Tables go out with localised headers and labels, numbers kept
numeric and dates kept as dates (ui/tables.py ``export_frame``; supply/data/export.py).

Large tables are never built on a rerun: ``streamed_downloads`` hands Streamlit a callable
that runs only when the button is clicked; it streams the unpaged query to a temporary file
(supply/engine/paging.py ``export_csv`` / ``export_xlsx``), logs the download with the rows
written, and serves that file. ``table_downloads(..., lazy=True)`` defers a frame's files the same way.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from supply.access import audit
from supply.data import export
from supply.engine import paging
from ui import data as queries
from ui.tables import Col, columns_of, export_frame

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _log(ctx, report: str, fmt: str, rows: int, file_name: str) -> None:
    _log_to(ctx.store.data_dir, ctx.viewer, ctx.snapshot.snapshot_id, report, fmt, rows, file_name)


def _log_to(data_dir, viewer, snapshot_id: str, report: str, fmt: str, rows: int, file_name: str) -> None:
    audit.log_export(
        data_dir, viewer, report=report, fmt=fmt, snapshot_id=snapshot_id, rows=rows, file_name=file_name
    )


def file_name(ctx, report: str, ext: str) -> str:
    """report_cluster-or-factory_snapshot.ext."""
    return export.filename(report, ctx.viewer.factory_id or ctx.cluster_id, ctx.snapshot.snapshot_id, ext)


def download(
    ctx, label: str, data: bytes, report: str, ext: str, mime: str, rows: int, key: str, container=None
):
    """One logged download button."""
    name = file_name(ctx, report, ext)
    return (container or st).download_button(
        label,
        data=data,
        file_name=name,
        mime=mime,
        key=key,
        on_click=_log,
        args=(ctx, report, ext, rows, name),
        icon=":material/download:",
    )


def table_downloads(
    ctx,
    frame: pl.DataFrame,
    cols: list[Col | str] | None,
    report: str,
    key: str,
    prefix: str = "",
    columns=None,
    lazy: bool = False,
) -> None:
    """CSV (UTF-8 with BOM, formula-safe) and XLSX downloads of a localised table, each logged.

    ``lazy``: the files are made only when a button is clicked (for frames of thousands of rows).
    """
    slots = columns or st.columns(2)
    if lazy:
        lang = ctx.lang

        def make(ext: str):
            out, kinds = export_frame(frame, cols or list(frame.columns), lang, prefix)
            if ext == "csv":
                return export.to_csv_bytes(export.rounded(out, kinds)), out.height
            return export.to_xlsx_bytes(out, sheet=report[:31], kinds=kinds), out.height

        for slot, ext in zip(slots, ("csv", "xlsx")):
            _deferred(ctx, slot, ext, report, key, functools.partial(make, ext))
        return
    out, kinds = export_frame(frame, cols or list(frame.columns), ctx.lang, prefix)
    download(
        ctx,
        ctx.t("dl.csv"),
        export.to_csv_bytes(export.rounded(out, kinds)),
        report,
        "csv",
        "text/csv",
        out.height,
        f"{key}_csv",
        slots[0],
    )
    download(
        ctx,
        ctx.t("dl.xlsx"),
        export.to_xlsx_bytes(out, sheet=report[:31], kinds=kinds),
        report,
        "xlsx",
        XLSX_MIME,
        out.height,
        f"{key}_xlsx",
        slots[1],
    )


def export_buttons(ctx, frame: pl.DataFrame, report: str, key: str, sheet: str | None = None) -> None:
    """CSV and XLSX downloads of ``frame`` as it is (columns already localised), each logged."""
    cols = st.columns(2)
    download(
        ctx,
        ctx.t("my_factory.download_csv"),
        export.to_csv_bytes(frame),
        report,
        "csv",
        "text/csv",
        frame.height,
        f"{key}_csv",
        cols[0],
    )
    download(
        ctx,
        ctx.t("my_factory.download_xlsx"),
        export.to_xlsx_bytes(frame, sheet=sheet or report),
        report,
        "xlsx",
        XLSX_MIME,
        frame.height,
        f"{key}_xlsx",
        cols[1],
    )


MIMES = {"csv": "text/csv", "xlsx": XLSX_MIME}


def _deferred(ctx, slot, ext: str, report: str, key: str, make) -> None:
    """A download button whose file ``make() -> (bytes or file, rows)`` is made on click, then logged."""
    name = file_name(ctx, report, ext)
    log = functools.partial(_log_to, ctx.store.data_dir, ctx.viewer, ctx.snapshot.snapshot_id, report, ext)

    def on_click():
        body, rows = make()
        log(rows, name)
        return body

    slot.download_button(
        ctx.t(f"dl.{ext}"),
        data=on_click,
        file_name=name,
        mime=MIMES[ext],
        key=f"{key}_{ext}",
        on_click="ignore",
        icon=":material/download:",
    )


def _stream_file(db, query: str, params: dict, cols: list, prefix: str, lang: str, ext: str, sheet: str):
    """Write the query's rows, localised, to a temporary file; (open file, rows). The file is
    unlinked at once (Linux keeps it while open), so nothing is left behind."""
    folder = tempfile.mkdtemp(prefix="supply-export-")
    path = Path(folder) / f"export.{ext}"

    def localise(batch: pl.DataFrame):
        return export_frame(batch, columns_of(batch, cols, prefix), lang)

    try:
        if ext == "csv":
            rows = paging.export_csv(db, query, path, transform=localise, bom=True, **params)
        else:
            rows = paging.export_xlsx(db, query, path, transform=localise, sheet=sheet, **params)
        handle = open(path, "rb")  # noqa: SIM115 - Streamlit reads and closes it
    finally:
        path.unlink(missing_ok=True)
        Path(folder).rmdir()
    return handle, rows


def streamed_downloads(
    ctx,
    query: str,
    params: dict,
    cols: list[Col | str],
    report: str,
    key: str,
    columns=None,
    prefix: str = "",
) -> None:
    """CSV and XLSX of every row of an unpaged query, streamed to a file when clicked, each logged."""
    v = ctx.viewer
    db = queries.database(
        str(ctx.store.data_dir), ctx.snapshot.snapshot_id, v.role, v.factory_id, v.cluster_id
    )
    slots = columns or st.columns(2)
    for slot, ext in zip(slots, ("csv", "xlsx")):
        make = functools.partial(
            _stream_file, db, query, dict(params), list(cols), prefix, ctx.lang, ext, report[:31]
        )
        _deferred(ctx, slot, ext, report, key, make)
