"""Download buttons for CSV, XLSX and report files; every download is logged (supply/access/audit.py).

The log records role, user, report, format, rows, snapshot and time; administrators read it
on the Snapshot history page. Tables go out with localised headers and labels, numbers kept
numeric and dates kept as dates (ui/tables.py ``export_frame``; supply/data/export.py).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.access import audit
from supply.data import export
from ui.tables import Col, export_frame

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _log(ctx, report: str, fmt: str, rows: int, file_name: str) -> None:
    audit.log_export(
        ctx.store.data_dir,
        ctx.viewer,
        report=report,
        fmt=fmt,
        snapshot_id=ctx.snapshot.snapshot_id,
        rows=rows,
        file_name=file_name,
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
) -> None:
    """CSV (UTF-8 with BOM, formula-safe) and XLSX downloads of a localised table, each logged."""
    out, kinds = export_frame(frame, cols or list(frame.columns), ctx.lang, prefix)
    slots = columns or st.columns(2)
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
