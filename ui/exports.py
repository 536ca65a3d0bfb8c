"""Download buttons for CSV and XLSX exports (supply/data/export.py), each download logged (supply/access/audit.py)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.access import audit
from supply.data import export


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


def export_buttons(ctx, frame: pl.DataFrame, report: str, key: str, sheet: str | None = None) -> None:
    """A CSV (UTF-8 with BOM, formula-safe) and an XLSX download of ``frame``; each click is logged."""
    cluster = ctx.viewer.factory_id or ctx.cluster_id
    cols = st.columns(2)
    for col, fmt, data, mime in (
        (cols[0], "csv", export.to_csv_bytes(frame), "text/csv"),
        (
            cols[1],
            "xlsx",
            export.to_xlsx_bytes(frame, sheet=sheet or report),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ):
        name = export.filename(report, cluster, ctx.snapshot.snapshot_id, fmt)
        col.download_button(
            ctx.t(f"my_factory.download_{fmt}"),
            data=data,
            file_name=name,
            mime=mime,
            key=f"{key}_{fmt}",
            on_click=_log,
            args=(ctx, report, fmt, frame.height, name),
            icon=":material/download:",
        )
